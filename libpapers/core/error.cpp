#include "error.hpp"

#include "papers/papers.h"

namespace papers {

namespace {
thread_local std::string g_last;
}

int set_error(int code, std::string msg) {
    g_last = std::move(msg);
    return code;
}

const std::string& last_error() { return g_last; }

}  // namespace papers

extern "C" const char* papers_strerror(int code) {
    switch (code) {
        case PAPERS_OK: return "success";
#define PAPERS_STRERROR_CASE_(name, value, text, meaning) \
    case PAPERS_##name: return text;
        PAPERS_ERRNO_MAP(PAPERS_STRERROR_CASE_)
#undef PAPERS_STRERROR_CASE_
        default: return "unknown error";
    }
}

extern "C" const char* papers_errmsg(void) {
    const std::string& m = papers::last_error();
    return m.c_str();
}
