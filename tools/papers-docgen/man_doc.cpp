#include "man_doc.hpp"

#include "papers/papers.h"

namespace papers::docgen {

namespace {

// Text for a roff line: backslashes escaped, `code` in bold, no line starting with a
// control character.
std::string roff(const std::string& s) {
    std::string out;
    bool code = false;
    for (char c : s) {
        if (c == '\\') {
            out += "\\e";
        } else if (c == '`') {
            out += code ? "\\fR" : "\\fB";
            code = !code;
        } else if (c == '-') {
            out += "\\-";
        } else {
            out += c;
        }
    }
    if (code) out += "\\fR";
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
    return out;
}

}  // namespace

std::string environment_man(std::span<const env::Table* const> tables) {
    std::string d;
    for (const env::Table* t : tables) {
        d += ".SS \"" + roff(t->title) + "\"\n";
        for (const env::Var* v : t->vars) {
            d += ".TP\n.B " + roff(v->name) + "\n";
            d += roff(v->description) + "\n";
            d += "Values: " + roff(env::describe_values(*v)) + "; default: " +
                 roff(v->fallback) + ".\n";
        }
    }
    return d;
}

std::string errors_man() {
    std::string d = ".TP\n.BR PAPERS_OK \" (0)\"\nsuccess\n";
#define PAPERS_MAN_ROW_(name, value, text, meaning)                                  \
    d += ".TP\n.BR PAPERS_" #name " \" (" + std::to_string(value) + ")\"\n" + roff(text) + \
         ": " + roff(meaning) + "\n";
    PAPERS_ERRNO_MAP(PAPERS_MAN_ROW_)
#undef PAPERS_MAN_ROW_
    return d;
}

}  // namespace papers::docgen
