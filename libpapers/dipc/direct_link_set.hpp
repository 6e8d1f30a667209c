// direct_link_set.hpp — one thread's direct links (decision 13), one per
// owner host, each for the credentials it was opened under: the owner
// attributes a link's calls to the identity the local daemon declared when
// it opened it, so a link opened before the credentials changed must not be
// used (credentials.hpp). client_state.cpp keeps one set per thread (lazily
// allocated) and closes it on fork and thread exit.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "direct_link.hpp"

namespace papers::dipc::client {

class DirectLinkSet {
public:
    // The link to `host` for the credentials of `generation`: open, or
    // closed for the caller to open (one opened under earlier credentials
    // is closed first).
    DirectLink& link_to(std::uint32_t host, std::uint64_t generation);
    void close_all();
    std::size_t open_count() const;

private:
    struct Entry {
        std::uint32_t host = 0;
        std::uint64_t generation = 0;
        DirectLink link;
    };
    std::vector<std::unique_ptr<Entry>> entries_;  // few hosts: a list is enough
};

}  // namespace papers::dipc::client
