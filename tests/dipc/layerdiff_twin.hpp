// layerdiff_twin.hpp — the kernel vs the whole DIPC layer with a remote
// owner, call by call (the CallTwin of layerdiff_test.cpp).
//
// On a DipcCluster, every party (a set of credentials) has three processes
// (layerdiff_agent): on the calling host a kernel actor (raw syscalls: the
// kernel's structures in that host's IPC namespace) and a DIPC actor (the C
// library's calls through libpapers_dipc), and on the owner host a creator,
// which makes the DIPC gets that may create, so that the owner host owns
// every DIPC structure and each call on one crosses two daemons. Each call
// is made by the kernel actor first, then by the DIPC actor (or creator),
// and their results are compared: return value (ids and pids by what they
// name), errno, and what the call wrote (ds records, values, message text,
// *_INFO records once the host's sysctls equal the cluster's limits).
//
// Blocking. The kernel actor is seen asleep in its SysV wait (/proc); then
// the DIPC call must not answer: its actor is seen waiting in poll(2) for
// the owner's reply (each actor's first call on a structure is routed by
// an uncompared IPC_STAT before, so that this wait is the call's own), and
// then interrupted (a signal: the owner's verdict must be EINTR, which it
// is only if the call was still pending), left to time out (semtimedop), or
// kept in flight: a semop until GETNCNT/GETZCNT at the owner equal the
// kernel's (it is queued there), a msgsnd/msgrcv once sent (a socket on
// this machine has delivered it when the send returns). After every step
// each call in flight either completed on both sides with the same result
// or still waits on both.
//
// Process exit. A killed party's kernel actor has its undo applied when it
// is reaped; the DIPC actor's is applied by the owner when the calling
// host's daemon sees the exit, so the twin waits (bounded) until the
// owner's semaphore values equal the kernel's before the next step.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cluster.hpp"
#include "engine_call_twin.hpp"
#include "layerdiff_remote.hpp"
#include "twin_ledger.hpp"

namespace papers::dipc::layerdiff {

using enginetest::Cred;
using enginetest::Handle;
using enginetest::KRequest;
using enginetest::KResult;
using enginetest::Resolve;
using enginetest::Target;

struct LayerSetup {
    proto::Limits limits;  // the cluster's (given to its referee); the calling host's sysctls are set to them
    std::string agent;     // layerdiff_agent
    int calling_host = 1;  // where the sequence runs and the kernel twins live
    int owner_host = 0;    // where the DIPC twins are created
    int wait_ms = 10000;   // any one answer, convergence or wake-up (a loaded 2-core VM)
};

class LayerTwin : public enginetest::CallTwin, public enginetest::TwinLedger {
public:
    // Sets the calling host's sysctls; throws std::runtime_error if it cannot.
    LayerTwin(dipc_test::DipcCluster& cluster, const LayerSetup& setup);
    ~LayerTwin() override;

    // Party 0 must be root: it makes the full comparisons and the probes.
    int add_party(const Cred& cred);

    int parties() const override { return static_cast<int>(parties_.size()); }
    bool pending(int p) const override { return parties_[p].pending; }
    // The call party p has in flight (as generated) and where it went.
    const KRequest& pending_call(int p, Target& t) const {
        t = parties_[p].target;
        return parties_[p].req;
    }
    const std::vector<Handle>& handles() const override { return handles_; }
    std::vector<int> live_handles(proto::Kind kind) const override;
    Target target(int handle, bool by_index = false) const override;
    void call(int p, const Target& t, KRequest req, Resolve resolve = Resolve::keep) override;
    int get(int p, proto::Kind kind, int key, int nsems, int flags) override;
    void kill_party(int p) override;
    void lose_host(std::uint32_t host) override;  // not in this test: a failure
    void check_handle(int handle) override;
    void check_all() override;
    // Every structure removed; every call in flight must end with EIDRM.
    void remove_everything();

    // TwinLedger's, with the known gaps.
    std::string outcome_summary() const;
    // Differences the documentation admits (counted, not failures).
    const std::map<std::string, int>& known_gaps() const { return known_gaps_; }

private:
    struct Party {
        Cred cred;
        int generation = 0;
        std::unique_ptr<RemoteActor> kernel, dipc, creator;
        bool pending = false;
        KRequest req;  // as generated (ids filled per side when sent)
        Target target;
        std::set<int> routed;  // handles its DIPC actor has called on
    };

    std::unique_ptr<RemoteActor> spawn(Role role, int party);
    void start_actors(int p);
    KRequest for_kernel(const Target& t, const KRequest& req) const;
    KRequest for_dipc(const Target& t, const KRequest& req) const;
    bool creates_at_owner(const KRequest& req) const;
    bool may_keep(int p, const KRequest& req, const Target& t) const;
    void route_before_first_call(int p, const Target& t);
    void confirm_queued(int p);
    void interrupt(int p);
    void settle(int except);
    void finish_pending(int p, const KResult& k, const KResult& d);
    void converge(int killed, int waited_on);
    void compare(int p, const Target& t, const KRequest& q, const KResult& k, const KResult& d);
    void fail(const std::string& what);
    std::string describe(int p, const KRequest& q, const Target& t) const;

    dipc_test::DipcCluster& cluster_;
    LayerSetup setup_;
    std::unique_ptr<AgentListener> listener_;
    std::vector<Party> parties_;
    std::vector<Handle> handles_;
    std::map<std::string, int> known_gaps_;
    int last_handle_ = -1;
};

}  // namespace papers::dipc::layerdiff
