// papers_hub_state — the hub's state (hub protocol v1, section 4), shared by the flat hub
// (papers_hub) and the root of a hub tree (papers_hub_root):
//
//   ALL1 && !ALL0 && !G:  G := 1, R := ~x_and      (x_and = AND of every enabled nybble)
//   ALL0 && !ALL1 &&  G:  G := 0, R := ~x_and
//   otherwise hold        (G is a Muller C-element of the strobes; R changes only with G)
//
// With no port enabled ALL1 and ALL0 both hold, so the hub holds. Reset: G = 0, R = 0.

module papers_hub_state (
  input  logic       clk_i,
  input  logic       rst_ni,  // asynchronous, active low
  input  logic       all1_i,  // ALL1
  input  logic       all0_i,  // ALL0
  input  logic [3:0] x_and_i, // AND of the enabled nybbles
  output logic       g_o,     // G, registered
  output logic [3:0] r_o      // R = NAND of the nybbles, latched when G changes
);

  logic       g_d, g_q;
  logic [3:0] r_d, r_q;

  always_comb begin
    g_d = g_q;
    r_d = r_q;
    if (all1_i && !all0_i && !g_q) begin
      g_d = 1'b1;
      r_d = ~x_and_i;
    end else if (all0_i && !all1_i && g_q) begin
      g_d = 1'b0;
      r_d = ~x_and_i;
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
