#include "dsm_service.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace papers::dipcd::dsm {

namespace {

proto::Reply error_reply(int err) { return proto::Reply{-1, err, {}}; }

Level max_level(Level a, Level b) { return a > b ? a : b; }
Level min_level(Level a, Level b) { return a < b ? a : b; }

pid_t parent_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string s;
    if (!std::getline(in, s)) return -1;
    auto close = s.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream rest(s.substr(close + 2));
    std::string state;
    pid_t ppid = -1;
    rest >> state >> ppid;
    return ppid;
}

}  // namespace

DsmService::DsmService(Io io, Log& log, std::uint32_t self, std::int64_t revoke_timeout_ns, std::int64_t residency_ns)
    : io_(std::move(io)), log_(log), self_(self), revoke_timeout_(revoke_timeout_ns), residency_(residency_ns) {}

DsmService::~DsmService() = default;

HostCopy* DsmService::copy(std::int32_t id) {
    auto it = copies_.find(id);
    return it == copies_.end() ? nullptr : it->second.get();
}

void DsmService::segment_created(std::int32_t id, std::uint64_t size, std::uint64_t unit_bytes) {
    auto c = std::make_unique<HostCopy>(id, size, unit_bytes, self_);
    c->set_all(Level::write);  // the home holds every unit at first: its copy is the master
    homes_[id] = std::make_unique<HomeDirectory>(c->units(), self_, residency_);
    copies_[id] = std::move(c);
}

std::optional<DsmService::Attached> DsmService::attach(std::int32_t id, std::uint64_t size, std::uint64_t unit_bytes,
                                                       std::uint32_t home, const proto::Caller& who, bool rdonly,
                                                       std::string& why) {
    HostCopy* c = copy(id);
    if (!c) {
        try {
            auto fresh = std::make_unique<HostCopy>(id, size, unit_bytes, home);
            c = fresh.get();
            copies_[id] = std::move(fresh);
        } catch (const std::exception& e) {
            why = e.what();
            return std::nullopt;
        }
    }
    if (c->lost_all) {
        why = "the segment's home is lost";
        return std::nullopt;
    }
    std::uint64_t h = next_handle_++;
    ProcKey pk{who.pid, who.start_time};
    attachments_[h] = Attachment{id, pk, rdonly, std::vector<Level>(c->units(), Level::none)};
    Process& p = procs_[pk];
    p.who = who;
    p.handles.insert(h);
    return Attached{h, c->memfd()};
}

std::optional<std::int32_t> DsmService::detach(std::uint64_t handle, const proto::Caller& who) {
    auto it = attachments_.find(handle);
    if (it == attachments_.end() || it->second.proc != ProcKey{who.pid, who.start_time}) return std::nullopt;
    std::int32_t seg = it->second.seg;
    // Unmapped under its lock before it told us: it writes no more bytes.
    settle_pending_of([handle](std::uint64_t h) { return h == handle; });
    it = attachments_.find(handle);
    if (it == attachments_.end()) return seg;
    auto p = procs_.find(it->second.proc);
    if (p != procs_.end()) p->second.handles.erase(handle);
    attachments_.erase(it);
    drop_copy_if_unused(seg);
    return seg;
}

std::vector<std::pair<std::uint64_t, std::int32_t>> DsmService::inherit(const std::vector<std::uint64_t>& parent,
                                                                        const proto::Caller& child) {
    std::vector<std::pair<std::uint64_t, std::int32_t>> out;
    pid_t ppid = parent_of(child.pid);
    ProcKey ck{child.pid, child.start_time};
    for (std::uint64_t h : parent) {
        auto it = attachments_.find(h);
        // Only the parent's own attachments can be inherited.
        if (it == attachments_.end() || it->second.proc.first != ppid) {
            out.push_back({0, 0});
            continue;
        }
        std::uint64_t nh = next_handle_++;
        Attachment a = it->second;
        a.proc = ck;
        std::fill(a.view.begin(), a.view.end(), Level::none);  // the child starts with none
        attachments_[nh] = std::move(a);
        Process& p = procs_[ck];
        p.who = child;
        p.handles.insert(nh);
        out.push_back({nh, it->second.seg});
    }
    return out;
}

std::vector<std::int32_t> DsmService::process_gone(const proto::Caller& who) {
    std::vector<std::int32_t> segs;
    auto it = procs_.find({who.pid, who.start_time});
    if (it == procs_.end()) return segs;
    // Exited or exec'd: none of its threads writes bytes any more.
    {
        std::set<std::uint64_t> handles = it->second.handles;
        settle_pending_of([&handles](std::uint64_t h) { return handles.count(h) != 0; });
        it = procs_.find({who.pid, who.start_time});
        if (it == procs_.end()) return segs;
    }
    for (std::uint64_t h : it->second.handles) {
        auto a = attachments_.find(h);
        if (a == attachments_.end()) continue;
        segs.push_back(a->second.seg);
        attachments_.erase(a);
    }
    if (it->second.service) services_.erase(it->second.service);
    procs_.erase(it);
    for (std::int32_t s : segs) drop_copy_if_unused(s);
    return segs;
}

void DsmService::service_opened(std::uint64_t session, const proto::Caller& who) {
    ProcKey pk{who.pid, who.start_time};
    Process& p = procs_[pk];
    p.who = who;
    p.service = session;
    services_[session] = pk;
}

void DsmService::service_closed(std::uint64_t session) {
    auto it = services_.find(session);
    if (it == services_.end()) return;
    auto p = procs_.find(it->second);
    if (p != procs_.end() && p->second.service == session) {
        p->second.service = 0;
        // It can no longer report its installs: the daemon writes the bytes.
        std::set<std::uint64_t> handles = p->second.handles;
        settle_pending_of([&handles](std::uint64_t h) { return handles.count(h) != 0; });
    }
    services_.erase(it);
    // Its revokes in flight: a closed service connection means its views are gone.
    std::vector<std::uint64_t> ids;
    for (const auto& [id, s] : revoke_session_)
        if (s == session) ids.push_back(id);
    for (std::uint64_t id : ids) revoke_acked(session, id);
}

void DsmService::revoke_acked(std::uint64_t session, std::uint64_t id) {
    auto s = revoke_session_.find(id);
    if (s == revoke_session_.end() || s->second != session) return;
    revoke_session_.erase(s);
    auto it = revoke_ids_.find(id);
    if (it == revoke_ids_.end()) return;
    UnitKey k = it->second;
    revoke_ids_.erase(it);
    auto r = revoking_.find(k);
    if (r == revoking_.end()) return;
    if (--r->second.acks_left == 0) finish_revoke(k, true);
}

void DsmService::fault(std::uint64_t session, std::uint64_t req, const proto::Caller& who, const proto::FaultReq& f) {
    auto it = attachments_.find(f.attach);
    if (it == attachments_.end() || it->second.proc != ProcKey{who.pid, who.start_time})
        return io_.reply_local(session, req, error_reply(EINVAL));
    HostCopy* c = copy(it->second.seg);
    if (!c || f.unit >= c->units()) return io_.reply_local(session, req, error_reply(EINVAL));
    if (c->lost_all) return io_.reply_local(session, req, error_reply(EIDRM));
    if (c->lost.count(f.unit)) return io_.reply_local(session, req, error_reply(EIO));
    if (f.write && it->second.rdonly) return io_.reply_local(session, req, error_reply(EACCES));
    UnitKey k{it->second.seg, f.unit};
    waiters_[k].push_back({session, req, f.attach, f.write});
    serve_waiters(k);
}

void DsmService::serve_waiters(const UnitKey& k) {
    auto wit = waiters_.find(k);
    if (wit == waiters_.end()) return;
    // After the transaction under way, or the bytes of a direct grant.
    if (revoking_.count(k) || asking_.count(k) || pending_.count(k)) return;
    HostCopy* c = copy(k.seg);
    if (!c) return;
    Level state = c->state(k.unit);
    Level most = Level::none;
    std::vector<Waiter> left;
    for (const Waiter& w : wit->second) {
        Level need = w.write ? Level::write : Level::read;
        if (state >= need) grant(w, k.unit, state);
        else {
            left.push_back(w);
            most = max_level(most, need);
        }
    }
    if (left.empty()) {
        waiters_.erase(wit);
        return;
    }
    wit->second = std::move(left);
    ask_home(k, most == Level::write);
}

void DsmService::grant(const Waiter& w, std::uint64_t unit, Level level) {
    auto it = attachments_.find(w.handle);
    if (it == attachments_.end()) return io_.reply_local(w.session, w.req, error_reply(EINVAL));
    if (it->second.rdonly) level = min_level(level, Level::read);
    auto p = procs_.find(it->second.proc);
    if (p == procs_.end()) return;
    // Recorded before the process applies it: a later revoke must reach it.
    it->second.view[unit] = max_level(it->second.view[unit], level);
    proto::Grant g{static_cast<std::uint8_t>(level), ++p->second.seq};
    io_.reply_local(w.session, w.req, proto::Reply{0, 0, proto::encode_payload(g)});
}

void DsmService::ask_home(const UnitKey& k, bool write) {
    HostCopy* c = copy(k.seg);
    asking_[k] = write ? Level::write : Level::read;
    auto apply = [this, k](proto::Reply r) {
        asking_.erase(k);
        HostCopy* c = copy(k.seg);
        if (!c) return;
        proto::PageGrant g;
        if (r.err == 0 && !proto::decode_payload(r.payload, g)) r = error_reply(EPROTO);
        if (r.err != 0) {
            if (r.err == EIO) c->lost.insert(k.unit);
            auto w = std::move(waiters_[k]);
            waiters_.erase(k);
            for (const Waiter& x : w) io_.reply_local(x.session, x.req, error_reply(r.err));
            return;
        }
        if (!g.data.empty()) c->write_unit(k.unit, g.data);
        c->set_state(k.unit, max_level(c->state(k.unit), static_cast<Level>(g.level)));
        serve_waiters(k);
    };
    // An answer the home gave after a direct grant to one of our processes
    // may arrive before that grant's notice (another link): it waits for it,
    // so that the unit is pending here before anyone is granted it.
    auto answered = [this, apply, home = c->home()](proto::Reply r) {
        proto::PageGrant g;
        if (r.err == 0 && home != self_ && proto::decode_payload(r.payload, g) && g.notices > notices_seen_[home]) {
            early_answers_.emplace(home, std::make_pair(g.notices, std::function<void()>([apply, r] { apply(r); })));
            return;
        }
        apply(std::move(r));
    };
    if (c->home() == self_) {
        auto home = homes_.find(k.seg);
        if (home == homes_.end()) return answered(error_reply(EIDRM));
        std::uint64_t token = next_token_++;
        home_requests_[token] = answered;
        home->second->request(token, self_, k.unit, write, io_.now_ns());
        run_home_actions(k.seg);
        return;
    }
    io_.page_req(c->home(), proto::PageReq{k.seg, k.unit, write}, answered);
}

void DsmService::page_request(std::uint32_t host, const proto::PageReq& r, Respond respond) {
    auto home = homes_.find(r.segment);
    if (home == homes_.end()) return respond(error_reply(EIDRM));
    if (r.unit >= home->second->units()) return respond(error_reply(EINVAL));
    std::uint64_t token = next_token_++;
    home_requests_[token] = std::move(respond);
    home->second->request(token, host, r.unit, r.write, io_.now_ns());
    run_home_actions(r.segment);
}

void DsmService::run_home_actions(std::int32_t seg) {
    for (;;) {
        auto home = homes_.find(seg);
        if (home == homes_.end()) return;
        auto actions = home->second->take_actions();
        if (actions.empty()) return;
        for (const Action& a : actions) {
            UnitKey k{seg, a.unit};
            if (a.type == Action::Type::revoke) {
                auto done_at_home = [this, seg, host = a.host, unit = a.unit](bool ok) {
                    auto h = homes_.find(seg);
                    if (h == homes_.end()) return;
                    if (ok) h->second->revoked(host, unit, io_.now_ns());
                    else h->second->revoke_failed(host, unit, io_.now_ns());
                    run_home_actions(seg);
                };
                if (a.host == self_) {
                    host_revoke(k, a.level, done_at_home);  // the bytes are already in the master
                } else {
                    proto::PageRevoke pr{seg, a.unit, static_cast<std::uint8_t>(a.level), a.want_data};
                    io_.page_revoke(a.host, pr, [this, seg, unit = a.unit, want = a.want_data, done_at_home](proto::Reply r) {
                        if (r.err == 0 && want) {
                            proto::PageBytes b;
                            HostCopy* c = copy(seg);
                            if (!c || !proto::decode_payload(r.payload, b) || b.data.size() != c->unit_len(unit))
                                return done_at_home(false);
                            c->write_unit(unit, b.data);
                        }
                        done_at_home(r.err == 0);
                    });
                }
                continue;
            }
            if (direct_requests_.count(a.token)) {
                answer_direct(seg, a);
                continue;
            }
            auto req = home_requests_.find(a.token);
            if (req == home_requests_.end()) continue;
            Respond respond = std::move(req->second);
            home_requests_.erase(req);
            if (a.type == Action::Type::fail) {
                respond(error_reply(a.err));
                continue;
            }
            proto::PageGrant g;
            g.level = static_cast<std::uint8_t>(a.level);
            // The master is current here: the directory took the bytes back first.
            if (a.with_data && a.host != self_) g.data = copies_.at(seg)->read_unit(a.unit);
            if (auto n = notices_sent_.find(a.host); n != notices_sent_.end()) g.notices = n->second;
            respond(proto::Reply{0, 0, proto::encode_payload(g)});
        }
    }
}

void DsmService::host_revoke(const UnitKey& k, Level level, std::function<void(bool ok)> done) {
    HostCopy* c = copy(k.seg);
    if (!c) return done(true);
    // A process is writing a direct grant's bytes: the revoke (and the bytes
    // it may have to send back) waits for them.
    if (auto p = pending_.find(k); p != pending_.end()) {
        p->second.revokes.emplace_back(level, std::move(done));
        return;
    }
    LocalRevoke r;
    r.prev = c->state(k.unit);
    r.done = std::move(done);
    c->set_state(k.unit, min_level(r.prev, level));
    for (auto& [h, a] : attachments_) {
        if (a.seg != k.seg || a.view[k.unit] <= level) continue;
        auto p = procs_.find(a.proc);
        a.view[k.unit] = level;
        if (p == procs_.end() || p->second.service == 0) continue;  // no thread, no views
        std::uint64_t id = next_revoke_++;
        proto::Revoke rv{h, k.seg, k.unit, 1, static_cast<std::uint8_t>(level), ++p->second.seq};
        if (!io_.send_revoke(p->second.service, id, rv)) continue;
        revoke_ids_[id] = k;
        revoke_session_[id] = p->second.service;
        ++r.acks_left;
    }
    if (r.acks_left == 0) {
        auto d = std::move(r.done);
        d(true);
        serve_waiters(k);
        return;
    }
    r.deadline = io_.now_ns() + revoke_timeout_;
    revoking_[k] = std::move(r);
}

void DsmService::finish_revoke(const UnitKey& k, bool ok) {
    auto it = revoking_.find(k);
    if (it == revoking_.end()) return;
    LocalRevoke r = std::move(it->second);
    revoking_.erase(it);
    for (auto i = revoke_ids_.begin(); i != revoke_ids_.end();) {
        if (!(i->second < k) && !(k < i->second)) {
            revoke_session_.erase(i->first);
            i = revoke_ids_.erase(i);
        } else {
            ++i;
        }
    }
    if (!ok) {
        // A process did not drop its view in time: it keeps the unit, so does this host.
        if (HostCopy* c = copy(k.seg)) c->set_state(k.unit, r.prev);
        log_.info("a local process did not release unit " + std::to_string(k.unit) + " of segment " +
                  std::to_string(k.seg) + " in time (stopped?); the request that needed it fails");
    }
    r.done(ok);
    serve_waiters(k);
}

void DsmService::page_revoke(const proto::PageRevoke& r, Respond respond) {
    HostCopy* c = copy(r.segment);
    if (!c || r.unit >= c->units()) return respond(proto::Reply{});  // holds nothing of it
    UnitKey k{r.segment, r.unit};
    host_revoke(k, static_cast<Level>(r.level), [this, k, want = r.want_data, respond](bool ok) {
        if (!ok) return respond(error_reply(ETIMEDOUT));
        proto::Reply rep;
        HostCopy* c = copy(k.seg);
        if (want && c) rep.payload = proto::encode_payload(proto::PageBytes{c->read_unit(k.unit)});
        respond(std::move(rep));
    });
}

void DsmService::host_lost(std::uint32_t host) {
    std::vector<std::int32_t> orphans;
    early_answers_.erase(host);  // their segments go below
    notices_seen_.erase(host);
    notices_sent_.erase(host);
    for (auto& [id, home] : homes_) {
        home->host_lost(host, io_.now_ns());
        run_home_actions(id);
    }
    for (auto& [id, c] : copies_)
        if (c->home() == host) orphans.push_back(id);
    for (std::int32_t id : orphans) segment_gone(id, true);
}

void DsmService::segment_gone(std::int32_t id, bool home_lost) {
    homes_.erase(id);
    gone_.insert(id);
    HostCopy* c = copy(id);
    if (!c) return;
    if (home_lost) {
        for (auto it = pending_.begin(); it != pending_.end();)
            it = it->first.seg == id ? pending_.erase(it) : std::next(it);
        c->lost_all = true;
        c->set_all(Level::none);
        log_.info("segment " + std::to_string(id) + " is lost with its home: accesses to it raise SIGBUS");
        // Every view goes: nothing stale can be read or written any more.
        for (auto& [h, a] : attachments_) {
            if (a.seg != id) continue;
            std::fill(a.view.begin(), a.view.end(), Level::none);
            auto p = procs_.find(a.proc);
            if (p == procs_.end() || p->second.service == 0) continue;
            proto::Revoke rv{h, id, 0, c->units(), 0, ++p->second.seq};
            io_.send_revoke(p->second.service, next_revoke_++, rv);
        }
        for (auto it = waiters_.begin(); it != waiters_.end();) {
            if (it->first.seg != id) {
                ++it;
                continue;
            }
            for (const Waiter& w : it->second) io_.reply_local(w.session, w.req, error_reply(EIDRM));
            it = waiters_.erase(it);
        }
    }
    drop_copy_if_unused(id);
}

void DsmService::drop_copy_if_unused(std::int32_t id) {
    if (!gone_.count(id)) return;  // a live segment keeps its copy (it may hold the only current bytes)
    for (const auto& [h, a] : attachments_)
        if (a.seg == id) return;
    copies_.erase(id);
    gone_.erase(id);
}

void DsmService::expire() {
    std::int64_t now = io_.now_ns();
    std::vector<UnitKey> late;
    for (const auto& [k, r] : revoking_)
        if (r.deadline <= now) late.push_back(k);
    for (const auto& k : late) finish_revoke(k, false);
    std::vector<UnitKey> stuck;
    for (const auto& [k, p] : pending_)
        if (p.deadline <= now) stuck.push_back(k);
    for (const auto& k : stuck) {
        // The process has not written the bytes in time (stopped?): it keeps
        // the unit, as a process that does not ack a revoke does, and what
        // waits for the unit fails; later requests wait again.
        Pending& p = pending_.at(k);
        p.deadline = now + revoke_timeout_;
        auto revokes = std::move(p.revokes);
        p.revokes.clear();
        log_.info("a local process did not install unit " + std::to_string(k.unit) + " of segment " +
                  std::to_string(k.seg) + " in time (stopped?); the requests that needed it fail");
        if (auto w = waiters_.find(k); w != waiters_.end()) {
            auto ws = std::move(w->second);
            waiters_.erase(w);
            for (const Waiter& x : ws) io_.reply_local(x.session, x.req, error_reply(ETIMEDOUT));
        }
        for (auto& [level, done] : revokes) done(false);
    }
    std::vector<std::int32_t> ids;
    for (const auto& [id, home] : homes_) ids.push_back(id);
    for (std::int32_t id : ids) {
        auto h = homes_.find(id);
        if (h == homes_.end()) continue;
        h->second->expire(now);
        run_home_actions(id);
    }
}

std::optional<std::int64_t> DsmService::next_deadline() const {
    std::optional<std::int64_t> d;
    for (const auto& [k, r] : revoking_)
        if (!d || r.deadline < *d) d = r.deadline;
    for (const auto& [k, p] : pending_)
        if (!d || p.deadline < *d) d = p.deadline;
    for (const auto& [id, home] : homes_)
        if (auto w = home->next_wakeup(); w && (!d || *w < *d)) d = w;
    return d;
}

// ---- the direct read fetch ------------------------------------------------------

void DsmService::direct_fetch(const proto::Caller& who, const proto::DsmFetch& f, Respond respond) {
    auto home = homes_.find(f.segment);
    if (home == homes_.end()) return respond(error_reply(EIDRM));
    if (f.unit >= home->second->units()) return respond(error_reply(EINVAL));
    // Its host holds a copy (its daemon grants it locally), or is this host.
    if (who.host == self_ || home->second->level_of(who.host, f.unit) != Level::none)
        return respond(error_reply(EAGAIN));
    std::uint64_t token = next_token_++;
    direct_requests_[token] = DirectFetch{who, f, std::move(respond)};
    home->second->request(token, who.host, f.unit, false, io_.now_ns());
    run_home_actions(f.segment);
}

void DsmService::answer_direct(std::int32_t seg, const Action& a) {
    auto it = direct_requests_.find(a.token);
    DirectFetch d = std::move(it->second);
    direct_requests_.erase(it);
    if (a.type == Action::Type::fail) return d.respond(error_reply(a.err));
    // Its host got a copy meanwhile (the directory recorded the grant, its
    // daemon has the bytes): its own daemon serves it.
    if (a.level != Level::read || !a.with_data) return d.respond(error_reply(EAGAIN));
    std::vector<std::uint8_t> bytes = copies_.at(seg)->read_unit(a.unit);
    // The process's answer first (waking the host's daemon first would put it
    // on the miss's path when they share a CPU), then the notice, before this
    // handler returns: so on the link that carries the home's later revokes
    // to that host, the notice comes before any of them. The process's
    // report may reach its daemon before the notice: page_notice handles that.
    d.respond(proto::Reply{0, 0, proto::encode_payload(proto::DsmFetched{bytes})});
    ++notices_sent_[a.host];
    io_.page_notice(a.host, proto::PageNotice{seg, a.unit, d.req.attach, d.who.pid, d.who.start_time, d.req.fetch_id,
                                              std::move(bytes)});
}

void DsmService::page_notice(std::uint32_t home, const proto::PageNotice& n) {
    std::uint64_t seen = ++notices_seen_[home];
    HostCopy* c = copy(n.segment);
    UnitKey k{n.segment, n.unit};
    bool valid = c && !c->lost_all && c->home() == home && n.unit < c->units() && n.data.size() == c->unit_len(n.unit);
    if (valid) {
        c->set_state(n.unit, max_level(c->state(n.unit), Level::read));
        auto a = attachments_.find(n.attach);
        auto early = early_installs_.find({n.attach, n.fetch_id});
        bool writes = false;
        if (a != attachments_.end() && a->second.seg == n.segment && a->second.proc == ProcKey{n.pid, n.start_time}) {
            auto p = procs_.find(a->second.proc);
            if (p != procs_.end() && p->second.service != 0 && !pending_.count(k)) {
                // Recorded now: a later revoke (after this notice on its link) reaches it.
                a->second.view[n.unit] = max_level(a->second.view[n.unit], Level::read);
                if (early != early_installs_.end() && early->second) {
                    writes = true;  // it wrote them already (its report came first)
                } else if (early == early_installs_.end()) {
                    Pending pd;
                    pd.handle = n.attach;
                    pd.fetch_id = n.fetch_id;
                    pd.data = n.data;
                    pd.deadline = io_.now_ns() + revoke_timeout_;
                    pending_[k] = std::move(pd);
                    writes = true;
                }
            }
        }
        if (early != early_installs_.end()) early_installs_.erase(early);
        if (!writes) c->write_unit(n.unit, n.data);  // nobody else will: the bytes go in now
    }
    // Answers of the home that waited for this notice.
    std::vector<std::function<void()>> due;
    auto range = early_answers_.equal_range(home);
    for (auto it = range.first; it != range.second;) {
        if (it->second.first <= seen) {
            due.push_back(std::move(it->second.second));
            it = early_answers_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& f : due) f();
    if (valid) serve_waiters(k);
}

void DsmService::installed(std::uint64_t service_session, const proto::DsmInstalled& m) {
    auto s = services_.find(service_session);
    if (s == services_.end()) return;
    auto a = attachments_.find(m.attach);
    if (a == attachments_.end() || a->second.proc != s->second) return;
    UnitKey k{a->second.seg, m.unit};
    auto p = pending_.find(k);
    if (p != pending_.end() && p->second.handle == m.attach && p->second.fetch_id == m.fetch_id)
        return settle_pending(k, !m.installed);
    // Its report overtook the home's notice (another link): the notice settles it.
    if (early_installs_.size() < 4096) early_installs_[{m.attach, m.fetch_id}] = m.installed;
}

void DsmService::settle_pending(const UnitKey& k, bool write_bytes) {
    auto it = pending_.find(k);
    if (it == pending_.end()) return;
    Pending p = std::move(it->second);
    pending_.erase(it);
    if (write_bytes)
        if (HostCopy* c = copy(k.seg)) c->write_unit(k.unit, p.data);
    for (auto& [level, done] : p.revokes) host_revoke(k, level, std::move(done));
    serve_waiters(k);
}

void DsmService::settle_pending_of(const std::function<bool(std::uint64_t handle)>& match) {
    std::vector<UnitKey> ks;
    for (const auto& [k, p] : pending_)
        if (match(p.handle)) ks.push_back(k);
    for (const auto& k : ks) settle_pending(k, true);
}

}  // namespace papers::dipcd::dsm
