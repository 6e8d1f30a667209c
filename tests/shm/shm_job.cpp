#include "shm_job.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace papers::test {

namespace {

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void write_all(int fd, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
        ssize_t n = write(fd, s.data() + off, s.size() - off);
        if (n <= 0) return;
        off += std::size_t(n);
    }
}

}  // namespace

std::string unique_job_id(const std::string& tag) {
    static std::atomic<int> counter{0};
    return "t" + std::to_string(getpid()) + "-" + tag + "-" + std::to_string(counter++);
}

std::vector<RankSpec> ranks_of(int n, std::map<std::string, std::string> env) {
    std::vector<RankSpec> v;
    for (int r = 0; r < n; ++r) v.push_back(RankSpec{r, n, env, 0});
    return v;
}

bool segment_exists(const std::string& job) {
    return access(("/dev/shm/papers-shm-" + job).c_str(), F_OK) == 0;
}

void remove_segment(const std::string& job) { shm_unlink(("/papers-shm-" + job).c_str()); }

std::vector<RankOutcome> run_job(const std::vector<RankSpec>& ranks, const RankBody& body,
                                 JobOptions opt) {
    if (opt.set_job && opt.job.empty()) opt.job = unique_job_id("job");
    struct Child {
        pid_t pid = -1;
        int fd = -1;
        bool done = false;
        double start = 0;
    };
    std::vector<Child> kids(ranks.size());
    std::vector<RankOutcome> out(ranks.size());
    std::fflush(nullptr);
    for (std::size_t i = 0; i < ranks.size(); ++i) {
        int p[2];
        if (pipe(p) != 0) std::abort();
        kids[i].start = now_s();
        const pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            for (std::size_t j = 0; j < i; ++j) close(kids[j].fd);
            const RankSpec& rs = ranks[i];
            setenv("PAPERS_BACKEND", "shm", 1);
            setenv("PAPERS_RANK", std::to_string(rs.rank).c_str(), 1);
            setenv("PAPERS_SIZE", std::to_string(rs.size).c_str(), 1);
            char t[32];
            std::snprintf(t, sizeof t, "%g", opt.timeout_s);
            setenv("PAPERS_TIMEOUT", t, 1);
            if (opt.set_job) setenv("PAPERS_JOB", opt.job.c_str(), 1);
            else unsetenv("PAPERS_JOB");
            for (const auto& [k, v] : rs.env) setenv(k.c_str(), v.c_str(), 1);
            if (rs.start_delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(rs.start_delay_ms));
            std::string text;
            auto report = [&](const std::string& s) {
                if (text.size() < 8192) text += s;
            };
            const int rc = body(rs, report);
            write_all(p[1], text.substr(0, 16384));
            close(p[1]);
            std::fflush(nullptr);
            _exit(rc & 0xff);
        }
        close(p[1]);
        kids[i].pid = pid;
        kids[i].fd = p[0];
    }
    const double deadline = now_s() + opt.watchdog_s;
    std::size_t open_fds = ranks.size();
    while (open_fds > 0 && now_s() < deadline) {
        std::vector<pollfd> pf;
        std::vector<std::size_t> idx;
        for (std::size_t i = 0; i < kids.size(); ++i)
            if (kids[i].fd >= 0) {
                pf.push_back({kids[i].fd, POLLIN, 0});
                idx.push_back(i);
            }
        if (poll(pf.data(), pf.size(), 100) <= 0) continue;
        for (std::size_t k = 0; k < pf.size(); ++k) {
            if (!pf[k].revents) continue;
            char buf[4096];
            ssize_t n = read(pf[k].fd, buf, sizeof buf);
            if (n > 0) {
                out[idx[k]].text.append(buf, std::size_t(n));
            } else {
                // EOF: the child is exiting. Reap it now, so that a rank that
                // died is gone (not a zombie) for the ranks still running.
                close(pf[k].fd);
                Child& c = kids[idx[k]];
                c.fd = -1;
                --open_fds;
                int status = 0;
                if (waitpid(c.pid, &status, 0) == c.pid) {
                    c.done = true;
                    RankOutcome& o = out[idx[k]];
                    o.seconds = now_s() - c.start;
                    if (WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
                    else if (WIFSIGNALED(status)) o.exit_code = 100 + WTERMSIG(status);
                }
            }
        }
    }
    for (std::size_t i = 0; i < kids.size(); ++i) {
        if (kids[i].done) continue;
        int status = 0;
        for (;;) {
            pid_t w = waitpid(kids[i].pid, &status, WNOHANG);
            if (w == kids[i].pid) break;
            if (now_s() >= deadline) {
                kill(kids[i].pid, SIGKILL);
                waitpid(kids[i].pid, &status, 0);
                status = -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        out[i].seconds = now_s() - kids[i].start;
        if (status == -1) out[i].exit_code = -1;
        else if (WIFEXITED(status)) out[i].exit_code = WEXITSTATUS(status);
        else if (WIFSIGNALED(status)) out[i].exit_code = 100 + WTERMSIG(status);
        if (kids[i].fd >= 0) close(kids[i].fd);
    }
    return out;
}

}  // namespace papers::test
