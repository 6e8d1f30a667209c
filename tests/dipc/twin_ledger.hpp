// twin_ledger.hpp — what every differential twin (engine_twin, layerdiff_twin,
// layerdiff_shm_twin) keeps of its run, so that a mismatch reports the same
// way everywhere: the first failure, the last calls before it, how many
// calls were made and how often each outcome occurred, and whose each pid
// is on either side.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <sstream>
#include <string>

namespace papers::dipc::enginetest {

class TwinLedger {
public:
    bool ok() const { return failure_.empty(); }
    // The first mismatch, with the recent calls that led to it.
    std::string report() const {
        std::ostringstream o;
        o << failure_ << "\n  after " << calls_ << " calls; the last ones:\n";
        for (const std::string& l : recent_) o << "    " << l << "\n";
        return o.str();
    }
    std::uint64_t calls_made() const { return calls_; }
    // How often each (call, outcome) pair occurred, e.g. "semop EFBIG",
    // "msgrcv blocked, then EINTR": what the sequence reached.
    const std::map<std::string, int>& outcomes() const { return outcomes_; }
    std::string outcome_summary() const {
        std::ostringstream o;
        for (const auto& [what, n] : outcomes_) o << "  " << what << ": " << n << "\n";
        return o.str();
    }

protected:
    static constexpr std::size_t kRecent = 40;  // calls a report shows

    void log(const std::string& line) {
        recent_.push_back(line);
        if (recent_.size() > kRecent) recent_.pop_front();
    }
    // Keeps the first failure only; true when `what` became it.
    bool fail_first(const std::string& what) {
        if (!failure_.empty()) return false;
        failure_ = what;
        return true;
    }
    // Adds what each party's DIPC actor and creator printed on stderr (the
    // interposer prints a line when it gives up: ENOLINK) to the failure.
    template <class Parties>
    void add_actor_stderr(const Parties& parties, int dipc_role) {
        for (std::size_t p = 0; p < parties.size(); ++p)
            for (auto* a : {parties[p].dipc.get(), parties[p].creator.get()})
                if (a)
                    if (std::string e = a->stderr_text(); !e.empty())
                        failure_ += "\n  stderr of P" + std::to_string(p) + "'s " +
                                    (static_cast<int>(a->role()) == dipc_role ? "DIPC actor: " : "creator: ") + e;
    }
    // The party a pid seen on one side belongs to ("P<party>g<generation>").
    std::string pid_name(bool dipc, long pid) const {
        if (pid == 0) return "0";
        const auto& m = dipc ? dipc_pids_ : kernel_pids_;
        auto it = m.find(static_cast<pid_t>(pid));
        return it == m.end() ? "unknown pid " + std::to_string(pid) : it->second;
    }

    std::map<pid_t, std::string> kernel_pids_, dipc_pids_;  // pid -> "P<party>g<generation>"
    std::uint64_t calls_ = 0;
    std::deque<std::string> recent_;
    std::map<std::string, int> outcomes_;
    std::string failure_;
};

}  // namespace papers::dipc::enginetest
