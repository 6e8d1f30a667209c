// ds_convert.hpp — wire records <-> the C library's structures (glibc 2.36,
// x86_64: struct ipc_perm with __key and __seq, semid_ds, msqid_ds, shmid_ds,
// seminfo, msginfo, shminfo, shm_info). Reserved fields and padding are
// zero, as the kernel leaves them.
#pragma once
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "proto/messages.hpp"

namespace papers::dipc::client {

void to_semid_ds(const proto::SemDsRec& in, struct semid_ds& out);
void to_msqid_ds(const proto::MsgDsRec& in, struct msqid_ds& out);
void to_seminfo(const proto::SemInfoRec& in, struct seminfo& out);
void to_msginfo(const proto::MsgInfoRec& in, struct msginfo& out);
void to_shmid_ds(const proto::ShmDsRec& in, struct shmid_ds& out);
void to_shminfo(const proto::ShmInfoRec& in, struct shminfo& out);
void to_shm_info(const proto::ShmUsageRec& in, struct shm_info& out);

// IPC_SET's input: the fields the kernel takes (uid gid mode; msg_qbytes).
proto::IpcSetRec from_semid_ds(const struct semid_ds& in);
proto::IpcSetRec from_msqid_ds(const struct msqid_ds& in);
proto::IpcSetRec from_shmid_ds(const struct shmid_ds& in);

}  // namespace papers::dipc::client
