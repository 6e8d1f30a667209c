#include "trace_output.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "gtkw_save.hpp"
#include "launch_error.hpp"
#include "notes_reader.hpp"
#include "program_path.hpp"
#include "vcd_merge.hpp"

extern char** environ;

namespace papersrun {

namespace fs = std::filesystem;

TracePlan plan_trace(const std::string& output, bool hub_tree) {
    TracePlan plan;
    plan.output = output;
    const fs::path out(output);
    const std::string ext = out.extension().string();
    if (ext != ".vcd" && ext != ".fst")
        throw LaunchError(kExitUsage, "--trace " + output + ": name a .vcd or a .fst file");
    if (ext == ".fst") {
        std::string why;
        const char* path = std::getenv("PATH");
        plan.vcd2fst = find_program("vcd2fst", path ? path : "", why);
        if (plan.vcd2fst.empty())
            throw LaunchError(kExitUsage, "--trace " + output + ": an FST trace is converted by "
                                          "vcd2fst (Debian package gtkwave): " + why);
    }
    plan.gtkw = fs::path(out).replace_extension(".gtkw").string();
    const std::string scratch_name = out.filename().string() + ".papers-XXXXXX";
    std::string pattern = out.has_parent_path() ? (out.parent_path() / scratch_name).string()
                                                : scratch_name;
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data()))
        throw LaunchError(kExitUsage, "--trace " + output + ": cannot create a scratch directory "
                                      "next to it (" + std::string(std::strerror(errno)) + ")");
    plan.scratch = buf.data();
    plan.raw_vcd = plan.scratch + "/hub.raw.vcd";
    plan.notes_dir = plan.scratch;
    plan.split_pins = !hub_tree;
    return plan;
}

namespace {

std::string run_vcd2fst(const TracePlan& plan, const std::string& vcd) {
    std::vector<std::string> args{plan.vcd2fst, "-v", vcd, "-f", plan.output};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (int e = posix_spawn(&pid, plan.vcd2fst.c_str(), nullptr, nullptr, argv.data(), environ))
        return "cannot run " + plan.vcd2fst + ": " + std::strerror(e);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return "waiting for vcd2fst: " + std::string(std::strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return "vcd2fst " + vcd + " " + plan.output + " failed";
    return "";
}

std::string merge_and_save(const TracePlan& plan) {
    namespace tr = papers::trace;
    std::string err;
    if (!fs::exists(plan.raw_vcd)) return "papers-hubsim wrote no trace";
    tr::PeNotes notes;
    if (!tr::read_notes(plan.notes_dir, notes, err)) return err;
    const std::string merged = plan.vcd2fst.empty() ? plan.output : plan.scratch + "/hub.vcd";
    tr::MergeOptions options;
    options.split_pins = plan.split_pins;
    tr::VcdLayout layout;
    if (!tr::merge_notes_into_vcd(plan.raw_vcd, merged, notes, options, layout, err)) return err;
    if (!plan.vcd2fst.empty())
        if (std::string e = run_vcd2fst(plan, merged); !e.empty()) return e;
    const std::string dumpfile = fs::absolute(plan.output).lexically_normal().string();
    if (!tr::write_gtkw(plan.gtkw, dumpfile, layout, err)) return err;
    return "";
}

}  // namespace

std::string finish_trace(const TracePlan& plan) {
    std::string why = merge_and_save(plan);
    std::error_code ec;
    fs::remove_all(plan.scratch, ec);
    return why.empty() ? "" : "--trace " + plan.output + ": " + why;
}

}  // namespace papersrun
