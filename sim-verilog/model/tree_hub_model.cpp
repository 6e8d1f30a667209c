// tree_hub_model.cpp — TreeHubModel: drives the Verilated papers_hub_tree's pins and clock.
// No protocol logic here: G and R are read from the RTL's outputs, one pair per leaf hub.
#include "tree_hub_model.hpp"

#include "hub_clock.hpp"

#include <stdexcept>

#include <papers/driver/pins.hpp>

#include "Vpapers_hub_tree.h"
#include "Vpapers_hub_tree__Syms.h"
#include "verilated.h"
#include "state_buffer.hpp"
#include "verilated_bits.hpp"
#include "verilated_vcd_c.h"

namespace papers::sim {
namespace {

// 20 ns hub clock in the trace, one timeInc per half clock (as HubModel).
constexpr std::uint64_t kHalfPeriodNs = kHubClockPeriodNs / 2;
constexpr int kNybbleBits = 4;

// The shape: CMake passes the same values to -G... and here. (No `verilator public`
// parameters: in Verilator 5.006 public items tie a model to the thread's current context and
// break several models in one process -- see hub_model.cpp. Constants come out of ports.)
constexpr int kLeafPorts = PAPERS_HUB_TREE_MODEL_LEAF_PORTS;
constexpr int kFanout = PAPERS_HUB_TREE_MODEL_FANOUT;
constexpr int kLevels = PAPERS_HUB_TREE_MODEL_LEVELS;

constexpr int power(int base, int exp) {
    int v = 1;
    for (int i = 0; i < exp; ++i) v *= base;
    return v;
}
constexpr int kLeaves = power(kFanout, kLevels - 1);
constexpr int kPorts = kLeafPorts * kLeaves;
static_assert(kLevels >= 2, "a hub tree has at least 2 levels (1 level is papers_hub)");
static_assert(kPorts >= 1 && kPorts <= 64, "the tree model's enable mask is 64 bits");

// Cross-check the defines against the verilated port widths: a mismatch fails to compile.
static_assert(sizeof(Vpapers_hub_tree::en_i) == bits::storage_bytes(kPorts),
              "PAPERS_HUB_TREE_MODEL_* do not match the verilated port count");
static_assert(sizeof(Vpapers_hub_tree::g_o) == bits::storage_bytes(kLeaves),
              "PAPERS_HUB_TREE_MODEL_* do not match the verilated leaf count");

struct RtlConstants {
    int version;
    int latency;
};

const RtlConstants& rtl_constants() {
    static const RtlConstants constants = [] {
        auto constructing = lock_verilator_construction();
        SingleThreadContext ctx;
        Vpapers_hub_tree probe(&ctx, "constants_probe");
        probe.eval();
        RtlConstants c{probe.version_o, probe.latency_o};
        probe.final();
        return c;
    }();
    return constants;
}

void check_leaf(int leaf) {
    if (leaf < 0 || leaf >= kLeaves)
        throw std::out_of_range("TreeHubModel: leaf " + std::to_string(leaf) + " out of range 0.." +
                                std::to_string(kLeaves - 1));
}

// Whether ModelState may use its raw form for this model (state_buffer.hpp): checked once.
bool raw_state_ok() {
    using Top = Vpapers_hub_tree;
    using Syms = Vpapers_hub_tree__Syms;
    static const bool ok = raw_copy_self_check<Top, Syms>([](Top& top, std::uint64_t r) {
        bits::put(top.en_i, 0, kPorts, r);
        for (int p = 0; p < kPorts; ++p) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            bits::put(top.x_i, kNybbleBits * p, kNybbleBits, r >> 60);
            bits::put(top.s_i, p, 1, r >> 59);
        }
    });
    return ok;
}

}  // namespace

struct TreeHubModel::Impl {
    std::unique_lock<std::mutex> constructing = lock_verilator_construction();  // first
    SingleThreadContext ctx;  // before the model, which keeps a pointer to it
    std::unique_ptr<Vpapers_hub_tree> top;
    std::unique_ptr<VerilatedVcdC> trace;
    std::uint64_t clocks = 0;
    // 'PHUB' + F(lat) or T(ree) + ports: saved bytes name the model they belong to.
    ModelState<Vpapers_hub_tree, Vpapers_hub_tree__Syms> state{
        0x5048554254000000ULL | kPorts, raw_state_ok()};

    Impl() {
        ctx.traceEverOn(true);
        top = std::make_unique<Vpapers_hub_tree>(&ctx, "hub_tree");
        constructing.unlock();
        top->clk_i = 0;
        top->rst_ni = 1;
        top->eval();
    }

    ~Impl() {
        if (trace) trace->close();
        top->final();
    }

    void half_clock(unsigned level) {
        top->clk_i = static_cast<CData>(level);
        top->eval();
        if (trace) trace->dump(ctx.time());
        ctx.timeInc(kHalfPeriodNs);
    }

    void tick() {
        half_clock(0);
        half_clock(1);
        ++clocks;
    }
};

int TreeHubModel::leaf_ports() { return kLeafPorts; }
int TreeHubModel::fanout() { return kFanout; }
int TreeHubModel::levels() { return kLevels; }
int TreeHubModel::leaves() { return kLeaves; }
int TreeHubModel::max_ports() { return kPorts; }
int TreeHubModel::rtl_version() { return rtl_constants().version; }
int TreeHubModel::settle_clocks() { return rtl_constants().latency; }

TreeHubModel::TreeHubModel() : impl_(std::make_unique<Impl>()) { reset(); }

TreeHubModel::~TreeHubModel() = default;

void TreeHubModel::reset() {
    impl_->top->rst_ni = 0;
    impl_->tick();
    impl_->top->rst_ni = 1;
    impl_->top->eval();
}

void TreeHubModel::set_enable(std::uint64_t mask) {
    if (kPorts < 64 && (mask >> kPorts) != 0) {
        throw std::invalid_argument("TreeHubModel::set_enable: mask enables ports beyond the "
                                    "tree's " + std::to_string(kPorts) + " ports");
    }
    bits::put(impl_->top->en_i, 0, kPorts, mask);
}

void TreeHubModel::set_data(int port, std::uint8_t data_byte) {
    if (port < 0 || port >= kPorts) {
        throw std::out_of_range("TreeHubModel::set_data: port " + std::to_string(port) +
                                " out of range 0.." + std::to_string(kPorts - 1));
    }
    bits::put(impl_->top->x_i, kNybbleBits * port, kNybbleBits, pins::data_x(data_byte));
    bits::put(impl_->top->s_i, port, 1, pins::data_strobe(data_byte));
}

void TreeHubModel::tick() { impl_->tick(); }

unsigned TreeHubModel::g(int leaf) const {
    check_leaf(leaf);
    return static_cast<unsigned>(bits::get(impl_->top->g_o, leaf, 1));
}

std::uint8_t TreeHubModel::r(int leaf) const {
    check_leaf(leaf);
    return static_cast<std::uint8_t>(bits::get(impl_->top->r_o, kNybbleBits * leaf, kNybbleBits));
}

bool TreeHubModel::open_trace(const std::string& path, std::string& err) {
    close_trace();
    // The VCD's timescale comes from the thread's current context when the writer is made,
    // and that is whichever context was constructed last (a probe model's, since destroyed,
    // perhaps): make it this model's.
    Verilated::threadContextp(&impl_->ctx);
    auto vcd = std::make_unique<VerilatedVcdC>();
    // The writer takes its $timescale from the thread's default context (1 s), not from the
    // model's own: declare the model's time precision, the unit of ctx.time() (1 ns).
    vcd->set_time_unit(impl_->ctx.timeunitString());
    vcd->set_time_resolution(impl_->ctx.timeprecisionString());
    impl_->top->trace(vcd.get(), 99);
    vcd->open(path.c_str());
    if (!vcd->isOpen()) {
        err = "TreeHubModel::open_trace: cannot open VCD file '" + path + "'";
        return false;
    }
    impl_->trace = std::move(vcd);
    return true;
}

void TreeHubModel::close_trace() {
    if (impl_->trace) {
        impl_->trace->close();
        impl_->trace.reset();
    }
}

std::uint64_t TreeHubModel::clocks() const { return impl_->clocks; }

}  // namespace papers::sim

namespace papers::sim {

const std::uint8_t* TreeHubModel::save_state(std::size_t& size) {
    return impl_->state.save(*impl_->top, impl_->clocks, size);
}

bool TreeHubModel::raw_state_form() { return raw_state_ok(); }

void TreeHubModel::restore_state(const std::uint8_t* bytes, std::size_t size) {
    impl_->state.restore(*impl_->top, impl_->clocks, bytes, size);
}

}  // namespace papers::sim
