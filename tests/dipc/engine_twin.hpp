// engine_twin.hpp — runs the same System V calls on the kernel (actor
// processes in a private IPC namespace) and on the owner engine, and
// compares them call by call: return values (ids by the structure they
// name), errno, what the call wrote (semaphore values, ds records, message
// text), and which blocked calls completed after each step.
//
// A call the engine blocks must block on the kernel too (the actor is seen
// asleep in the syscall); it stays in flight until a later step completes
// it (its Done on the engine side, its result on the kernel side), or the
// test interrupts it (signal vs cancel: EINTR), lets it time out
// (semtimedop vs expire: EAGAIN) or kills its process (exit vs
// process_gone). After every step every party is either idle with matching
// results or asleep in its call on the kernel and pending in the engine.
//
// Shared memory: the actors really attach (shmat) and detach (shmdt, exit,
// a forked child's exit); the engine hears the same as shm_attach and
// shm_note, as the daemon would tell it. Whether a segment still exists is
// the engine's word (on_removed) checked against the kernel's IPC_STAT
// after every step that may destroy one (engine_twin_shm.cpp).
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine_actor.hpp"
#include "engine_call_twin.hpp"
#include "engine_referee.hpp"
#include "owner/engine.hpp"
#include "twin_ledger.hpp"

namespace papers::dipc::enginetest {

// Wall-clock seconds (compared with the kernel's times), and a monotonic
// clock the test moves (semtimedop deadlines).
class TestClock : public owner::Clock {
public:
    std::int64_t realtime_s() override;
    std::int64_t monotonic_ns() override { return mono_ns_; }
    void advance_ns(std::int64_t ns) { mono_ns_ += ns; }

private:
    std::int64_t mono_ns_ = 1'000'000'000;
};

// A party's shm attachment: the segment, and the actor's slot for it.
struct Attachment {
    int handle = -1;
    int slot = -1;
};

class Twin : public CallTwin, public TwinLedger {
public:
    explicit Twin(const proto::Limits& limits);
    ~Twin();

    // Empty if the kernel reference is available (root, IPC namespaces).
    const std::string& unavailable() const { return unavailable_; }

    int add_party(const Cred& cred, std::uint32_t host);
    int parties() const override { return static_cast<int>(parties_.size()); }
    bool pending(int p) const override { return parties_[p].pending; }
    std::uint32_t host_of(int p) const { return parties_[p].host; }

    const std::vector<Handle>& handles() const override { return handles_; }
    std::vector<int> live_handles(proto::Kind kind) const override;
    Target target(int handle, bool by_index = false) const override;

    // One call by party p (idle). If the engine blocks it: keep it in
    // flight, interrupt it now, or let its timeout expire now.
    void call(int p, const Target& t, KRequest req, Resolve resolve = Resolve::keep) override;
    // semget/msgget; the handle it names (new or existing), -1 on an error.
    int get(int p, proto::Kind kind, int key, int nsems, int flags) override;
    // shmget; the handle it names (new or existing), -1 on an error.
    int shmget(int p, int key, unsigned long size, int flags);
    // shmat by party p (idle): the kernel's shmat vs shm_attach.
    void shmat(int p, const Target& t, int flags);
    // shmdt of party p's attachment `which` (an index into attachments(p))
    // vs shm_note(-1).
    void shmdt(int p, int which);
    const std::vector<Attachment>& attachments(int p) const { return parties_[p].attached; }
    // Party p (idle, no child) forks a child holding copies of its
    // attachments: fork vs shm_note(+1, the parent's pid) for each.
    void fork_party(int p);
    bool has_child(int p) const { return parties_[p].child > 0; }
    pid_t child_of(int p) const { return parties_[p].child; }
    pid_t pid_of(int p) const { return parties_[p].actor->pid(); }
    // Its child exits: kill vs shm_note(-1, the child's pid) for each.
    void end_child(int p);
    void interrupt(int p);               // a pending call: signal vs cancel
    void kill_party(int p) override;              // process exit vs process_gone; a new process replaces it
    void lose_host(std::uint32_t host) override;  // every process of host: kill vs host_lost

    // Compares a live structure in full (as party 0, which must be root and
    // idle): IPC_STAT, GETALL, GETPID/GETNCNT/GETZCNT of every semaphore.
    void check_handle(int handle) override;
    // check_handle for all, *_INFO records against seminfo()/msginfo()/
    // shminfo()/shm_usage().
    void check_all() override;
    // The end: every structure removed; every pending call must fail EIDRM.
    void remove_everything();

    owner::Engine& engine() { return *engine_; }
    TestClock& clock() { return clock_; }

private:
    struct Party {
        Cred cred;
        std::uint32_t host = 0;
        std::unique_ptr<Actor> actor;
        bool pending = false;
        owner::CallId call = 0;
        KRequest req;
        Target target;
        std::optional<proto::Reply> done;  // the engine's late reply
        std::vector<Attachment> attached;
        pid_t child = -1;                  // forked, holding copies of attachments
        std::vector<int> child_handles;    // the segments it holds, one per attachment
    };

    std::optional<proto::Reply> engine_call(int p, const Target& t, const KRequest& req);
    proto::Reply shm_engine_call(int p, std::int32_t eid, const KRequest& req);
    void compare_shm(int p, const Target& t, const KRequest& q, const KResult& k, const proto::Reply& e,
                     std::ostringstream& o);
    void note_all(int p, const std::vector<int>& handles, std::int32_t delta, std::int32_t pid, const char* why);
    void segment_removed(std::int32_t eid);
    void verify_segments();
    void settle(int except);
    void finish_pending(int p, const KResult& k);
    void compare(int p, const Target& t, const KRequest& req, const KResult& k, const proto::Reply& e);
    void fail(const std::string& what) { fail_first(what); }
    void spawn(int p);
    std::string describe(int p, const KRequest& req) const;

    std::string unavailable_;
    proto::Limits limits_;
    TestClock clock_;
    std::unique_ptr<owner::Engine> engine_;
    std::unique_ptr<TestReferee> referee_;
    std::vector<Party> parties_;
    std::vector<Handle> handles_;
    owner::CallId next_call_ = 1;
    std::uint64_t next_start_ = 1;
    int last_handle_ = -1;  // named by the last get
    std::vector<int> just_removed_;  // shm handles the engine destroyed since the last verify
};

}  // namespace papers::dipc::enginetest
