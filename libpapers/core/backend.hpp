// backend.hpp — what a transport must provide: one small table of
// operations (the nng idea). The core (api.cpp) validates arguments, keeps
// the fail-stop state and the error message, and calls through this table;
// it never asks which backend it is talking to.
//
// Every method is collective and returns 0 or a negative PAPERS_E* code,
// having stored a message with set_error() on failure. Arguments arrive
// already validated (non-null buffers, bytes > 0, ranks in range, known
// type/op), so backends do not re-check them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "papers/papers.h"

namespace papers {

struct Config;
struct CallTag;

class Backend {
public:
    virtual ~Backend() = default;

    virtual int barrier() = 0;
    virtual int any(int flag) = 0;   // returns 0/1 or error
    virtual int all(int flag) = 0;   // returns 0/1 or error
    virtual int waitvec(int flag, std::uint64_t* mask) = 0;
    virtual int bcast(void* buf, std::size_t bytes, int root) = 0;
    virtual int gather(const void* in, void* out, std::size_t bytes) = 0;
    virtual int putget(const void* in, void* out, std::size_t bytes, int src) = 0;
    virtual int reduce(const void* in, void* out, std::size_t count, papers_type_t type,
                       papers_op_t op) = 0;
    // min/max with location; default: reduce then find the lowest owner.
    virtual int reduce_loc(void* value, int* rank, papers_type_t type, papers_op_t op);

    // Leave the job cleanly (collective), e.g. leave the hub at power-on state.
    virtual int finalize() = 0;

    // A papers call begins (its tag) or ends (nullptr). A backend that labels its work with
    // the call (the simulated hub under papersrun --trace) says so once, at papers_init, so
    // the others cost nothing per call (the shm barrier takes ~70 ns).
    virtual bool traces_calls() const { return false; }
    virtual void trace_call(const CallTag* call) { (void)call; }

    // Port-access counters (zero for backends without a port).
    virtual papers_stats_t stats() const { return {}; }
    virtual void reset_stats() {}

    virtual const char* name() const = 0;

    // A backend that learns rank/size from its transport (mpi: from MPI,
    // not from PAPERS_RANK/SIZE) reports them here; -1 keeps the Config's.
    virtual int rank_override() const { return -1; }
    virtual int size_override() const { return -1; }
};

// Creates the backend named by cfg.backend; on failure returns nullptr and
// sets *code and the error message. The registry is a table in registry.cpp.
std::unique_ptr<Backend> make_backend(const Config& cfg, int* code);

}  // namespace papers
