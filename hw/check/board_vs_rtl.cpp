// board_vs_rtl.cpp — run input sequences through the Verilated hub RTL and print its
// settled G and R, for hw/tools/board_check.py to compare with the simulated board.
//
//   papers-board-vs-rtl           the flat hub (papers_hub, HubModel)
//   papers-board-vs-rtl --tree    the hub tree (papers_hub_tree, TreeHubModel): tree port p is
//                                 port p % leaf_ports() of leaf p / leaf_ports(); the G/R printed
//                                 are leaf 0's, and every leaf must drive the same (else exit 3)
//
// stdin, one command per line (numbers in hex):
//   reset <en_mask>                  all DATA bytes 0, enable mask, reset; prints the state
//   step <port>:<byte> [<port>:<byte> ...]
//                                    drive the DATA bytes together, tick settle_clocks()
//                                    times (the RTL's steady state), print the state
// stdout, one line per command: "<G> <R>" (G 0/1, R one hex digit).
// A malformed line or a port beyond the model stops the run with a message and exit 2.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "hub_model.hpp"
#include "tree_hub_model.hpp"

namespace {

[[noreturn]] void fail(long line_no, const std::string& line, const char* why) {
    std::fprintf(stderr, "board_vs_rtl: line %ld: %s: '%s'\n", line_no, why, line.c_str());
    std::exit(2);
}

int leaves(const papers::sim::HubModel&) { return 1; }
int leaves(const papers::sim::TreeHubModel&) { return papers::sim::TreeHubModel::leaves(); }
unsigned g_of(const papers::sim::HubModel& h, int) { return h.g(); }
unsigned g_of(const papers::sim::TreeHubModel& h, int leaf) { return h.g(leaf); }
unsigned r_of(const papers::sim::HubModel& h, int) { return h.r(); }
unsigned r_of(const papers::sim::TreeHubModel& h, int leaf) { return h.r(leaf); }

template <class Model>
void settle_and_print(Model& hub, std::string& out, long line_no) {
    for (int i = 0; i < Model::settle_clocks(); ++i) hub.tick();
    for (int leaf = 1; leaf < leaves(hub); ++leaf) {
        if (g_of(hub, leaf) != g_of(hub, 0) || r_of(hub, leaf) != r_of(hub, 0)) {
            std::fprintf(stderr, "board_vs_rtl: line %ld: leaf %d drives G=%u R=%X, leaf 0 G=%u R=%X\n",
                         line_no, leaf, g_of(hub, leaf), r_of(hub, leaf), g_of(hub, 0), r_of(hub, 0));
            std::exit(3);
        }
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u %X\n", g_of(hub, 0) & 1U, r_of(hub, 0) & 0xFU);
    out += buf;
}

template <class Model>
int run() {
    Model hub;
    const int ports = Model::max_ports();
    std::string line, out;
    long line_no = 0;
    while (std::getline(std::cin, line)) {
        ++line_no;
        std::istringstream in(line);
        std::string cmd;
        if (!(in >> cmd)) continue;
        if (cmd == "reset") {
            std::string mask;
            if (!(in >> mask)) fail(line_no, line, "reset needs an enable mask");
            for (int p = 0; p < ports; ++p) hub.set_data(p, 0);
            hub.set_enable(std::stoull(mask, nullptr, 16));
            hub.reset();
            settle_and_print(hub, out, line_no);
        } else if (cmd == "step") {
            std::string item;
            while (in >> item) {
                const auto colon = item.find(':');
                if (colon == std::string::npos) fail(line_no, line, "expected <port>:<byte>");
                const int port = std::stoi(item.substr(0, colon), nullptr, 16);
                const unsigned long byte = std::stoul(item.substr(colon + 1), nullptr, 16);
                if (port < 0 || port >= ports) fail(line_no, line, "port beyond the RTL model");
                if (byte > 0xFF) fail(line_no, line, "DATA byte out of range");
                hub.set_data(port, static_cast<std::uint8_t>(byte));
            }
            settle_and_print(hub, out, line_no);
        } else if (cmd == "ports") {
            out += std::to_string(ports) + "\n";
        } else {
            fail(line_no, line, "unknown command");
        }
        if (out.size() > (1U << 16)) {
            std::cout << out;
            out.clear();
        }
    }
    std::cout << out << std::flush;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    if (argc == 2 && std::string(argv[1]) == "--tree") return run<papers::sim::TreeHubModel>();
    if (argc != 1) {
        std::fprintf(stderr, "usage: papers-board-vs-rtl [--tree] < commands\n");
        return 2;
    }
    return run<papers::sim::HubModel>();
}
