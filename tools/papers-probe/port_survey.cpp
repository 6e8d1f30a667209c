#include "port_survey.hpp"

#include <glob.h>

#include <algorithm>
#include <cstdio>

#include "papers/driver/direct_port.hpp"
#ifdef PAPERS_HAVE_IEEE1284
#include "papers/driver/ieee1284_port.hpp"
#endif

namespace papers::probe {

namespace {

std::string hex(unsigned long v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%lx", v);
    return b;
}

}  // namespace

std::vector<Candidate> find_candidates(std::vector<std::string>& notes) {
    std::vector<Candidate> out;
    std::vector<std::string> files;
    std::vector<unsigned long> bases;
#ifdef PAPERS_HAVE_IEEE1284
    std::vector<driver::Ieee1284PortInfo> listed;
    std::string err;
    if (!driver::ieee1284_list(listed, err)) notes.push_back(err);
    for (const auto& p : listed) {
        std::string where = "base " + hex(p.base);
        if (!p.filename.empty()) where += ", " + p.filename;
        out.push_back({p.name, "listed by libieee1284: " + where});
        files.push_back(p.filename);
        bases.push_back(p.base);
    }
#else
    notes.push_back("this build has no libieee1284: only direct access is tried");
#endif
    glob_t g{};
    if (glob("/dev/parport[0-9]*", 0, nullptr, &g) == 0)
        for (std::size_t i = 0; i < g.gl_pathc; ++i) {
            const std::string f = g.gl_pathv[i];
            if (std::find(files.begin(), files.end(), f) != files.end()) continue;
            out.push_back({f, "device node"});
        }
    globfree(&g);
    for (unsigned long b : {0x378ul, 0x278ul, 0x3bcul}) {
        if (std::find(bases.begin(), bases.end(), b) != bases.end()) continue;
        out.push_back({hex(b), "a common ISA base (direct access only)"});
    }
    return out;
}

std::vector<MethodTry> try_methods(const Candidate& c) {
    std::vector<MethodTry> out;
    if (driver::have_ieee1284()) out.push_back({"ieee1284", driver::open_hw_port(c.spec, "ieee1284")});
    out.push_back({"direct", driver::open_hw_port(c.spec, "direct")});
    return out;
}

}  // namespace papers::probe
