// handler_memory.hpp — storage for one in-flight Asio operation.
//
// A Link always has at most one read and one write in flight. Giving each
// its own block (Asio's associated allocator, as in Asio's "allocation"
// example) keeps the steady state free of heap allocations: Asio's own
// per-thread cache holds one block, and a link needs two at once.
#pragma once
#include <cstddef>
#include <new>
#include <utility>

namespace papers::dipc::channel {

class HandlerMemory {
public:
    HandlerMemory() = default;
    HandlerMemory(const HandlerMemory&) = delete;
    HandlerMemory& operator=(const HandlerMemory&) = delete;

    void* allocate(std::size_t n) {
        if (!in_use_ && n <= sizeof storage_) {
            in_use_ = true;
            return storage_;
        }
        return ::operator new(n);  // an operation bigger than expected, or overlap
    }
    void deallocate(void* p) {
        if (p == storage_)
            in_use_ = false;
        else
            ::operator delete(p);
    }

private:
    alignas(std::max_align_t) unsigned char storage_[512];
    bool in_use_ = false;
};

template <class T>
class HandlerAllocator {
public:
    using value_type = T;
    explicit HandlerAllocator(HandlerMemory& m) : memory_(&m) {}
    template <class U>
    HandlerAllocator(const HandlerAllocator<U>& o) noexcept : memory_(o.memory_) {}
    T* allocate(std::size_t n) { return static_cast<T*>(memory_->allocate(sizeof(T) * n)); }
    void deallocate(T* p, std::size_t) { memory_->deallocate(p); }
    template <class U>
    bool operator==(const HandlerAllocator<U>& o) const noexcept { return memory_ == o.memory_; }
    template <class U>
    bool operator!=(const HandlerAllocator<U>& o) const noexcept { return memory_ != o.memory_; }

private:
    template <class>
    friend class HandlerAllocator;
    HandlerMemory* memory_;
};

// A completion handler that tells Asio to allocate from `memory`.
template <class Handler>
class WithMemory {
public:
    using allocator_type = HandlerAllocator<Handler>;
    WithMemory(HandlerMemory& m, Handler h) : memory_(m), handler_(std::move(h)) {}
    allocator_type get_allocator() const noexcept { return allocator_type(memory_); }
    template <class... Args>
    void operator()(Args&&... args) { handler_(std::forward<Args>(args)...); }

private:
    HandlerMemory& memory_;
    Handler handler_;
};

template <class Handler>
WithMemory<std::decay_t<Handler>> with_memory(HandlerMemory& m, Handler&& h) {
    return {m, std::forward<Handler>(h)};
}

}  // namespace papers::dipc::channel
