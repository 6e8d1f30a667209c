#include "engine_compare.hpp"

#include <cstring>
#include <sstream>

namespace papers::dipc::enginetest {

std::string errname(int e) { return e ? std::string(strerrorname_np(e)) : "0"; }

bool near_time(std::int64_t k, std::int64_t e) {
    return (k == 0) == (e == 0) && k - e <= 1 && e - k <= 1;
}

proto::SemDsRec kernel_sem_ds(const struct semid_ds& d) {
    proto::SemDsRec r;
    r.perm.key = d.sem_perm.__key;
    r.perm.uid = d.sem_perm.uid;
    r.perm.gid = d.sem_perm.gid;
    r.perm.cuid = d.sem_perm.cuid;
    r.perm.cgid = d.sem_perm.cgid;
    r.perm.mode = d.sem_perm.mode;
    r.otime = d.sem_otime;
    r.ctime = d.sem_ctime;
    r.nsems = d.sem_nsems;
    return r;
}

proto::MsgDsRec kernel_msg_ds(const struct msqid_ds& d) {
    proto::MsgDsRec r;
    r.perm.key = d.msg_perm.__key;
    r.perm.uid = d.msg_perm.uid;
    r.perm.gid = d.msg_perm.gid;
    r.perm.cuid = d.msg_perm.cuid;
    r.perm.cgid = d.msg_perm.cgid;
    r.perm.mode = d.msg_perm.mode;
    r.stime = d.msg_stime;
    r.rtime = d.msg_rtime;
    r.ctime = d.msg_ctime;
    r.cbytes = d.__msg_cbytes;
    r.qnum = d.msg_qnum;
    r.qbytes = d.msg_qbytes;
    r.lspid = d.msg_lspid;
    r.lrpid = d.msg_lrpid;
    return r;
}

proto::ShmDsRec kernel_shm_ds(const struct shmid_ds& d) {
    proto::ShmDsRec r;
    r.perm.key = d.shm_perm.__key;
    r.perm.uid = d.shm_perm.uid;
    r.perm.gid = d.shm_perm.gid;
    r.perm.cuid = d.shm_perm.cuid;
    r.perm.cgid = d.shm_perm.cgid;
    r.perm.mode = d.shm_perm.mode;
    r.segsz = d.shm_segsz;
    r.atime = d.shm_atime;
    r.dtime = d.shm_dtime;
    r.ctime = d.shm_ctime;
    r.cpid = d.shm_cpid;
    r.lpid = d.shm_lpid;
    r.nattch = d.shm_nattch;
    return r;
}

namespace {
std::string perm_diff(const proto::IpcPermRec& k, const proto::IpcPermRec& e) {
    std::ostringstream o;
    if (k.key != e.key) o << " key " << k.key << "/" << e.key;
    if (k.uid != e.uid) o << " uid " << k.uid << "/" << e.uid;
    if (k.gid != e.gid) o << " gid " << k.gid << "/" << e.gid;
    if (k.cuid != e.cuid) o << " cuid " << k.cuid << "/" << e.cuid;
    if (k.cgid != e.cgid) o << " cgid " << k.cgid << "/" << e.cgid;
    if (k.mode != e.mode) o << " mode " << std::oct << k.mode << "/" << e.mode << std::dec;
    return o.str();
}

}  // namespace

std::string sem_ds_diff(const proto::SemDsRec& k, const proto::SemDsRec& e) {
    std::ostringstream o;
    o << perm_diff(k.perm, e.perm);
    if (k.nsems != e.nsems) o << " nsems " << k.nsems << "/" << e.nsems;
    if (!near_time(k.otime, e.otime)) o << " otime " << k.otime << "/" << e.otime;
    if (!near_time(k.ctime, e.ctime)) o << " ctime " << k.ctime << "/" << e.ctime;
    return o.str();
}

std::string msg_ds_diff(const proto::MsgDsRec& k, const proto::MsgDsRec& e) {
    std::ostringstream o;
    o << perm_diff(k.perm, e.perm);
    if (k.cbytes != e.cbytes) o << " cbytes " << k.cbytes << "/" << e.cbytes;
    if (k.qnum != e.qnum) o << " qnum " << k.qnum << "/" << e.qnum;
    if (k.qbytes != e.qbytes) o << " qbytes " << k.qbytes << "/" << e.qbytes;
    if (k.lspid != e.lspid) o << " lspid " << k.lspid << "/" << e.lspid;
    if (k.lrpid != e.lrpid) o << " lrpid " << k.lrpid << "/" << e.lrpid;
    if (!near_time(k.stime, e.stime)) o << " stime " << k.stime << "/" << e.stime;
    if (!near_time(k.rtime, e.rtime)) o << " rtime " << k.rtime << "/" << e.rtime;
    if (!near_time(k.ctime, e.ctime)) o << " ctime " << k.ctime << "/" << e.ctime;
    return o.str();
}

std::string shm_ds_diff(const proto::ShmDsRec& k, const proto::ShmDsRec& e, bool compare_lpid) {
    std::ostringstream o;
    o << perm_diff(k.perm, e.perm);
    if (k.segsz != e.segsz) o << " segsz " << k.segsz << "/" << e.segsz;
    if (k.nattch != e.nattch) o << " nattch " << k.nattch << "/" << e.nattch;
    if (k.cpid != e.cpid) o << " cpid " << k.cpid << "/" << e.cpid;
    if (compare_lpid && k.lpid != e.lpid) o << " lpid " << k.lpid << "/" << e.lpid;
    if (!near_time(k.atime, e.atime)) o << " atime " << k.atime << "/" << e.atime;
    if (!near_time(k.dtime, e.dtime)) o << " dtime " << k.dtime << "/" << e.dtime;
    if (!near_time(k.ctime, e.ctime)) o << " ctime " << k.ctime << "/" << e.ctime;
    return o.str();
}

#define FIELD(a, b, f) \
    if ((a).f != (b).f) o << " " #f " " << (a).f << "/" << (b).f;

std::string seminfo_diff(const struct seminfo& k, const proto::SemInfoRec& e) {
    std::ostringstream o;
    FIELD(k, e, semmap) FIELD(k, e, semmni) FIELD(k, e, semmns) FIELD(k, e, semmnu)
    FIELD(k, e, semmsl) FIELD(k, e, semopm) FIELD(k, e, semume) FIELD(k, e, semusz)
    FIELD(k, e, semvmx) FIELD(k, e, semaem)
    return o.str();
}

std::string msginfo_diff(const struct msginfo& k, const proto::MsgInfoRec& e) {
    std::ostringstream o;
    FIELD(k, e, msgpool) FIELD(k, e, msgmap) FIELD(k, e, msgmax) FIELD(k, e, msgmnb)
    FIELD(k, e, msgmni) FIELD(k, e, msgssz) FIELD(k, e, msgtql) FIELD(k, e, msgseg)
    return o.str();
}
std::string shminfo_diff(const ShmLimits& k, const proto::ShmInfoRec& e) {
    std::ostringstream o;
    FIELD(k, e, shmmax) FIELD(k, e, shmmin) FIELD(k, e, shmmni) FIELD(k, e, shmseg) FIELD(k, e, shmall)
    return o.str();
}

std::string shm_usage_diff(const struct shm_info& k, const proto::ShmUsageRec& e) {
    std::ostringstream o;
    FIELD(k, e, used_ids) FIELD(k, e, shm_tot) FIELD(k, e, shm_swp) FIELD(k, e, swap_attempts)
    FIELD(k, e, swap_successes)
    return o.str();
}
#undef FIELD

}  // namespace papers::dipc::enginetest
