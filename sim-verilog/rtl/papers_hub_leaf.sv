// papers_hub_leaf — a leaf hub of a PAPERS hub tree (docs/hub-tree.md): PORTS PE ports, one
// link to the parent.
//
// The PE side is the flat hub's (papers_hub.sv), so every port speaks hub protocol v1 unchanged:
//   edge 1  x_q, s_q   <- x_i, s_i   port inputs registered once
//   edge 2  s_dly_q    <- s_q        S delayed one more clock (X may lag S by one clock)
//   edge 3  link up    <- combine(s_dly_q, x_q) over en_i: (ALL1, ALL0, AND of the nybbles)
// Instead of a C-element the leaf sends that triple to its parent; the root decides G and R for
// every port of the tree, and they come back down through the link (g_o/r_o, to this leaf's
// ports). A leaf with no enabled port sends the neutral triple (1, 1, 4'hF).

module papers_hub_leaf #(
  parameter int PORTS = 1  // PE ports on this leaf
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [PORTS-1:0]   en_i,     // enable mask, bit i enables port i (static)
  input  logic [4*PORTS-1:0] x_i,      // port i's nybble X_i at [4i+3:4i]
  input  logic [PORTS-1:0]   s_i,      // port i's strobe S_i
  // link to the parent
  output logic               all1_o,
  output logic               all0_o,
  output logic [3:0]         x_and_o,
  input  logic               g_i,
  input  logic [3:0]         r_i,
  // G/R for this leaf's ports
  output logic               g_o,
  output logic [3:0]         r_o
);

  // ---- the PE side, as in the flat hub: registered inputs, S delay, combine -------------
  logic       all1, all0;
  logic [3:0] x_and;

  papers_hub_ports #(
    .NPORTS (PORTS)
  ) u_ports (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .en_i    (en_i),
    .x_i     (x_i),
    .s_i     (s_i),
    .all1_o  (all1),
    .all0_o  (all0),
    .x_and_o (x_and)
  );

  // ---- link to the parent: triple up, G/R down, one register each way --------------------
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
