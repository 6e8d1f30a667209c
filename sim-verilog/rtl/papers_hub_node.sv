// papers_hub_node — an inner node of a PAPERS hub tree (docs/hub-tree.md): neither root nor
// leaf, it only joins FANOUT children into one link to its parent (trees of 3 or more levels).
//
// papers_hub_combine is associative, so the node combines its children's (all1, all0, x_and)
// triples exactly as a leaf combines its ports. Every child is always enabled here: a subtree
// with no enabled port reports the neutral triple (1, 1, 4'hF), which changes nothing.

module papers_hub_node #(
  parameter int FANOUT = 1  // children of this node
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  // children's triples, child c at bit c (x_and at [4c+3:4c])
  input  logic [FANOUT-1:0]   all1_i,
  input  logic [FANOUT-1:0]   all0_i,
  input  logic [4*FANOUT-1:0] x_and_i,
  // link to the parent
  output logic                all1_o,
  output logic                all0_o,
  output logic [3:0]          x_and_o,
  input  logic                g_i,
  input  logic [3:0]          r_i,
  // G/R for every child
  output logic                g_o,
  output logic [3:0]          r_o
);

  logic       all1, all0;
  logic [3:0] x_and;

  papers_hub_combine #(
    .NPORTS (FANOUT)
  ) u_combine (
    .en_i    ({FANOUT{1'b1}}),
    .all1_i  (all1_i),
    .all0_i  (all0_i),
    .x_and_i (x_and_i),
    .all1_o  (all1),
    .all0_o  (all0),
    .x_and_o (x_and)
  );

  papers_hub_link u_link (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .all1_i  (all1),
    .all0_i  (all0),
    .x_and_i (x_and),
    .all1_o  (all1_o),
    .all0_o  (all0_o),
    .x_and_o (x_and_o),
    .g_i     (g_i),
    .r_i     (r_i),
    .g_o     (g_o),
    .r_o     (r_o)
  );

endmodule
