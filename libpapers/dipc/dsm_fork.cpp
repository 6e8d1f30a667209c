#include "dsm_fork.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "client_state.hpp"
#include "daemon_call.hpp"
#include "dsm_attachments.hpp"
#include "dsm_fault_relay.hpp"
#include "dsm_service_thread.hpp"
#include "real_system.hpp"
#include "unix_socket.hpp"

namespace papers::dipc::client::dsm {

namespace {

bool g_registered = false;  // under ensure_runtime's mutex

// The forking thread's mask before prepare blocked the async signals, and
// the pipe whose end of file tells the parent the child is done.
thread_local sigset_t tl_saved_mask;
thread_local int tl_done_pipe[2] = {-1, -1};

void say(const std::string& text) {
    std::string line = "papers-dipc: " + text + "\n";
    ssize_t rc = real::write(STDERR_FILENO, line.data(), line.size());
    (void)rc;  // nowhere left to report a failed report
}

void prepare() {
    sigset_t block;
    async_signals(block);
    real::pthread_sigmask(SIG_BLOCK, &block, &tl_saved_mask);
    lock_raw();
    tl_done_pipe[0] = tl_done_pipe[1] = -1;
    if (any() && pipe2(tl_done_pipe, O_CLOEXEC) != 0) tl_done_pipe[0] = tl_done_pipe[1] = -1;
}

void wait_for_child(int fd) {
    std::int64_t deadline = sock::now_ms() + kForkInheritTimeoutMs;
    for (;;) {
        std::int64_t left = deadline - sock::now_ms();
        if (left <= 0) return;
        pollfd p{fd, POLLIN, 0};
        int rc = poll(&p, 1, static_cast<int>(left));
        if (rc < 0 && errno == EINTR) continue;
        if (rc <= 0) return;
        char c;
        ssize_t k = real::read(fd, &c, 1);
        if (k <= 0 && !(k < 0 && errno == EINTR)) return;  // end of file: the child is done
    }
}

void parent() {
    int done = tl_done_pipe[0];
    // Closed before unlocking: a child another thread forks next must not
    // hold this pipe's write end.
    if (tl_done_pipe[1] >= 0) close(tl_done_pipe[1]);
    unlock_raw();
    real::pthread_sigmask(SIG_SETMASK, &tl_saved_mask, nullptr);
    if (done < 0) return;
    int saved_errno = errno;
    wait_for_child(done);
    close(done);
    errno = saved_errno;
}

// The daemon's handles for the child's attachments, in the parent's order
// (0 = refused), or false with a reason.
bool ask_inherit(const std::vector<std::uint64_t>& parent_handles, std::vector<std::uint64_t>& mine,
                 std::string& why) {
    try {
        DaemonCall call;
        proto::Reply reply;
        proto::ShmInherit req;
        req.attaches = parent_handles;
        if (!call.open() || !call.ask(proto::Op::shm_inherit, req, false, reply)) {
            why = "the DIPC daemon cannot be reached";
            return false;
        }
        if (reply.err) {
            why = std::string("the DIPC daemon refused: ") + std::strerror(reply.err);
            return false;
        }
        proto::ShmInherit got;
        if (!call.payload(reply, got) || got.attaches.size() != parent_handles.size()) {
            why = "protocol error in the DIPC daemon's answer";
            return false;
        }
        mine = std::move(got.attaches);
        return true;
    } catch (...) {
        why = "out of memory";
        return false;
    }
}

void take_over_attachments() {
    // Nothing of the parent's views is valid here: the daemon counts this
    // process's views from none.
    std::vector<Attachment*> attachments = all();
    std::vector<std::uint64_t> parent_handles;
    for (Attachment* a : attachments) {
        real::mprotect(reinterpret_cast<void*>(a->base), a->length, PROT_NONE);
        std::fill(a->view.begin(), a->view.end(), View::none);
        std::fill(a->seq.begin(), a->seq.end(), 0);
        parent_handles.push_back(a->handle);
    }
    std::string why;
    std::vector<std::uint64_t> mine;
    bool ok = start_service(why) && start_fault_relay(why) && ask_inherit(parent_handles, mine, why);
    Lock lock;  // the service thread runs now
    for (std::size_t i = 0; i < attachments.size(); ++i) {
        Attachment* a = attachments[i];
        if (ok && mine[i] != 0) {
            a->handle = mine[i];
            continue;
        }
        say("fork: the child process lost its attachment of shared memory segment " + std::to_string(a->shmid) +
            " (" + (ok ? std::string("the DIPC daemon refused it") : why) + ")");
        munmap(reinterpret_cast<void*>(a->base), a->length);
        remove(a);
    }
}

void child() {
    reinit_lock_in_child();  // copied locked from the parent
    forget_service_in_child();
    forget_fault_relay_in_child();
    if (tl_done_pipe[0] >= 0) close(tl_done_pipe[0]);
    int done = tl_done_pipe[1];
    if (any()) take_over_attachments();
    real::pthread_sigmask(SIG_SETMASK, &tl_saved_mask, nullptr);
    if (done >= 0) close(done);  // the parent's fork returns
}

}  // namespace

void register_fork_handlers() {
    if (g_registered) return;
    track_thread_links();
    pthread_atfork(prepare, parent, child);
    g_registered = true;
}

}  // namespace papers::dipc::client::dsm
