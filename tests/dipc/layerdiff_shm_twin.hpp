// layerdiff_shm_twin.hpp — the kernel vs the whole DIPC layer with a remote
// owner for the shared memory calls (layerdiff_shm_test.cpp), call by call.
//
// As LayerTwin (layerdiff_twin.hpp): every party (a set of credentials) has
// a kernel actor and a DIPC actor on the calling host and a creator on the
// owner host (layerdiff_agent, layerdiff_shm_calls.hpp; a party's DIPC
// actor may run on the owner host too); a shmget that may
// create is made by the creator, so the owner host owns every segment and
// each call crosses two daemons. Each call is made by the kernel actor, then
// by the DIPC actor, and compared: return value (ids by what they name,
// attachments by slot and by where a fixed address put them), errno, and
// what it wrote (shmid_ds with pids by whose they are, shminfo, shm_info,
// the bytes a load read). Shared memory calls never block.
//
// What the kernel does at once and the layer learns later: a DIPC
// process's exit (a killed party, a forked child) or exec reaches the owner when
// the calling host's daemon sees it. After one, the twin waits (bounded)
// until every segment's nattch at the owner is the kernel's, then compares.
#pragma once
#include <sys/types.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster.hpp"
#include "engine_call_twin.hpp"
#include "layerdiff_remote.hpp"
#include "twin_ledger.hpp"

namespace papers::dipc::layerdiff {

struct ShmSetup {
    proto::Limits limits;  // the cluster's; the calling host's sysctls are set to them
    std::string agent;     // layerdiff_agent
    int calling_host = 1;
    int owner_host = 0;
    int wait_ms = 10000;   // any one answer or convergence (a loaded 2-core VM)
};

class ShmTwin : public enginetest::TwinLedger {
public:
    struct Attachment {
        int handle = -1;
        int slot = -1;  // in both actors
        bool read_only = false;
        long where = -1;  // offset in the agents' address region, -1 outside
    };

    // Sets the calling host's sysctls; throws std::runtime_error if it cannot.
    ShmTwin(dipc_test::DipcCluster& cluster, const ShmSetup& setup);
    ~ShmTwin();

    // Party 0 must be root. dipc_host: where its DIPC actor runs (default
    // the calling host; the owner host makes its loads and stores cross
    // hosts both ways).
    int add_party(const enginetest::Cred& cred, int dipc_host = -1);
    int parties() const { return static_cast<int>(parties_.size()); }
    const std::vector<enginetest::Handle>& handles() const { return handles_; }
    std::vector<int> live_handles() const;
    const std::vector<Attachment>& attachments(int p) const { return parties_[p].attached; }
    bool has_child(int p) const { return parties_[p].child_k > 0; }
    enginetest::Target target(int handle, bool by_index = false) const;

    // The handle a successful shmget names (new or existing), else -1.
    int shmget(int p, int key, unsigned long size, int flags, int kernel_only_flags = 0);
    // addr: -1 NULL, else an offset in the agents' address region.
    void shmat(int p, const enginetest::Target& t, int flags, long long addr);
    void shmdt(int p, int which);                // its attachment `which`
    void shmdt_address(int p, long long addr);   // an address in the region (-2: NULL)
    void shmctl(int p, const enginetest::Target& t, enginetest::KRequest q);
    void store(int p, int which, unsigned long offset, const std::vector<unsigned char>& bytes);
    void load(int p, int which, unsigned long offset, unsigned long n);
    void fork_party(int p);  // a child holding copies of its attachments
    void end_child(int p);   // SIGKILL to it
    void kill_party(int p);  // its processes exit (attachments detached); new ones replace them
    void exec_party(int p);  // its processes execute themselves again (attachments dropped)

    void check_handle(int handle);
    void check_all();  // every live segment, IPC_INFO, SHM_INFO
    void remove_everything();


private:
    struct Party {
        enginetest::Cred cred;
        int dipc_host = 1;
        int generation = 0;
        int children = 0;  // forked so far (names)
        std::unique_ptr<RemoteActor> kernel, dipc, creator;
        std::vector<Attachment> attached;
        pid_t child_k = -1, child_d = -1;
        std::vector<int> child_handles;
    };

    std::unique_ptr<RemoteActor> spawn(Role role, int party);
    void call(int p, const enginetest::Target& t, enginetest::KRequest req);
    bool creates_at_owner(const enginetest::KRequest& req) const;
    void compare(int p, const enginetest::Target& t, const enginetest::KRequest& q, const enginetest::KResult& k,
                 const enginetest::KResult& d);
    std::string ds_diff(const struct shmid_ds& k, const struct shmid_ds& d) const;
    void after_detaches(const std::vector<int>& handles);
    std::vector<int> drop_replaced(Party& P, long where, std::uint64_t size);
    void converge(const std::string& after);
    std::string describe(int p, const enginetest::KRequest& q, const enginetest::Target& t) const;
    void fail(const std::string& what);

    dipc_test::DipcCluster& cluster_;
    ShmSetup setup_;
    std::unique_ptr<AgentListener> listener_;
    std::vector<Party> parties_;
    std::vector<enginetest::Handle> handles_;
    double slowest_call_s_ = 0;  // times may differ by this much (and a second)
    int last_handle_ = -1;
};

}  // namespace papers::dipc::layerdiff
