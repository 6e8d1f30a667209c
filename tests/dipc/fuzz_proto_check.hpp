// fuzz_proto_check.hpp — the invariants of the DIPC wire decoders
// (libpapers/dipc/proto), for the libFuzzer target dipc_proto_fuzz and for
// the corpus test that replays the checked-in seeds without libFuzzer.
//
// Any bytes are fed to decode_header and, when it accepts them, to the
// decoder of the op's message (a forward's inner call by its inner op, a
// reply's payload as every payload record); and the whole input to the
// decoder of every message and record. Whatever a decoder accepts must
// encode back to exactly the bytes it came from (the encoding is canonical:
// fixed-width integers, counted sequences, booleans 0 or 1), and decode
// again. A decoder must never read out of bounds or allocate beyond its
// input (ASan, and libFuzzer's -rss_limit_mb, watch that).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "proto/messages.hpp"

namespace papers::dipc::fuzz {

struct CheckResult {
    std::string broken;       // the first invariant that failed; empty if none
    bool header_ok = false;   // decode_header accepted the input
    bool message_ok = false;  // ... and the op's message decoder the rest
    int accepted = 0;         // decoders that accepted the whole input as their record
};

CheckResult check_decoders(const std::uint8_t* data, std::size_t size);

// The message struct a frame of `op` carries, for `visit(T{})`; false for
// an op with no body of its own.
template <class Visit>
bool with_message_of(proto::Op op, Visit&& visit) {
    using namespace proto;
    switch (op) {
        case Op::client_hello: visit(ClientHello{}); return true;
        case Op::get: visit(GetReq{}); return true;
        case Op::semop: visit(SemopReq{}); return true;
        case Op::semctl: visit(SemctlReq{}); return true;
        case Op::msgsnd: visit(MsgsndReq{}); return true;
        case Op::msgrcv: visit(MsgrcvReq{}); return true;
        case Op::msgctl: visit(MsgctlReq{}); return true;
        case Op::cancel: visit(CancelReq{}); return true;
        case Op::welcome: visit(Welcome{}); return true;
        case Op::shmat: visit(ShmatReq{}); return true;
        case Op::shmdt: visit(ShmdtReq{}); return true;
        case Op::shmctl: visit(ShmctlReq{}); return true;
        case Op::fault: visit(FaultReq{}); return true;
        case Op::shm_inherit: visit(ShmInherit{}); return true;
        case Op::revoke: visit(Revoke{}); return true;
        case Op::link_open: visit(LinkOpen{}); return true;
        case Op::whereis: visit(TableRef{}); return true;
        case Op::client_link: visit(Caller{}); return true;
        case Op::reply: visit(Reply{}); return true;
        case Op::forward: visit(Forward{}); return true;
        case Op::process_gone: visit(ProcessGone{}); return true;
        case Op::heartbeat: visit(Empty{}); return true;
        case Op::usage: visit(UsageReq{}); return true;
        case Op::host_hello: visit(HostHello{}); return true;
        case Op::host_welcome: visit(HostWelcome{}); return true;
        case Op::key_resolve: visit(KeyResolve{}); return true;
        case Op::table_add: visit(TableEntry{}); return true;
        case Op::table_remove: visit(TableRef{}); return true;
        case Op::removed: visit(TableRef{}); return true;
        case Op::host_up: visit(HostEntry{}); return true;
        case Op::host_lost: visit(HostRef{}); return true;
        case Op::page_req: visit(PageReq{}); return true;
        case Op::page_revoke: visit(PageRevoke{}); return true;
        case Op::page_notice: visit(PageNotice{}); return true;
        case Op::dsm_fetch: visit(DsmFetch{}); return true;
        case Op::dsm_installed: visit(DsmInstalled{}); return true;
        case Op::shm_attach: visit(ShmAttachNote{}); return true;
        case Op::key_release: visit(TableRef{}); return true;
        case Op::sync: visit(Empty{}); return true;
    }
    return false;
}

}  // namespace papers::dipc::fuzz
