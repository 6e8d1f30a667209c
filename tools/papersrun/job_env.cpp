#include "job_env.hpp"

#include <cstdio>
#include <ctime>
#include <sys/random.h>
#include <unistd.h>

extern char** environ;

namespace papersrun {

JobEnv JobEnv::from_strings(const std::vector<std::string>& entries) {
    JobEnv env;
    for (const auto& e : entries) {
        auto eq = e.find('=');
        if (eq == std::string::npos || eq == 0) continue;  // malformed: drop it
        env.vars_.emplace(e.substr(0, eq), e.substr(eq + 1));  // first one wins, like getenv
    }
    return env;
}

JobEnv JobEnv::from_process() {
    std::vector<std::string> entries;
    for (char** p = environ; p && *p; ++p) entries.emplace_back(*p);
    return from_strings(entries);
}

std::optional<std::string> JobEnv::get(const std::string& name) const {
    auto it = vars_.find(name);
    if (it == vars_.end()) return std::nullopt;
    return it->second;
}

void JobEnv::set(const std::string& name, const std::string& value) { vars_[name] = value; }

void JobEnv::set_default(const std::string& name, const std::string& value) {
    vars_.emplace(name, value);
}

void JobEnv::unset(const std::string& name) { vars_.erase(name); }

std::vector<std::string> JobEnv::strings() const {
    std::vector<std::string> out;
    out.reserve(vars_.size());
    for (const auto& [k, v] : vars_) out.push_back(k + "=" + v);
    return out;
}

std::vector<std::string> JobEnv::for_rank(int rank, int size) const {
    JobEnv copy = *this;
    copy.set("PAPERS_RANK", std::to_string(rank));
    copy.set("PAPERS_SIZE", std::to_string(size));
    return copy.strings();
}

std::string make_job_id() {
    unsigned int r = 0;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof r))
        r = static_cast<unsigned>(time(nullptr)) ^ static_cast<unsigned>(clock());
    char buf[48];
    std::snprintf(buf, sizeof buf, "%d-%08x", static_cast<int>(getpid()), r);
    return buf;
}

}  // namespace papersrun
