#include "client_state.hpp"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <type_traits>

#include "dipc_env.hpp"
#include "direct_link_set.hpp"
#include "dsm_attachments.hpp"
#include "owner_cache.hpp"

namespace papers::dipc::client {

namespace {

// ---- configuration ---------------------------------------------------------

std::atomic<ClientConfig*> g_config{nullptr};

// ---- this thread's links ----------------------------------------------------

struct ThreadLinks {
    Link links[kLinksPerThread];
    bool busy[kLinksPerThread] = {};
    DirectLinkSet* direct = nullptr;  // allocated by the thread's first direct link
    bool direct_busy = false;
    bool tracked = false;
    ThreadLinks* prev = nullptr;
    ThreadLinks* next = nullptr;

    void close_all() {
        for (Link& l : links) l.close();
        if (direct) direct->close_all();
    }
    // The thread is gone (exit, or a fork child's copy of another thread).
    void release() {
        close_all();
        delete direct;
        direct = nullptr;
    }
};
// Constant-initialised and trivially destructible: no lazy TLS constructor,
// nothing allocated on first touch (a signal handler may be first).
static_assert(std::is_trivially_destructible_v<ThreadLinks>);
thread_local ThreadLinks tl_links;

// Every thread with tracked links, for the fork child (which closes them
// all: their threads do not exist in the child) and for thread exit.
pthread_mutex_t g_threads_lock = PTHREAD_MUTEX_INITIALIZER;
ThreadLinks* g_threads = nullptr;
pthread_once_t g_init_once = PTHREAD_ONCE_INIT;
pthread_key_t g_exit_key;

void unlink_thread(ThreadLinks* t) {
    if (t->prev) t->prev->next = t->next;
    else if (g_threads == t) g_threads = t->next;
    if (t->next) t->next->prev = t->prev;
    t->prev = t->next = nullptr;
    t->tracked = false;
}

void on_thread_exit(void* p) {
    auto* t = static_cast<ThreadLinks*>(p);
    pthread_mutex_lock(&g_threads_lock);
    unlink_thread(t);
    pthread_mutex_unlock(&g_threads_lock);
    t->release();
}

// ---- once per process: stderr lines and limits ------------------------------

std::atomic<bool> g_said_unreachable{false};
std::atomic<bool> g_said_enolink{false};
std::atomic<bool> g_said_keys{false};

std::atomic<int> g_limits_state{0};  // 0 none, 1 being written, 2 ready
proto::Limits g_limits;
std::atomic<std::uint32_t> g_local_host{0};
std::atomic<std::uint32_t> g_peer_timeout_ms{2000};

void say_once(std::atomic<bool>& said, const std::string& line) {
    if (said.exchange(true)) return;
    std::string l = "papers-dipc: " + line + "\n";
    ssize_t rc = write(STDERR_FILENO, l.data(), l.size());
    (void)rc;  // nowhere left to report a failed report
}

// ---- fork ---------------------------------------------------------------------

void fork_prepare() { pthread_mutex_lock(&g_threads_lock); }
void fork_parent() { pthread_mutex_unlock(&g_threads_lock); }
// The child is a new process: a new pid for the daemon (SO_PEERCRED), hence
// no undo list, and its own connections. Closing the inherited descriptors
// leaves the parent's connections as they were.
void fork_child() {
    ThreadLinks* self = &tl_links;
    for (ThreadLinks* t = g_threads; t;) {
        ThreadLinks* next = t->next;
        // The forking thread keeps its (closed) direct links: a signal
        // handler may have forked while its call used one.
        if (t != self) {
            unlink_thread(t);
            t->release();
        } else {
            t->close_all();
        }
        t = next;
    }
    pthread_mutex_unlock(&g_threads_lock);
    g_said_unreachable = false;
    g_said_enolink = false;
    g_said_keys = false;
}

void init_process() {
    pthread_key_create(&g_exit_key, on_thread_exit);
    // First of the child handlers (they run in the order registered): the
    // DSM lock comes locked from the parent (dsm_fork.cpp's prepare holds it
    // over fork), and fork_child's closing of direct links frees their
    // secrets with sodium_free, whose mprotect goes through our interposer,
    // which takes that lock when the pages lie between attachments.
    pthread_atfork(nullptr, nullptr, dsm::reinit_lock_in_child);
    pthread_atfork(fork_prepare, fork_parent, fork_child);
}

}  // namespace

const ClientConfig& config() {
    ClientConfig* c = g_config.load(std::memory_order_acquire);
    if (c) return *c;
    auto* fresh = new ClientConfig(read_client_config());
    if (g_config.compare_exchange_strong(c, fresh, std::memory_order_acq_rel)) {
        if (!fresh->keys_ok) report_bad_key_policy();
        return *fresh;
    }
    delete fresh;  // another thread was first
    return *c;
}

LinkLease::LinkLease() {
    ThreadLinks& t = tl_links;
    for (int i = 0; i < kLinksPerThread; ++i) {
        if (t.busy[i]) continue;
        // A handler interrupting between test and set takes and frees the
        // same slot before we resume: nested calls are strictly LIFO.
        t.busy[i] = true;
        std::atomic_signal_fence(std::memory_order_seq_cst);
        link_ = &t.links[i];
        return;
    }
}

LinkLease::~LinkLease() {
    if (!link_) return;
    ThreadLinks& t = tl_links;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t.busy[link_ - t.links] = false;
}

DirectLease::~DirectLease() {
    if (!held_) return;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    tl_links.direct_busy = false;
}

void DirectLease::acquire() {
    ThreadLinks& t = tl_links;
    if (held_ || t.direct_busy) return;
    t.direct_busy = true;  // strictly LIFO nesting, as LinkLease
    std::atomic_signal_fence(std::memory_order_seq_cst);
    held_ = true;
}

DirectLink& DirectLease::link_to(std::uint32_t host, std::uint64_t generation) {
    ThreadLinks& t = tl_links;
    track_thread_links();
    if (!t.direct) t.direct = new DirectLinkSet;
    return t.direct->link_to(host, generation);
}

void track_thread_links() {
    ThreadLinks& t = tl_links;
    if (t.tracked) return;
    t.tracked = true;
    pthread_once(&g_init_once, init_process);
    pthread_mutex_lock(&g_threads_lock);
    t.next = g_threads;
    if (g_threads) g_threads->prev = &t;
    g_threads = &t;
    pthread_mutex_unlock(&g_threads_lock);
    pthread_setspecific(g_exit_key, &t);
}

void remember_welcome(const proto::Welcome& w) {
    g_local_host.store(w.host, std::memory_order_relaxed);
    if (w.peer_timeout_ms > 0) g_peer_timeout_ms.store(w.peer_timeout_ms, std::memory_order_relaxed);
    int expected = 0;
    if (!g_limits_state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) return;
    g_limits = w.limits;
    g_limits_state.store(2, std::memory_order_release);
}

const proto::Limits& layer_limits(const Link& opened) {
    return g_limits_state.load(std::memory_order_acquire) == 2 ? g_limits : opened.welcome().limits;
}

bool limits_known() { return g_limits_state.load(std::memory_order_acquire) == 2; }
std::uint32_t local_host() { return g_local_host.load(std::memory_order_relaxed); }
std::uint32_t peer_timeout_ms() { return g_peer_timeout_ms.load(std::memory_order_relaxed); }

void report_unreachable(const std::string& reason) {
    say_once(g_said_unreachable, "cannot reach the DIPC daemon at " + config().socket_path + ": " + reason +
                                     " (DIPC calls fail with ENOLINK)");
}

void report_daemon_enolink() {
    say_once(g_said_enolink, "the DIPC daemon at " + config().socket_path +
                                 " cannot reach the cluster's referee or a structure's owner (ENOLINK)");
}

void report_bad_key_policy() {
    const ClientConfig& c = *g_config.load(std::memory_order_acquire);
    say_once(g_said_keys, std::string(::papers::dipc_env::kKeys.name) + ": " + c.keys_error +
                              "; expected flag, all, or keys and ranges like 0x1234,0x5000-0x50ff "
                              "(DIPC calls fail with EINVAL)");
}

namespace testing {

void reset_process_state() {
    delete g_config.exchange(nullptr);
    tl_links.release();
    forget_all_owners();
    g_local_host = 0;
    g_peer_timeout_ms = 2000;
    g_said_unreachable = false;
    g_said_enolink = false;
    g_said_keys = false;
    g_limits_state = 0;
}

std::size_t thread_direct_links_open() { return tl_links.direct ? tl_links.direct->open_count() : 0; }

}  // namespace testing

}  // namespace papers::dipc::client
