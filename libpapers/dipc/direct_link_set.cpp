#include "direct_link_set.hpp"

namespace papers::dipc::client {

DirectLink& DirectLinkSet::link_to(std::uint32_t host, std::uint64_t generation) {
    Entry* e = nullptr;
    for (auto& x : entries_)
        if (x->host == host) e = x.get();
    if (!e) {
        entries_.push_back(std::make_unique<Entry>());
        e = entries_.back().get();
        e->host = host;
    }
    if (e->link.is_open() && e->generation != generation) e->link.close();
    if (!e->link.is_open()) e->generation = generation;
    return e->link;
}

void DirectLinkSet::close_all() {
    for (auto& e : entries_) e->link.close();
}

std::size_t DirectLinkSet::open_count() const {
    std::size_t n = 0;
    for (const auto& e : entries_) n += e->link.is_open();
    return n;
}

}  // namespace papers::dipc::client
