// mpi_loader.cpp — PAPERS_BACKEND=mpi without linking libpapers to libmpi:
// finds and dlopen()s the plugin libpapers_mpi.so (mpi_plugin.hpp) and asks
// it for a Backend. Where it looks, in order:
//   1. $PAPERS_MPI_PLUGIN, a path to the plugin (then nowhere else);
//   2. the directory of the file holding libpapers (libpapers.so's own
//      directory, or the program's when libpapers is linked statically);
//   3. ../lib next to that directory (a static program in bin/);
//   4. the dynamic linker's search path (LD_LIBRARY_PATH, ld.so.cache).
// The plugin stays loaded for the life of the process: MPI cannot be
// initialised twice, so unloading it would gain nothing.
#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "mpi_env.hpp"
#include "../core/error.hpp"
#include "mpi_plugin.hpp"

namespace papers::mpi {

std::unique_ptr<Backend> make_mpi_backend(const Config& cfg, int* code);

namespace {

constexpr const char* kPluginFile = "libpapers_mpi.so";

int host_set_error(int code, const char* msg) { return set_error(code, msg ? msg : ""); }

bool file_exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

// Directory of the loaded object that contains this function.
std::string own_directory() {
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void*>(&make_mpi_backend), &info) || !info.dli_fname)
        return {};
    std::string path = info.dli_fname;
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

using Factory = decltype(&papers_mpi_backend_create);

// Loads the plugin once; returns its factory or nullptr with `why` set.
Factory load_factory(std::string& why) {
    static std::mutex mu;
    static Factory factory = nullptr;
    std::lock_guard<std::mutex> lock(mu);
    if (factory) return factory;

    std::vector<std::string> candidates;
    env::Reader in(mpi_env::kTable);
    if (const std::string forced = in.text(mpi_env::kPlugin); !forced.empty()) {
        candidates.push_back(forced);
    } else {
        const std::string dir = own_directory();
        if (!dir.empty()) {
            candidates.push_back(dir + "/" + kPluginFile);
            candidates.push_back(dir + "/../lib/" + kPluginFile);
        }
        candidates.push_back(kPluginFile);  // bare name: the linker's search path
    }

    std::string tried;
    for (const std::string& c : candidates) {
        const bool bare = c.find('/') == std::string::npos;
        if (!bare && !file_exists(c)) {
            tried += (tried.empty() ? "" : ", ") + c;
            continue;
        }
        // RTLD_GLOBAL: Open MPI loads its own components later and expects
        // libmpi's symbols to be globally visible (as mpi4py does).
        void* h = dlopen(c.c_str(), RTLD_NOW | RTLD_GLOBAL);
        if (!h) {
            const char* e = dlerror();
            if (bare) {  // not found on the search path: report all places tried
                tried += (tried.empty() ? "" : ", ") + c + " on the library search path";
                continue;
            }
            why = "cannot load the MPI plugin " + c + ": " + (e ? e : "dlopen failed") +
                  " (is Open MPI installed? apt-get install openmpi-bin libopenmpi-dev)";
            return nullptr;
        }
        auto f = reinterpret_cast<Factory>(dlsym(h, kPapersMpiFactorySymbol));
        if (!f) {
            why = c + " is not a papers MPI plugin (no symbol " + kPapersMpiFactorySymbol + ")";
            return nullptr;
        }
        factory = f;
        return factory;
    }
    why = "the mpi backend needs the plugin " + std::string(kPluginFile) +
          ", which was not found (tried " + tried +
          "); build it (CMake finds MPI with find_package(MPI)) or set PAPERS_MPI_PLUGIN to its "
          "path";
    return nullptr;
}

}  // namespace

std::unique_ptr<Backend> make_mpi_backend(const Config& cfg, int* code) {
    std::string why;
    Factory f = load_factory(why);
    if (!f) {
        *code = set_error(PAPERS_ENODEV, why);
        return nullptr;
    }
    const PluginHost host{kPluginAbi, &host_set_error};
    *code = PAPERS_OK;
    std::unique_ptr<Backend> b(f(&cfg, &host, code));
    if (!b && *code == PAPERS_OK) *code = set_error(PAPERS_ENODEV, "the MPI plugin failed");
    return b;
}

}  // namespace papers::mpi
