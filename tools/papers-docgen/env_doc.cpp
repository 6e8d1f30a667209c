#include "env_doc.hpp"

#include "markdown.hpp"

namespace papers::docgen {

std::string environment_doc(std::span<const env::Table* const> tables) {
    std::string d =
        "# Environment variables\n"
        "\n" +
        generated_note("the tables in libpapers/*/*_env.hpp and pmpi/pmpi_env.hpp") +
        "\n"
        "Every variable is declared once, in its component's table, and read through the one\n"
        "strict parser of `libpapers/core/env_vars.hpp`: unset and empty are the same; a\n"
        "malformed value makes `papers_init` fail with `PAPERS_EINVAL` and a message naming the\n"
        "variable, what it must be and what it was. papersrun sets the job's own variables\n"
        "(docs/papersrun.md); the rest are for tuning and tests.\n";
    for (const env::Table* t : tables) {
        d += "\n## " + std::string(t->title) + "\n\n";
        d += "| variable | values | default | meaning |\n|---|---|---|---|\n";
        for (const env::Var* v : t->vars)
            d += "| `" + std::string(v->name) + "` | " + cell(env::describe_values(*v)) + " | " +
                 cell(v->fallback) + " | " + cell(v->description) + " |\n";
    }
    return d;
}

}  // namespace papers::docgen
