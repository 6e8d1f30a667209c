// papers_hub_tree — a tree of PAPERS hubs, hub protocol v1 at every port (docs/hub-tree.md).
//
// As the TTL_PAPERS 950801 modules could be linked into a tree, LEVELS levels of hubs with
// FANOUT children per node: FANOUT**(LEVELS-1) leaf hubs (papers_hub_leaf) of PORTS_PER_LEAF PE
// ports each, inner nodes (papers_hub_node) that only combine, and one root (papers_hub_root).
//
//   leaves   register their ports as the flat hub does and send (ALL1, ALL0, AND of nybbles)
//            up, one register per level (papers_hub_link);
//   root     combines its children and runs the C-element for G and the R latch (spec section 4)
//            for every port of the tree;
//   down     G/R go back through one register per level, so every leaf drives its ports with
//            the same G/R on the same clock.
//
// Latency (latency_o), hub clocks from a DATA change to the settled G/R at every port:
//   1 (input register) + 1 (S delay) + (LEVELS-1) up + 1 (root G/R) + (LEVELS-1) down
//   = 2*LEVELS + 1: 5 for 2 levels, 2 more per added level. The flat hub (papers_hub) is 3.
// Cycle by cycle, the tree's G/R are the flat hub's G/R on the same enabled ports, delayed by
// 2*(LEVELS-1) clocks (tests/tree checks exactly that).
//
// Port numbering: tree port p is port p % PORTS_PER_LEAF of leaf p / PORTS_PER_LEAF; en_i, x_i
// and s_i are laid out as papers_hub's. G/R come out once per leaf hub (g_o[k], r_o[4k+3:4k] for
// leaf k): on a board each leaf drives its own ports' STATUS pins.
//
// Node numbering (internal): heap order, node 0 the root, node n's children n*FANOUT+1 ..
// n*FANOUT+FANOUT, the leaves the last FANOUT**(LEVELS-1) nodes.

module papers_hub_tree #(
  parameter int PORTS_PER_LEAF = 8,  // PE ports per leaf hub (the 950801 module: 8)
  parameter int FANOUT         = 5,  // children per node (the 950801 module: 5)
  parameter int LEVELS         = 2,  // levels of hubs, root included; 1 level is papers_hub
  parameter int VERSION        = 1,  // hub protocol version, read back on version_o
  // Derived, do not override: the leaf count and the port count.
  localparam int NLEAVES = FANOUT ** (LEVELS - 1),
  localparam int NPORTS  = PORTS_PER_LEAF * NLEAVES
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,     // asynchronous, active low: G = 0, R = 0
  input  logic [NPORTS-1:0]    en_i,       // enable mask over all leaf ports (static)
  input  logic [4*NPORTS-1:0]  x_i,        // port p's nybble X_p at [4p+3:4p]
  input  logic [NPORTS-1:0]    s_i,        // port p's strobe S_p
  output logic [NLEAVES-1:0]   g_o,        // G as leaf k drives it to its ports
  output logic [4*NLEAVES-1:0] r_o,        // R as leaf k drives it, at [4k+3:4k]
  output logic [7:0]           version_o,  // = VERSION
  output logic [7:0]           latency_o   // = LATENCY
);

  // Nodes in a complete tree of LEVELS levels: 1 + FANOUT + ... + FANOUT**(LEVELS-1).
  function automatic int count_nodes(input int fanout, input int levels);
    int nodes;
    int width;
    nodes = 0;
    width = 1;
    for (int l = 0; l < levels; l++) begin
      nodes = nodes + width;
      width = width * fanout;
    end
    count_nodes = nodes;  // not `return`: Yosys 0.23 does not parse it
  endfunction

  localparam int NNodes    = count_nodes(FANOUT, LEVELS);
  localparam int FirstLeaf = NNodes - NLEAVES;
  // Input register + S delay (the leaf), a register per link up, the root, a register per link
  // down. A constant output rather than a `verilator public` parameter (see papers_hub.sv).
  localparam int InStages  = 1;
  localparam int SDelay    = 1;
  localparam int RootStage = 1;
  localparam int LATENCY   = InStages + SDelay + (LEVELS - 1) + RootStage + (LEVELS - 1);
  localparam int MaxPorts  = 4096;

  // Parameter check (the form Yosys, Icarus and Verilator all accept, as in papers_hub.sv).
  if (PORTS_PER_LEAF < 1 || PORTS_PER_LEAF > 64 || FANOUT < 1 || FANOUT > 64 ||
      LEVELS < 2 || LEVELS > 16 || NPORTS > MaxPorts) begin : gen_shape_check
    initial $fatal(1, "papers_hub_tree: PORTS_PER_LEAF=%0d FANOUT=%0d LEVELS=%0d: need 1..64, 1..64, 2..16 and at most %0d ports in all",
                   PORTS_PER_LEAF, FANOUT, LEVELS, MaxPorts);
  end

  // Links, by node number: up triples (node 1.. NNodes-1; the root has no parent) and the G/R
  // each node passes down (node 0: the root's own G/R).
  logic [NNodes-1:1]   up_all1, up_all0;
  logic [4*NNodes-1:4] up_x_and;
  logic [NNodes-1:0]   dn_g;
  logic [4*NNodes-1:0] dn_r;

  papers_hub_root #(
    .FANOUT (FANOUT)
  ) u_root (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .all1_i  (up_all1[FANOUT:1]),
    .all0_i  (up_all0[FANOUT:1]),
    .x_and_i (up_x_and[4*FANOUT+3:4]),
    .g_o     (dn_g[0]),
    .r_o     (dn_r[3:0])
  );

  for (genvar n = 1; n < NNodes; n++) begin : gen_node
    localparam int Parent = (n - 1) / FANOUT;
    if (n >= FirstLeaf) begin : gen_leaf
      localparam int FirstPort = (n - FirstLeaf) * PORTS_PER_LEAF;
      papers_hub_leaf #(
        .PORTS (PORTS_PER_LEAF)
      ) u_leaf (
        .clk_i   (clk_i),
        .rst_ni  (rst_ni),
        .en_i    (en_i[FirstPort +: PORTS_PER_LEAF]),
        .x_i     (x_i[4*FirstPort +: 4*PORTS_PER_LEAF]),
        .s_i     (s_i[FirstPort +: PORTS_PER_LEAF]),
        .all1_o  (up_all1[n]),
        .all0_o  (up_all0[n]),
        .x_and_o (up_x_and[4*n +: 4]),
        .g_i     (dn_g[Parent]),
        .r_i     (dn_r[4*Parent +: 4]),
        .g_o     (dn_g[n]),
        .r_o     (dn_r[4*n +: 4])
      );
    end else begin : gen_inner
      papers_hub_node #(
        .FANOUT (FANOUT)
      ) u_node (
        .clk_i   (clk_i),
        .rst_ni  (rst_ni),
        .all1_i  (up_all1[n*FANOUT+1 +: FANOUT]),
        .all0_i  (up_all0[n*FANOUT+1 +: FANOUT]),
        .x_and_i (up_x_and[4*(n*FANOUT+1) +: 4*FANOUT]),
        .all1_o  (up_all1[n]),
        .all0_o  (up_all0[n]),
        .x_and_o (up_x_and[4*n +: 4]),
        .g_i     (dn_g[Parent]),
        .r_i     (dn_r[4*Parent +: 4]),
        .g_o     (dn_g[n]),
        .r_o     (dn_r[4*n +: 4])
      );
    end
  end

  assign g_o       = dn_g[NNodes-1:FirstLeaf];
  assign r_o       = dn_r[4*NNodes-1:4*FirstLeaf];
  assign version_o = VERSION[7:0];
  assign latency_o = LATENCY[7:0];

endmodule
