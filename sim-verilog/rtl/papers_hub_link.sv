// papers_hub_link — the registers on one edge of a PAPERS hub tree (docs/hub-tree.md).
//
// A non-root node of the tree (a leaf hub or an inner node) talks to its parent over one link:
//   up    its combined (all1, all0, x_and) triple, registered: one hub clock per level up;
//   down  the root's G and R, registered again for this node's ports or children: one hub
//         clock per level down.
// Registering both directions at every link keeps the cable between two boards out of any
// combinational path: a 50 MHz hub clock leaves 20 ns per board-to-board hop, whatever the tree.
//
// Reset (asynchronous, active low): the up triple resets to the neutral element (1, 1, 4'hF),
// so the parent holds G until real strobes arrive; G/R reset to 0, the root's own reset value.

module papers_hub_link (
  input  logic       clk_i,
  input  logic       rst_ni,
  // up: this node's combined triple (combinational) -> registered to the parent
  input  logic       all1_i,
  input  logic       all0_i,
  input  logic [3:0] x_and_i,
  output logic       all1_o,
  output logic       all0_o,
  output logic [3:0] x_and_o,
  // down: G/R from the parent -> registered to this node's ports or children
  input  logic       g_i,
  input  logic [3:0] r_i,
  output logic       g_o,
  output logic [3:0] r_o
);

  // Neutral triple of papers_hub_combine: what a subtree with no enabled port reports.
  localparam logic [3:0] XAndNeutral = 4'hF;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      all1_o  <= 1'b1;
      all0_o  <= 1'b1;
      x_and_o <= XAndNeutral;
      g_o     <= 1'b0;
      r_o     <= 4'h0;
    end else begin
      all1_o  <= all1_i;
      all0_o  <= all0_i;
      x_and_o <= x_and_i;
      g_o     <= g_i;
      r_o     <= r_i;
    end
  end

endmodule
