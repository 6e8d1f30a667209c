// host_list_fuzz — papersrun's host list (--hosts) and hostfile parser: a
// host that gets through reaches ssh's command line.
// Invariants: every accepted entry passes host_entry_problem(); its host
// part is not empty and cannot be read as an option (no leading '-') nor
// split by a shell (no spaces, quotes or metacharacters); errors are
// LaunchError (usage), nothing else escapes.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "host_list.hpp"
#include "launch_error.hpp"

using namespace papersrun;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

void check_entries(const std::vector<std::string>& hosts) {
    for (const std::string& e : hosts) {
        require(host_entry_problem(e).empty());
        const std::string h = host_part(e);
        require(!h.empty() && h[0] != '-');
        require(h.find_first_of(" \t\n\r'\"`$;&|<>()\\*?[]{}!#~%@=,") == std::string::npos);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        check_entries(split_hosts(text));
    } catch (const LaunchError& e) {
        require(e.exit_code() == kExitUsage);
    }
    (void)host_entry_problem(text);
    // The same bytes as a hostfile.
    static const std::string path = "/tmp/papers-host-list-fuzz-" + std::to_string(getpid());
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
        try {
            check_entries(read_hostfile(path));
        } catch (const LaunchError& e) {
            require(e.exit_code() == kExitUsage);
        }
    }
    return 0;
}
