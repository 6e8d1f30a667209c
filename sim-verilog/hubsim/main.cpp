// papers-hubsim — the simulated PAPERS hub. Owns the Verilated RTL and
// serves N PE processes through a POSIX shared-memory wire (PAPERS_SIM).
// Normally started by papersrun; see docs/papersrun.md.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include "../model/hub_model.hpp"
#include "core/core_env.hpp"
#include "papers/driver/time_slice.hpp"
#include "../model/tree_hub_model.hpp"
#include "eval_mode.hpp"
#include "hub_server.hpp"
#include "tree_shape.hpp"

namespace {
std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop.store(true); }
}  // namespace

int main(int argc, char** argv) {
    using namespace papers::sim;
    CLI::App app{"papers-hubsim: the Verilated PAPERS hub, serving PE processes over shared memory",
                  "papers-hubsim"};
    int ports = 0;
    std::string name, mode_name = "hub", trace;
    int ready_fd = -1;
    bool max_ports = false;
    std::string tree_text;
    bool tree_info = false;
    app.add_option("--ports", ports, "number of PEs (enabled hub ports)");
    app.add_option("--name", name, "POSIX shared-memory name, e.g. /papers-123")
        ->check([](const std::string& s) {
            return (s.size() > 1 && s[0] == '/' && s.find('/', 1) == std::string::npos)
                       ? std::string()
                       : std::string("must look like /name with no other slash");
        });
    app.add_option("--mode", mode_name, "hub (default) or laplink (CAPERS cable, 2 PEs)")
        ->check(CLI::IsMember({"hub", "laplink"}));
    app.add_option("--trace", trace, "write the hub's pins to a VCD file (GTKWave)");
    app.add_option("--ready-fd", ready_fd, "write \"ready\\n\" to this fd once serving");
    app.add_flag("--max-ports", max_ports, "print the number of hub ports and exit");
    app.add_option("--tree", tree_text,
                   "serve the hub tree instead of the flat hub: PxL = P PEs on each of L leaf hubs "
                   "(docs/hub-tree.md)");
    app.add_flag("--tree-info", tree_info, "describe the verilated hub tree and exit");
    std::string eval_text;
    app.add_option("--eval", eval_text,
                   "who evaluates the RTL: direct (each PE, when it writes DATA), served (this "
                   "process, for every DATA change) or auto (direct unless --trace or laplink); "
                   "default PAPERS_SIM_EVAL, else auto (docs/sim-eval.md)")
        ->check(CLI::IsMember({"auto", "direct", "served"}));
    CLI11_PARSE(app, argc, argv);

    if (max_ports) {
        std::cout << HubModel::max_ports() << "\n";
        return 0;
    }
    if (tree_info) {
        std::cout << "hub tree: " << TreeHubModel::leaf_ports() << " ports per leaf, fan-out "
                  << TreeHubModel::fanout() << ", " << TreeHubModel::levels() << " levels, "
                  << TreeHubModel::leaves() << " leaves, " << TreeHubModel::max_ports()
                  << " ports, latency " << TreeHubModel::settle_clocks() << " hub clocks (flat hub "
                  << HubModel::settle_clocks() << ")\n";
        return 0;
    }
    if (name.empty() || ports <= 0) {
        std::cerr << "papers-hubsim: --name and --ports N (N >= 1) are required\n";
        return 2;
    }
    const WireMode mode = mode_name == "laplink" ? WireMode::laplink : WireMode::hub;
    std::optional<TreeShape> tree;
    if (!tree_text.empty()) {
        std::string why;
        tree = parse_tree_shape(tree_text, why);
        if (!tree || !check_tree_shape(*tree, ports, why)) {
            std::cerr << "papers-hubsim: " << why << "\n";
            return 2;
        }
    }

    std::string why;
    std::optional<std::string> eval_choice = eval_text;
    if (eval_text.empty()) eval_choice = sim_eval_from_env(why);
    std::optional<EvalMode> eval;
    if (eval_choice) eval = resolve_eval_mode(*eval_choice, !trace.empty(), mode, why);
    if (!eval) {
        std::cerr << "papers-hubsim: " << why << "\n";
        return 2;
    }

    // In the served mode every exchange waits for this process: it asks for the
    // PEs' short time slice too (PAPERS_SLICE_US, papers/driver/time_slice.hpp), or
    // next to busy processes the PEs, which preempt them, wait for it instead.
    papers::env::Reader slice_env(papers::core_env::kTable);
    const long slice_us = slice_env.integer(papers::core_env::kSlice);
    if (!slice_env.ok()) {
        std::cerr << "papers-hubsim: " << slice_env.error() << "\n";
        return 2;
    }
    papers::driver::SliceRequest slice;
    slice.request(slice_us);

    // Die with the launcher: no orphaned simulator.
    const pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) return 1;
    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);

    std::string err;
    WireMapping mapping = WireMapping::create_shared(name, err);
    if (!mapping) {
        std::cerr << "papers-hubsim: " << err << "\n";
        return 1;
    }
    HubServer server(*mapping.get(), ports, mode, tree, *eval);
    if (!server.prepare(err) || (!trace.empty() && !server.open_trace(trace, err))) {
        std::cerr << "papers-hubsim: " << err << "\n";
        mapping.unlink();
        return 2;
    }
    if (ready_fd >= 0) {
        // Signal readiness once the server thread has published power-on state.
        std::thread announcer([&] {
            while (!mapping.get()->ready.load() && !g_stop.load()) usleep(100);
            if (write(ready_fd, "ready\n", 6) != 6) {}
            close(ready_fd);
        });
        server.run(g_stop);
        announcer.join();
    } else {
        server.run(g_stop);
    }
    mapping.unlink();
    return 0;
}
