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
#undef FIELD

}  // namespace papers::dipc::enginetest
