// papers_hub_combine — the combine step of a PAPERS hub (hub protocol v1, section 4).
//
// Reduces NPORTS inputs to one (all1, all0, x_and) triple:
//   all1_o  = AND over enabled i of all1_i[i]   (spec: ALL1)
//   all0_o  = AND over enabled i of all0_i[i]   (spec: ALL0)
//   x_and_o = AND over enabled i of x_and_i[i]  (the hub's R is its complement, the NAND)
// A disabled input contributes the identity (1, 1, 4'hF), so it is ignored entirely, and
// with nothing enabled the result is (1, 1, 4'hF): ALL1 and ALL0 both true -> the hub holds.
//
// Why triples and not raw strobes: the reduction is associative, so a hub tree reuses this
// module at every level. A leaf port feeds all1 = S, all0 = !S, x_and = X; an inner node
// feeds its children's outputs. Purely combinational.

module papers_hub_combine #(
  parameter int NPORTS = 1
) (
  input  logic [NPORTS-1:0]   en_i,     // enable mask, bit i enables input i
  input  logic [NPORTS-1:0]   all1_i,   // per input: "all strobes 1" (a leaf port: S)
  input  logic [NPORTS-1:0]   all0_i,   // per input: "all strobes 0" (a leaf port: !S)
  input  logic [4*NPORTS-1:0] x_and_i,  // per input: AND of nybbles, input i at [4i+3:4i]
  output logic                all1_o,
  output logic                all0_o,
  output logic [3:0]          x_and_o
);

  // Nybble width of the protocol (section 2: X0..X3).
  localparam int NybbleW = 4;

  always_comb begin
    // A disabled input is forced to 1 before the AND: it can neither hold a result low
    // nor keep a strobe condition from being met.
    all1_o = &(all1_i | ~en_i);
    all0_o = &(all0_i | ~en_i);
    x_and_o = {NybbleW{1'b1}};
    for (int i = 0; i < NPORTS; i++) begin
      x_and_o &= x_and_i[NybbleW*i +: NybbleW] | {NybbleW{~en_i[i]}};
    end
  end

endmodule
