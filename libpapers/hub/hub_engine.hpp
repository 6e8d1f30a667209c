// hub_engine.hpp — every aggregate operation built from 4-bit NAND
// exchanges (docs/hub-protocol.md, "Operations and their cost"). One file
// per algorithm in this folder; cost.hpp has the exchange counts they cost.
#pragma once
#include <memory>
#include <vector>

#include "../core/backend.hpp"
#include "../core/placement.hpp"
#include "exchanger.hpp"
#include "hub_algorithms.hpp"
#include "trace_notes.hpp"

namespace papers::hub {

class HubEngine : public Backend {
public:
    // Owns the exchanger (which owns its port). hub_family.hpp builds it.
    HubEngine(std::unique_ptr<Exchanger> ex, int rank, int size, const char* name);

    // The algorithms PAPERS_ALGORITHMS forces (hub_algorithms.hpp); 0 or
    // PAPERS_EINVAL with the message set. Default: automatic.
    int force_algorithms(const algo::Overrides& forced);
    // Joins the hub: start() plus the start-up census (census.cpp).
    int open();
    // papersrun --trace: label every call and exchange in the waveform (trace_notes.hpp).
    void attach_trace_notes(std::unique_ptr<TraceNotes> notes) { notes_ = std::move(notes); }
    bool traces_calls() const override { return notes_ != nullptr; }
    void trace_call(const CallTag* call) override;

    int barrier() override;                                          // barrier.cpp
    int any(int flag) override;                                      // vote.cpp
    int all(int flag) override;                                      // vote.cpp
    int waitvec(int flag, std::uint64_t* mask) override;             // vote.cpp
    int bcast(void* buf, std::size_t bytes, int root) override;      // bcast.cpp
    int gather(const void* in, void* out, std::size_t bytes) override;  // gather.cpp
    int putget(const void* in, void* out, std::size_t bytes, int src) override;  // putget.cpp
    int reduce(const void* in, void* out, std::size_t count, papers_type_t type,
               papers_op_t op) override;                             // reduce.cpp
    int reduce_loc(void* value, int* rank, papers_type_t type, papers_op_t op) override;
    int finalize() override;

    papers_stats_t stats() const override;
    void reset_stats() override;
    const char* name() const override { return name_; }

    int rank() const { return rank_; }
    int size() const { return size_; }
    // Runs this PE on CPU (slot mod CPUs) until finalize (placement.hpp); the sim backend's
    // direct mode, where the PEs themselves evaluate the hub (sim_backend.cpp).
    int bind_to_cpu(int slot) { return binding_.bind_slot(slot); }
    int bound_cpu() const { return binding_.cpu(); }

    // --- building blocks shared by the algorithm files -----------------
    int nand(std::uint8_t x, std::uint8_t* r, const ExchangeLabel& s) {
        return notes_ ? nand_noted(x, r, s) : ex_->nand(x, r, s);
    }
    // Global AND / OR of 4-bit values (one exchange each).
    int and4(std::uint8_t x, std::uint8_t* r, const ExchangeLabel& s);
    int or4(std::uint8_t x, std::uint8_t* r, const ExchangeLabel& s);
    // Broadcast `bytes` bytes from `root` (2 exchanges per byte).
    int bcast_bytes(unsigned char* buf, std::size_t bytes, int root, const char* op);
    // Global OR of an N-bit mask, one bit per rank or per lane (ceil(bits/4) exchanges).
    int or_mask(const std::vector<bool>& mine, std::vector<bool>& out, const char* op);

private:
    int nand_noted(std::uint8_t x, std::uint8_t* r, const ExchangeLabel& s);
    int census();
    int reduce_bitwise(const unsigned char* in, unsigned char* out, std::size_t bytes,
                       papers_op_t op);
    int reduce_logical(const void* in, void* out, std::size_t count, papers_type_t type,
                       papers_op_t op);
    int reduce_bitserial(const void* in, void* out, std::size_t count, papers_type_t type,
                         papers_op_t op, std::vector<bool>* still_candidate);
    int reduce_by_gather(const void* in, void* out, std::size_t count, papers_type_t type,
                         papers_op_t op);

    std::unique_ptr<Exchanger> ex_;
    int rank_;
    int size_;
    const char* name_;
    const ReduceRow* forced_reduce_ = nullptr;
    const ReduceLocRow* forced_reduce_loc_ = nullptr;
    std::uint64_t ops_base_ = 0;
    driver::PortCounters port_base_{};
    std::unique_ptr<TraceNotes> notes_;  // only under papersrun --trace
    CpuBinding binding_;
};

}  // namespace papers::hub
