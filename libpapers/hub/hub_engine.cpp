#include "hub_engine.hpp"

#include <string>

#include "../core/error.hpp"

namespace papers::hub {

HubEngine::HubEngine(std::unique_ptr<Exchanger> ex, int rank, int size, const char* name)
    : ex_(std::move(ex)), rank_(rank), size_(size), name_(name) {}

int HubEngine::force_algorithms(const algo::Overrides& forced) {
    algo::Resolver r(forced, name_);
    forced_reduce_ = r.forced<ReduceAlgo, ReduceShape>("reduce", kReduceAlgorithms);
    forced_reduce_loc_ = r.forced<ReduceLocAlgo, ReduceShape>("reduce_loc", kReduceLocAlgorithms);
    std::string err;
    return r.ok(err) ? PAPERS_OK : set_error(PAPERS_EINVAL, err);
}

int HubEngine::open() {
    if (int rc = ex_->start(); rc != PAPERS_OK) return rc;
    if (notes_) notes_->call("census");
    const int rc = census();
    if (notes_) notes_->idle();
    if (rc != PAPERS_OK) return rc;
    reset_stats();
    return PAPERS_OK;
}

void HubEngine::trace_call(const CallTag* call) {
    if (!notes_) return;
    if (call)
        notes_->call(trace_label(*call));
    else
        notes_->idle();
}

int HubEngine::nand_noted(std::uint8_t x, std::uint8_t* r, const ExchangeLabel& s) {
    const std::uint64_t reads_before = ex_->port_counters().reads;
    notes_->exchange_begin(s);
    const int rc = ex_->nand(x, r, s);
    if (rc == PAPERS_OK) notes_->exchange_end(ex_->port_counters().reads - reads_before);
    return rc;
}

int HubEngine::and4(std::uint8_t x, std::uint8_t* r, const ExchangeLabel& s) {
    std::uint8_t n = 0;
    if (int rc = nand(x & 0xF, &n, s); rc != PAPERS_OK) return rc;
    *r = ~n & 0xF;
    return PAPERS_OK;
}

int HubEngine::or4(std::uint8_t x, std::uint8_t* r, const ExchangeLabel& s) {
    return nand(~x & 0xF, r, s);  // NAND of complements = OR
}

int HubEngine::or_mask(const std::vector<bool>& mine, std::vector<bool>& out, const char* op) {
    out.assign(mine.size(), false);
    for (std::size_t base = 0; base < mine.size(); base += 4) {
        std::uint8_t x = 0;
        for (std::size_t lane = 0; lane < 4 && base + lane < mine.size(); ++lane)
            if (mine[base + lane]) x |= std::uint8_t(1u << lane);
        std::uint8_t r = 0;
        if (int rc = or4(x, &r, {op, "mask round", base / 4}); rc != PAPERS_OK) return rc;
        for (std::size_t lane = 0; lane < 4 && base + lane < mine.size(); ++lane)
            out[base + lane] = (r >> lane) & 1u;
    }
    return PAPERS_OK;
}

int HubEngine::bcast_bytes(unsigned char* buf, std::size_t bytes, int root, const char* op) {
    const bool me = rank_ == root;
    for (std::size_t i = 0; i < bytes; ++i) {
        std::uint8_t lo = 0, hi = 0;
        // The root sends the complement, everyone else all-ones: NAND = value.
        if (int rc = nand(me ? (~buf[i] & 0xF) : 0xF, &lo, {op, "low nybble of byte", i}); rc)
            return rc;
        if (int rc = nand(me ? (~(buf[i] >> 4) & 0xF) : 0xF, &hi, {op, "high nybble of byte", i});
            rc)
            return rc;
        buf[i] = static_cast<unsigned char>(lo | (hi << 4));
    }
    return PAPERS_OK;
}

int HubEngine::finalize() {
    if (notes_) notes_->call("finalize");
    const int rc = ex_->finish();
    if (notes_) notes_->idle();
    binding_.restore();
    return rc;
}

papers_stats_t HubEngine::stats() const {
    const auto& c = ex_->port_counters();
    papers_stats_t s{};
    s.port_reads = c.reads - port_base_.reads;
    s.port_writes = c.writes - port_base_.writes;
    s.hub_ops = ex_->exchanges() - ops_base_;
    return s;
}

void HubEngine::reset_stats() {
    port_base_ = ex_->port_counters();
    ops_base_ = ex_->exchanges();
}

}  // namespace papers::hub
