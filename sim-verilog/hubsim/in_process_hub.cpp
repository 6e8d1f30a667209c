#include "in_process_hub.hpp"

#include <stdexcept>

namespace papers::sim {

InProcessHub::InProcessHub(int nports, WireMode mode, const std::string& trace_path,
                           std::optional<TreeShape> tree)
    : mapping_(WireMapping::create_private()), server_(*mapping_.get(), nports, mode, tree) {
    std::string err;
    if (!server_.prepare(err)) throw std::invalid_argument(err);
    if (!trace_path.empty() && !server_.open_trace(trace_path, err)) throw std::runtime_error(err);
    thread_ = std::thread([this] { server_.run(stop_); });
    while (!mapping_.get()->ready.load()) std::this_thread::yield();
}

InProcessHub::~InProcessHub() {
    stop_.store(true);
    mapping_.get()->shutdown.store(1);
    futex_wake_all(mapping_.get()->data_seq);
    thread_.join();
}

}  // namespace papers::sim
