#include "dsm_service_thread.hpp"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "client_state.hpp"
#include "daemon_link.hpp"
#include "dsm_attachments.hpp"
#include "layer_thread.hpp"
#include "real_system.hpp"

namespace papers::dipc::client::dsm {

namespace {

constexpr std::size_t kServiceStack = 256 * 1024;

Link g_service;  // plain data: constant-initialised
std::atomic<bool> g_running{false};
// The service thread's acks and the faulting threads' install reports share
// the connection: one frame at a time.
pthread_mutex_t g_send = PTHREAD_MUTEX_INITIALIZER;

void say(const std::string& text) {
    std::string line = "papers-dipc: " + text + "\n";
    ssize_t rc = real::write(STDERR_FILENO, line.data(), line.size());
    (void)rc;  // nowhere left to report a failed report
}

// The daemon forgot this process's attachments (its service session ended):
// nothing here is coherent any more, so nothing stays accessible.
void service_lost(const std::string& why) {
    {
        Lock lock;
        for (Attachment* a : all()) {
            std::fill(a->view.begin(), a->view.end(), View::none);
            protect_pages(*a, 0, a->pages());
        }
    }
    say("the DIPC daemon's DSM service connection ended (" + why +
        "); accesses to distributed shared memory now raise SIGBUS");
}

void* service_main(void*) {
    std::string why;
    for (;;) {
        proto::Header h;
        std::vector<std::uint8_t> body;
        if (!g_service.receive(h, body, why)) break;
        if (h.op != proto::Op::revoke) {
            why = std::string("protocol error: ") + proto::op_name(h.op) + " on the DSM service connection";
            g_service.close();
            break;
        }
        proto::Revoke rv;
        const char* bad = nullptr;
        if (!proto::decode_payload(body, rv, &bad)) {
            why = std::string("protocol error in a revoke: ") + bad;
            g_service.close();
            break;
        }
        if (!apply_revoke(rv)) {
            say("could not take away page " + std::to_string(rv.unit) + " of shared memory segment " +
                std::to_string(rv.segment) + " (mprotect failed: vm.max_map_count?); this process keeps it");
            continue;
        }
        pthread_mutex_lock(&g_send);
        bool sent = g_service.send_from_other_thread(proto::Op::reply, h.request_id, proto::Reply{}, why);
        pthread_mutex_unlock(&g_send);
        if (!sent) {
            g_service.close();
            break;
        }
    }
    g_running.store(false, std::memory_order_release);
    service_lost(why);
    return nullptr;
}

}  // namespace

bool start_service(std::string& why) {
    if (!g_service.open(config().socket_path, why, 1)) return false;
    remember_welcome(g_service.welcome());
    g_running.store(true, std::memory_order_release);
    if (int rc = start_layer_thread(service_main, kServiceStack, "papers-dsm")) {
        g_running.store(false, std::memory_order_release);
        g_service.close();
        why = std::string("cannot start the DSM service thread: ") + std::strerror(rc);
        return false;
    }
    return true;
}

bool service_running() { return g_running.load(std::memory_order_acquire); }

void forget_service_in_child() {
    g_service.close();
    g_running.store(false, std::memory_order_relaxed);
    pthread_mutex_init(&g_send, nullptr);  // a thread of the parent may have held it
}

void report_install(const proto::DsmInstalled& m) {
    std::string why;
    pthread_mutex_lock(&g_send);
    // A broken connection is the service thread's to notice: it drops every view.
    if (g_running.load(std::memory_order_acquire))
        g_service.send_from_other_thread(proto::Op::dsm_installed, 0, m, why);
    pthread_mutex_unlock(&g_send);
}

bool apply_revoke(const proto::Revoke& rv) {
    Lock lock;
    bool ok = true;
    View level = static_cast<View>(std::min<std::uint8_t>(rv.level, 2));
    for (Attachment* a : all()) {
        if (rv.attach ? a->handle != rv.attach : a->shmid != rv.segment) continue;
        std::uint64_t units = a->units();
        std::uint64_t first = rv.unit;
        std::uint64_t last = first >= units ? first : first + std::min(rv.count, units - first);
        std::uint64_t lo = last, hi = first;  // the units whose view actually drops
        for (std::uint64_t u = first; u < last; ++u) {
            if (rv.seq <= a->seq[u]) continue;  // a later grant was applied: this order is stale
            a->seq[u] = rv.seq;
            if (a->view[u] <= level) continue;
            a->view[u] = level;
            lo = std::min(lo, u);
            hi = std::max(hi, u + 1);
        }
        if (lo >= hi) continue;
        std::size_t first_page = a->first_page_of_unit(lo);
        std::size_t end_page = a->first_page_of_unit(hi - 1) + a->pages_of_unit(hi - 1);
        if (protect_pages(*a, first_page, end_page - first_page) != 0) ok = false;
    }
    return ok;
}

}  // namespace papers::dipc::client::dsm
