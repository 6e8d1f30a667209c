// program_path.hpp — finding executables the way execvp would, so a missing
// program is reported before anything is started.
#pragma once
#include <string>

namespace papersrun {

// Resolves `name` like execvp: a name with '/' is used as is, otherwise each
// directory of `path_var` (default "/usr/local/bin:/usr/bin:/bin" when
// empty) is tried. Returns the path of an executable regular file, or ""
// and sets `why` ("not found in PATH", "is a directory", "Permission denied"...).
std::string find_program(const std::string& name, const std::string& path_var, std::string& why);

// Directory of papersrun's own executable (readlink /proc/self/exe), or "".
std::string self_exe_dir();

}  // namespace papersrun
