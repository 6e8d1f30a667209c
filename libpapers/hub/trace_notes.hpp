// trace_notes.hpp — what a PE was doing, for the hub's waveform (papersrun --trace).
// Each PE appends one line per event to <PAPERS_SIM_TRACE_NOTES>/pe<port>.notes, stamped
// with the simulated hub's clock count (the wire's hub_clocks: VCD time = 20 ns x clocks);
// papersrun merges the files into the VCD after the job (sim-verilog/trace/). Lines:
//   <clock> c <label>        a call begins ("barrier", "reduce int32 sum", "census", ...)
//   <clock> i                the call ended
//   <clock> x <n> <step>     exchange n of the call begins: its DATA write
//   <clock> r <reads>        the STATUS read that saw the answer; STATUS reads in the exchange
// A stamp is the clock count when the PE noted the event (papers-hubsim publishes the count
// before the pins of each clock): a DATA write is stamped at or before the clock the hub
// takes it on, an answer at or after the clock G moved on (later when the PE was descheduled).
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "exchanger.hpp"

namespace papers {
struct CallTag;
}

namespace papers::hub {

class TraceNotes {
public:
    using HubClock = std::function<std::uint64_t()>;

    // nullptr with err if the file cannot be created.
    static std::unique_ptr<TraceNotes> open(const std::string& dir, int port, HubClock clock,
                                            std::string& err);
    ~TraceNotes();
    TraceNotes(const TraceNotes&) = delete;
    TraceNotes& operator=(const TraceNotes&) = delete;

    void call(const std::string& label);  // a call begins
    void idle();                          // ... and ends
    void exchange_begin(const ExchangeLabel& where);
    void exchange_end(std::uint64_t status_reads);

private:
    TraceNotes(std::FILE* f, HubClock clock) : file_(f), clock_(std::move(clock)) {}
    std::FILE* file_;
    HubClock clock_;
    std::uint64_t exchange_ = 0;  // within the current call
};

// The label of a papers call in the waveform: "barrier", "bcast from 2", "reduce int32 sum".
std::string trace_label(const CallTag& tag);

}  // namespace papers::hub
