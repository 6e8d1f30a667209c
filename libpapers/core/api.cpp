// api.cpp — the C API: argument checks, fail-stop state, then one call
// through the backend table. Collective calls from one thread at a time
// (like MPI_THREAD_FUNNELED).
#include <bit>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "backend.hpp"
#include "call_check.hpp"
#include "config.hpp"
#include "error.hpp"
#include "papers/driver/time_slice.hpp"
#include "papers/papers.h"
#include "typeops.hpp"

namespace papers {
namespace {

struct Session {
    driver::SliceRequest slice;  // first: given back after the backend has finished
    Config cfg;
    std::unique_ptr<Backend> backend;
    bool broken = false;
    std::string broken_why;
    std::uint64_t calls = 0;
    bool traces_calls = false;  // backend->traces_calls(), asked once
};

Session* g_session = nullptr;

// Checks that a collective may run; returns 0 or the error to report.
int usable(const char* what) {
    if (!g_session)
        return set_error(PAPERS_ENOTINIT, std::string(what) + ": papers_init() has not succeeded");
    if (g_session->broken)
        return set_error(PAPERS_EBROKEN, std::string(what) +
                                             ": the session is unusable after an earlier "
                                             "failure: " +
                                             g_session->broken_why);
    return PAPERS_OK;
}

// Runs a backend call, after checking in debug mode that every PE makes
// the same call (call_check.hpp); a failure inside a collective leaves the
// PEs out of step, so it breaks the session (fail-stop, spec §6).
template <class F>
int run(const char* api, const CallTag& tag, F&& f) {
    Session& s = *g_session;
    if (s.traces_calls) s.backend->trace_call(&tag);
    int rc = s.cfg.debug_tags ? check_same_call(*s.backend, s.cfg.rank, s.cfg.size, tag, api)
                              : PAPERS_OK;
    if (rc == PAPERS_OK) rc = f();
    if (s.traces_calls) s.backend->trace_call(nullptr);
    if (rc < 0) {
        s.broken = true;
        s.broken_why = last_error();
    } else {
        ++s.calls;
    }
    return rc;
}

// PAPERS_VERBOSE=1: one line on stderr, so a user sees which job this process joined.
void say_what_was_chosen(const Config& cfg, const char* backend) {
    std::string line = "papers: rank " + std::to_string(cfg.rank) + " of " +
                       std::to_string(cfg.size) + " on the " + backend + " backend";
    if (cfg.singleton)
        line += " (a singleton run: no PAPERS_RANK/PAPERS_SIZE, PAPERS_SIM, PAPERS_JOB, "
                "PAPERS_PORT was set and PAPERS_BACKEND was unset or detect, as when a program starts without "
                "papersrun)";
    std::fprintf(stderr, "%s\n", line.c_str());
}

int bad(int code, const char* what, const std::string& why) {
    return set_error(code, std::string(what) + ": " + why);
}

}  // namespace
}  // namespace papers

using namespace papers;

// The C API's enums come from C, where any int converts to them; in C++
// loading a value outside an enum's range is undefined (UBSan: "load of value
// 99, which is not a valid value for type papers_type_t"). The argument's
// bits are read as an int and checked before it is used as an enum; it is
// passed by reference until then (passing by value loads it).
namespace {
template <class E>
int enum_bits(const E& e) {
    static_assert(sizeof(E) == sizeof(int));
    int v;
    std::memcpy(&v, &e, sizeof v);
    return v;
}
}  // namespace

extern "C" {

int papers_init(void) {
    if (g_session)
        return set_error(PAPERS_EBUSY, "papers_init: already initialised (call papers_finalize first)");
    auto s = std::make_unique<Session>();
    std::string err;
    if (int rc = config_from_env(s->cfg, err); rc) return set_error(rc, "papers_init: " + err);
    // Before the backend starts: its start-up waits and threads have it too.
    s->slice.request(s->cfg.slice_us);
    int code = PAPERS_OK;
    s->backend = make_backend(s->cfg, &code);
    if (!s->backend) {
        if (code == PAPERS_OK) code = PAPERS_ENODEV;
        return set_error(code, "papers_init (backend " + s->cfg.backend + ", rank " +
                                   std::to_string(s->cfg.rank) + "/" +
                                   std::to_string(s->cfg.size) + "): " + last_error());
    }
    if (s->backend->rank_override() >= 0 && s->backend->size_override() > 0) {
        s->cfg.rank = s->backend->rank_override();  // e.g. mpi: rank/size come from MPI
        s->cfg.size = s->backend->size_override();
    }
    s->traces_calls = s->backend->traces_calls();
    if (s->cfg.verbose) say_what_was_chosen(s->cfg, s->backend->name());
    g_session = s.release();
    return PAPERS_OK;
}

int papers_finalize(void) {
    if (!g_session) return set_error(PAPERS_ENOTINIT, "papers_finalize: not initialised");
    int rc = PAPERS_OK;
    if (!g_session->broken) rc = g_session->backend->finalize();
    delete g_session;
    g_session = nullptr;
    return rc;
}

int papers_rank(void) { return g_session ? g_session->cfg.rank : PAPERS_ENOTINIT; }
int papers_size(void) { return g_session ? g_session->cfg.size : PAPERS_ENOTINIT; }
const char* papers_backend_name(void) { return g_session ? g_session->backend->name() : ""; }

int papers_barrier(void) {
    if (int rc = usable("papers_barrier")) return rc;
    return run("papers_barrier", CallTag::simple(Call::barrier),
               [] { return g_session->backend->barrier(); });
}

int papers_any(int flag) {
    if (int rc = usable("papers_any")) return rc;
    return run("papers_any", CallTag::simple(Call::any),
               [&] { return g_session->backend->any(flag); });
}

int papers_all(int flag) {
    if (int rc = usable("papers_all")) return rc;
    return run("papers_all", CallTag::simple(Call::all),
               [&] { return g_session->backend->all(flag); });
}

// waitvec, and count/first/enqueue as arithmetic on its mask.
static int with_waitvec(const char* what, int flag, uint64_t* mask) {
    if (int rc = usable(what)) return rc;
    if (!mask) return bad(PAPERS_EINVAL, what, "mask is NULL");
    if (g_session->cfg.size > 64)
        return bad(PAPERS_ENOTSUP, what, "a 64-bit mask cannot hold more than 64 PEs");
    return run(what, CallTag::simple(Call::waitvec),
               [&] { return g_session->backend->waitvec(flag, mask); });
}

int papers_waitvec(int flag, uint64_t* mask) { return with_waitvec("papers_waitvec", flag, mask); }

int papers_count(int flag) {
    uint64_t m = 0;
    if (int rc = with_waitvec("papers_count", flag, &m); rc < 0) return rc;
    return std::popcount(m);
}

int papers_first(int flag) {
    uint64_t m = 0;
    if (int rc = with_waitvec("papers_first", flag, &m); rc < 0) return rc;
    return m ? std::countr_zero(m) : -1;
}

int papers_enqueue(int flag) {
    uint64_t m = 0;
    if (int rc = with_waitvec("papers_enqueue", flag, &m); rc < 0) return rc;
    if (!flag) return -1;
    const int me = g_session->cfg.rank;
    return std::popcount(me == 0 ? 0 : m & ((uint64_t(1) << me) - 1));
}

int papers_bcast(void* buf, size_t bytes, int root) {
    if (int rc = usable("papers_bcast")) return rc;
    if (!buf) return bad(PAPERS_EINVAL, "papers_bcast", "buffer is NULL");
    if (bytes == 0) return bad(PAPERS_EINVAL, "papers_bcast", "bytes is 0");
    if (root < 0 || root >= g_session->cfg.size)
        return bad(PAPERS_ERANK, "papers_bcast",
                   "root " + std::to_string(root) + " is not a rank of 0.." +
                       std::to_string(g_session->cfg.size - 1));
    return run("papers_bcast", CallTag::bcast(bytes, root),
               [&] { return g_session->backend->bcast(buf, bytes, root); });
}

int papers_gather(const void* in, void* out, size_t bytes) {
    if (int rc = usable("papers_gather")) return rc;
    if (!in || !out) return bad(PAPERS_EINVAL, "papers_gather", "in or out buffer is NULL");
    if (bytes == 0) return bad(PAPERS_EINVAL, "papers_gather", "bytes is 0");
    return run("papers_gather", CallTag::sized(Call::gather, bytes),
               [&] { return g_session->backend->gather(in, out, bytes); });
}

int papers_putget(const void* in, void* out, size_t bytes, int src) {
    if (int rc = usable("papers_putget")) return rc;
    if (!in || !out) return bad(PAPERS_EINVAL, "papers_putget", "in or out buffer is NULL");
    if (bytes == 0) return bad(PAPERS_EINVAL, "papers_putget", "bytes is 0");
    if (src < 0 || src >= g_session->cfg.size)
        return bad(PAPERS_ERANK, "papers_putget",
                   "source " + std::to_string(src) + " is not a rank of 0.." +
                       std::to_string(g_session->cfg.size - 1));
    return run("papers_putget", CallTag::sized(Call::putget, bytes),
               [&] { return g_session->backend->putget(in, out, bytes, src); });
}

static int check_reduce_args(const char* what, const void* in, const void* out, size_t count,
                             const papers_type_t& type, const papers_op_t& op) {
    if (!in || !out) return bad(PAPERS_EINVAL, what, "in or out buffer is NULL");
    if (count == 0) return bad(PAPERS_EINVAL, what, "count is 0");
    if (const int t = enum_bits(type); t < PAPERS_INT8 || t >= PAPERS_TYPE_COUNT_)
        return bad(PAPERS_EINVAL, what, "unknown type " + std::to_string(t));
    if (const int o = enum_bits(op); o < PAPERS_SUM || o >= PAPERS_OP_COUNT_)
        return bad(PAPERS_EINVAL, what, "unknown op " + std::to_string(o));
    if (op_is_bitwise(op) && type_is_float(type))
        return bad(PAPERS_EINVAL, what,
                   std::string("bitwise op ") + op_name(op) + " needs an integer type, not " +
                       type_name(type));
    return PAPERS_OK;
}

int papers_reduce(const void* in, void* out, size_t count, papers_type_t type, papers_op_t op) {
    if (int rc = usable("papers_reduce")) return rc;
    if (int rc = check_reduce_args("papers_reduce", in, out, count, type, op)) return rc;
    if (count > (SIZE_MAX / 8) / 64)
        return bad(PAPERS_EINVAL, "papers_reduce", "count is too large");
    return run("papers_reduce", CallTag::reduce(count, type, op),
               [&] { return g_session->backend->reduce(in, out, count, type, op); });
}

int papers_reduce_loc(void* value, int* rank, papers_type_t type, papers_op_t op) {
    if (int rc = usable("papers_reduce_loc")) return rc;
    if (!rank) return bad(PAPERS_EINVAL, "papers_reduce_loc", "rank pointer is NULL");
    if (int rc = check_reduce_args("papers_reduce_loc", value, value, 1, type, op)) return rc;
    if (op != PAPERS_MIN && op != PAPERS_MAX)
        return bad(PAPERS_EINVAL, "papers_reduce_loc", "op must be PAPERS_MIN or PAPERS_MAX");
    if (g_session->cfg.size > 64)
        return bad(PAPERS_ENOTSUP, "papers_reduce_loc", "more than 64 PEs");
    return run("papers_reduce_loc", CallTag::reduce_loc(type, op),
               [&] { return g_session->backend->reduce_loc(value, rank, type, op); });
}

int papers_stats(papers_stats_t* out) {
    if (!out) return set_error(PAPERS_EINVAL, "papers_stats: out is NULL");
    if (!g_session) return set_error(PAPERS_ENOTINIT, "papers_stats: not initialised");
    *out = g_session->backend->stats();
    out->calls = g_session->calls;
    return PAPERS_OK;
}

int papers_stats_reset(void) {
    if (!g_session) return set_error(PAPERS_ENOTINIT, "papers_stats_reset: not initialised");
    g_session->backend->reset_stats();
    g_session->calls = 0;
    return PAPERS_OK;
}

}  // extern "C"
