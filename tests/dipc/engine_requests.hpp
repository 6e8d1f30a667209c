// engine_requests.hpp — short builders for the KRequests the owner engine's
// scenario tests make (engine_twin.hpp runs them on kernel and engine).
#pragma once
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <initializer_list>

#include "engine_actor.hpp"

namespace papers::dipc::enginetest {

struct Sop {
    int num = 0;
    int op = 0;
    int flg = 0;
};

inline KRequest semop_req(std::initializer_list<Sop> sops, long long timeout_ns = -1) {
    KRequest q;
    q.call = KCall::semop;
    for (const Sop& s : sops) {
        q.sops[q.nsops].sem_num = static_cast<unsigned short>(s.num);
        q.sops[q.nsops].sem_op = static_cast<short>(s.op);
        q.sops[q.nsops].sem_flg = static_cast<short>(s.flg);
        ++q.nsops;
    }
    q.timeout_ns = timeout_ns;
    return q;
}

inline KRequest semctl_req(int cmd, int semnum = 0, int val = 0) {
    KRequest q;
    q.call = KCall::semctl;
    q.cmd = cmd;
    q.semnum = semnum;
    q.val = val;
    return q;
}

inline KRequest setall_req(std::initializer_list<unsigned short> values) {
    KRequest q = semctl_req(SETALL);
    int i = 0;
    for (unsigned short v : values) q.values[i++] = v;
    return q;
}

inline KRequest msgsnd_req(long type, int size, int flags = 0, unsigned char fill = 'x') {
    KRequest q;
    q.call = KCall::msgsnd;
    q.mtype = type;
    q.ntext = size;
    for (int i = 0; i < size; ++i) q.text[i] = static_cast<unsigned char>(fill + i);
    q.flags = flags;
    return q;
}

inline KRequest msgrcv_req(long msgtyp, unsigned long bufsz, int flags = 0) {
    KRequest q;
    q.call = KCall::msgrcv;
    q.msgtyp = msgtyp;
    q.bufsz = bufsz;
    q.flags = flags;
    return q;
}

inline KRequest msgctl_req(int cmd) {
    KRequest q;
    q.call = KCall::msgctl;
    q.cmd = cmd;
    return q;
}

inline KRequest shmctl_req(int cmd) {
    KRequest q;
    q.call = KCall::shmctl;
    q.cmd = cmd;
    return q;
}

inline KRequest ipc_set_req(KCall call, unsigned uid, unsigned gid, unsigned mode, unsigned long qbytes = 0) {
    KRequest q;
    q.call = call;
    q.cmd = IPC_SET;
    q.uid = uid;
    q.gid = gid;
    q.mode = mode;
    q.qbytes = qbytes;
    return q;
}

}  // namespace papers::dipc::enginetest
