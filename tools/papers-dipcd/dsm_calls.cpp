// dsm_calls.cpp — shared memory in the daemon: local shmat/shmdt/shmctl and
// faults, the DSM service connections, and page traffic between daemons.
// The coherence logic itself is dsm/dsm_service.cpp; the segment's
// metadata (permissions, nattch, times) is the owner engine's.
#include <fcntl.h>
#include <sys/ipc.h>
#include <unistd.h>
#include <sys/shm.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "daemon.hpp"
#include "proto/ids.hpp"

namespace papers::dipcd {

namespace {

proto::Reply error_reply(int err) { return proto::Reply{-1, err, {}}; }

pid_t parent_pid(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return pid;
    auto close = line.rfind(')');
    if (close == std::string::npos) return pid;
    std::istringstream rest(line.substr(close + 2));
    std::string state;
    pid_t ppid = pid;
    rest >> state >> ppid;
    return ppid;
}

}  // namespace

void Daemon::dsm_segment_created(const proto::GetReq& g) {
    dsm_->segment_created(g.id, g.size, dsm::unit_bytes_for(g.size, dir_.limits().dsm_whole_segment));
}

// Attach counts live at the home (shm_nattch counts every host's).
void Daemon::dsm_note(std::int32_t seg, std::int32_t delta, const proto::Caller& who, std::function<void()> then) {
    auto entry = dir_.find(proto::Kind::shm, seg);
    if (!entry) return then();
    proto::ShmAttachNote note{seg, delta, who.pid};
    auto body = proto::encode_payload(note);
    auto done = [then](proto::Reply) { then(); };
    if (entry->owner == dir_.self()) {
        owner_->execute(who, proto::Op::shm_attach, body.data(), body.size(), {0, 0}, done);
        return;
    }
    peers_->request(entry->owner, proto::Op::forward, proto::Forward{who, proto::Op::shm_attach, body}, done);
}

bool Daemon::dsm_client_call(SessionId s, const proto::Caller& who, const proto::Header& h, const std::uint8_t* p,
                             std::size_t n) {
    auto reply = [this, s, req = h.request_id](proto::Reply r) { local_->reply(s, req, r); };
    switch (h.op) {
        case proto::Op::reply:  // an ack from a DSM service thread
            if (service_sessions_.count(s)) dsm_->revoke_acked(s, h.request_id);
            return true;
        case proto::Op::dsm_installed: {  // a direct grant's bytes are in (one-way)
            proto::DsmInstalled m;
            if (service_sessions_.count(s) && proto::decode_payload(p, n, m)) dsm_->installed(s, m);
            return true;
        }
        case proto::Op::fault: {
            proto::FaultReq f;
            if (!proto::decode_payload(p, n, f)) reply(error_reply(EINVAL));
            else dsm_->fault(s, h.request_id, who, f);
            return true;
        }
        case proto::Op::shmat: {
            proto::ShmatReq a;
            if (!proto::decode_payload(p, n, a)) {
                reply(error_reply(EINVAL));
                return true;
            }
            route(s, who, h.request_id, h.op, std::vector<std::uint8_t>(p, p + n), proto::Kind::shm, a.id,
                  [this, s, req = h.request_id, who, a](proto::Reply r) {
                      proto::ShmAttach info;
                      if (r.err == 0 && !proto::decode_payload(r.payload, info)) r = error_reply(EPROTO);
                      if (r.err != 0 || (a.flags & proto::kShmatCheckOnly)) return local_->reply(s, req, r);
                      auto entry = dir_.find(proto::Kind::shm, a.id);
                      std::string why;
                      std::uint64_t ub = dsm::unit_bytes_for(info.size, dir_.limits().dsm_whole_segment);
                      auto att = entry ? dsm_->attach(a.id, info.size, ub, entry->owner, who, a.flags & SHM_RDONLY, why)
                                       : std::nullopt;
                      if (!att) {
                          log_.info("shmat of segment " + std::to_string(a.id) + " failed here: " +
                                    (entry ? why : "the segment is gone"));
                          // The home counted the attachment: take it back.
                          dsm_note(a.id, -1, who, [this, s, req] { local_->reply(s, req, error_reply(ENOMEM)); });
                          return;
                      }
                      info.attach = att->handle;
                      info.unit_bytes = ub;
                      r.payload = proto::encode_payload(info);
                      if (!(a.flags & SHM_RDONLY)) return local_->reply(s, req, r, att->fd);
                      // A read-only attachment gets a read-only descriptor: the kernel
                      // then refuses the process any write to the host's copy.
                      std::string self_fd = "/proc/self/fd/" + std::to_string(att->fd);
                      int ro = ::open(self_fd.c_str(), O_RDONLY | O_CLOEXEC);
                      if (ro < 0) return local_->reply(s, req, error_reply(ENOMEM));
                      local_->reply(s, req, r, ro);
                      ::close(ro);
                  });
            return true;
        }
        case proto::Op::shmdt: {
            proto::ShmdtReq d;
            std::optional<std::int32_t> seg;
            if (proto::decode_payload(p, n, d)) seg = dsm_->detach(d.attach, who);
            if (!seg) {
                reply(error_reply(EINVAL));
                return true;
            }
            // Answer once the home counted it, so IPC_STAT right after sees it.
            dsm_note(*seg, -1, who, [reply] { reply(proto::Reply{}); });
            return true;
        }
        case proto::Op::shm_inherit: {
            proto::ShmInherit in;
            if (!proto::decode_payload(p, n, in)) {
                reply(error_reply(EINVAL));
                return true;
            }
            auto pairs = dsm_->inherit(in.attaches, who);
            proto::ShmInherit out;
            auto left = std::make_shared<std::size_t>(1);
            auto payload = std::make_shared<proto::ShmInherit>();
            for (auto [handle, seg] : pairs) {
                payload->attaches.push_back(handle);
                if (!handle) continue;
                ++*left;
                // The kernel records the forking parent as the last to attach.
                proto::Caller parent = who;
                parent.pid = parent_pid(who.pid);
                dsm_note(seg, +1, parent, [left, payload, reply] {
                    if (--*left == 0) reply(proto::Reply{0, 0, proto::encode_payload(*payload)});
                });
            }
            if (--*left == 0) reply(proto::Reply{0, 0, proto::encode_payload(*payload)});
            return true;
        }
        case proto::Op::shmctl: {
            proto::ShmctlReq r;
            if (!proto::decode_payload(p, n, r)) {
                reply(error_reply(EINVAL));
                return true;
            }
            // A segment created or removed a moment ago through another
            // host's owner may not be in our table yet (the owner answers
            // its caller before the referee's broadcast arrives here): the
            // table-based answers sync with the referee first, as the sem
            // and msg ones do (client_calls.cpp).
            if (r.cmd == IPC_INFO || r.cmd == SHM_INFO) {
                sync_with_referee([this, reply, cmd = r.cmd] {
                    proto::Reply rep;
                    std::int32_t hi = dir_.highest_index(proto::Kind::shm);
                    rep.ret = hi < 0 ? 0 : hi;
                    if (cmd == IPC_INFO)
                        rep.payload = proto::encode_payload(dipc::owner::shminfo(dir_.limits()));
                    else
                        rep.payload = proto::encode_payload(dipc::owner::shm_usage(dir_.usage(proto::Kind::shm)));
                    reply(rep);
                });
                return true;
            }
            if (r.cmd == SHM_STAT || r.cmd == SHM_STAT_ANY) {
                auto by_index = [this, s, who, req = h.request_id, op = h.op, r, reply]() mutable {
                    auto e = dir_.at_index(proto::Kind::shm, r.id);
                    if (!e) return reply(error_reply(EINVAL));
                    r.id = e->id;
                    route(s, who, req, op, proto::encode_payload(r), proto::Kind::shm, r.id, reply);
                };
                if (dir_.at_index(proto::Kind::shm, r.id)) by_index();
                else sync_with_referee(by_index);  // perhaps created a moment ago
                return true;
            }
            route(s, who, h.request_id, h.op, std::vector<std::uint8_t>(p, p + n), proto::Kind::shm, r.id, reply);
            return true;
        }
        default: return false;
    }
}

bool Daemon::dsm_peer_frame(ConnId c, std::uint32_t host, const proto::Header& h, const std::uint8_t* p,
                            std::size_t n) {
    auto send_reply = [this, c, req = h.request_id](proto::Reply r) { peers_->send(c, proto::Op::reply, req, r); };
    if (h.op == proto::Op::page_req) {
        proto::PageReq r;
        if (!proto::decode_payload(p, n, r)) return false;
        dsm_->page_request(host, r, send_reply);
        return true;
    }
    if (h.op == proto::Op::page_revoke) {
        proto::PageRevoke r;
        if (!proto::decode_payload(p, n, r)) return false;
        dsm_->page_revoke(r, send_reply);
        return true;
    }
    if (h.op == proto::Op::page_notice) {
        proto::PageNotice r;
        if (!proto::decode_payload(p, n, r)) return false;
        dsm_->page_notice(host, r);
        send_reply(proto::Reply{});
        arm_deadline_timer();
        return true;
    }
    return false;
}

void Daemon::dsm_session_closed(SessionId s, const proto::Caller& who) {
    if (!service_sessions_.erase(s)) return;
    dsm_->service_closed(s);
    // Its service connection closes when the process execs or exits: either
    // way its mappings are gone.
    for (std::int32_t seg : dsm_->process_gone(who)) dsm_note(seg, -1, who, [] {});
}

}  // namespace papers::dipcd
