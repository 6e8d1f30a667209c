// layerdiff_setup.hpp — the cluster of the full-layer differential tests
// (layerdiff_test.cpp, layerdiff_bugs_test.cpp): two hosts, and limits the
// referee gets and the calling host's kernel is set to.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "cluster.hpp"
#include "proto/messages.hpp"

namespace papers::dipc::layerdiff {

// Small, so that E2BIG, EFBIG, full queues and ENOSPC come quickly; the
// generator's choices (nsems 8 and 9, qbytes around 256) assume these.
// (Shared memory keeps Linux's limits here; layerdiff_shm_test.cpp sets its own.)
inline proto::Limits layer_limits() {
    proto::Limits l;
    l.semmsl = 8;
    l.semmns = 40;
    l.semopm = 6;
    l.semmni = 10;
    l.msgmax = 64;
    l.msgmnb = 256;
    l.msgmni = 6;
    return l;
}

inline std::vector<std::string> referee_limit_args(const proto::Limits& l) {
    return {"--semmsl", std::to_string(l.semmsl), "--semmns", std::to_string(l.semmns),
            "--semopm", std::to_string(l.semopm), "--semmni", std::to_string(l.semmni),
            "--msgmax", std::to_string(l.msgmax), "--msgmnb", std::to_string(l.msgmnb),
            "--msgmni", std::to_string(l.msgmni), "--shmmax", std::to_string(l.shmmax),
            "--shmall", std::to_string(l.shmall), "--shmmni", std::to_string(l.shmmni)};
}

inline std::unique_ptr<dipc_test::DipcCluster> start_cluster(const proto::Limits& limits, bool network_namespaces,
                                                            std::vector<std::string> daemon_args = {}) {
    dipc_test::ClusterOptions o;
    o.hosts = 2;
    o.network_namespaces = network_namespaces;
    o.daemon_args = daemon_args;
    o.referee_args = daemon_args;
    for (auto& a : referee_limit_args(limits)) o.referee_args.push_back(a);
    return dipc_test::DipcCluster::start(o);
}

}  // namespace papers::dipc::layerdiff
