// secret.hpp — storage for key material.
//
// Secret<T> keeps one T in memory from sodium_malloc: its own pages between
// guard pages, mlock'd where the system allows (so never written to swap),
// and wiped by sodium_free when it goes. Keys and secretstream states (which
// hold the per-stream key) live only here.
#pragma once
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include <sodium.h>

namespace papers::dipc::channel {

// Initialises libsodium once (thread-safe, idempotent); throws if it cannot.
inline void sodium_ready() {
    static const bool ok = sodium_init() >= 0;
    if (!ok) throw std::runtime_error("libsodium cannot initialise (no entropy source?)");
}

template <class T>
class Secret {
    static_assert(std::is_trivially_destructible_v<T>, "wiped with memzero, never destroyed");

public:
    Secret() {
        sodium_ready();
        p_ = static_cast<T*>(sodium_malloc(sizeof(T)));
        if (!p_) throw std::bad_alloc();
        new (p_) T{};
    }
    ~Secret() { release(); }
    Secret(Secret&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    Secret& operator=(Secret&& o) noexcept {
        if (this != &o) {
            release();
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;

    T& operator*() const { return *p_; }
    T* operator->() const { return p_; }

private:
    void release() {
        if (p_) sodium_free(p_);  // zeroes, unlocks and unmaps
        p_ = nullptr;
    }
    T* p_ = nullptr;
};

}  // namespace papers::dipc::channel
