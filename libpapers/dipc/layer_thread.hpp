// layer_thread.hpp — a thread of the layer's own (the DSM service thread,
// the fault threads): detached, with a small stack and a name, and created
// with every signal blocked, so that none of the program's signals is ever
// delivered to it.
#pragma once
#include <cstddef>

namespace papers::dipc::client {

// 0, or pthread_create's error number.
int start_layer_thread(void* (*main)(void*), std::size_t stack_bytes, const char* name);

}  // namespace papers::dipc::client
