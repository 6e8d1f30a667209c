// launch_unit_test.cpp — the pure parts of papersrun --dipc: the
// PAPERS_DIPC_KEYS syntax, the default library lookup, and the script a
// remote host runs (executed here with sh, against a fake daemon).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "dipc_daemons.hpp"
#include "dipc_launch.hpp"

using namespace papersrun;

TEST(LaunchUnit, DipcKeysSyntax) {
    for (const char* ok : {"flag", "all", "0x1234", "4096", "0x5000-0x50ff", "1,2,0x10-0x20", "0-0xffffffff"})
        EXPECT_EQ(dipc_keys_problem(ok), "") << ok;
    for (const char* bad : {"", "ALL", "0x", "12-", "-5", "0x20-0x10", "0x100000000", "1,,2", "1, 2", "key"})
        EXPECT_NE(dipc_keys_problem(bad), "") << bad;
    EXPECT_NE(dipc_keys_problem("0x20-0x10").find("'0x20-0x10' is not a key"), std::string::npos);
}

TEST(LaunchUnit, DefaultLibraryIsLookedForInTheBuildAndInstallTrees) {
    std::string root = testing::TempDir() + "launch_unit_XXXXXX";
    ASSERT_TRUE(mkdtemp(root.data()));
    std::filesystem::create_directories(root + "/bin");
    std::vector<std::string> looked;
    EXPECT_EQ(default_dipc_library(root + "/bin", looked), "");
    ASSERT_FALSE(looked.empty());
    EXPECT_EQ(looked.front(), root + "/bin/../lib/libpapers_dipc.so");
    std::filesystem::create_directories(root + "/lib");
    std::ofstream(root + "/lib/libpapers_dipc.so") << "not really";
    const std::string found = default_dipc_library(root + "/bin", looked);
    EXPECT_EQ(found, std::filesystem::canonical(root + "/lib/libpapers_dipc.so").string());
    std::filesystem::remove_all(root);
}

TEST(LaunchUnit, StaleJobDirectoriesOfDeadPapersrunsAreSwept) {
    std::string root = testing::TempDir() + "launch_sweep_XXXXXX";
    ASSERT_TRUE(mkdtemp(root.data()));
    const pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, nullptr, 0);
    const std::string mine = std::to_string(getpid()), gone = std::to_string(dead);
    const std::vector<std::string> kept{
        root + "/papers-dipc-" + mine + "-0123abcd-Xy12Zq",      // a live papersrun's
        root + "/papers-dipc-" + gone + "-0123abcd-referee",     // a remote daemon's
        root + "/papers-dipc-" + gone + "-0123abcd-host-3",      // a remote daemon's
        root + "/papers-dipc-" + gone + "-0123abcd",             // not a job directory
    };
    const std::string stale = root + "/papers-dipc-" + gone + "-0123abcd-Ab3dEf";
    for (const auto& d : kept) std::filesystem::create_directories(d);
    std::filesystem::create_directories(stale);
    std::ofstream(stale + "/host-0.log") << "log\n";
    EXPECT_EQ(sweep_stale_job_dirs(root), std::vector<std::string>{stale});
    EXPECT_FALSE(std::filesystem::exists(stale));
    for (const auto& d : kept) EXPECT_TRUE(std::filesystem::exists(d)) << d;
    std::filesystem::remove_all(root);
}

namespace {

// Runs the remote script with `sh -c` as ssh would, its stdin a pipe holding
// the key line (kept open as the lifeline) and its stdout the ready pipe.
struct RemoteRun {
    pid_t pid = -1;
    int stdin_w = -1, stdout_r = -1;
};

RemoteRun run_script(const std::string& script, const std::string& key) {
    int in[2], out[2];
    EXPECT_EQ(pipe(in), 0);
    EXPECT_EQ(pipe(out), 0);
    RemoteRun r;
    r.pid = fork();
    if (r.pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
        execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    const std::string line = key + "\n";
    EXPECT_EQ(write(in[1], line.data(), line.size()), static_cast<ssize_t>(line.size()));
    r.stdin_w = in[1];
    r.stdout_r = out[0];
    return r;
}

std::string read_line(int fd, int timeout_ms) {
    std::string text;
    char c;
    pollfd p{fd, POLLIN, 0};
    while (poll(&p, 1, timeout_ms) > 0 && read(fd, &c, 1) == 1) {
        if (c == '\n') break;
        text += c;
    }
    return text;
}

int wait_exit(pid_t pid, int timeout_ms) {
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        int st = 0;
        if (waitpid(pid, &st, WNOHANG) == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return -1;
}

// A fake papers-dipcd: records its arguments and the key file's mode and
// content, reports ready on --ready-fd, then waits for SIGTERM (exit 0) or
// exits by itself with $FAKE_EXIT. Its SIGTERM trap is set before it is
// ready, as a real daemon's handling is.
std::string write_fake_dipcd(const std::string& dir) {
    const std::string path = dir + "/fake-dipcd";
    std::ofstream(path) << "#!/bin/sh\n"
                           "echo \"$@\" > " << dir << "/args\n"
                           "while [ $# -gt 0 ]; do case $1 in --key-file) k=$2;; --ready-fd) fd=$2;; esac; shift; done\n"
                           "stat -c %a \"$k\" > " << dir << "/keymode; cat \"$k\" > " << dir << "/keytext\n"
                           "trap 'echo stopped > " << dir << "/stopped; exit 0' TERM\n"
                           "eval \"echo ready 4242 >&$fd\"; eval \"exec $fd>&-\"\n"
                           "[ -n \"$FAKE_EXIT\" ] && exit $FAKE_EXIT\n"
                           "while :; do sleep 0.05; done\n";
    chmod(path.c_str(), 0755);
    return path;
}

}  // namespace

TEST(LaunchUnit, RemoteScriptRunsTheDaemonUntilStdinClosesThenCleansUp) {
    std::string work = testing::TempDir() + "launch_remote_XXXXXX";
    ASSERT_TRUE(mkdtemp(work.data()));
    const std::string fake = write_fake_dipcd(work);
    const std::string dir = work + "/remote";  // the script creates it
    const std::string key(64, 'c');
    const std::string script = remote_daemon_script(fake, {"--name", "node 1", "--socket", dir + "/dipcd.sock"}, dir);
    EXPECT_EQ(script.find(key), std::string::npos);
    unsetenv("FAKE_EXIT");
    RemoteRun r = run_script(script, key);
    EXPECT_EQ(read_line(r.stdout_r, 10000), "ready 4242");
    std::ifstream args(work + "/args");
    std::string a;
    std::getline(args, a);
    EXPECT_EQ(a, "--name node 1 --socket " + dir + "/dipcd.sock --key-file " + dir + "/key --ready-fd 3");
    std::ifstream mode(work + "/keymode"), text(work + "/keytext");
    std::string m, t;
    std::getline(mode, m);
    std::getline(text, t);
    EXPECT_EQ(m, "600");
    EXPECT_EQ(t, key);
    struct stat st {};
    ASSERT_EQ(stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    close(r.stdin_w);  // papersrun lets go: the remote side stops its daemon
    EXPECT_EQ(wait_exit(r.pid, 10000), 0);
    EXPECT_EQ(access((work + "/stopped").c_str(), F_OK), 0) << "the daemon did not get SIGTERM";
    EXPECT_NE(stat(dir.c_str(), &st), 0) << "the remote directory survived";
    close(r.stdout_r);
    std::filesystem::remove_all(work);
}

TEST(LaunchUnit, RemoteScriptEndsWithTheDaemonAndRefusesAnExistingDirectory) {
    std::string work = testing::TempDir() + "launch_remote_XXXXXX";
    ASSERT_TRUE(mkdtemp(work.data()));
    const std::string fake = write_fake_dipcd(work);
    const std::string dir = work + "/remote";
    setenv("FAKE_EXIT", "5", 1);
    RemoteRun r = run_script(remote_daemon_script(fake, {}, dir), std::string(64, 'd'));
    EXPECT_EQ(read_line(r.stdout_r, 10000), "ready 4242");
    EXPECT_EQ(wait_exit(r.pid, 10000), 5) << "the script must end (and ssh with it) when the daemon dies";
    struct stat st {};
    EXPECT_NE(stat(dir.c_str(), &st), 0);
    close(r.stdin_w);
    close(r.stdout_r);
    unsetenv("FAKE_EXIT");
    // A directory that exists already is not taken over.
    std::filesystem::create_directories(dir);
    r = run_script(remote_daemon_script(fake, {}, dir), std::string(64, 'e'));
    EXPECT_EQ(read_line(r.stdout_r, 10000), "");
    EXPECT_EQ(wait_exit(r.pid, 10000), 1);
    EXPECT_EQ(access((dir + "/key").c_str(), F_OK), -1);
    close(r.stdin_w);
    close(r.stdout_r);
    std::filesystem::remove_all(work);
}
