// dipc_env.hpp — the environment variables of the DIPC interposer, declared
// once (core/env_vars.hpp): read by client_config.cpp, listed in
// docs/environment.md by tools/papers-docgen. papers-dipcd is configured by
// its flags and configuration file instead (config_table.cpp).
#pragma once
#include "core/env_vars.hpp"

namespace papers::dipc_env {

inline constexpr env::Var kSocket{
    .name = "PAPERS_DIPC_SOCKET",
    .kind = env::Kind::text,
    .fallback = "unset",
    .description = "The local papers-dipcd's Unix socket. Unset: `/run/papers-dipc/dipcd.sock` if a daemon "
                   "listens there, else no daemon is configured and every System V call goes to the kernel "
                   "untouched (docs/dipc.md). papersrun --dipc sets it for every rank.",
    .syntax = "a path"};

inline constexpr env::Var kKeys{
    .name = "PAPERS_DIPC_KEYS",
    .kind = env::Kind::text,
    .fallback = "flag",
    .description = "Which structures are distributed: `flag` those created with IPC_DIPC; `all` every one "
                   "(unmodified programs that never pass the flag); or a list of keys and ranges, which also "
                   "keeps the flag's meaning. Read only when a daemon is configured; a malformed value makes "
                   "every distributed call fail with EINVAL and prints one line on stderr.",
    .syntax = "flag | all | KEY[-KEY][,...] (decimal or 0x hex)"};

inline constexpr env::Var kDsmDirect{
    .name = "PAPERS_DIPC_DSM_DIRECT",
    .kind = env::Kind::flag,
    .fallback = "0",
    .description = "1: a read miss on a shared-memory page whose home is another host is asked of the home "
                   "on the process's own direct link, and the process writes the page into its host's copy "
                   "(docs/dipc-design.md, \"Direct read fetch\"): 10-20% faster misses. Off by default: a "
                   "link between two daemons that closes while both hosts stay in the cluster can lose the "
                   "home's notice of such a grant, and the page could then be read stale (the known gap in "
                   "docs/dipc-design.md). 0: every miss goes through the local daemon.",
    .syntax = "1 | 0"};

inline constexpr const env::Var* kVars[] = {&kSocket, &kKeys, &kDsmDirect};
inline constexpr env::Table kTable{"dipc", "DIPC interposer (libpapers_dipc.so)", kVars};

}  // namespace papers::dipc_env
