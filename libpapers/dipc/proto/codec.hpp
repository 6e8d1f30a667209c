// codec.hpp — bounds-checked binary encoding of DIPC messages.
//
// Every message struct declares its fields once, in `fields(F& f)`, and the
// same declaration drives encoding (Encoder) and decoding (Decoder), so the
// two cannot drift. Integers are little-endian fixed width (the layer assumes
// one CPU architecture, as DIPC did, but the wire does not depend on it);
// byte strings and arrays are a u32 count and the elements, and every count
// is checked against a per-field bound before anything is allocated.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace papers::dipc::proto {

// The unsigned integer an integral or enum field travels as.
template <class T, bool = std::is_enum_v<T>>
struct wire_uint { using type = std::make_unsigned_t<T>; };
template <class T>
struct wire_uint<T, true> { using type = std::make_unsigned_t<std::underlying_type_t<T>>; };
template <class T>
using wire_uint_t = typename wire_uint<T>::type;

// A bound on a variable-length field: the decoder refuses a longer one.
template <class T>
struct Bounded {
    T& value;
    std::uint32_t max;
};
template <class T>
Bounded<T> bounded(T& v, std::uint32_t max) { return {v, max}; }

class Encoder {
public:
    explicit Encoder(std::vector<std::uint8_t>& out) : out_(out) {}

    template <class T>
    std::enable_if_t<std::is_integral_v<T> || std::is_enum_v<T>> operator()(const T& v) {
        using U = wire_uint_t<T>;
        U u = static_cast<U>(v);
        for (std::size_t i = 0; i < sizeof(U); ++i) out_.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
    }
    void operator()(const bool& b) { out_.push_back(b ? 1 : 0); }
    template <class T>
    void operator()(Bounded<T> b) { put_seq(b.value); }
    // Bytes already encoded (a message body kept as bytes), without a count.
    void append(const std::vector<std::uint8_t>& bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
    // A nested record with its own fields().
    template <class T>
    auto operator()(const T& rec) -> decltype(const_cast<T&>(rec).fields(*this), void()) {
        const_cast<T&>(rec).fields(*this);
    }

private:
    void put_seq(const std::string& s) { put_bytes(s.data(), s.size()); }
    void put_seq(const std::vector<std::uint8_t>& s) { put_bytes(s.data(), s.size()); }
    template <class E>
    void put_seq(const std::vector<E>& v) {
        (*this)(static_cast<std::uint32_t>(v.size()));
        for (const E& e : v) (*this)(e);
    }
    void put_bytes(const void* p, std::size_t n) {
        (*this)(static_cast<std::uint32_t>(n));
        const auto* b = static_cast<const std::uint8_t*>(p);
        out_.insert(out_.end(), b, b + n);
    }
    std::vector<std::uint8_t>& out_;
};

class Decoder {
public:
    Decoder(const std::uint8_t* p, std::size_t n) : p_(p), end_(p + n) {}

    bool ok() const { return ok_; }
    bool at_end() const { return p_ == end_; }
    std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }
    // Why decoding failed (for the log); empty while ok().
    const char* error() const { return error_; }

    template <class T>
    std::enable_if_t<std::is_integral_v<T> || std::is_enum_v<T>> operator()(T& v) {
        using U = wire_uint_t<T>;
        if (!need(sizeof(U), "truncated integer")) { v = T{}; return; }
        U u = 0;
        for (std::size_t i = 0; i < sizeof(U); ++i) u |= static_cast<U>(U(p_[i]) << (8 * i));
        p_ += sizeof(U);
        v = static_cast<T>(u);
    }
    void operator()(bool& b) {
        std::uint8_t v = 0;
        (*this)(v);
        if (ok_ && v > 1) fail("boolean not 0 or 1");
        b = v == 1;
    }
    template <class T>
    void operator()(Bounded<T> b) { get_seq(b.value, b.max); }
    template <class T>
    auto operator()(T& rec) -> decltype(rec.fields(*this), void()) { rec.fields(*this); }

    void fail(const char* why) {
        if (ok_) error_ = why;
        ok_ = false;
    }

private:
    bool need(std::size_t n, const char* why) {
        if (!ok_) return false;
        if (left() < n) { fail(why); return false; }
        return true;
    }
    std::uint32_t count(std::uint32_t max, std::size_t min_elem) {
        std::uint32_t n = 0;
        (*this)(n);
        if (!ok_) return 0;
        if (n > max) { fail("count above the field's bound"); return 0; }
        // Each element takes at least min_elem bytes: refuse before allocating.
        if (min_elem && left() / min_elem < n) { fail("count larger than the frame"); return 0; }
        return n;
    }
    void get_seq(std::string& s, std::uint32_t max) {
        std::uint32_t n = count(max, 1);
        if (!ok_) return;
        s.assign(reinterpret_cast<const char*>(p_), n);
        p_ += n;
    }
    void get_seq(std::vector<std::uint8_t>& s, std::uint32_t max) {
        std::uint32_t n = count(max, 1);
        if (!ok_) return;
        s.assign(p_, p_ + n);
        p_ += n;
    }
    template <class E>
    void get_seq(std::vector<E>& v, std::uint32_t max) {
        std::uint32_t n = count(max, 1);
        v.clear();
        if (!ok_) return;
        v.reserve(n);
        for (std::uint32_t i = 0; i < n && ok_; ++i) {
            E e{};
            (*this)(e);
            v.push_back(std::move(e));
        }
    }
    const std::uint8_t* p_;
    const std::uint8_t* end_;
    bool ok_ = true;
    const char* error_ = "";
};

}  // namespace papers::dipc::proto
