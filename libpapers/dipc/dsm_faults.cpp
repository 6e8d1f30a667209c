#include "dsm_faults.hpp"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "daemon_call.hpp"
#include "dsm_service_thread.hpp"
#include "real_system.hpp"

namespace papers::dipc::client::dsm {

namespace {

struct Target {
    proto::FaultReq req;
    std::int32_t shmid = 0;
    std::uint64_t unit_bytes = kPageBytes;
    bool direct = false;         // a read miss the home may serve on the direct link
    std::uint64_t seq_before = 0;  // the unit's last view change when it was asked
};

enum class Check { not_ours, present, missing };

// Under the lock: is addr a DSM miss, and for which unit?
Check classify(std::uintptr_t addr, bool write, bool exec, Target& t) {
    Attachment* a = find_containing(addr);
    if (!a) return Check::not_ours;
    std::size_t page = a->page_of(addr);
    if (!program_allows(a->app_prot[page], write, exec)) return Check::not_ours;
    std::uint64_t u = a->unit_of(addr);
    if (a->view[u] >= (write ? View::write : View::read)) {
        // Another thread's grant came first: make sure the page shows it.
        protect_pages(*a, page, 1);
        return Check::present;
    }
    t.req.attach = a->handle;
    t.req.unit = u;
    t.req.write = write;
    t.shmid = a->shmid;
    t.unit_bytes = a->unit_bytes;
    t.direct = !write && a->window != 0 && config().dsm_direct && service_running();
    t.seq_before = a->seq[u];
    return Check::missing;
}

// The daemon's answer to a fault: 0 and the reply (whose err may be set),
// or the errno of a failed exchange. No thread cancellation meanwhile (a
// half-exchanged link cannot be unwound), allocation failure as ENOMEM.
int ask_daemon(const proto::FaultReq& req, proto::Reply& reply, proto::Grant& grant) {
    int cancel_state;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
    int err = 0;
    try {
        DaemonCall call;
        if (!call.open() || !call.ask(proto::Op::fault, req, false, reply)) err = errno;
        else if (reply.err == 0 && !call.payload(reply, grant)) err = errno;
    } catch (...) {
        err = ENOMEM;
    }
    pthread_setcancelstate(cancel_state, nullptr);
    // Not the mapping limit that ENOMEM names in report_failure.
    return err == ENOMEM ? ENOBUFS : err;
}

Outcome fail(Failure& f, int err, const Target& t, std::uintptr_t addr, bool link = false) {
    f.err = err;
    f.link = link;
    f.shmid = t.shmid;
    f.unit = t.req.unit;
    f.unit_bytes = t.unit_bytes;
    f.addr = addr;
    return Outcome::failed;
}

const char* reason(int err, bool link) {
    if (link && err == ENOLINK) return "could not be fetched: the DIPC daemon cannot be reached";
    switch (err) {
        case EIO: return "was lost with the host that held its only valid copy";
        case EIDRM: return "is gone: the segment was lost with its home host";
        case ETIMEDOUT: return "could not be fetched: a process holding it did not release it in time (stopped?)";
        case ENOLINK: return "could not be fetched: the DIPC daemon cannot reach the segment's home";
        case ENOMEM:
            return "could not be mapped: the process reached the kernel's limit on mappings (vm.max_map_count); "
                   "raise it, e.g. sysctl vm.max_map_count=262144";
        case EINVAL: return "could not be fetched: the DIPC daemon does not know this attachment";
        case ENOBUFS: return "could not be fetched: out of memory, or too many nested faults on one thread";
        default: return nullptr;
    }
}

std::atomic<std::uint64_t> g_last_line{0};
std::atomic<std::uint64_t> g_fetch_ids{0};

// A read miss asked of the home on the thread's direct link (docs/dipc-
// design.md, "Direct read fetch"): the home grants, tells this host's daemon
// (page_notice), and sends the bytes, which this thread writes into the host
// copy through the attachment's window before it raises its view; then it
// reports to its daemon, which keeps the unit from everyone else until then.
enum class Direct { resolved, failed, ask_daemon };

Direct fetch_direct(const Target& t, std::uintptr_t addr, Failure& failure, bool* fetched) {
    const std::uint64_t fetch_id = g_fetch_ids.fetch_add(1, std::memory_order_relaxed) + 1;
    proto::DsmFetch req{t.shmid, t.req.unit, t.req.attach, fetch_id};
    proto::Reply reply;
    bool asked = false, exchanged = false;
    int cancel_state;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
    try {
        DaemonCall call;
        if (DirectLink* link = call.direct_to_owner(proto::Kind::shm, t.shmid)) {
            std::string why;
            asked = true;
            exchanged = link->call(proto::Op::dsm_fetch, req, false, reply, why);
        }
    } catch (...) {
        // out of memory: the daemon's path below
    }
    pthread_setcancelstate(cancel_state, nullptr);
    if (!asked) return Direct::ask_daemon;
    proto::DsmInstalled report{t.req.attach, t.req.unit, fetch_id, false};
    proto::DsmFetched got;
    if (!exchanged || (reply.err == 0 && !proto::decode_payload(reply.payload, got))) {
        // The home may have granted and told our daemon: it writes the bytes itself.
        Lock lock;
        report_install(report);
        return Direct::ask_daemon;
    }
    if (reply.err == EIO || reply.err == EIDRM) {
        fail(failure, reply.err, t, addr);
        return Direct::failed;
    }
    if (reply.err) return Direct::ask_daemon;  // EAGAIN: this host holds it already, or not now
    Lock lock;
    Attachment* a = find_by_handle(t.req.attach);
    const std::uint64_t u = t.req.unit;
    // Detached meanwhile, or a revoke came first: the bytes are not written
    // here (the daemon writes them), and the retried access faults again.
    bool install = a && a->window && u < a->units() && a->seq[u] == t.seq_before &&
                   u * a->unit_bytes + got.data.size() <= a->length && got.data.size() <= a->unit_bytes;
    if (install) {
        std::memcpy(reinterpret_cast<void*>(a->window + u * a->unit_bytes), got.data.data(), got.data.size());
        View v = std::max(a->view[u], View::read);
        a->view[u] = v;
        if (int err = protect_pages(*a, a->first_page_of_unit(u), a->pages_of_unit(u), {{u, v}})) {
            // The bytes are in; the daemon records a view we could not set: harmless.
            a->view[u] = View::none;
            protect_pages(*a, a->first_page_of_unit(u), a->pages_of_unit(u));
            report.installed = true;
            report_install(report);
            failure.err = err;
            failure.link = false;
            failure.shmid = t.shmid;
            failure.unit = u;
            failure.unit_bytes = t.unit_bytes;
            failure.addr = addr;
            return Direct::failed;
        }
        if (fetched) *fetched = true;
    }
    report.installed = install;
    report_install(report);
    return Direct::resolved;
}

}  // namespace

Outcome resolve_access(std::uintptr_t addr, bool write, bool exec, Failure& failure, bool* fetched) {
    Target t;
    {
        Lock lock;
        switch (classify(addr, write, exec, t)) {
            case Check::not_ours: return Outcome::not_ours;
            case Check::present: return Outcome::resolved;
            case Check::missing: break;
        }
    }
    if (t.direct) {
        switch (fetch_direct(t, addr, failure, fetched)) {
            case Direct::resolved: return Outcome::resolved;
            case Direct::failed: return Outcome::failed;
            case Direct::ask_daemon: break;
        }
    }
    proto::Reply reply;
    proto::Grant grant;
    if (int err = ask_daemon(t.req, reply, grant)) return fail(failure, err, t, addr, true);
    // The daemon knows the attachment is read-only: the program's own fault.
    if (reply.err == EACCES) return Outcome::not_ours;
    if (reply.err) return fail(failure, reply.err, t, addr);
    Lock lock;
    Attachment* a = find_by_handle(t.req.attach);
    // Detached meanwhile: retried, the access meets unmapped memory, as with the kernel.
    if (!a || t.req.unit >= a->units()) return Outcome::resolved;
    std::uint64_t u = t.req.unit;
    // A later change (a revoke) was applied first: this grant is stale, and
    // the retried access faults again if it still needs the unit.
    if (grant.seq <= a->seq[u]) return Outcome::resolved;
    // Grants only raise a view (a read grant after a write grant, both
    // newer than the last revoke, leaves the write): the daemon records the
    // larger too, and only its revokes lower views.
    View v = std::max(a->view[u], static_cast<View>(std::min<std::uint8_t>(grant.level, 2)));
    a->seq[u] = grant.seq;
    a->view[u] = v;
    if (int err = protect_pages(*a, a->first_page_of_unit(u), a->pages_of_unit(u), {{u, v}})) {
        a->view[u] = View::none;
        protect_pages(*a, a->first_page_of_unit(u), a->pages_of_unit(u));
        return fail(failure, err, t, addr);
    }
    if (fetched) *fetched = true;
    return Outcome::resolved;
}

void report_failure(const Failure& f) {
    // The same unit and reason as the line just printed: a SIGBUS handler
    // that returns re-runs the access, which fails again; one line is enough.
    std::uint64_t key = (std::uint64_t(std::uint32_t(f.shmid)) << 32) ^ (f.unit << 8) ^ std::uint64_t(f.err & 0xff);
    if (g_last_line.exchange(key) == key) return;
    char what[96];
    if (f.unit_bytes == kPageBytes)
        std::snprintf(what, sizeof what, "page %llu", static_cast<unsigned long long>(f.unit));
    else
        std::snprintf(what, sizeof what, "unit %llu (bytes %llu..%llu)", static_cast<unsigned long long>(f.unit),
                      static_cast<unsigned long long>(f.unit * f.unit_bytes),
                      static_cast<unsigned long long>((f.unit + 1) * f.unit_bytes - 1));
    const char* why = reason(f.err, f.link);
    char line[512];
    int n;
    if (why)
        n = std::snprintf(line, sizeof line, "papers-dipc: SIGBUS at %p: %s of shared memory segment %d %s\n",
                          reinterpret_cast<void*>(f.addr), what, f.shmid, why);
    else
        n = std::snprintf(line, sizeof line,
                          "papers-dipc: SIGBUS at %p: %s of shared memory segment %d could not be fetched: %s\n",
                          reinterpret_cast<void*>(f.addr), what, f.shmid,
                          strerrorname_np(f.err) ? strerrorname_np(f.err) : "unknown error");
    if (n > 0) {
        ssize_t rc = real::write(STDERR_FILENO, line, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof line - 1));
        (void)rc;  // nowhere left to report a failed report
    }
}

}  // namespace papers::dipc::client::dsm
