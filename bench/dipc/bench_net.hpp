// bench_net.hpp — the TCP plumbing of papers-bench-dipc: the control
// connection between the ranks, which is also the raw TCP reference.
#pragma once
#include <cstddef>

namespace papers::bench::dipc {

[[noreturn]] void die(const char* what);
void write_all(int fd, const void* p, std::size_t n);
void read_all(int fd, void* p, std::size_t n);
int tcp_listen_accept(int port);  // on 127.0.0.1, TCP_NODELAY
int tcp_connect(int port);        // to 127.0.0.1, retried for 5 s

}  // namespace papers::bench::dipc
