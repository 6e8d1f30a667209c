// dsm_service.hpp — the daemon's side of distributed shared memory: the
// segments this host uses (HostCopy), the ones it owns (HomeDirectory), the
// local attachments and their views, faults from local processes, and the
// page requests and revokes between hosts (docs/dipc-design.md, DSM).
//
// No sockets here: the daemon gives it functions to answer a local process,
// to order a process's service thread to revoke, and to send page requests
// and revokes to other daemons. Single-threaded like the daemon.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "dsm/home_directory.hpp"
#include "dsm/host_copy.hpp"
#include "log.hpp"
#include "proto/messages.hpp"

namespace papers::dipcd::dsm {

using Respond = std::function<void(proto::Reply)>;

class DsmService {
public:
    struct Io {
        // Answers local request `req` of session `s`.
        std::function<void(std::uint64_t s, std::uint64_t req, proto::Reply)> reply_local;
        // Orders a process's DSM service thread (session `service`); the ack
        // comes back through revoke_acked(service, id). False: no such session.
        std::function<bool(std::uint64_t service, std::uint64_t id, const proto::Revoke&)> send_revoke;
        std::function<void(std::uint32_t home, const proto::PageReq&, Respond)> page_req;
        std::function<void(std::uint32_t host, const proto::PageRevoke&, Respond)> page_revoke;
        // Must travel on the same link as page_revoke to that host (peer-link
        // order: the host sees the notice before any later revoke).
        std::function<void(std::uint32_t host, const proto::PageNotice&)> page_notice;
        std::function<std::int64_t()> now_ns;
    };
    DsmService(Io io, Log& log, std::uint32_t self, std::int64_t revoke_timeout_ns, std::int64_t residency_ns);
    ~DsmService();

    // --- segments
    // The home creates the master copy and the directory when it creates a segment.
    void segment_created(std::int32_t id, std::uint64_t size, std::uint64_t unit_bytes);
    // The segment was destroyed (IPC_RMID and no attachment left anywhere),
    // or lost with its home: local copies go once no local process maps them.
    void segment_gone(std::int32_t id, bool home_lost);
    void host_lost(std::uint32_t host);

    // --- attachments (after the home agreed to the shmat)
    struct Attached {
        std::uint64_t handle;
        int fd;  // the host copy's memfd, to send with the reply (still owned here)
    };
    std::optional<Attached> attach(std::int32_t id, std::uint64_t size, std::uint64_t unit_bytes, std::uint32_t home,
                                   const proto::Caller& who, bool rdonly, std::string& why);
    // Returns the segment of a detached handle (to tell its home), or nullopt.
    std::optional<std::int32_t> detach(std::uint64_t handle, const proto::Caller& who);
    // A forked child inherits the parent's attachments: new handles, views none.
    std::vector<std::pair<std::uint64_t, std::int32_t>> inherit(const std::vector<std::uint64_t>& parent_handles,
                                                                const proto::Caller& child);
    // Everything a process had attached (exit or exec): handle -> segment.
    std::vector<std::int32_t> process_gone(const proto::Caller& who);

    // --- a process's DSM service connection
    void service_opened(std::uint64_t session, const proto::Caller& who);
    void service_closed(std::uint64_t session);
    void revoke_acked(std::uint64_t session, std::uint64_t id);

    // --- faults from local processes
    void fault(std::uint64_t session, std::uint64_t req, const proto::Caller& who, const proto::FaultReq& f);

    // --- from other daemons
    void page_request(std::uint32_t host, const proto::PageReq& r, Respond respond);  // at the home
    void page_revoke(const proto::PageRevoke& r, Respond respond);                     // at a holder

    // --- the direct read fetch (docs/dipc-design.md, "Direct read fetch")
    // At the home: a process of another host asks for a unit to read on its
    // direct link. Granted like a page_req, then notice to its host's daemon,
    // then the bytes to the process; EAGAIN when its host already holds a
    // copy (its own daemon serves it).
    void direct_fetch(const proto::Caller& who, const proto::DsmFetch& f, Respond respond);
    // At the faulting host: the home's notice, and the process's report.
    void page_notice(std::uint32_t home, const proto::PageNotice& n);
    void installed(std::uint64_t service_session, const proto::DsmInstalled& m);
    bool pending(std::int32_t seg, std::uint64_t unit) const { return pending_.count({seg, unit}) != 0; }

    void expire();
    std::optional<std::int64_t> next_deadline() const;

private:
    struct Process {
        proto::Caller who;
        std::uint64_t service = 0;  // session of its service thread, 0 if none yet
        std::uint64_t seq = 0;      // its view-change counter
        std::set<std::uint64_t> handles;
    };
    struct Attachment {
        std::int32_t seg;
        std::pair<std::int32_t, std::uint64_t> proc;  // (pid, start time)
        bool rdonly;
        std::vector<Level> view;  // what we granted (an upper bound of its protection)
    };
    struct Waiter {
        std::uint64_t session, req, handle;
        bool write;
    };
    struct UnitKey {
        std::int32_t seg;
        std::uint64_t unit;
        bool operator<(const UnitKey& o) const { return seg != o.seg ? seg < o.seg : unit < o.unit; }
    };
    struct LocalRevoke {
        int acks_left = 0;
        Level prev = Level::none;
        std::int64_t deadline = 0;
        std::function<void(bool ok)> done;
    };
    using ProcKey = std::pair<std::int32_t, std::uint64_t>;

    HostCopy* copy(std::int32_t id);
    void serve_waiters(const UnitKey& k);
    void ask_home(const UnitKey& k, bool write);
    void grant(const Waiter& w, std::uint64_t unit, Level level);
    void host_revoke(const UnitKey& k, Level level, std::function<void(bool ok)> done);
    void finish_revoke(const UnitKey& k, bool ok);
    void run_home_actions(std::int32_t seg);
    void drop_copy_if_unused(std::int32_t id);
    // A direct grant's bytes are in the host copy (written by the process,
    // or now by the daemon when `write_bytes`): the unit is served again.
    void settle_pending(const UnitKey& k, bool write_bytes);
    void settle_pending_of(const std::function<bool(std::uint64_t handle)>& match);
    void answer_direct(std::int32_t seg, const Action& a);

    Io io_;
    Log& log_;
    std::uint32_t self_;
    std::int64_t revoke_timeout_, residency_;
    std::map<std::int32_t, std::unique_ptr<HostCopy>> copies_;
    std::map<std::int32_t, std::unique_ptr<HomeDirectory>> homes_;
    std::set<std::int32_t> gone_;  // destroyed, kept while still mapped here
    std::map<std::uint64_t, Attachment> attachments_;
    std::map<ProcKey, Process> procs_;
    std::map<std::uint64_t, ProcKey> services_;  // service session -> process
    std::uint64_t next_handle_ = 1, next_revoke_ = 1;
    std::map<UnitKey, std::vector<Waiter>> waiters_;
    std::map<UnitKey, Level> asking_;  // a request to the home is out, for this level
    std::map<UnitKey, LocalRevoke> revoking_;
    std::map<std::uint64_t, UnitKey> revoke_ids_;  // revoke id -> unit, until acked
    std::map<std::uint64_t, std::uint64_t> revoke_session_;  // revoke id -> session
    // Home: requests waiting for the directory's answer, by token.
    std::map<std::uint64_t, Respond> home_requests_;
    std::uint64_t next_token_ = 1;
    // Home: direct fetches waiting for the directory, by token.
    struct DirectFetch {
        proto::Caller who;
        proto::DsmFetch req;
        Respond respond;
    };
    std::map<std::uint64_t, DirectFetch> direct_requests_;
    std::map<std::uint32_t, std::uint64_t> notices_sent_;  // home: per host
    // Faulting host: notices seen per home, and the home's answers that wait
    // for notices sent before them.
    std::map<std::uint32_t, std::uint64_t> notices_seen_;
    std::multimap<std::uint32_t, std::pair<std::uint64_t, std::function<void()>>> early_answers_;
    // Faulting host: units granted directly whose bytes a process is writing.
    struct Pending {
        std::uint64_t handle = 0, fetch_id = 0;
        std::vector<std::uint8_t> data;
        std::int64_t deadline = 0;
        std::vector<std::pair<Level, std::function<void(bool ok)>>> revokes;  // waiting for the bytes
    };
    std::map<UnitKey, Pending> pending_;
    // Reports that came before their notice: (handle, fetch id) -> installed.
    std::map<std::pair<std::uint64_t, std::uint64_t>, bool> early_installs_;
};

}  // namespace papers::dipcd::dsm
