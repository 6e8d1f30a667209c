#include "papers/driver/sim_evaluator.hpp"

#include <dlfcn.h>

#include <cstring>
#include <map>
#include <mutex>

namespace papers::sim {

namespace {

// One dlopen per plugin path per process; never closed (evaluators may outlive any caller).
EvaluatorFactory factory_for(const std::string& path, std::string& err) {
    static std::mutex mu;
    static std::map<std::string, EvaluatorFactory> loaded;
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = loaded.find(path); it != loaded.end()) return it->second;
    // RTLD_LOCAL: the plugin's Verilator runtime stays private to it.
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char* e = dlerror();
        err = "cannot load the hub RTL plugin " + path + ": " + (e ? e : "dlopen failed");
        return nullptr;
    }
    auto f = reinterpret_cast<EvaluatorFactory>(dlsym(h, kEvaluatorFactorySymbol));
    if (!f) {
        err = path + " is not a papers hub RTL plugin (no symbol " + kEvaluatorFactorySymbol + ")";
        return nullptr;
    }
    loaded.emplace(path, f);
    return f;
}

}  // namespace

std::unique_ptr<WireEvaluator> load_evaluator(Wire& wire, const std::string& plugin_path,
                                              bool power_on, std::string& err) {
    EvaluatorFactory f = factory_for(plugin_path, err);
    if (!f) return nullptr;
    std::unique_ptr<WireEvaluator> e(f(&wire, power_on, &err));
    if (!e && err.empty()) err = "the hub RTL plugin " + plugin_path + " failed";
    return e;
}

bool wire_init_direct(Wire& wire, const std::string& plugin_path, int tree_leaf_ports,
                      int tree_leaves, std::string& err) {
    if (plugin_path.size() >= kEvaluatorPathBytes) {
        err = "hub RTL plugin path too long (" + std::to_string(plugin_path.size()) +
              " bytes, the wire holds " + std::to_string(kEvaluatorPathBytes - 1) + ")";
        return false;
    }
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    const int rc = pthread_mutex_init(&wire.direct.lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0) {
        err = std::string("cannot initialise the wire's evaluation lock: ") + std::strerror(rc);
        return false;
    }
    std::memcpy(wire.evaluator_path, plugin_path.c_str(), plugin_path.size() + 1);
    wire.tree_leaf_ports = tree_leaf_ports;
    wire.tree_leaves = tree_leaves;
    wire.eval_mode = EvalMode::direct;
    return true;
}

}  // namespace papers::sim
