// transport_progress.cpp — the progress thread: while the application
// computes between papers calls it answers REQs, so a peer that lost our
// last datagram of an operation is not stranded until our next call.
#include <unistd.h>

#include "transport.hpp"

namespace papers::udp {

void Transport::start_progress() {
    if (progress_thread_) return;
    progress_pid_ = ::getpid();
    progress_thread_ = std::make_unique<std::thread>([this] { progress_loop(); });
}

void Transport::stop_progress() {
    if (!progress_thread_) return;
    if (::getpid() != progress_pid_) {  // forked: the thread stayed in the parent
        (void)progress_thread_.release();  // nothing to join; never touched again
        return;
    }
    {
        std::lock_guard<std::mutex> g(stop_mu_);
        stop_ = true;
    }
    stop_cv_.notify_all();
    progress_thread_->join();
    progress_thread_.reset();
}

void Transport::progress_loop() {
    for (;;) {
        {
            std::unique_lock<std::mutex> s(stop_mu_);
            if (stop_cv_.wait_for(s, progress_period_, [this] { return stop_; })) return;
        }
        std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
        if (!lock) continue;  // inside an operation: the application thread drains
        if (ops_ended_ != ops_seen_) {  // between operations of a busy loop
            ops_seen_ = ops_ended_;
            continue;
        }
        drain_all();  // answers REQs; data of coming operations waits in the inbox
        if (faults_) faults_->release_due(Clock::now());
    }
}

}  // namespace papers::udp
