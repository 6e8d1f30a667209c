// papers-docgen — prints a generated doc: `papers-docgen env` is
// docs/environment.md, `papers-docgen algorithms` docs/algorithms.md,
// `papers-docgen errors` the error table of docs/api.md. See
// CMakeLists.txt for how the docs are kept equal to the code.
#include <cstdio>
#include <cstring>
#include <string>

#include "algo_doc.hpp"
#include "env_doc.hpp"
#include "errors_doc.hpp"
#include "tables.hpp"

int main(int argc, char** argv) {
    using namespace papers::docgen;
    const char* what = argc == 2 ? argv[1] : "";
    std::string out;
    if (!std::strcmp(what, "env")) {
        out = environment_doc(env_tables());
    } else if (!std::strcmp(what, "algorithms")) {
        out = algorithms_doc(algorithm_tables());
    } else if (!std::strcmp(what, "errors")) {
        out = errors_doc();
    } else {
        std::fprintf(stderr, "usage: papers-docgen env|algorithms|errors\n");
        return 2;
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
