#include "ds_convert.hpp"

#include <cstring>

namespace papers::dipc::client {

namespace {

void to_ipc_perm(const proto::IpcPermRec& in, struct ipc_perm& out) {
    out.__key = in.key;
    out.uid = in.uid;
    out.gid = in.gid;
    out.cuid = in.cuid;
    out.cgid = in.cgid;
    out.mode = in.mode;
    out.__seq = static_cast<unsigned short>(in.seq);
}

}  // namespace

void to_semid_ds(const proto::SemDsRec& in, struct semid_ds& out) {
    std::memset(&out, 0, sizeof out);
    to_ipc_perm(in.perm, out.sem_perm);
    out.sem_otime = static_cast<time_t>(in.otime);
    out.sem_ctime = static_cast<time_t>(in.ctime);
    out.sem_nsems = in.nsems;
}

void to_msqid_ds(const proto::MsgDsRec& in, struct msqid_ds& out) {
    std::memset(&out, 0, sizeof out);
    to_ipc_perm(in.perm, out.msg_perm);
    out.msg_stime = static_cast<time_t>(in.stime);
    out.msg_rtime = static_cast<time_t>(in.rtime);
    out.msg_ctime = static_cast<time_t>(in.ctime);
    out.msg_cbytes = in.cbytes;
    out.msg_qnum = in.qnum;
    out.msg_qbytes = in.qbytes;
    out.msg_lspid = in.lspid;
    out.msg_lrpid = in.lrpid;
}

void to_seminfo(const proto::SemInfoRec& in, struct seminfo& out) {
    std::memset(&out, 0, sizeof out);
    out.semmap = in.semmap;
    out.semmni = in.semmni;
    out.semmns = in.semmns;
    out.semmnu = in.semmnu;
    out.semmsl = in.semmsl;
    out.semopm = in.semopm;
    out.semume = in.semume;
    out.semusz = in.semusz;
    out.semvmx = in.semvmx;
    out.semaem = in.semaem;
}

void to_msginfo(const proto::MsgInfoRec& in, struct msginfo& out) {
    std::memset(&out, 0, sizeof out);
    out.msgpool = in.msgpool;
    out.msgmap = in.msgmap;
    out.msgmax = in.msgmax;
    out.msgmnb = in.msgmnb;
    out.msgmni = in.msgmni;
    out.msgssz = in.msgssz;
    out.msgtql = in.msgtql;
    out.msgseg = in.msgseg;
}

void to_shmid_ds(const proto::ShmDsRec& in, struct shmid_ds& out) {
    std::memset(&out, 0, sizeof out);
    to_ipc_perm(in.perm, out.shm_perm);
    out.shm_segsz = in.segsz;
    out.shm_atime = static_cast<time_t>(in.atime);
    out.shm_dtime = static_cast<time_t>(in.dtime);
    out.shm_ctime = static_cast<time_t>(in.ctime);
    out.shm_cpid = in.cpid;
    out.shm_lpid = in.lpid;
    out.shm_nattch = in.nattch;
}

void to_shminfo(const proto::ShmInfoRec& in, struct shminfo& out) {
    std::memset(&out, 0, sizeof out);
    out.shmmax = in.shmmax;
    out.shmmin = in.shmmin;
    out.shmmni = in.shmmni;
    out.shmseg = in.shmseg;
    out.shmall = in.shmall;
}

void to_shm_info(const proto::ShmUsageRec& in, struct shm_info& out) {
    std::memset(&out, 0, sizeof out);
    out.used_ids = in.used_ids;
    out.shm_tot = in.shm_tot;
    out.shm_rss = in.shm_rss;
    out.shm_swp = in.shm_swp;
    out.swap_attempts = in.swap_attempts;
    out.swap_successes = in.swap_successes;
}

proto::IpcSetRec from_semid_ds(const struct semid_ds& in) {
    proto::IpcSetRec r;
    r.uid = in.sem_perm.uid;
    r.gid = in.sem_perm.gid;
    r.mode = in.sem_perm.mode;
    return r;
}

proto::IpcSetRec from_msqid_ds(const struct msqid_ds& in) {
    proto::IpcSetRec r;
    r.uid = in.msg_perm.uid;
    r.gid = in.msg_perm.gid;
    r.mode = in.msg_perm.mode;
    r.qbytes = in.msg_qbytes;
    return r;
}

proto::IpcSetRec from_shmid_ds(const struct shmid_ds& in) {
    proto::IpcSetRec r;
    r.uid = in.shm_perm.uid;
    r.gid = in.shm_perm.gid;
    r.mode = in.shm_perm.mode;
    return r;
}

}  // namespace papers::dipc::client
