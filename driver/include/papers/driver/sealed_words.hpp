// sealed_words.hpp — the words of a shared mapping that are written once at start-up and
// then only read for the whole job (a hub wire's header, an shm segment's creation fields).
// A process keeps a snapshot of them; if one changes later, somebody wrote into the live
// mapping, and the waits fail naming the field instead of timing out (Port::damage()).
//
// The fields are a table of named readers (SealedWord), declared once per mapping.
#pragma once
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

namespace papers::driver {

// A plain word other processes could be writing (only when the mapping is damaged): read as
// a relaxed atomic.
template <class T>
std::uint64_t load_word(const T& field) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8);
    if constexpr (sizeof(T) == 4) {
        std::uint32_t v;
        __atomic_load(reinterpret_cast<const std::uint32_t*>(&field), &v, __ATOMIC_RELAXED);
        return v;
    } else {
        std::uint64_t v;
        __atomic_load(reinterpret_cast<const std::uint64_t*>(&field), &v, __ATOMIC_RELAXED);
        return v;
    }
}

// One field of mapping H: its name, how to read it, its width in bytes (for the message).
template <class H>
struct SealedWord {
    const char* name;
    std::uint64_t (*read)(const H&);
    int bytes;
};

// PAPERS_SEALED_WORD(Header, magic) is {"magic", a reader of h.magic, sizeof h.magic}.
#define PAPERS_SEALED_WORD(H, field) \
    ::papers::driver::SealedWord<H> { #field, [](const H& h) { return ::papers::driver::load_word(h.field); }, int(sizeof(H::field)) }

template <class H>
class SealedWords {
public:
    explicit SealedWords(std::span<const SealedWord<H>> table) : table_(table) {}

    void seal(const H& h) {
        was_.clear();
        for (const SealedWord<H>& f : table_) was_.push_back(f.read(h));
    }
    bool sealed() const { return !was_.empty(); }

    // Empty while h still carries the snapshot, else "header field 'F' is 0x.. where
    // <who_wrote> 0x.." for the first field that changed.
    std::string changed(const H& h, const char* who_wrote) const {
        for (std::size_t i = 0; i < was_.size(); ++i) {
            const std::uint64_t now = table_[i].read(h);
            if (now == was_[i]) continue;
            const int digits = 2 * table_[i].bytes;
            char text[200];
            std::snprintf(text, sizeof text, "header field '%s' is 0x%0*llx where %s 0x%0*llx", table_[i].name,
                          digits, static_cast<unsigned long long>(now), who_wrote, digits,
                          static_cast<unsigned long long>(was_[i]));
            return text;
        }
        return {};
    }

private:
    std::span<const SealedWord<H>> table_;
    std::vector<std::uint64_t> was_;
};

}  // namespace papers::driver
