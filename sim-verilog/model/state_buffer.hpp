// state_buffer.hpp — a Verilated model's state to and from a byte array, through the model's own
// serialization (verilated with --savable). Verilator ships only file-backed streams
// (VerilatedSave/VerilatedRestore); these two keep the bytes in memory, so the hub's state can
// live in the shared-memory wire and be restored in whichever process evaluates next
// (docs/sim-eval.md). The bytes are only meaningful to the same verilated model.
// ModelState (below) adds a faster raw form, proven equivalent at run time.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "single_thread_context.hpp"
#include "verilated_save.h"

namespace papers::sim {

// Collects what `os << model` writes; bytes() and size() read it back, rewind() starts over.
class StateWriter final : public VerilatedSerialize {
public:
    const std::uint8_t* bytes() const { return m_bufp; }
    std::size_t size() const { return static_cast<std::size_t>(m_cp - m_bufp); }
    void rewind() { m_cp = m_bufp; }
};

// Feeds `is >> model` from a copy of saved bytes. The whole buffer counts as filled, so
// Verilator never asks for more (a short or foreign state fails its own check values).
class StateReader final : public VerilatedDeserialize {
public:
    static constexpr std::size_t capacity() { return bufferSize() - bufferInsertSize(); }
    // False if `size` exceeds capacity().
    bool load(const std::uint8_t* bytes, std::size_t size) {
        if (size > capacity()) return false;
        std::memcpy(m_bufp, bytes, size);
        m_cp = m_bufp;
        m_endp = m_bufp + bufferSize();
        return true;
    }

protected:
    void fill() override {}
};

}  // namespace papers::sim

namespace papers::sim {

// Save and restore of one Verilated top model `Top` (its symbol table `Syms`) plus the
// handle's clock count. Two encodings, told apart by a kind word:
//
// - serialized: `os << top` / `is >> top`, Verilator's own --savable code. Exact, but about
//   190 ns each way for the flat hub (byte-wise writes, the context's strings under a mutex).
// - raw: the root module's members copied as bytes (everything between the VerilatedModule
//   base and the trailing vlSymsp pointer: ports, registers, scheduler flags), plus what
//   --savable also saves outside it: the context's plain fields (its time among them) and the
//   symbol table's activity and init flags. About 7 ns each way. (Not the context's two
//   strings, the time-format suffix and the dump file name, which nothing here changes.)
//
// The raw form leans on the layout Verilator generates, so it is used only after a self-check
// that proves it equivalent, once per process (the owner's, e.g. HubModel's): a probe model
// driven through varied inputs is copied raw into a second probe, again and again, and
// Verilator's serialization of both must be byte for byte the same each time (a member outside
// the copied range, or one the copy cannot carry, shows up there). Every process of a job runs
// the same build, so they all agree on the form; restore() accepts either.
//
// The bytes start with `tag` and their own length, checked before Verilator sees them
// (Verilator's own check values end the process on a mismatch rather than report it).
template <class Top, class Syms>
class ModelState {
public:
    enum class Form : std::uint64_t { serialized = 1, raw = 2 };

    // `raw`: the owner's self-check passed (raw_copy_is_exact), so save() uses the raw form.
    ModelState(std::uint64_t tag, bool raw = false)
        : tag_(tag), form_(raw ? Form::raw : Form::serialized) {}

    Form form() const { return form_; }

    const std::uint8_t* save(Top& top, std::uint64_t clocks, std::size_t& size) {
        return save_as(form_, top, clocks, size);
    }

    const std::uint8_t* save_as(Form f, Top& top, std::uint64_t clocks, std::size_t& size) {
        if (f == Form::raw) {
            raw_.resize(kHeader + sizeof(RawTail) + root_span(top).size);
            std::uint8_t* p = raw_.data() + kHeader;
            RawTail tail{};
            std::memcpy(tail.context, top.contextp()->serialized1Ptr(), sizeof tail.context);
            tail.activity = sym(top)->__Vm_activity;
            tail.did_init = sym(top)->__Vm_didInit;
            std::memcpy(p, &tail, sizeof tail);
            std::memcpy(p + sizeof tail, root_span(top).begin, root_span(top).size);
            put_header(raw_.data(), raw_.size(), f, clocks);
            size = raw_.size();
            return raw_.data();
        }
        if (!out_) out_ = std::make_unique<StateWriter>();
        out_->rewind();
        std::uint64_t zero = 0;
        *out_ << zero << zero << zero << zero << top;  // header patched below
        auto* bytes = const_cast<std::uint8_t*>(out_->bytes());
        put_header(bytes, out_->size(), f, clocks);
        size = out_->size();
        return bytes;
    }

    void restore(Top& top, std::uint64_t& clocks, const std::uint8_t* bytes, std::size_t size) {
        std::uint64_t h[4] = {};  // tag, length, form, clocks
        if (size >= sizeof h) std::memcpy(h, bytes, sizeof h);
        const auto f = static_cast<Form>(h[2]);
        const Span span = root_span(top);
        const bool ok = h[0] == tag_ && h[1] == size &&
                        (f == Form::serialized ||
                         (f == Form::raw && size == kHeader + sizeof(RawTail) + span.size));
        if (!ok) {
            throw std::invalid_argument(
                "restore_state: the bytes are not a saved state of this verilated model");
        }
        clocks = h[3];
        if (f == Form::raw) {
            RawTail tail;
            std::memcpy(&tail, bytes + kHeader, sizeof tail);
            std::memcpy(span.begin, bytes + kHeader + sizeof tail, span.size);
            std::memcpy(top.contextp()->serialized1Ptr(), tail.context, sizeof tail.context);
            sym(top)->__Vm_activity = tail.activity;
            sym(top)->__Vm_didInit = tail.did_init;
            return;
        }
        if (!in_) in_ = std::make_unique<StateReader>();
        if (!in_->load(bytes, size))
            throw std::invalid_argument("restore_state: state larger than the reader's buffer");
        std::uint64_t skip = 0;
        *in_ >> skip >> skip >> skip >> skip >> top;
    }

private:
    static constexpr std::size_t kHeader = 4 * sizeof(std::uint64_t);
    struct RawTail {
        // The context's plain fields as --savable writes them (time, error state, ...;
        // Verilator keeps strings out of this block).
        std::uint8_t context[VerilatedContext::serialized1Size()];
        bool activity;
        bool did_init;
    };
    struct Span {
        std::uint8_t* begin;
        std::size_t size;
    };

    static Syms* sym(Top& top) { return top.rootp->vlSymsp; }
    static Span root_span(Top& top) {
        auto* root = reinterpret_cast<std::uint8_t*>(top.rootp);
        auto* end = reinterpret_cast<const std::uint8_t*>(&top.rootp->vlSymsp);
        return {root + sizeof(VerilatedModule), static_cast<std::size_t>(end - root) -
                                                    sizeof(VerilatedModule)};
    }

    void put_header(std::uint8_t* bytes, std::size_t size, Form f, std::uint64_t clocks) const {
        const std::uint64_t h[4] = {tag_, size, static_cast<std::uint64_t>(f), clocks};
        std::memcpy(bytes, h, sizeof h);
    }

public:
    // One step of the self-check: copies `from` raw into `to` and compares Verilator's
    // serialization of the two. The owner drives `from` through varied states first (see
    // HubModel), so that a member outside the copied range would differ.
    static bool raw_copy_is_exact(Top& from, Top& to) {
        ModelState sa(0);
        std::size_t n = 0;
        const std::uint8_t* raw = sa.save_as(Form::raw, from, 0, n);
        std::uint64_t clocks = 0;
        ModelState(0).restore(to, clocks, raw, n);
        return same_serialization(from, to);
    }

    static bool same_serialization(Top& a, Top& b) {
        ModelState sa(0), sb(0);
        std::size_t na = 0, nb = 0;
        const std::uint8_t* ser_a = sa.save_as(Form::serialized, a, 0, na);
        const std::uint8_t* ser_b = sb.save_as(Form::serialized, b, 0, nb);
        return na == nb && std::memcmp(ser_a, ser_b, na) == 0;
    }

private:
    std::uint64_t tag_;
    Form form_;
    std::vector<std::uint8_t> raw_;
    std::unique_ptr<StateWriter> out_;
    std::unique_ptr<StateReader> in_;
};

// The self-check for ModelState's raw form: two probes of `Top` (each in its own context),
// the first driven through reset and 64 half clocks of pseudo-random inputs by
// `drive(top, random)`, copied raw into the second every 8 half clocks; then both driven alike
// for 16 more. True if Verilator's serialization of the two agreed every time.
template <class Top, class Syms, class Drive>
bool raw_copy_self_check(Drive drive) {
    using State = ModelState<Top, Syms>;
    VerilatedContext* const thread_context = Verilated::threadContextp();
    SingleThreadContext ctx_a, ctx_b;  // each makes itself the thread's context
    Top a(&ctx_a, "raw_check_a"), b(&ctx_b, "raw_check_b");
    std::uint64_t rng = 0x9E3779B97F4A7C15ULL;
    auto next = [&rng] {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
    };
    auto half_clock = [&](Top& t, VerilatedContext& ctx, int step, std::uint64_t r) {
        drive(t, r);
        t.clk_i = static_cast<CData>(step & 1);
        t.rst_ni = step == 0 ? 0 : 1;
        t.eval();
        ctx.timeInc(10);
    };
    bool same = true;
    for (int step = 0; step < 64 && same; ++step) {
        half_clock(a, ctx_a, step, next());
        if (step % 8 == 7) same = State::raw_copy_is_exact(a, b);
    }
    for (int step = 64; step < 80 && same; ++step) {
        const std::uint64_t r = next();
        half_clock(a, ctx_a, step, r);
        half_clock(b, ctx_b, step, r);
        same = State::same_serialization(a, b);
    }
    a.final();
    b.final();
    Verilated::threadContextp(thread_context);  // not a dangling probe context
    return same;
}

}  // namespace papers::sim
