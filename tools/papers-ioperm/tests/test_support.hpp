// test_support.hpp — temp directories, files and running a program as
// another user with a bounded wait, for the papers-ioperm tests.
#pragma once
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace ioperm_test {

// A fresh directory under /tmp (mode 0755, so other uids can reach the
// files the tests put there), removed with everything in it at scope exit.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

void write_file(const std::string& path, const std::string& text, mode_t mode = 0644);
void copy_file(const std::string& from, const std::string& to, mode_t mode);

struct RunResult {
    int exit_code = -1;   // -1 when killed by a signal or timed out
    bool timed_out = false;
    std::string out, err;
    std::map<std::string, std::string> fields;  // out parsed as "key value" lines
};

struct RunAs {
    bool change_ids = false;  // false: run with the test's own credentials
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
};

// fork; in the child set groups/gid/uid as asked (while still root), then
// execve(argv[0], argv, env). With `empty_argv` the program is started with
// argc == 0. Output is collected for at most `timeout_s` seconds.
RunResult run_program(const std::vector<std::string>& argv, const RunAs& as,
                      const std::vector<std::string>& env, double timeout_s = 10.0,
                      bool empty_argv = false);

bool is_root();

}  // namespace ioperm_test
