// daemon.hpp — papers-dipcd's parts and how they are wired.
//
//   local processes --Unix--> LocalServer --> client_calls.cpp (route a call)
//        |                                      |            |
//        | pidfd (ProcessTable)                 v            v
//        v                               OwnerService    PeerSet --TCP/channel--> other daemons
//   process_gone to owners               (owner/Engine)     ^
//                                                           | peer_frames.cpp (forwards, referee
//                                                           |  broadcasts, referee requests)
//   Referee (referee.hpp) when this daemon serves it; Directory = every
//   daemon's copy of the referee's tables.
//
// Everything runs on one io_context thread: no locks.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>

#include "channel/key.hpp"
#include "channel/link.hpp"
#include "channel/listener.hpp"
#include "daemon_config.hpp"
#include "directory.hpp"
#include "dsm/dsm_service.hpp"
#include "local_server.hpp"
#include "log.hpp"
#include "owner/engine.hpp"
#include "owner_service.hpp"
#include "peer_set.hpp"
#include "process_table.hpp"
#include "referee.hpp"

namespace papers::dipcd {

class Daemon {
public:
    Daemon(boost::asio::io_context& io, const DaemonConfig& cfg);
    ~Daemon();
    // Starts listening and registers with the referee; `ready` is called
    // once the daemon can serve local processes (or with an error).
    void start(std::function<void(bool ok, const std::string& why)> ready);
    void stop();
    int exit_code() const { return exit_code_; }
    std::uint16_t port() const;

private:
    struct SteadyClock;
    // --- client_calls.cpp: calls from local processes
    bool session_opened(SessionId s, const proto::Caller& who);
    void client_call(SessionId s, const proto::Caller& who, const proto::Header& h, const std::uint8_t* p,
                     std::size_t n, bool synced = false);
    void session_closed(SessionId s, const proto::Caller& who);
    void client_get(SessionId s, const proto::Caller& who, std::uint64_t req, proto::GetReq g, int attempt = 0);
    void route(SessionId s, const proto::Caller& who, std::uint64_t req, proto::Op op,
               std::vector<std::uint8_t> body, proto::Kind kind, std::int32_t id, Respond respond,
               bool synced = false);
    bool answer_info(SessionId s, std::uint64_t req, proto::Op op, const std::uint8_t* p, std::size_t n);
    void answer_info_now(SessionId s, std::uint64_t req, proto::Kind kind, int cmd);
    void client_cancel(SessionId s, std::uint64_t target);
    void process_gone(const proto::Caller& who, const std::set<std::uint32_t>& hosts);
    // --- dsm_calls.cpp: shared memory
    bool dsm_client_call(SessionId s, const proto::Caller& who, const proto::Header& h, const std::uint8_t* p,
                         std::size_t n);
    bool dsm_peer_frame(ConnId c, std::uint32_t host, const proto::Header& h, const std::uint8_t* p, std::size_t n);
    void dsm_note(std::int32_t seg, std::int32_t delta, const proto::Caller& who, std::function<void()> then);
    void dsm_segment_created(const proto::GetReq& g);
    void dsm_session_closed(SessionId s, const proto::Caller& who);
    // --- direct_links.cpp: a process's own link to an owner (decision 13)
    void client_link_open(SessionId s, const proto::Caller& who, std::uint64_t req, std::uint32_t host);
    bool client_link_frame(ConnId c, const proto::Header& h, const std::uint8_t* p, std::size_t n);
    // --- referee access, local or remote
    void referee_request(proto::Op op, std::vector<std::uint8_t> msg, Respond respond);
    void sync_with_referee(std::function<void()> then);
    // --- peer_frames.cpp: frames from other daemons
    void peer_frame(ConnId c, const proto::Header& h, const std::uint8_t* p, std::size_t n);
    void peer_closed(ConnId c, std::optional<std::uint32_t> host, bool referee, const std::string& why);
    void serve_referee_request(ConnId c, const proto::Header& h, const std::uint8_t* p, std::size_t n);
    proto::Reply referee_answer(std::uint32_t host, proto::Op op, const std::uint8_t* p, std::size_t n);
    void referee_flush();
    void referee_broadcast(proto::Op op, const std::vector<std::uint8_t>& msg, std::optional<ConnId> skip = {});
    void host_gone(std::uint32_t host, const std::string& why);
    void apply_table_add(const proto::TableEntry& e);
    void apply_table_remove(const proto::TableRef& r);
    void fenced(const std::string& why);
    // --- daemon.cpp
    void arm_deadline_timer();
    void structure_removed(proto::Kind kind, std::int32_t id, bool key_only, std::function<void()> then);

    boost::asio::io_context& io_;
    DaemonConfig cfg_;
    Log log_;
    std::optional<dipc::channel::Key> key_;  // loaded before "ready" (papersrun removes the file then)
    std::optional<dipc::channel::AllowList> allow_;
    dipc::channel::LinkConfig link_cfg_;
    std::unique_ptr<SteadyClock> clock_;
    Directory dir_;
    std::optional<Referee> referee_;
    std::unique_ptr<dipc::owner::Engine> engine_;
    std::unique_ptr<OwnerService> owner_;
    std::unique_ptr<PeerSet> peers_;
    std::unique_ptr<dipc::channel::Listener> listener_;
    std::unique_ptr<LocalServer> local_;
    std::unique_ptr<ProcessTable> procs_;
    std::unique_ptr<dsm::DsmService> dsm_;
    std::set<SessionId> service_sessions_;  // DSM service connections (ClientHello role 1)
    boost::asio::signal_set signals_;
    boost::asio::steady_timer deadline_timer_;
    bool deadline_armed_ = false;
    std::chrono::steady_clock::time_point deadline_at_;
    bool registered_ = false;
    int exit_code_ = 0;
    std::vector<std::pair<proto::Op, std::vector<std::uint8_t>>> pending_broadcasts_;
    bool stopping_ = false;
    // Calls this daemon forwarded, by (session, client request): where they went.
    struct Forwarded {
        ConnId conn;
        std::uint64_t request;
    };
    std::map<std::pair<SessionId, std::uint64_t>, Forwarded> forwarded_;
    // Calls waiting here for the referee before they can be routed.
    std::set<std::pair<SessionId, std::uint64_t>> routing_;
    // Direct links of other hosts' processes, at this owner: who calls on each.
    std::map<ConnId, proto::Caller> client_links_;
    // Links accepted at the referee: which host registered on each.
    std::map<ConnId, std::uint32_t> referee_links_;
};

// Origins of calls at the OwnerService: local sessions and peer links use
// disjoint number spaces.
constexpr std::uint64_t kLinkOrigin = std::uint64_t(1) << 63;

}  // namespace papers::dipcd
