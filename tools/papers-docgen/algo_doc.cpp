#include "algo_doc.hpp"

#include "markdown.hpp"

namespace papers::docgen {

std::string algorithms_doc(const std::vector<CollectiveDoc>& tables) {
    std::string d =
        "# Algorithms\n"
        "\n" +
        generated_note("the tables in libpapers/*/*_algorithms.hpp") +
        "\n"
        "Where a backend has more than one algorithm for a collective, it declares them in a\n"
        "table (`libpapers/core/algo_table.hpp`): a name, when it applies, and a cost. One\n"
        "selection function picks the applicable row of least cost, ties to the earlier row.\n"
        "`PAPERS_ALGORITHMS=collective=algorithm[:N],...` forces a row, e.g.\n"
        "`PAPERS_ALGORITHMS=barrier=central,reduce=split` on shm: it runs every call it can run\n"
        "(a forced row that does not apply to a call leaves that call to the automatic choice).\n"
        "Every rank must get the same string; naming an algorithm or a collective the backend\n"
        "does not have fails `papers_init` with `PAPERS_EINVAL`. Collectives not listed here have\n"
        "one algorithm on that backend (see the backend's doc).\n";
    const char* backend = "";
    for (const CollectiveDoc& t : tables) {
        if (std::string(backend) != t.backend) {
            backend = t.backend;
            d += "\n## " + std::string(backend) + "\n";
        }
        d += "\n### " + std::string(t.collective) + "\n\n";
        d += "| algorithm | when it applies | cost (" + std::string(t.cost_unit) +
             ") |\n|---|---|---|\n";
        for (const AlgorithmDoc& r : t.rows) {
            std::string name = "`" + std::string(r.name) + "`";
            if (r.parameter) name += " (`:N`: " + std::string(r.parameter) + ")";
            d += "| " + cell(name) + " | " + cell(r.when) + " | " + cell(r.cost) + " |\n";
        }
    }
    return d;
}

}  // namespace papers::docgen
