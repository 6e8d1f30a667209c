// signal_channel.hpp — papersrun receives its signals (SIGCHLD from ranks
// and helpers, SIGINT/SIGTERM/SIGHUP from the user) as readable events on a
// signalfd, so one poll() waits for output, exits, signals and deadlines
// together and nothing is done inside an asynchronous signal handler.
#pragma once
#include <vector>

namespace papersrun {

class SignalChannel {
public:
    // Blocks the signals below and opens the signalfd. Throws LaunchError.
    SignalChannel();
    ~SignalChannel();
    SignalChannel(const SignalChannel&) = delete;
    SignalChannel& operator=(const SignalChannel&) = delete;

    int fd() const { return fd_; }
    // Signals delivered since the last call (never blocks).
    std::vector<int> drain();

    // True for the signals that ask papersrun to stop the job.
    static bool is_stop_request(int signo);

private:
    int fd_ = -1;
};

// Undo, in a freshly forked child, everything papersrun did to signals
// (both dispositions and the mask survive execve): an empty mask, and the
// dispositions papersrun inherited (default, or ignored as under nohup).
void reset_signals_in_child();

}  // namespace papersrun
