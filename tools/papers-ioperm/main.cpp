// main.cpp — papers-ioperm: the giveioperm() of today (docs/papers-ioperm.md).
//
// Compiled twice: the real helper, and papers-ioperm-testbuild with
// PAPERS_IOPERM_FAKE_IOPERM, whose port grant always succeeds and which
// reads "ioperm.conf" next to its own executable instead of
// /etc/papers/ioperm.conf (and "ioports" instead of /proc/ioports), so the end-to-end test can run the whole
// sequence on a kernel without ioperm. The test build is never installed.
#include <unistd.h>

#include <climits>
#include <string>

#include "helper_run.hpp"

int main(int argc, char** argv) {
    papers::ioperm::HelperSetup setup;
#ifdef PAPERS_IOPERM_FAKE_IOPERM
    setup.ops = &papers::ioperm::fake_port_grant();
    char self[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return papers::ioperm::kExitConfig;
    std::string dir(self, static_cast<std::size_t>(n));
    setup.default_config = dir.substr(0, dir.rfind('/')) + "/ioperm.conf";
    setup.ioports = dir.substr(0, dir.rfind('/')) + "/ioports";
#else
    setup.ops = &papers::ioperm::real_port_grant();
#endif
    return papers::ioperm::run_helper(argc, argv, setup);
}
