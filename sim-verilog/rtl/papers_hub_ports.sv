// papers_hub_ports — the PE side of a hub (hub protocol v1, sections 2 and 4), shared by the
// flat hub (papers_hub) and every leaf of a hub tree (papers_hub_leaf):
//   edge 1  x_q, s_q  <- x_i, s_i   port inputs registered once
//   edge 2  s_dly_q   <- s_q        S delayed one more clock, so X has settled when S is seen
// then, combinationally, the enabled ports reduced to one (ALL1, ALL0, AND of nybbles) triple
// by papers_hub_combine. Disabled ports are ignored entirely.

module papers_hub_ports #(
  parameter int NPORTS = 1  // PE ports
) (
  input  logic                clk_i,
  input  logic                rst_ni,   // asynchronous, active low: clears the input registers
  input  logic [NPORTS-1:0]   en_i,     // enable mask, bit i enables port i (static)
  input  logic [4*NPORTS-1:0] x_i,      // port i's nybble X_i at [4i+3:4i]
  input  logic [NPORTS-1:0]   s_i,      // port i's strobe S_i
  output logic                all1_o,   // every enabled S is 1 (ALL1)
  output logic                all0_o,   // every enabled S is 0 (ALL0)
  output logic [3:0]          x_and_o   // AND of the enabled nybbles
);

  logic [4*NPORTS-1:0] x_q;
  logic [NPORTS-1:0]   s_q, s_dly_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      x_q     <= '0;
      s_q     <= '0;
      s_dly_q <= '0;
    end else begin
      x_q     <= x_i;
      s_q     <= s_i;
      s_dly_q <= s_q;
    end
  end

  logic [NPORTS-1:0] s_dly_n;
  assign s_dly_n = ~s_dly_q;

  papers_hub_combine #(
    .NPORTS (NPORTS)
  ) u_combine (
    .en_i    (en_i),
    .all1_i  (s_dly_q),
    .all0_i  (s_dly_n),
    .x_and_i (x_q),
    .all1_o  (all1_o),
    .all0_o  (all0_o),
    .x_and_o (x_and_o)
  );

endmodule
