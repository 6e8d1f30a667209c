// hub_model.cpp — HubModel: drives the Verilated papers_hub's pins and clock.
// No protocol logic lives here: G and R are read from the RTL's outputs.
#include "hub_model.hpp"

#include "hub_clock.hpp"

#include <cstddef>
#include <stdexcept>
#include <type_traits>

#include <papers/driver/pins.hpp>

#include "Vpapers_hub.h"
#include "Vpapers_hub__Syms.h"
#include "verilated.h"
#include "state_buffer.hpp"
#include "verilated_bits.hpp"
#include "verilated_vcd_c.h"

namespace papers::sim {
namespace {

// Hub clock in the trace: 20 ns period (50 MHz), one timeInc per half clock.
// The model is verilated with a 1 ns timeprecision (--timescale-override 1ns/1ns).
constexpr std::uint64_t kHalfPeriodNs = kHubClockPeriodNs / 2;

// NPORTS of the model: CMake passes the same PAPERS_HUB_PORTS value to -GNPORTS and here.
// (Not a `verilator public` parameter: public items create Verilator scopes, and in 5.006 a
// scope registers with the thread's *current* context, so a second model or a destroyed one
// leaves a dangling context behind -> hang or crash. The model therefore has no public items.)
constexpr int kPorts = PAPERS_HUB_MODEL_PORTS;
constexpr int kNybbleBits = 4;
static_assert(kPorts >= 1 && kPorts <= 64, "PAPERS_HUB_PORTS must be 1..64 (64-bit enable mask)");

// Cross-check kPorts against the verilated en_i (NPORTS bits): Verilator stores it in the
// smallest of 8/16/32/64-bit integers, so a mismatched define fails to compile.
constexpr std::size_t storage_bytes(int bits) {
    return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
}
static_assert(sizeof(Vpapers_hub::en_i) == storage_bytes(kPorts),
              "PAPERS_HUB_MODEL_PORTS does not match the verilated NPORTS");

// The RTL's constant outputs, read once from a throw-away instance (its own context).
struct RtlConstants {
    int version;  // version_o = VERSION
    int latency;  // latency_o = LATENCY
};

const RtlConstants& rtl_constants() {
    static const RtlConstants constants = [] {
        auto constructing = lock_verilator_construction();
        SingleThreadContext ctx;
        Vpapers_hub probe(&ctx, "constants_probe");
        probe.eval();
        RtlConstants c{probe.version_o, probe.latency_o};
        probe.final();
        return c;
    }();
    return constants;
}

// Whether ModelState may use its raw form for this model (state_buffer.hpp): checked once.
bool raw_state_ok() {
    using Top = Vpapers_hub;
    using Syms = Vpapers_hub__Syms;
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

struct HubModel::Impl {
    // The context first: the model keeps a pointer to it.
    std::unique_lock<std::mutex> constructing = lock_verilator_construction();  // first
    SingleThreadContext ctx;
    std::unique_ptr<Vpapers_hub> top;
    std::unique_ptr<VerilatedVcdC> trace;
    std::uint64_t clocks = 0;
    // 'PHUB' + F(lat) or T(ree) + ports: saved bytes name the model they belong to.
    ModelState<Vpapers_hub, Vpapers_hub__Syms> state{0x5048554246000000ULL | kPorts,
                                                      raw_state_ok()};

    Impl() {
        ctx.traceEverOn(true);  // must precede model construction to allow trace() later
        top = std::make_unique<Vpapers_hub>(&ctx, "hub");
        constructing.unlock();
        top->clk_i = 0;
        top->rst_ni = 1;
        top->en_i = 0;
        top->s_i = 0;
        top->eval();
    }

    ~Impl() {
        if (trace) trace->close();
        top->final();
    }

    void eval_and_dump() {
        top->eval();
        if (trace) trace->dump(ctx.time());
    }

    void half_clock(unsigned level) {
        top->clk_i = static_cast<CData>(level);
        eval_and_dump();
        ctx.timeInc(kHalfPeriodNs);
    }

    void tick() {
        half_clock(0);
        half_clock(1);
        ++clocks;
    }
};

int HubModel::max_ports() { return kPorts; }

int HubModel::rtl_version() { return rtl_constants().version; }

int HubModel::settle_clocks() {
    // The RTL's LATENCY (latency_o): input register + S delay + G/R register. Exact, no margin:
    // after this many ticks G/R reflect the change (tests check one tick fewer is not enough).
    return rtl_constants().latency;
}

HubModel::HubModel() : impl_(std::make_unique<Impl>()) { reset(); }

HubModel::~HubModel() = default;

void HubModel::reset() {
    // rst_ni is asynchronous in the RTL; holding it low across one full clock also makes the
    // reset valid for a synchronous implementation. Clears G, R and the input pipeline.
    impl_->top->rst_ni = 0;
    impl_->tick();
    impl_->top->rst_ni = 1;
    impl_->top->eval();
}

void HubModel::set_enable(std::uint64_t mask) {
    if (kPorts < 64 && (mask >> kPorts) != 0) {
        throw std::invalid_argument("HubModel::set_enable: mask enables ports beyond the model's " +
                                    std::to_string(kPorts) + " ports (rebuild with a larger " +
                                    "PAPERS_HUB_PORTS)");
    }
    bits::put(impl_->top->en_i, 0, kPorts, mask);
}

void HubModel::set_data(int port, std::uint8_t data_byte) {
    if (port < 0 || port >= kPorts) {
        throw std::out_of_range("HubModel::set_data: port " + std::to_string(port) +
                                " out of range 0.." + std::to_string(kPorts - 1));
    }
    bits::put(impl_->top->x_i, kNybbleBits * port, kNybbleBits, pins::data_x(data_byte));
    bits::put(impl_->top->s_i, port, 1, pins::data_strobe(data_byte));
}

void HubModel::tick() { impl_->tick(); }

unsigned HubModel::g() const { return impl_->top->g_o; }

std::uint8_t HubModel::r() const { return impl_->top->r_o; }

bool HubModel::open_trace(const std::string& path, std::string& err) {
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
        err = "HubModel::open_trace: cannot open VCD file '" + path + "'";
        return false;
    }
    impl_->trace = std::move(vcd);  // first dump (a full one) at the next half clock
    return true;
}

void HubModel::close_trace() {
    if (impl_->trace) {
        impl_->trace->close();
        impl_->trace.reset();
    }
}

std::uint64_t HubModel::clocks() const { return impl_->clocks; }

}  // namespace papers::sim

namespace papers::sim {

const std::uint8_t* HubModel::save_state(std::size_t& size) {
    return impl_->state.save(*impl_->top, impl_->clocks, size);
}

bool HubModel::raw_state_form() { return raw_state_ok(); }

void HubModel::restore_state(const std::uint8_t* bytes, std::size_t size) {
    impl_->state.restore(*impl_->top, impl_->clocks, bytes, size);
}

}  // namespace papers::sim
