// layerdiff_remote.hpp — the driver's end of one layerdiff_agent process
// (a party's kernel actor, DIPC actor or creator on a cluster host): send a
// call, see whether it blocks, interrupt it, kill the process.
#pragma once
#include <sys/types.h>

#include <memory>
#include <string>

#include "cluster.hpp"
#include "engine_call.hpp"
#include "layerdiff_wire.hpp"

namespace papers::dipc::layerdiff {

class RemoteActor {
public:
    RemoteActor(std::unique_ptr<dipc_test::HostProcess> process, int fd, const AgentHello& hello);
    ~RemoteActor();
    RemoteActor(const RemoteActor&) = delete;
    RemoteActor& operator=(const RemoteActor&) = delete;

    pid_t pid() const { return hello_.pid; }
    Role role() const { return hello_.role; }

    void send(const enginetest::KRequest& q);
    // The next result within timeout_ms; false if none came. Throws if the
    // process is gone (its stderr in the message).
    bool receive(enginetest::KResult& r, int timeout_ms);
    bool result_ready() const;
    // A kernel actor: until a result is ready or it sleeps in a SysV wait.
    bool wait_kernel_blocked(int timeout_ms);
    // A DIPC actor: until a result is ready or it sleeps in poll(2), the
    // interposer's wait for the daemon's reply (its request was sent).
    bool wait_dipc_waiting(int timeout_ms);
    // One call whose result the caller needs now (uncompared probes).
    enginetest::KResult probe(const enginetest::KRequest& q, int timeout_ms);
    void interrupt();  // SIGUSR1
    void kill_now();   // SIGKILL and reap: the kernel's exit_sem has run when it returns
    std::string stderr_text();

private:
    template <class Ready>
    bool wait_until(int timeout_ms, Ready ready);
    std::unique_ptr<dipc_test::HostProcess> process_;
    int fd_ = -1;
    AgentHello hello_;
};

// Accepts agents on a SOCK_SEQPACKET socket in the cluster's directory.
class AgentListener {
public:
    explicit AgentListener(const std::string& path);
    ~AgentListener();
    const std::string& path() const { return path_; }
    // The next agent's connection and hello within timeout_ms; -1 if none
    // (`process` may have died: its output says why).
    int accept_agent(AgentHello& hello, int timeout_ms);

private:
    std::string path_;
    int fd_ = -1;
};

// Starts layerdiff_agent as `role` of a party on a host of the cluster and
// waits for it to connect (throws std::runtime_error with its stderr if it
// does not). A kernel actor runs without the interposer.
std::unique_ptr<RemoteActor> start_agent(dipc_test::DipcCluster& cluster, AgentListener& listener,
                                         const std::string& agent, int host, Role role, int party, int generation,
                                         const enginetest::Cred& cred);

}  // namespace papers::dipc::layerdiff
