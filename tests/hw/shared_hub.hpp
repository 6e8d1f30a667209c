// shared_hub.hpp — papers-hubsim's server loop in a thread of the test, on
// a NAMED shared-memory wire, so a substitute libieee1284 in this process
// (PAPERS_FAKE1284_SIM) can reach its ports by name.
#pragma once
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "hub_server.hpp"

namespace papers::test {

class SharedHub {
public:
    SharedHub(int nports, sim::WireMode mode) {
        static std::atomic<int> n{0};
        name_ = "/papers-hwtest-" + std::to_string(getpid()) + "-h" + std::to_string(n++);
        std::string err;
        mapping_ = sim::WireMapping::create_shared(name_, err);
        if (!mapping_) throw std::runtime_error(err);
        server_ = std::make_unique<sim::HubServer>(*mapping_.get(), nports, mode);
        if (!server_->prepare(err)) throw std::runtime_error(err);
        thread_ = std::thread([this] { server_->run(stop_); });
        while (!mapping_.get()->ready.load()) std::this_thread::yield();
        setenv("PAPERS_FAKE1284_SIM", name_.c_str(), 1);
    }
    ~SharedHub() {
        stop_.store(true);
        mapping_.get()->shutdown.store(1);
        sim::futex_wake_all(mapping_.get()->data_seq);
        thread_.join();
        mapping_.unlink();
        unsetenv("PAPERS_FAKE1284_SIM");
    }
    sim::Wire& wire() { return *mapping_.get(); }
    const std::string& name() const { return name_; }

private:
    std::string name_;
    sim::WireMapping mapping_;
    std::unique_ptr<sim::HubServer> server_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace papers::test
