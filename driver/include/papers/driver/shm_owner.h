/* shm_owner.h — is a shared-memory object we opened (not created) ours alone?
 *
 * Why: papers names its POSIX shm objects after the job ("/papers-shm-<job>",
 * "/papers-<job>", the benchmark's turns page). When O_CREAT|O_EXCL fails
 * with EEXIST a rank opens the existing object, and any local user who
 * created it first (mode 0666, a valid header) would then read and change the
 * job's collective data. An object of ours is owned by our effective uid and
 * has no group or other permission bits (we always create it 0600).
 *
 * C and C++ (bench/turns.h is C). */
#ifndef PAPERS_DRIVER_SHM_OWNER_H
#define PAPERS_DRIVER_SHM_OWNER_H
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

/* 0 if the object behind fd belongs to this process's effective uid and
 * is private to it; EPERM (another owner), EACCES (group/other bits) or
 * fstat's errno otherwise. *st receives the object's status either way. */
static inline int papers_shm_check_owner(int fd, struct stat *st) {
    if (fstat(fd, st) != 0) return errno;
    if (st->st_uid != geteuid()) return EPERM;
    if ((st->st_mode & 077) != 0) return EACCES;
    return 0;
}

#ifdef __cplusplus
#include <cstdio>
#include <cstring>
#include <string>

/* "" if fd's object is ours alone, else why we refuse it, naming `name`. */
inline std::string papers_shm_owner_problem(int fd, const std::string& name) {
    struct stat st {};
    const int e = papers_shm_check_owner(fd, &st);
    if (e == 0) return "";
    if (e == EPERM)
        return "refusing " + name + ": it belongs to uid " + std::to_string(st.st_uid) +
               ", not to this process (uid " + std::to_string(geteuid()) +
               "); another user created it first: use another PAPERS_JOB";
    if (e == EACCES) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
        return "refusing " + name + ": its mode is " + mode +
               " (group or others may use it; papers creates 0600): remove /dev/shm" + name +
               " or use another PAPERS_JOB";
    }
    return "fstat " + name + ": " + std::strerror(e);
}
#endif

#endif
