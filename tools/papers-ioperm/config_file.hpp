// config_file.hpp — reads the configuration only if nobody but its owner
// (root) could have written it.
//
// The path is walked from "/" one component at a time with openat(O_NOFOLLOW),
// so every check is made on the very directory/file that is then read (no
// check-then-open race) and no symbolic link is followed anywhere.
#pragma once
#include <sys/types.h>

#include <string>

namespace papers::ioperm {

struct TrustPolicy {
    // Owner the file and its directories must have. Always 0 in the helper;
    // tests may inject another uid to exercise the checks without root.
    uid_t required_owner = 0;
};

struct LoadResult {
    bool ok = false;
    std::string text;   // file contents when ok
    std::string error;  // full message when !ok
};

// Rules (each violation is refused with a message naming the path):
//  - `path` is absolute, without "." or ".." components or a trailing '/';
//  - no component is a symbolic link;
//  - the file is a regular file, owned by required_owner, not writable by
//    group or others, at most kMaxConfigBytes long;
//  - its directory is owned by required_owner (or root) and not writable by
//    group or others;
//  - every further ancestor is owned by required_owner (or root) and either
//    not writable by group/others or sticky (like /tmp: others can add
//    entries there but cannot rename or remove ours).
LoadResult load_trusted_file(const std::string& path, const TrustPolicy& policy);

}  // namespace papers::ioperm
