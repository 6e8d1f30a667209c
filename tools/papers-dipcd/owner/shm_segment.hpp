// shm_segment.hpp — one System V shared memory segment's metadata at its
// home: what Linux 6.x keeps in struct shmid_kernel (ipc/shm.c) apart from
// the memory itself, which is the daemon's (dsm/).
//
// shm_nattch is the sum over hosts: each host's count is kept apart so that
// a lost host's attachments can be dropped. A segment marked for
// destruction (IPC_RMID while attached, SHM_DEST) goes when its last
// attachment anywhere ends; the Engine destroys it when may_destroy().
//
// Callers (Engine) make the argument, lookup and permission checks first.
#pragma once
#include <cstdint>
#include <map>

#include "ipc_perm.hpp"
#include "proto/messages.hpp"

namespace papers::dipc::owner {

class ShmSegment {
public:
    // newseg: creator pid cpid, no attach or detach yet, ctime now.
    ShmSegment(const IpcPerm& perm, std::uint64_t size, std::int32_t cpid, std::int64_t now_s);

    IpcPerm perm;  // key becomes IPC_PRIVATE when marked for destruction

    std::uint64_t size() const { return size_; }
    // What the segment counts against SHMALL and in SHM_INFO's shm_tot.
    std::uint64_t pages() const;
    std::uint64_t nattch() const { return nattch_; }
    std::uint64_t nattch_on(std::uint32_t host) const;
    bool marked() const { return dest_; }

    // __shm_open (shmat, and fork for each attachment it copies): one more
    // attachment on host; atime and lpid change.
    void attach(std::uint32_t host, std::int32_t pid, std::int64_t now_s);
    // __shm_close (shmdt, exit, exec): false, and nothing changes, if host
    // has no attachment left to end. Otherwise dtime and lpid change.
    bool detach(std::uint32_t host, std::int32_t pid, std::int64_t now_s);
    // Every attachment of a lost host ends at once: dtime changes, lpid
    // stays (the dead processes' pids are not known here). False if the
    // host had none.
    bool drop_host(std::uint32_t host, std::int64_t now_s);
    // do_shm_rmid while attached: SHM_DEST, and the key no longer finds it.
    void mark_for_destruction();
    // shm_may_destroy (kernel.shm_rmid_forced is not modelled: it is 0).
    bool may_destroy() const { return dest_ && nattch_ == 0; }

    // SHM_LOCK / SHM_UNLOCK: only the mode bit (no memory is locked).
    void set_locked(bool locked) { locked_ = locked; }
    void set_changed(std::int64_t now_s) { ctime_ = now_s; }

    // IPC_STAT: mode with SHM_DEST and SHM_LOCKED as the kernel shows them.
    proto::ShmDsRec ds() const;

private:
    std::uint64_t size_;
    std::int64_t atime_ = 0, dtime_ = 0, ctime_ = 0;
    std::int32_t cpid_ = 0, lpid_ = 0;
    std::map<std::uint32_t, std::uint64_t> per_host_;  // hosts with attachments only
    std::uint64_t nattch_ = 0;
    bool dest_ = false, locked_ = false;
};

}  // namespace papers::dipc::owner
