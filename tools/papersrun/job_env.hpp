// job_env.hpp — the environment every rank starts with: papersrun's own
// environment plus the PAPERS_* variables of the job.
//
// Two kinds of writes: set() is for values papersrun decides (rank, size,
// job id, simulator name, and whatever an option on the command line asked
// for); set_default() keeps a value the user exported.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace papersrun {

class JobEnv {
public:
    static JobEnv from_process();  // copy of environ
    static JobEnv from_strings(const std::vector<std::string>& entries);

    std::optional<std::string> get(const std::string& name) const;
    void set(const std::string& name, const std::string& value);
    void set_default(const std::string& name, const std::string& value);
    void unset(const std::string& name);

    // The environment of rank `rank` of `size`: PAPERS_RANK and PAPERS_SIZE added.
    std::vector<std::string> for_rank(int rank, int size) const;
    std::vector<std::string> strings() const;

private:
    std::map<std::string, std::string> vars_;
};

// "<pid>-<8 random hex digits>": unique on this machine, short enough for
// shm names (/papers-<job>).
std::string make_job_id();

}  // namespace papersrun
