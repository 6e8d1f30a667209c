// papers_hub_tree_tb — Icarus Verilog check of papers_hub_tree against the flat papers_hub.
//
//   iverilog -g2012 -P papers_hub_tree_tb.PORTS_PER_LEAF=2 -P papers_hub_tree_tb.FANOUT=3 \
//            -P papers_hub_tree_tb.LEVELS=3 -o tb.vvp papers_hub_tree_tb.sv ../rtl/*.sv && vvp -n tb.vvp
//
// Both hubs get the same ports, enable mask and inputs every clock. The claim checked: at every
// clock, every leaf's G/R equal the flat hub's G/R of 2*(LEVELS-1) clocks earlier (the tree
// only adds link registers, one up and one down per level). Every mismatch is a $fatal; the
// last line is "PASS". Parts:
//   1. directed: latency_o = 2*LEVELS+1, version_o = 1, one operation settles in exactly
//      latency_o clocks (not one fewer) on every leaf;
//   2. random: inputs change every clock, enable masks that switch whole leaves off (neutral
//      subtrees), leave one leaf alone, or are random; compared clock by clock;
//   3. asynchronous reset in the middle of a run (both hubs), then more random clocks.

module papers_hub_tree_tb #(
  parameter int PORTS_PER_LEAF = 2,
  parameter int FANOUT         = 3,
  parameter int LEVELS         = 2,
  parameter int NCYCLES        = 20000,
  parameter int SEED           = 1
);

  localparam int HalfPeriod = 10;  // 20 ns hub clock
  localparam int NLeaves    = FANOUT ** (LEVELS - 1);
  localparam int NPorts     = PORTS_PER_LEAF * NLeaves;
  localparam int Delay      = 2 * (LEVELS - 1);  // tree latency - flat latency

  logic                 clk = 1'b0;
  logic                 rst_n;
  logic [NPorts-1:0]    en;
  logic [4*NPorts-1:0]  x;
  logic [NPorts-1:0]    s;
  logic [NLeaves-1:0]   tree_g;
  logic [4*NLeaves-1:0] tree_r;
  logic [7:0]           tree_version, tree_latency;
  logic                 flat_g;
  logic [3:0]           flat_r;
  logic [7:0]           flat_version, flat_latency;

  papers_hub_tree #(
    .PORTS_PER_LEAF (PORTS_PER_LEAF),
    .FANOUT         (FANOUT),
    .LEVELS         (LEVELS)
  ) dut (
    .clk_i     (clk),
    .rst_ni    (rst_n),
    .en_i      (en),
    .x_i       (x),
    .s_i       (s),
    .g_o       (tree_g),
    .r_o       (tree_r),
    .version_o (tree_version),
    .latency_o (tree_latency)
  );

  papers_hub #(
    .NPORTS (NPorts)
  ) u_flat (
    .clk_i     (clk),
    .rst_ni    (rst_n),
    .en_i      (en),
    .x_i       (x),
    .s_i       (s),
    .g_o       (flat_g),
    .r_o       (flat_r),
    .version_o (flat_version),
    .latency_o (flat_latency)
  );

  always #HalfPeriod clk = ~clk;

  // ---- the flat hub's G/R, delayed by Delay clocks (reset like the tree: 0) ---------------
  logic [Delay-1:0]   dly_g;
  logic [4*Delay-1:0] dly_r;
  logic               want_g;
  logic [3:0]         want_r;
  int                 g_changes;

  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      dly_g <= '0;
      dly_r <= '0;
    end else begin
      dly_g <= {dly_g, flat_g};
      dly_r <= {dly_r, flat_r};
      if (flat_g != dly_g[0]) g_changes <= g_changes + 1;  // dly_g[0]: last clock's flat G
    end
  end
  assign want_g = dly_g[Delay-1];
  assign want_r = dly_r[4*Delay-1 -: 4];

  // ---- helpers ------------------------------------------------------------------------------
  task automatic clocks(input int n);
    repeat (n) @(negedge clk);
  endtask

  task automatic expect_leaves(input logic eg, input logic [3:0] er, input string what);
    for (int k = 0; k < NLeaves; k++) begin
      if (tree_g[k] !== eg || tree_r[4*k +: 4] !== er) begin
        $fatal(1, "FAIL %s (tree %0dx%0dx%0d, t=%0t): leaf %0d g=%b r=%h, expected g=%b r=%h",
               what, PORTS_PER_LEAF, FANOUT, LEVELS, $time, k, tree_g[k], tree_r[4*k +: 4],
               eg, er);
      end
    end
  endtask

  function automatic logic [3:0] nand_enabled(input logic [NPorts-1:0] e,
                                              input logic [4*NPorts-1:0] xs);
    logic [3:0] acc;
    acc = 4'hF;
    for (int i = 0; i < NPorts; i++) begin
      if (e[i]) acc = acc & xs[4*i +: 4];
    end
    return ~acc;
  endfunction

  // A random enable mask, leaf by leaf: whole leaves off (neutral subtrees), whole leaves on,
  // or random ports.
  function automatic logic [NPorts-1:0] random_enable();
    logic [NPorts-1:0] e;
    int only;
    e = '0;
    case ($urandom % 6)
      0: e = '0;
      1: e = '1;
      2: begin  // one leaf alone: every other subtree neutral
        only = $urandom % NLeaves;
        e[only*PORTS_PER_LEAF +: PORTS_PER_LEAF] = '1;
      end
      default: begin
        for (int k = 0; k < NLeaves; k++) begin
          case ($urandom % 3)
            0: e[k*PORTS_PER_LEAF +: PORTS_PER_LEAF] = '0;
            1: e[k*PORTS_PER_LEAF +: PORTS_PER_LEAF] = '1;
            default: e[k*PORTS_PER_LEAF +: PORTS_PER_LEAF] = PORTS_PER_LEAF'($urandom);
          endcase
        end
      end
    endcase
    return e;
  endfunction

  task automatic random_clocks(input int n);
    int flip;
    for (int c = 0; c < n; c++) begin
      if (c % 500 == 0) en = random_enable();
      for (int i = 0; i < NPorts; i++) x[4*i +: 4] = 4'($urandom);
      // Strobes: often all equal (so G moves), otherwise one port flips or all are random.
      case ($urandom % 4)
        0: s = {NPorts{1'($urandom)}};
        1: begin
          flip = $urandom % NPorts;
          s[flip] = ~s[flip];
        end
        2: s = NPorts'($urandom);
        default: ;
      endcase
      @(negedge clk);
      expect_leaves(want_g, want_r, "random sequence vs delayed flat hub");
    end
  endtask

  // ---- stimulus -----------------------------------------------------------------------------
  logic [4*NPorts-1:0] xs;
  int                  seed;
  int                  latency;

  initial begin
    seed = SEED;
    seed = $urandom(seed);  // seeds the generator (Icarus 11 has no void' cast)
    g_changes = 0;
    latency = 2 * LEVELS + 1;

    // 1. directed -------------------------------------------------------------------------
    rst_n = 1'b0;
    en = '1;
    x = '0;
    s = '0;
    #1;
    expect_leaves(1'b0, 4'h0, "asynchronous reset value");
    clocks(2);
    rst_n = 1'b1;
    if (tree_version !== 8'd1) $fatal(1, "FAIL version_o=%0d, expected 1", tree_version);
    if (tree_latency !== 8'(latency)) begin
      $fatal(1, "FAIL latency_o=%0d, expected 2*LEVELS+1 = %0d", tree_latency, latency);
    end
    if (32'(tree_latency) != 32'(flat_latency) + Delay) begin
      $fatal(1, "FAIL latency_o=%0d is not the flat hub's %0d + %0d", tree_latency, flat_latency,
             Delay);
    end
    clocks(latency + 1);
    expect_leaves(1'b0, 4'h0, "idle after reset");

    for (int i = 0; i < NPorts; i++) xs[4*i +: 4] = 4'(i + 9);
    x = xs;
    s = '1;
    clocks(latency - 1);
    expect_leaves(1'b0, 4'h0, "G before latency_o clocks");
    clocks(1);
    expect_leaves(1'b1, nand_enabled(en, xs), "G after latency_o clocks");
    x = ~xs;
    clocks(latency + 2);
    expect_leaves(1'b1, nand_enabled(en, xs), "R held while X changes");

    // 2. random ---------------------------------------------------------------------------
    random_clocks(NCYCLES);

    // 3. asynchronous reset mid-run -------------------------------------------------------
    @(posedge clk);
    #3;
    rst_n = 1'b0;
    #1;
    expect_leaves(1'b0, 4'h0, "asynchronous reset mid-run");
    clocks(1);
    rst_n = 1'b1;
    random_clocks(NCYCLES / 10);

    if (g_changes < NCYCLES / 100) begin
      $fatal(1, "FAIL only %0d G changes in %0d clocks: the stimulus does not exercise G",
             g_changes, NCYCLES);
    end
    $display("PASS papers_hub_tree_tb %0dx%0dx%0d (%0d ports, latency %0d): %0d clocks, %0d G changes",
             PORTS_PER_LEAF, FANOUT, LEVELS, NPorts, latency, NCYCLES + NCYCLES / 10, g_changes);
    $finish;
  end

endmodule
