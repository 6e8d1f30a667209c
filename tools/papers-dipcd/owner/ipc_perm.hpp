// ipc_perm.hpp — the permission record every SysV structure carries, and the
// kernel's checks on it (ipc/util.c: ipcperms, ipcctl_obtain_check,
// ipc_update_perm). Privilege is euid 0 (docs/dipc-design.md, decision 4):
// it stands for CAP_IPC_OWNER, CAP_SYS_ADMIN and CAP_SYS_RESOURCE.
#pragma once
#include <cstdint>

#include "proto/messages.hpp"

namespace papers::dipc::owner {

struct IpcPerm {
    std::int32_t key = 0;
    std::int32_t id = 0;
    std::uint32_t uid = 0, gid = 0, cuid = 0, cgid = 0;
    std::uint32_t mode = 0;  // the low 9 bits only, as the kernel stores them

    // ipc_addid: creator and owner are the caller's effective ids.
    static IpcPerm created(std::int32_t key, std::int32_t id, std::uint32_t mode,
                           const proto::Caller& c);
    proto::IpcPermRec record() const;
};

bool privileged(const proto::Caller& c);
bool in_group(const proto::Caller& c, std::uint32_t gid);

// ipcperms: may `c` have the access `flag` asks for (its rwx triplets are
// OR-ed, as in a semget/msgget flag or S_IRUGO / S_IWUGO)?
bool access_allowed(const IpcPerm& p, const proto::Caller& c, int flag);

// ipcctl_obtain_check: IPC_SET and IPC_RMID need owner, creator or privilege.
bool may_control(const IpcPerm& p, const proto::Caller& c);

// ipc_update_perm: 0, or EINVAL for an unmappable uid/gid ((uid_t)-1).
int update_perm(IpcPerm& p, const proto::IpcSetRec& in);

}  // namespace papers::dipc::owner
