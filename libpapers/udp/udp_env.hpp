// udp_env.hpp — variables of the udp backend (env_vars.hpp explains the
// tables), read by udp_factory.cpp. A job of one rank reads none of them.
#pragma once
#include "../core/env_vars.hpp"
#include "wire_format.hpp"

namespace papers::udp_env {

using env::Kind;
using env::Var;

inline constexpr Var kHosts{
    .name = "PAPERS_HOSTS", .kind = Kind::text,
    .description = "`host[:port]` of every rank, comma-separated, in rank order. `host` is an "
                   "IPv4 address, `[IPv6]` or a name; a missing port means 42000 + rank. Each "
                   "rank binds exactly its own entry. papersrun sets it. Parsed by "
                   "`libpapers/udp/peers.cpp`.",
    .syntax = "`host[:port],host[:port],...`"};
inline constexpr Var kKey{
    .name = "PAPERS_KEY", .kind = Kind::text,
    .description = "The job's 32-byte MAC key, the same on every rank. papersrun generates a "
                   "fresh one per job unless you exported one; never put it on a command line. "
                   "papers_init removes it from the process environment (and overwrites the "
                   "value in place), so programs the rank starts do not inherit it.",
    .syntax = "64 hex digits"};
inline constexpr Var kMtu{
    .name = "PAPERS_UDP_MTU", .kind = Kind::integer,
    .fallback = "16384 on loopback, else 1472",
    .description = "Largest datagram. 1472 is one Ethernet frame without IP fragments.",
    .min = udp::kMinDatagram, .max = udp::kMaxDatagram, .unit = "bytes"};
inline constexpr Var kRto{
    .name = "PAPERS_UDP_RTO", .kind = Kind::text, .fallback = "1000,2000",
    .description = "Tuning: the retransmit timer's first and longest interval, in "
                   "microseconds, 50 <= min <= max <= 10000000.",
    .syntax = "`min_us,max_us`"};
inline constexpr Var kFaults{
    .name = "PAPERS_UDP_FAULTS", .kind = Kind::text,
    .description = "**Tests only**: fault injection on sent datagrams "
                   "(`libpapers/udp/fault_injector.hpp`).",
    .syntax = "`drop=P,dup=P,delay=P,reorder=P,seed=N,delay_ms=MS`"};
inline constexpr Var kReport{
    .name = "PAPERS_UDP_REPORT", .kind = Kind::flag, .fallback = "0",
    .description = "Each rank prints its datagram counters to stderr when it finishes."};
inline constexpr Var kBind{
    .name = "PAPERS_UDP_BIND", .kind = Kind::choice, .fallback = "auto",
    .description = "`auto`: a host with more ranks than CPUs, an even multiple of them, binds "
                   "its ranks in consecutive blocks, one block per CPU; `0`: never bind.",
    .choices = "auto|0"};

inline constexpr const Var* kVars[] = {&kHosts,  &kKey,    &kMtu, &kRto,
                                       &kFaults, &kReport, &kBind};
inline constexpr env::Table kTable{"udp", "UDP (udp)", kVars};

}  // namespace papers::udp_env
