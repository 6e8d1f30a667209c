#include "trace_notes.hpp"

#include <cinttypes>

#include "../core/call_tag.hpp"
#include "../core/typeops.hpp"

namespace papers::hub {

std::unique_ptr<TraceNotes> TraceNotes::open(const std::string& dir, int port, HubClock clock,
                                             std::string& err) {
    const std::string path = dir + "/pe" + std::to_string(port) + ".notes";
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) {
        err = "cannot write the trace notes " + path;
        return nullptr;
    }
    return std::unique_ptr<TraceNotes>(new TraceNotes(f, std::move(clock)));
}

TraceNotes::~TraceNotes() { std::fclose(file_); }

void TraceNotes::call(const std::string& label) {
    exchange_ = 0;
    std::fprintf(file_, "%" PRIu64 " c %s\n", clock_(), label.c_str());
}

void TraceNotes::idle() { std::fprintf(file_, "%" PRIu64 " i\n", clock_()); }

void TraceNotes::exchange_begin(const ExchangeLabel& where) {
    std::fprintf(file_, "%" PRIu64 " x %" PRIu64 " %s %zu\n", clock_(), ++exchange_, where.phase,
                 where.index);
}

void TraceNotes::exchange_end(std::uint64_t status_reads) {
    std::fprintf(file_, "%" PRIu64 " r %" PRIu64 "\n", clock_(), status_reads);
}

std::string trace_label(const CallTag& t) {
    const auto type = [&] { return std::string(type_name(static_cast<papers_type_t>(t.type))); };
    const auto op = [&] { return std::string(op_name(static_cast<papers_op_t>(t.op))); };
    switch (t.call) {
        case Call::barrier: return "barrier";
        case Call::any: return "any";
        case Call::all: return "all";
        case Call::waitvec: return "waitvec";
        case Call::bcast: return "bcast from " + std::to_string(t.root);
        case Call::gather: return "gather " + std::to_string(t.size) + " B";
        case Call::putget: return "putget " + std::to_string(t.size) + " B";
        case Call::reduce: return "reduce " + type() + " " + op();
        case Call::reduce_loc: return "reduce_loc " + type() + " " + op();
    }
    return "call";
}

}  // namespace papers::hub
