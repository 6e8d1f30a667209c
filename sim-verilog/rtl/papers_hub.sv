// papers_hub — a PAPERS hub, hub protocol version 1 (docs/hub-protocol.md, sections 2-4 and 9).
//
// Every enabled port i posts a nybble X_i and a strobe S_i (one DATA byte, so they change
// together). The hub keeps G (a Muller C-element of the enabled strobes) and R (the NAND of the
// enabled nybbles, latched when G changes) and shows both to every port.
//
// Pipeline, in hub clocks (LATENCY = 3 from an input change to g_o/r_o):
//   edge 1  x_q, s_q      <- x_i, s_i   port inputs registered once (the board's pins)
//   edge 2  s_dly_q       <- s_q        S delayed one more clock, so X had a whole clock to
//                                       settle before S is evaluated (x_q reloads at edge 2)
//   edge 3  g_q, r_q      <- C-element of s_dly_q, NAND of x_q (the value loaded at edge 2)
// So X may arrive up to one clock after S and still be the X that is latched.
//
// Reset: rst_ni is asynchronous, active low (lowRISC convention); it clears every flop:
// G = 0, R = 0 and the input pipeline (strobes read as 0, the power-on state of the PEs).
// en_i is static (board jumpers), so it is used combinationally and not registered.

module papers_hub #(
  parameter int NPORTS  = 1,  // ports on this hub, 1..64 (the C++ model's mask is 64 bits)
  parameter int VERSION = 1   // hub protocol version, read back on version_o
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic [NPORTS-1:0]   en_i,       // enable mask, bit i enables port i
  input  logic [4*NPORTS-1:0] x_i,        // port i's nybble X_i at [4i+3:4i]
  input  logic [NPORTS-1:0]   s_i,        // port i's strobe S_i
  output logic                g_o,        // G, to every port
  output logic [3:0]          r_o,        // R, to every port
  output logic [7:0]          version_o,  // = VERSION
  output logic [7:0]          latency_o   // = LATENCY, clocks from an input change to g_o/r_o
);

  // Pipeline depth in hub clocks from an input change to a settled g_o/r_o (see header):
  // input register + S delay + G/R register. A constant output (latency_o) rather than a
  // `verilator public` parameter: public items create Verilator scopes, which in 5.006 tie a
  // model to the thread's current context and break several models in one process.
  localparam int InStages = 1;
  localparam int SDelay   = 1;
  localparam int LATENCY  = InStages + SDelay + 1;

  // Parameter check. Written as generate + initial $fatal because that is the form all three
  // tools accept (Icarus 11 has no elaboration-time $error): Yosys refuses to elaborate it,
  // Icarus and the Verilated model stop at time 0.
  if (NPORTS < 1 || NPORTS > 64) begin : gen_nports_check
    initial $fatal(1, "papers_hub: NPORTS = %0d, must be 1..64", NPORTS);
  end

  // ---- ports: X and S registered, S delayed one more clock, enabled ports combined ------
  logic       all1, all0;
  logic [3:0] x_and;

  papers_hub_ports #(
    .NPORTS (NPORTS)
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

  // ---- state: G is a C-element of the strobes, R latched only when G changes ---------
  papers_hub_state u_state (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .all1_i  (all1),
    .all0_i  (all0),
    .x_and_i (x_and),
    .g_o     (g_o),
    .r_o     (r_o)
  );

  assign version_o = VERSION[7:0];
  assign latency_o = LATENCY[7:0];

endmodule
