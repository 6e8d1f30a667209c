// info.cpp — struct seminfo / msginfo / shminfo / shm_info as
// semctl_info, msgctl_info, shmctl_ipc_info and shmctl_shm_info fill them,
// from the layer's limits and the cluster's usage.
#include <algorithm>
#include <climits>

#include "engine.hpp"
#include "sysv.hpp"

namespace papers::dipc::owner {

namespace {
std::int32_t clip(std::uint64_t v) { return static_cast<std::int32_t>(std::min<std::uint64_t>(v, INT_MAX)); }
std::int32_t clip32(std::uint32_t v) { return clip(v); }
}  // namespace

proto::SemInfoRec seminfo(const proto::Limits& l, int cmd, const proto::Usage& cluster) {
    proto::SemInfoRec r;
    r.semmni = clip32(l.semmni);
    r.semmns = clip32(l.semmns);
    r.semmsl = clip32(l.semmsl);
    r.semopm = clip32(l.semopm);
    r.semvmx = clip32(l.semvmx);
    r.semmnu = clip32(l.semmnu);
    r.semmap = kSemmap;
    r.semume = clip32(l.semume);
    if (cmd == SEM_INFO) {
        r.semusz = clip(cluster.structures);  // sets in use
        r.semaem = clip(cluster.items);       // semaphores in use
    } else {
        r.semusz = kSemusz;
        r.semaem = clip32(l.semaem);
    }
    return r;
}

proto::MsgInfoRec msginfo(const proto::Limits& l, int cmd, const proto::Usage& cluster) {
    proto::MsgInfoRec r;
    r.msgmni = clip32(l.msgmni);
    r.msgmax = clip32(l.msgmax);
    r.msgmnb = clip32(l.msgmnb);
    r.msgssz = kMsgssz;
    r.msgseg = kMsgseg;
    if (cmd == MSG_INFO) {
        r.msgpool = clip(cluster.structures);  // queues in use
        r.msgmap = clip(cluster.items);        // messages queued
        r.msgtql = clip(cluster.bytes);        // bytes queued
    } else {
        r.msgpool = kMsgpool;
        r.msgmap = kMsgmnbDefault;  // MSGMAP
        r.msgtql = kMsgmnbDefault;  // MSGTQL
    }
    return r;
}

// shmctl_ipc_info: SHMSEG is reported as SHMMNI (Linux has no per-process
// limit); SHMMIN is the layer's (Linux: the constant 1).
proto::ShmInfoRec shminfo(const proto::Limits& l) {
    proto::ShmInfoRec r;
    r.shmmax = l.shmmax;
    r.shmmin = l.shmmin;
    r.shmmni = l.shmmni;
    r.shmseg = l.shmmni;
    r.shmall = l.shmall;
    return r;
}

// shmctl_shm_info: segments in use (marked ones too), their pages. The
// kernel's shm_rss counts the pages in memory; the layer's pages live in a
// memfd on each host that uses them, so it reports every page as resident.
// Nothing is swapped as far as the layer can tell.
proto::ShmUsageRec shm_usage(const proto::Usage& cluster) {
    proto::ShmUsageRec r;
    r.used_ids = clip(cluster.structures);
    r.shm_tot = cluster.items;
    r.shm_rss = cluster.items;
    return r;
}

}  // namespace papers::dipc::owner
