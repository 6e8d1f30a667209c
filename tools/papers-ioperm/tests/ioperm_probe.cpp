// ioperm_probe.cpp — the program the end-to-end tests run through
// papers-ioperm. It prints what the kernel says about its own credentials,
// one "key value" line each, so the test can check the privilege drop from
// the outside, after a real execve.
#include <grp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) != 0 || getresgid(&rg, &eg, &sg) != 0) return 3;
    std::printf("uids %u %u %u\n", r, e, s);
    std::printf("gids %u %u %u\n", rg, eg, sg);

    const int n = getgroups(0, nullptr);
    std::vector<gid_t> groups(static_cast<std::size_t>(n > 0 ? n : 0));
    if (n > 0 && getgroups(n, groups.data()) != n) return 3;
    std::sort(groups.begin(), groups.end());
    std::string list;
    for (const gid_t g : groups) list += (list.empty() ? "" : ",") + std::to_string(g);
    std::printf("groups %s\n", list.c_str());

    // CapInh/CapPrm/CapEff/CapBnd/CapAmb/NoNewPrivs exactly as the kernel reports them.
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Cap", 0) == 0 || line.rfind("NoNewPrivs:", 0) == 0) {
            std::replace(line.begin(), line.end(), '\t', ' ');
            std::string key = line.substr(0, line.find(':'));
            std::string val = line.substr(line.find(':') + 1);
            val.erase(0, val.find_first_not_of(' '));
            std::printf("%s %s\n", key.c_str(), val.c_str());
        }
    }
    for (const char* var : {"PAPERS_PORT", "PAPERS_PORT_ACCESS", "PROBE_MARK"}) {
        const char* v = std::getenv(var);
        std::printf("env_%s %s\n", var, v ? v : "(unset)");
    }
    std::string args;
    for (int i = 1; i < argc; ++i) args += (i > 1 ? " " : "") + std::string(argv[i]);
    std::printf("args %s\n", args.c_str());
    return 0;
}
