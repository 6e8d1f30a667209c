#include "program_path.hpp"

#include <cerrno>
#include <climits>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace papersrun {

namespace {

// 0 when `path` is an executable regular file, else an errno-like reason.
int check_executable(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return errno;
    if (S_ISDIR(st.st_mode)) return EISDIR;
    if (!S_ISREG(st.st_mode)) return EACCES;
    if (access(path.c_str(), X_OK) != 0) return errno;
    return 0;
}

}  // namespace

std::string find_program(const std::string& name, const std::string& path_var, std::string& why) {
    if (name.empty()) {
        why = "empty program name";
        return "";
    }
    if (name.find('/') != std::string::npos) {
        int err = check_executable(name);
        if (err == 0) return name;
        why = err == ENOENT ? "no such file" : std::strerror(err);
        return "";
    }
    std::string dirs = path_var.empty() ? "/usr/local/bin:/usr/bin:/bin" : path_var;
    int first_err = 0;  // like execvp, report EACCES over "not found"
    size_t start = 0;
    for (;;) {
        size_t colon = dirs.find(':', start);
        std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        if (dir.empty()) dir = ".";  // an empty PATH element means the current directory
        std::string candidate = dir + "/" + name;
        int err = check_executable(candidate);
        if (err == 0) return candidate;
        if (err != ENOENT && err != ENOTDIR && first_err == 0) first_err = err;
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    why = first_err ? std::string(std::strerror(first_err)) + " (in PATH)" : "not found in PATH";
    return "";
}

std::string self_exe_dir() {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "";
    std::string path(buf, static_cast<size_t>(n));
    auto slash = path.rfind('/');
    return slash == std::string::npos ? "" : path.substr(0, slash);
}

}  // namespace papersrun
