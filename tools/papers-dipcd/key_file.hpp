// key_file.hpp — the cluster key file as papers-dipcd writes it (--gen-key)
// and checks it before serving: 32 raw bytes, or 64 hex digits and an
// optional newline; a regular file of the daemon's user with no group or
// other permission bit (the channel library loads it; this only produces
// and vets the format, so a daemon refuses a bad key before it starts).
#pragma once
#include <string>

namespace papers::dipcd {

// Creates `path` with mode 0600 holding 32 random bytes (getrandom) as 64
// hex digits and a newline. Never overwrites anything (O_EXCL, no symlink
// followed); removes the file again if writing fails. Throws
// std::runtime_error naming the file and the problem.
void write_new_key_file(const std::string& path);

// "" when `path` is a usable key file for this process, else the problem
// ("does not exist", "mode 0644 lets group or others read it"...).
std::string key_file_problem(const std::string& path);

}  // namespace papers::dipcd
