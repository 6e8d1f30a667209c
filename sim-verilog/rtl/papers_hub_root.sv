// papers_hub_root — the root of a PAPERS hub tree (docs/hub-tree.md): combines its FANOUT
// children's (all1, all0, x_and) triples and runs the hub state of hub protocol v1 section 4
// for every port of the tree:
//
//   ALL1 && !ALL0 && !G:  G := 1, R := ~x_and      (x_and = AND of every enabled nybble)
//   ALL0 && !ALL1 &&  G:  G := 0, R := ~x_and
//   otherwise hold        (G is a Muller C-element of the strobes; R changes only with G)
//
// The same state logic as papers_hub.sv, fed by the combined children instead of ports. With no
// enabled port anywhere every child is neutral (1, 1, 4'hF): ALL1 and ALL0 both hold -> hold.

module papers_hub_root #(
  parameter int FANOUT = 1  // children of the root
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic [FANOUT-1:0]   all1_i,   // child c's triple at bit c
  input  logic [FANOUT-1:0]   all0_i,
  input  logic [4*FANOUT-1:0] x_and_i,  // child c's AND of nybbles at [4c+3:4c]
  output logic                g_o,      // G, registered, down to every child
  output logic [3:0]          r_o       // R, registered, down to every child
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

  papers_hub_state u_state (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .all1_i  (all1),
    .all0_i  (all0),
    .x_and_i (x_and),
    .g_o     (g_o),
    .r_o     (r_o)
  );

endmodule
