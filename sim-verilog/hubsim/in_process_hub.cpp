#include "in_process_hub.hpp"

#include <stdexcept>

#include "eval_mode.hpp"

namespace papers::sim {

namespace {

EvalMode eval_mode_for(const std::string& eval, bool trace, WireMode mode) {
    std::string err;
    std::optional<std::string> choice = eval;
    if (eval.empty()) choice = sim_eval_from_env(err);
    std::optional<EvalMode> m;
    if (choice) m = resolve_eval_mode(*choice, trace, mode, err);
    if (!m) throw std::invalid_argument(err);
    return *m;
}

}  // namespace

InProcessHub::InProcessHub(int nports, WireMode mode, const std::string& trace_path,
                           std::optional<TreeShape> tree, const std::string& eval)
    : mapping_(WireMapping::create_private()),
      server_(*mapping_.get(), nports, mode, tree,
              eval_mode_for(eval, !trace_path.empty(), mode)) {
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
