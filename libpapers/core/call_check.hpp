// call_check.hpp — PAPERS_DEBUG=1: before each collective every PE checks
// that all PEs are about to make the same call with the same arguments
// (call_tag.hpp), on any backend, through the backend's own operations.
#pragma once
#include "backend.hpp"
#include "call_tag.hpp"

namespace papers {

// Collective. 0 when every PE passed an equal tag; PAPERS_EMISMATCH (on
// every PE) naming this PE's call and the first PE whose call differs; or
// the error of the exchange itself. `api` names the C call in the message.
//
// Cost: one BOR all-reduce of 16 bytes (the tag and its complement: every
// bit is the same on all PEs exactly when both ORs are complementary), and
// only on a disagreement a gather of the 8-byte tags to name the other PE.
// On the hub that is 32 exchanges per checked call.
int check_same_call(Backend& b, int rank, int size, const CallTag& mine, const char* api);

}  // namespace papers
