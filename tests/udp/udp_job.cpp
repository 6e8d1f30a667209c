#include "udp_job.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <regex>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace udptest {

namespace {

int free_udp_port() {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) throw std::runtime_error("socket");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind");
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> b(bytes);
    if (getrandom(b.data(), b.size(), 0) != static_cast<ssize_t>(b.size()))
        throw std::runtime_error("getrandom");
    std::string s;
    char buf[3];
    for (unsigned char c : b) {
        std::snprintf(buf, sizeof buf, "%02x", c);
        s += buf;
    }
    return s;
}

}  // namespace

Job make_job(int n) {
    Job j;
    for (int i = 0; i < n; ++i) {
        int p = 0;
        do p = free_udp_port();  // distinct ports (the kernel may hand one out twice)
        while (std::find(j.ports.begin(), j.ports.end(), p) != j.ports.end());
        j.ports.push_back(p);
        j.hosts += (i ? "," : "") + std::string("127.0.0.1:") + std::to_string(p);
    }
    j.key = random_hex(32);
    j.job_id = "udptest-" + random_hex(4);
    return j;
}

std::vector<RankResult> run_job(const JobSpec& spec, Job job) {
    if (job.ports.empty()) job = make_job(spec.n);
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    std::vector<RankResult> res(spec.n);
    std::vector<pid_t> pids(spec.n, -1);
    std::vector<int> fds(spec.n, -1);
    for (int r = 0; r < spec.n; ++r) {
        std::map<std::string, std::string> env;
        for (char** e = environ; *e; ++e) {
            const char* eq = std::strchr(*e, '=');
            if (eq) env[std::string(*e, std::size_t(eq - *e))] = eq + 1;
        }
        env["PAPERS_BACKEND"] = "udp";
        env["PAPERS_SIZE"] = std::to_string(spec.n);
        env["PAPERS_RANK"] = std::to_string(r);
        env["PAPERS_HOSTS"] = job.hosts;
        env["PAPERS_KEY"] = job.key;
        env["PAPERS_JOB"] = job.job_id;
        for (const auto& [k, v] : spec.env) env[k] = v;
        if (auto it = spec.rank_env.find(r); it != spec.rank_env.end())
            for (const auto& [k, v] : it->second) env[k] = v;
        std::vector<std::string> strs;
        for (const auto& [k, v] : env)
            if (!v.empty()) strs.push_back(k + "=" + v);  // "" means unset
        std::vector<char*> envp;
        for (auto& s : strs) envp.push_back(s.data());
        envp.push_back(nullptr);
        std::vector<std::string> argv_s{spec.program};
        argv_s.insert(argv_s.end(), spec.args.begin(), spec.args.end());
        std::vector<char*> argv;
        for (auto& s : argv_s) argv.push_back(s.data());
        argv.push_back(nullptr);

        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
        const pid_t pid = fork();
        if (pid == 0) {
            dup2(p[1], 1);
            dup2(p[1], 2);
            execve(argv[0], argv.data(), envp.data());
            _exit(127);
        }
        close(p[1]);
        fcntl(p[0], F_SETFL, O_NONBLOCK);
        pids[r] = pid;
        fds[r] = p[0];
    }
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(spec.deadline_s));
    int open = spec.n, alive = spec.n;
    while (open > 0 || alive > 0) {
        std::vector<pollfd> pf;
        for (int r = 0; r < spec.n; ++r)
            if (fds[r] >= 0) pf.push_back({fds[r], POLLIN, 0});
        poll(pf.data(), pf.size(), 20);
        for (int r = 0; r < spec.n; ++r) {
            if (fds[r] < 0) continue;
            char buf[4096];
            for (;;) {
                const ssize_t k = read(fds[r], buf, sizeof buf);
                if (k > 0) {
                    res[r].output.append(buf, std::size_t(k));
                    continue;
                }
                if (k == 0) {
                    close(fds[r]);
                    fds[r] = -1;
                    --open;
                }
                break;
            }
        }
        for (int r = 0; r < spec.n; ++r) {
            if (pids[r] < 0) continue;
            int st = 0;
            if (waitpid(pids[r], &st, WNOHANG) == pids[r]) {
                res[r].status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                res[r].seconds = std::chrono::duration<double>(Clock::now() - start).count();
                pids[r] = -1;
                --alive;
            }
        }
        if (Clock::now() > deadline) {
            for (int r = 0; r < spec.n; ++r) {
                if (pids[r] > 0) {
                    kill(pids[r], SIGKILL);
                    waitpid(pids[r], nullptr, 0);
                    res[r].status = -1;
                    res[r].output += "\n[killed at the test deadline]\n";
                    pids[r] = -1;
                }
                if (fds[r] >= 0) close(fds[r]);
                fds[r] = -1;
            }
            break;
        }
    }
    return res;
}

unsigned long long report_sum(const std::vector<RankResult>& ranks, const std::string& key) {
    unsigned long long sum = 0;
    const std::regex re("(^|\\s)" + key + "=(\\d+)");
    for (const auto& r : ranks) {
        std::istringstream in(r.output);
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind("papers-udp report", 0) != 0) continue;
            std::smatch m;
            if (std::regex_search(line, m, re)) sum += std::stoull(m[2]);
        }
    }
    return sum;
}

RankResult run_command(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env, double deadline_s) {
    // A job of one "rank" whose environment is ours plus `env`.
    JobSpec s;
    s.n = 1;
    s.program = argv.at(0);
    s.args.assign(argv.begin() + 1, argv.end());
    s.env = env;
    s.deadline_s = deadline_s;
    Job none;
    none.ports = {0};  // run_job's own PAPERS_* are overridden or removed below
    s.rank_env[0]["PAPERS_BACKEND"] = env.count("PAPERS_BACKEND") ? env.at("PAPERS_BACKEND") : "";
    for (const char* v : {"PAPERS_SIZE", "PAPERS_RANK", "PAPERS_HOSTS", "PAPERS_JOB"})
        if (!env.count(v)) s.rank_env[0][v] = "";
    if (!env.count("PAPERS_KEY")) s.rank_env[0]["PAPERS_KEY"] = "";
    return run_job(s, none).at(0);
}

std::string describe(const std::vector<RankResult>& ranks) {
    std::ostringstream o;
    for (std::size_t r = 0; r < ranks.size(); ++r)
        o << "--- rank " << r << " status " << ranks[r].status << " after " << ranks[r].seconds
          << " s:\n"
          << ranks[r].output << "\n";
    return o.str();
}

}  // namespace udptest
