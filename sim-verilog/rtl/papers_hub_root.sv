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

  logic       g_d, g_q;
  logic [3:0] r_d, r_q;

  always_comb begin
    g_d = g_q;
    r_d = r_q;
    if (all1 && !all0 && !g_q) begin
      g_d = 1'b1;
      r_d = ~x_and;
    end else if (all0 && !all1 && g_q) begin
      g_d = 1'b0;
      r_d = ~x_and;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      g_q <= 1'b0;
      r_q <= 4'h0;
    end else begin
      g_q <= g_d;
      r_q <= r_d;
    end
  end

  assign g_o = g_q;
  assign r_o = r_q;

endmodule
