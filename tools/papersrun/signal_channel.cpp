#include "signal_channel.hpp"

#include <cerrno>
#include <csignal>
#include <sys/signalfd.h>
#include <unistd.h>

#include "launch_error.hpp"

namespace papersrun {

namespace {
constexpr int kWatched[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// An inherited "ignore" of SIGHUP/SIGINT/SIGQUIT is honoured (nohup, or a
// background job of a script): those are not watched. SIGTERM and SIGCHLD
// always are; SIGCHLD ignored would make the kernel reap our children.
sigset_t g_inherited_ignored;  // restored in children (nohup keeps working)

void record_inherited_ignored() {
    sigemptyset(&g_inherited_ignored);
    for (int s = 1; s < NSIG; ++s) {
        struct sigaction old {};
        if (s != SIGCHLD && sigaction(s, nullptr, &old) == 0 && old.sa_handler == SIG_IGN)
            sigaddset(&g_inherited_ignored, s);
    }
}

sigset_t watched_set() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : kWatched) {
        struct sigaction old {};
        sigaction(s, nullptr, &old);
        bool may_stay_ignored = s == SIGHUP || s == SIGINT || s == SIGQUIT;
        if (old.sa_handler == SIG_IGN && may_stay_ignored) continue;
        signal(s, SIG_DFL);
        sigaddset(&set, s);
    }
    return set;
}
}  // namespace

SignalChannel::SignalChannel() {
    record_inherited_ignored();
    sigset_t set = watched_set();
    if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0)
        throw LaunchError(kExitLaunchFailure, "sigprocmask: " + errno_text(errno));
    fd_ = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd_ < 0) throw LaunchError(kExitLaunchFailure, "signalfd: " + errno_text(errno));
    // A reader that went away (e.g. `papersrun ... | head`) must not kill
    // papersrun before it has cleaned up; writes then fail with EPIPE.
    signal(SIGPIPE, SIG_IGN);
}

SignalChannel::~SignalChannel() {
    if (fd_ >= 0) close(fd_);
}

std::vector<int> SignalChannel::drain() {
    std::vector<int> out;
    signalfd_siginfo info[8];
    for (;;) {
        ssize_t n = read(fd_, info, sizeof info);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (ssize_t i = 0; i < n / static_cast<ssize_t>(sizeof info[0]); ++i)
            out.push_back(static_cast<int>(info[i].ssi_signo));
    }
    return out;
}

bool SignalChannel::is_stop_request(int signo) {
    return signo == SIGINT || signo == SIGTERM || signo == SIGHUP || signo == SIGQUIT;
}

void reset_signals_in_child() {
    for (int s = 1; s < NSIG; ++s) {
        if (s == SIGKILL || s == SIGSTOP) continue;
        // SIG_DFL fails harmlessly for reserved real-time signals.
        signal(s, sigismember(&g_inherited_ignored, s) == 1 ? SIG_IGN : SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace papersrun
