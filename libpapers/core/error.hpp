// error.hpp — the detailed message behind papers_errmsg().
#pragma once
#include <string>

namespace papers {

// Stores `msg` as this thread's last error and returns `code`, so a failure
// path reads `return set_error(PAPERS_EINVAL, "...")`.
int set_error(int code, std::string msg);
const std::string& last_error();

}  // namespace papers
