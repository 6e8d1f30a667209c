// home_directory.hpp — the home's record of who holds each unit of one
// distributed segment, and the protocol that keeps them coherent
// (docs/dipc-design.md, "Distributed shared memory").
//
// Pure state: requests and acknowledgements go in, actions (revoke a host's
// copy, grant a unit, fail a request) come out of take_actions(); the daemon
// carries them out. One transaction per unit at a time; the others queue, so
// every unit's reads and writes are totally ordered (multiple readers,
// single writer). The home's own host is a host like the others here; the
// home's copy is the master, valid whenever no other host writes the unit.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace papers::dipcd::dsm {

enum class Level : std::uint8_t { none = 0, read = 1, write = 2 };

struct Action {
    enum class Type : std::uint8_t {
        revoke,  // host must drop to `level` (and send its bytes back if want_data)
        grant,   // answer request `token`: host may now hold `level`; with_data: send the bytes
        fail,    // answer request `token` with an error (the unit is lost, or a revoke failed)
    };
    Type type = Type::grant;
    std::uint32_t host = 0;
    std::uint64_t unit = 0;
    Level level = Level::none;
    bool want_data = false;  // revoke: the host was the writer
    bool with_data = false;  // grant: the host needs the bytes
    std::uint64_t token = 0; // grant/fail: the request answered
    int err = 0;             // fail: EIO (lost) or ETIMEDOUT (a revoke was not acknowledged)
};

class HomeDirectory {
public:
    // `units` units; `home` = the owner's host id; residency in ns.
    HomeDirectory(std::uint64_t units, std::uint32_t home, std::int64_t min_residency_ns);

    // Host `host` wants `unit` for reading or writing; `token` names the request.
    void request(std::uint64_t token, std::uint32_t host, std::uint64_t unit, bool write, std::int64_t now);
    // `host` dropped its copy as told. `data` says the bytes came back with it
    // (the daemon wrote them into the master).
    void revoked(std::uint32_t host, std::uint64_t unit, std::int64_t now);
    // `host` could not drop its copy in time: the waiting request fails, the
    // host keeps its copy.
    void revoke_failed(std::uint32_t host, std::uint64_t unit, std::int64_t now);
    // `host` is gone: its copies and requests with it; units it alone held
    // (as writer) are lost.
    void host_lost(std::uint32_t host, std::int64_t now);
    // A host detached its last process: it drops its copies (writers send
    // their bytes first: the daemon asks for that with drop()).
    void drop(std::uint32_t host, std::int64_t now);

    void expire(std::int64_t now);  // residency waits that are due
    std::optional<std::int64_t> next_wakeup() const;
    std::vector<Action> take_actions();

    std::uint64_t units() const { return units_.size(); }
    bool lost(std::uint64_t unit) const { return units_.at(unit).lost; }
    Level level_of(std::uint32_t host, std::uint64_t unit) const;
    bool master_valid(std::uint64_t unit) const;

private:
    struct Request {
        std::uint64_t token;
        std::uint32_t host;
        bool write;
    };
    struct Unit {
        std::optional<std::uint32_t> writer;
        std::set<std::uint32_t> readers;
        std::map<std::uint32_t, std::int64_t> since;  // when each holder got it
        bool lost = false;
        std::deque<Request> queue;
        // The transaction under way: the request, and the revokes it waits for.
        std::optional<Request> current;
        std::set<std::uint32_t> waiting;
        std::optional<std::int64_t> wake;  // residency: start revoking at this time
        bool requester_had_copy = false;
    };
    void start(std::uint64_t u, std::int64_t now);
    void proceed(std::uint64_t u, std::int64_t now);
    void finish(std::uint64_t u, std::int64_t now);
    void fail(std::uint64_t u, int err, std::int64_t now);
    std::set<std::uint32_t> to_revoke(const Unit& unit, const Request& r) const;

    void set_wake(std::uint64_t u, std::optional<std::int64_t> at);
    std::vector<Unit> units_;
    std::set<std::pair<std::int64_t, std::uint64_t>> wakes_;  // (time, unit) of residency waits
    std::uint32_t home_;
    std::int64_t residency_;
    std::vector<Action> actions_;
};

}  // namespace papers::dipcd::dsm
