#include "home_directory.hpp"

#include <algorithm>
#include <cerrno>

namespace papers::dipcd::dsm {

HomeDirectory::HomeDirectory(std::uint64_t units, std::uint32_t home, std::int64_t min_residency_ns)
    : units_(units), home_(home), residency_(min_residency_ns) {
    // At creation the home holds every unit for writing: the master is the copy.
    for (auto& u : units_) u.writer = home;
}

Level HomeDirectory::level_of(std::uint32_t host, std::uint64_t unit) const {
    const Unit& u = units_.at(unit);
    if (u.writer == host) return Level::write;
    return u.readers.count(host) ? Level::read : Level::none;
}

bool HomeDirectory::master_valid(std::uint64_t unit) const {
    const Unit& u = units_.at(unit);
    return !u.lost && (!u.writer || *u.writer == home_);
}

void HomeDirectory::request(std::uint64_t token, std::uint32_t host, std::uint64_t unit, bool write, std::int64_t now) {
    Unit& u = units_.at(unit);
    u.queue.push_back({token, host, write});
    if (!u.current) start(unit, now);
}

// The holders the request must take the unit from.
std::set<std::uint32_t> HomeDirectory::to_revoke(const Unit& u, const Request& r) const {
    std::set<std::uint32_t> v;
    if (r.write) {
        for (auto h : u.readers)
            if (h != r.host) v.insert(h);
        if (u.writer && *u.writer != r.host) v.insert(*u.writer);
    } else if (u.writer && *u.writer != r.host) {
        v.insert(*u.writer);  // downgraded to a reader
    }
    return v;
}

void HomeDirectory::start(std::uint64_t unit, std::int64_t now) {
    Unit& u = units_[unit];
    while (!u.current && !u.queue.empty()) {
        u.current = u.queue.front();
        u.queue.pop_front();
        if (u.lost) {
            fail(unit, EIO, now);
            continue;
        }
        const Request& r = *u.current;
        u.requester_had_copy = u.writer == r.host || u.readers.count(r.host);
        // Residency: every holder we must take it from keeps it its quantum.
        std::int64_t at = now;
        for (auto h : to_revoke(u, r)) {
            auto s = u.since.find(h);
            if (s != u.since.end()) at = std::max(at, s->second + residency_);
        }
        if (at > now) {
            set_wake(unit, at);
            return;
        }
        proceed(unit, now);
    }
}

void HomeDirectory::proceed(std::uint64_t unit, std::int64_t now) {
    Unit& u = units_[unit];
    set_wake(unit, std::nullopt);
    const Request& r = *u.current;
    for (auto h : to_revoke(u, r)) {
        Action a;
        a.type = Action::Type::revoke;
        a.host = h;
        a.unit = unit;
        a.level = r.write ? Level::none : Level::read;
        a.want_data = u.writer == h;
        actions_.push_back(a);
        u.waiting.insert(h);
    }
    if (u.waiting.empty()) finish(unit, now);
}

void HomeDirectory::finish(std::uint64_t unit, std::int64_t now) {
    Unit& u = units_[unit];
    Request r = *u.current;
    Action g;
    g.type = Action::Type::grant;
    g.host = r.host;
    g.unit = unit;
    g.token = r.token;
    if (r.write) {
        g.level = Level::write;
        g.with_data = !u.requester_had_copy;
        u.readers.clear();
        u.since.clear();
        u.writer = r.host;
    } else {
        g.level = Level::read;
        // A writer asking to read keeps writing (it has the newest bytes).
        if (u.writer == r.host) g.level = Level::write;
        g.with_data = !u.requester_had_copy;
        if (u.writer && *u.writer != r.host) {
            u.readers.insert(*u.writer);  // downgraded, its bytes are in the master
            u.writer.reset();
        }
        if (g.level == Level::read) u.readers.insert(r.host);
    }
    if (!u.requester_had_copy || r.write) u.since[r.host] = now;
    actions_.push_back(g);
    u.current.reset();
    u.waiting.clear();
    start(unit, now);
}

void HomeDirectory::fail(std::uint64_t unit, int err, std::int64_t now) {
    Unit& u = units_[unit];
    Action f;
    f.type = Action::Type::fail;
    f.host = u.current->host;
    f.unit = unit;
    f.token = u.current->token;
    f.err = err;
    actions_.push_back(f);
    u.current.reset();
    u.waiting.clear();
    set_wake(unit, std::nullopt);
    (void)now;
}

void HomeDirectory::revoked(std::uint32_t host, std::uint64_t unit, std::int64_t now) {
    Unit& u = units_.at(unit);
    if (!u.current || !u.waiting.erase(host)) return;
    const Request& r = *u.current;
    // The revoked host is now a reader (downgrade) or holds nothing.
    if (u.writer == host) u.writer.reset();
    if (r.write) {
        u.readers.erase(host);
        u.since.erase(host);
    } else {
        u.readers.insert(host);
    }
    if (u.waiting.empty()) finish(unit, now);
}

void HomeDirectory::revoke_failed(std::uint32_t host, std::uint64_t unit, std::int64_t now) {
    Unit& u = units_.at(unit);
    if (!u.current || !u.waiting.count(host)) return;
    // Nothing changed hands: the holders that did drop are simply no longer
    // holders, the one that could not keeps its copy.
    fail(unit, ETIMEDOUT, now);
    start(unit, now);
}

void HomeDirectory::host_lost(std::uint32_t host, std::int64_t now) {
    for (std::uint64_t i = 0; i < units_.size(); ++i) {
        Unit& u = units_[i];
        u.queue.erase(std::remove_if(u.queue.begin(), u.queue.end(), [&](const Request& r) { return r.host == host; }),
                      u.queue.end());
        u.readers.erase(host);
        u.since.erase(host);
        if (u.writer == host) {
            u.writer.reset();
            u.lost = true;  // the only valid copy went with it
        }
        if (u.current && u.current->host == host) {
            u.current.reset();
            u.waiting.clear();
            set_wake(i, std::nullopt);
            start(i, now);
            continue;
        }
        if (u.current && u.waiting.erase(host)) {
            if (u.lost) {
                fail(i, EIO, now);
                start(i, now);
            } else if (u.waiting.empty()) {
                finish(i, now);
            }
        }
    }
}

void HomeDirectory::drop(std::uint32_t host, std::int64_t now) {
    (void)now;
    for (auto& u : units_) {
        if (u.writer == host || u.waiting.count(host)) continue;  // writers give their bytes back through revoke
        u.readers.erase(host);
        u.since.erase(host);
    }
}

void HomeDirectory::set_wake(std::uint64_t u, std::optional<std::int64_t> at) {
    if (units_[u].wake) wakes_.erase({*units_[u].wake, u});
    units_[u].wake = at;
    if (at) wakes_.insert({*at, u});
}

void HomeDirectory::expire(std::int64_t now) {
    while (!wakes_.empty() && wakes_.begin()->first <= now) proceed(wakes_.begin()->second, now);
}

std::optional<std::int64_t> HomeDirectory::next_wakeup() const {
    if (wakes_.empty()) return std::nullopt;
    return wakes_.begin()->first;
}

std::vector<Action> HomeDirectory::take_actions() {
    std::vector<Action> a;
    a.swap(actions_);
    return a;
}

}  // namespace papers::dipcd::dsm
