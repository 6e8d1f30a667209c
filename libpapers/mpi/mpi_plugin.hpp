// mpi_plugin.hpp — the contract between libpapers (mpi_loader.cpp, no MPI
// headers) and the plugin libpapers_mpi.so (mpi_backend.cpp, links libmpi).
//
// libpapers must not depend on libmpi, so the mpi backend lives in a plugin
// that libpapers dlopen()s only when PAPERS_BACKEND=mpi. Both sides are
// built from the same tree with the same compiler, so C++ types (Config,
// Backend) may cross the boundary; the ABI number catches a stale plugin.
// The plugin compiles its own copy of the stateless helpers (typeops,
// Backend's vtable) and exports nothing but the factory; the only state it
// needs from libpapers — the thread's error message — goes through `host`,
// which is right even when libpapers is linked statically into a program.
#pragma once
#include "../core/backend.hpp"
#include "../core/config.hpp"

namespace papers::mpi {

inline constexpr int kPluginAbi = 2;  // bump when Config, Backend or this struct changes

struct PluginHost {
    int abi;  // kPluginAbi of the libpapers that loads the plugin
    // Stores the message as papers_errmsg() and returns code (set_error).
    int (*set_error)(int code, const char* msg);
};

}  // namespace papers::mpi

// The plugin's factory: a Backend owned by the caller (delete it), or
// nullptr with *code < 0 and the message stored through host->set_error.
extern "C" papers::Backend* papers_mpi_backend_create(const papers::Config* cfg,
                                                      const papers::mpi::PluginHost* host,
                                                      int* code);
inline constexpr const char* kPapersMpiFactorySymbol = "papers_mpi_backend_create";
