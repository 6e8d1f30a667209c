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

}  // namespace papers::dipc::client
