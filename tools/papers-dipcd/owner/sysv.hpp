// sysv.hpp — the System V constants the owner engine interprets, as Linux
// defines them. The wire carries the caller's flags and commands unchanged,
// so these are the values of <sys/ipc.h>, <sys/sem.h>, <sys/msg.h> and
// <sys/shm.h>.
#pragma once
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <cstdint>

namespace papers::dipc::owner {

// Linux values the libc headers may hide behind feature macros.
#ifndef SEM_STAT_ANY
#define SEM_STAT_ANY 20
#endif
#ifndef MSG_STAT_ANY
#define MSG_STAT_ANY 13
#endif
#ifndef MSG_EXCEPT
#define MSG_EXCEPT 020000
#endif
#ifndef MSG_COPY
#define MSG_COPY 040000
#endif
#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15
#endif
#ifndef SHM_EXEC
#define SHM_EXEC 0100000
#endif

// The permission bits a structure keeps (S_IRWXUGO).
constexpr std::uint32_t kModeBits = 0777;
// ipcperms' request masks (S_IRUGO, S_IWUGO).
constexpr int kReadPerm = 0444;
constexpr int kWritePerm = 0222;
constexpr int kExecPerm = 0111;  // S_IXUGO: shmat's SHM_EXEC

// The mode bits a segment shows besides its permissions (ipc/shm.c).
constexpr std::uint32_t kShmDest = 01000;    // SHM_DEST: goes at the last detach
constexpr std::uint32_t kShmLocked = 02000;  // SHM_LOCKED
// The kernel's PAGE_SIZE on the layer's hosts (x86_64): shm_tot and SHMALL
// count segments in these.
constexpr std::uint64_t kShmPageBytes = 4096;
constexpr std::uint64_t shm_pages(std::uint64_t bytes) {
    return bytes / kShmPageBytes + (bytes % kShmPageBytes != 0);
}

// Kernel constants that *_INFO reports and no sysctl changes
// (include/uapi/linux/sem.h, msg.h).
constexpr std::int32_t kSemmap = 32000 * 32000;  // SEMMAP = SEMMNS (the constant)
constexpr std::int32_t kSemusz = 20;             // SEMUSZ
constexpr std::int32_t kMsgmnbDefault = 16384;   // MSGMNB: MSGTQL and MSGMAP are this
constexpr std::int32_t kMsgpool = 32000 * 16384 / 1024;  // MSGPOOL = MSGMNI * MSGMNB / 1024
constexpr std::int32_t kMsgssz = 16;             // MSGSSZ
constexpr std::uint16_t kMsgseg = 0xffff;        // MSGSEG, clipped as the header does

}  // namespace papers::dipc::owner
