// papers_hub_tb — Icarus Verilog second opinion on papers_hub (hub protocol v1, section 4).
//
//   iverilog -g2012 -P papers_hub_tb.NPORTS=8 -o tb.vvp papers_hub_tb.sv ../rtl/*.sv && vvp -n tb.vvp
//
// Three parts, every mismatch is a $fatal, the last line is "PASS":
//   1. directed: reset values, VERSION, one operation with its exact latency (G must not change
//      after LATENCY-1 clocks and must after LATENCY), R held while X changes afterwards, and
//      X arriving one clock after S still latched (the S delay stage);
//   2. random: inputs change every clock, compared clock by clock with a reference written here
//      from the spec text (loops over the enabled ports, no shared code with the RTL);
//   3. asynchronous reset in the middle of a run.
// The testbench is not synthesizable on purpose (#delays, $urandom); the RTL is.

module papers_hub_tb #(
  parameter int NPORTS = 8,
  parameter int NCYCLES = 20000,
  parameter int SEED = 1
);

  localparam int HalfPeriod = 10;  // 20 ns hub clock, as in the Verilated model's trace

  logic                clk = 1'b0;
  logic                rst_n;
  logic [NPORTS-1:0]   en;
  logic [4*NPORTS-1:0] x;
  logic [NPORTS-1:0]   s;
  logic                g;
  logic [3:0]          r;
  logic [7:0]          version;
  logic [7:0]          latency_out;

  papers_hub #(
    .NPORTS  (NPORTS),
    .VERSION (1)
  ) dut (
    .clk_i     (clk),
    .rst_ni    (rst_n),
    .en_i      (en),
    .x_i       (x),
    .s_i       (s),
    .g_o       (g),
    .r_o       (r),
    .version_o (version),
    .latency_o (latency_out)
  );

  always #HalfPeriod clk = ~clk;

  // ---- reference: the spec's hub, cycle by cycle ------------------------------------------
  // X is registered once, S twice (one delay stage), G/R change on the next edge.
  logic [4*NPORTS-1:0] ref_x1;
  logic [NPORTS-1:0]   ref_s1, ref_s2;
  logic                ref_g;
  logic [3:0]          ref_r;
  int                  g_changes;

  function automatic logic [3:0] nand_enabled(input logic [NPORTS-1:0] e,
                                              input logic [4*NPORTS-1:0] xs);
    logic [3:0] acc;
    acc = 4'hF;
    for (int i = 0; i < NPORTS; i++) begin
      if (e[i]) acc = acc & xs[4*i +: 4];
    end
    return ~acc;
  endfunction

  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      ref_x1 <= '0;
      ref_s1 <= '0;
      ref_s2 <= '0;
      ref_g  <= 1'b0;
      ref_r  <= 4'h0;
    end else begin
      logic all1, all0;
      all1 = 1'b1;
      all0 = 1'b1;
      for (int i = 0; i < NPORTS; i++) begin
        if (en[i]) begin
          if (!ref_s2[i]) all1 = 1'b0;
          if (ref_s2[i]) all0 = 1'b0;
        end
      end
      if (all1 && !all0 && !ref_g) begin
        ref_g <= 1'b1;
        ref_r <= nand_enabled(en, ref_x1);
        g_changes <= g_changes + 1;
      end else if (all0 && !all1 && ref_g) begin
        ref_g <= 1'b0;
        ref_r <= nand_enabled(en, ref_x1);
        g_changes <= g_changes + 1;
      end
      ref_x1 <= x;
      ref_s1 <= s;
      ref_s2 <= ref_s1;
    end
  end

  // ---- helpers ------------------------------------------------------------------------------
  task automatic clocks(input int n);
    repeat (n) @(negedge clk);
  endtask

  task automatic expect_gr(input logic eg, input logic [3:0] er, input string what);
    if (g !== eg || r !== er) begin
      $fatal(1, "FAIL %s (NPORTS=%0d, t=%0t): g=%b r=%h, expected g=%b r=%h",
             what, NPORTS, $time, g, r, eg, er);
    end
  endtask

  task automatic expect_ref(input string what);
    expect_gr(ref_g, ref_r, what);
  endtask

  // ---- stimulus -----------------------------------------------------------------------------
  logic [NPORTS-1:0]   all_en;
  logic [4*NPORTS-1:0] xs;
  logic [3:0]          want;
  int                  seed;
  int                  latency;
  int                  flip;

  initial begin
    seed = SEED;
    seed = $urandom(seed);  // seeds the generator (Icarus 11 has no void' cast)
    all_en = '1;
    g_changes = 0;
    latency = dut.LATENCY;
    if (latency != 3) $fatal(1, "FAIL LATENCY=%0d, the spec's pipeline gives 3", latency);

    // 1. directed -------------------------------------------------------------------------
    rst_n = 1'b0;
    en = all_en;
    x = '0;
    s = '0;
    #1;
    expect_gr(1'b0, 4'h0, "asynchronous reset value");
    clocks(2);
    rst_n = 1'b1;
    if (version !== 8'd1) $fatal(1, "FAIL version_o=%0d, expected 1", version);
    if (latency_out !== 8'(latency)) $fatal(1, "FAIL latency_o=%0d, LATENCY=%0d", latency_out, latency);
    clocks(latency + 1);
    expect_gr(1'b0, 4'h0, "idle after reset");

    // One operation: every port posts X with S = 1 in one write; G rises exactly LATENCY later.
    for (int i = 0; i < NPORTS; i++) xs[4*i +: 4] = 4'(i + 9);
    want = nand_enabled(all_en, xs);
    x = xs;
    s = '1;
    clocks(latency - 1);
    expect_gr(1'b0, 4'h0, "G before LATENCY clocks");
    clocks(1);
    expect_gr(1'b1, want, "G after LATENCY clocks");
    // X changes afterwards (a PE posting its next nybble early): R must hold.
    x = ~xs;
    clocks(latency + 2);
    expect_gr(1'b1, want, "R held while X changes");

    // X arrives one clock after S (skew within the settling delay): the late X is latched.
    xs = {NPORTS{4'h3}};
    s = '0;
    clocks(1);
    x = xs;
    clocks(latency);
    expect_gr(1'b0, nand_enabled(all_en, xs), "X one clock after S");

    // X arrives two clocks after S: too late, the X of the clock before is latched.
    s = '1;
    clocks(2);
    x = {NPORTS{4'hC}};
    clocks(latency);
    expect_gr(1'b1, nand_enabled(all_en, xs), "X two clocks after S is too late");

    // 2. random, clock by clock against the reference ---------------------------------------
    for (int c = 0; c < NCYCLES; c++) begin
      if (c % 1000 == 0) begin
        // A new static enable mask; all ports enabled or none now and then.
        case ($urandom % 8)
          0: en = '0;
          1: en = all_en;
          default: en = NPORTS'($urandom) | (NPORTS'(1) << ($urandom % NPORTS));
        endcase
      end
      for (int i = 0; i < NPORTS; i++) x[4*i +: 4] = 4'($urandom);
      // Strobes: often all equal (so G moves), otherwise one port flips.
      case ($urandom % 4)
        0: s = {NPORTS{1'($urandom)}};
        1: begin
          flip = $urandom % NPORTS;
          s[flip] = ~s[flip];
        end
        2: s = NPORTS'($urandom);
        default: ;
      endcase
      @(negedge clk);
      expect_ref("random sequence");
    end
    if (g_changes < NCYCLES / 50) begin
      $fatal(1, "FAIL only %0d G changes in %0d clocks: the stimulus does not exercise G",
             g_changes, NCYCLES);
    end

    // 3. asynchronous reset in the middle of a run --------------------------------------------
    en = all_en;
    s = '1;
    clocks(latency);
    s = '0;
    #1;
    rst_n = 1'b0;
    #1;
    expect_gr(1'b0, 4'h0, "reset mid-run");
    clocks(1);
    rst_n = 1'b1;
    clocks(latency + 1);
    expect_gr(1'b0, 4'h0, "after reset mid-run (strobes 0: hold)");
    expect_ref("reference after reset");

    $display("PASS papers_hub_tb NPORTS=%0d: %0d random clocks, %0d G changes",
             NPORTS, NCYCLES, g_changes);
    $finish;
  end

endmodule
