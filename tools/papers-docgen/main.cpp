// papers-docgen — prints a generated doc: `papers-docgen env` is
// docs/environment.md, `papers-docgen algorithms` docs/algorithms.md,
// `papers-docgen errors` the error table of docs/api.md, `man-env` and `man-errors` the
// ENVIRONMENT and ERRORS sections of papers(3) (man/). See
// CMakeLists.txt for how the docs are kept equal to the code.
#include <cstdio>
#include <cstring>
#include <string>

#include "algo_doc.hpp"
#include "env_doc.hpp"
#include "errors_doc.hpp"
#include "man_doc.hpp"
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
    } else if (!std::strcmp(what, "man-env")) {  // papers(3), ENVIRONMENT
        out = environment_man(env_tables());
    } else if (!std::strcmp(what, "man-errors")) {  // papers(3), ERRORS
        out = errors_man();
    } else {
        std::fprintf(stderr, "usage: papers-docgen env|algorithms|errors|man-env|man-errors\n");
        return 2;
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
