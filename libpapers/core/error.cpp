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
        case PAPERS_EINVAL: return "invalid argument";
        case PAPERS_ETIMEDOUT: return "timed out";
        case PAPERS_ENODEV: return "no device (hub, simulator or port not found)";
        case PAPERS_EVERSION: return "hub protocol version mismatch";
        case PAPERS_EMEMBERSHIP: return "membership mismatch (PEs do not match rank/size)";
        case PAPERS_EBROKEN: return "session broken by an earlier failure";
        case PAPERS_ENOTINIT: return "not initialised";
        case PAPERS_ERANK: return "rank out of range";
        case PAPERS_EMISMATCH: return "PEs disagree on the operation";
        case PAPERS_ENOTSUP: return "not supported";
        case PAPERS_ENOMEM: return "out of memory";
        case PAPERS_ESYS: return "operating-system error";
        case PAPERS_EPERM: return "permission denied";
        case PAPERS_EBUSY: return "busy (already initialised)";
        default: return "unknown error";
    }
}

extern "C" const char* papers_errmsg(void) {
    const std::string& m = papers::last_error();
    return m.c_str();
}
