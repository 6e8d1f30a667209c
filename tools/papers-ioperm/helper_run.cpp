// helper_run.cpp — the papers-ioperm sequence (see helper_run.hpp and
// docs/papers-ioperm.md). Nothing here reads the environment: the config
// path, port and identity come from argv, the file and the kernel only.
#include "helper_run.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "access_policy.hpp"
#include "cli_args.hpp"
#include "config_parse.hpp"
#include "ioports.hpp"
#include "privilege_drop.hpp"

#ifndef PAPERS_IOPERM_VERSION
#define PAPERS_IOPERM_VERSION "unknown"
#endif

namespace papers::ioperm {

namespace {

int complain(int code, const std::string& msg) {
    std::fprintf(stderr, "papers-ioperm: %s\n", msg.c_str());
    return code;
}

// A setuid program started with fd 0, 1 or 2 closed would hand that number
// to the next open(); fill the holes with /dev/null first.
bool ensure_std_fds() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
        const int n = ::open("/dev/null", O_RDWR | O_NOCTTY);
        if (n != fd) return false;
    }
    return true;
}

}  // namespace

int run_helper(int argc, char** argv, const HelperSetup& setup) {
    if (!ensure_std_fds()) return kExitPrivDrop;  // cannot even report it safely

    const CliResult cli = parse_cli(argc, argv);
    if (!cli.ok) return complain(kExitUsage, cli.error);
    if (cli.args.help) {
        std::fputs(usage_text(), stdout);
        return 0;
    }
    if (cli.args.version) {
        std::printf("papers-ioperm %s (%s)\n", PAPERS_IOPERM_VERSION, setup.ops->name);
        return 0;
    }

    // Who is asking: the real ids and groups the kernel gave this process.
    Caller caller;
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    if (::getresuid(&ru, &eu, &su) != 0 || ::getresgid(&rg, &eg, &sg) != 0)
        return complain(kExitPrivDrop, std::string("getresuid/getresgid failed: ") + std::strerror(errno));
    caller.uid = ru;
    caller.gid = rg;
    std::string err;
    if (!current_groups(caller.groups, err)) return complain(kExitPrivDrop, err);
    caller.name = user_name_of(ru);

    std::string config_path = setup.default_config;
    if (cli.args.config) {
        if (ru != 0)
            return complain(kExitNoPerm, "--config is only honoured when the real user is root; "
                                         "leave it out to use " + setup.default_config);
        config_path = *cli.args.config;
    }

    const LoadResult file = load_trusted_file(config_path, setup.trust);
    if (!file.ok) return complain(kExitConfig, file.error);
    const ParseResult parsed = parse_config(file.text, config_path);
    if (!parsed.ok) return complain(kExitConfig, "config " + parsed.error);

    const SystemResolver names;
    const Decision d = decide(parsed.table, caller, cli.args.port, names, config_path);
    if (!d.allowed) return complain(kExitNoPerm, d.reason);

    // Only bases the kernel knows as parallel ports, unless the line says
    // `ioports any`: a wrong base would hand out another device's registers.
    const PortRule* rule = parsed.table.find(d.port);
    if (rule && !rule->any_base) {
        std::string ioports, why;
        if (!read_ioports(setup.ioports, ioports, why)) return complain(kExitUnavailable, why);
        switch (classify_base(ioports, d.port)) {
            case IoportsVerdict::parport: break;
            case IoportsVerdict::hidden:
                return complain(kExitNoPerm,
                                setup.ioports + " hides its addresses from this helper (it needs "
                                "CAP_SYS_ADMIN to read them), so port " + port_string(d.port) +
                                " cannot be checked; write 'ioports any' on line " +
                                std::to_string(rule->line) + " of " + config_path +
                                " if it is the parallel port");
            case IoportsVerdict::other:
                return complain(kExitNoPerm,
                                "port " + port_string(d.port) + " is not a parallel port the kernel "
                                "knows (no parportN region in " + setup.ioports +
                                " covers it); if it is one (a card without a kernel driver), write "
                                "'ioports any' on line " + std::to_string(rule->line) + " of " +
                                config_path);
        }
    }

    // The only use of privilege: needs CAP_SYS_RAWIO, so it comes first.
    if (setup.ops->grant(d.port, kPortSpan, 1) != 0) {
        const int e = errno;
        return complain(kExitUnavailable, explain_grant_failure(*setup.ops, d.port, e, no_new_privs_set()));
    }

    const std::string drop_error = drop_privileges(DropTarget{caller.uid, caller.gid, caller.groups});
    if (!drop_error.empty())
        return complain(kExitPrivDrop, "privilege drop failed, not running " + quoted(argv[cli.args.command_index]) +
                                           ": " + drop_error);

    // From here on this process is the caller, holding only the port bitmap.
    if (::setenv("PAPERS_PORT", port_string(d.port).c_str(), 1) != 0 ||
        ::setenv("PAPERS_PORT_ACCESS", "direct", 1) != 0)
        return complain(kExitPrivDrop, std::string("setenv failed: ") + std::strerror(errno));
    char** const cmd = argv + cli.args.command_index;
    ::execvp(cmd[0], cmd);
    const int e = errno;
    return complain(e == ENOENT ? kExitNotFound : kExitCannotExec,
                    "cannot run " + quoted(cmd[0]) + ": " + std::strerror(e));
}

}  // namespace papers::ioperm
