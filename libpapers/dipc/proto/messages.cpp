#include "messages.hpp"

namespace papers::dipc::proto {

const char* op_name(Op op) {
    switch (op) {
        case Op::client_hello: return "client_hello";
        case Op::get: return "get";
        case Op::semop: return "semop";
        case Op::semctl: return "semctl";
        case Op::msgsnd: return "msgsnd";
        case Op::msgrcv: return "msgrcv";
        case Op::msgctl: return "msgctl";
        case Op::cancel: return "cancel";
        case Op::welcome: return "welcome";
        case Op::shmat: return "shmat";
        case Op::shmdt: return "shmdt";
        case Op::shmctl: return "shmctl";
        case Op::fault: return "fault";
        case Op::shm_inherit: return "shm_inherit";
        case Op::revoke: return "revoke";
        case Op::link_open: return "link_open";
        case Op::whereis: return "whereis";
        case Op::client_link: return "client_link";
        case Op::page_req: return "page_req";
        case Op::page_revoke: return "page_revoke";
        case Op::page_notice: return "page_notice";
        case Op::dsm_fetch: return "dsm_fetch";
        case Op::dsm_installed: return "dsm_installed";
        case Op::shm_attach: return "shm_attach";
        case Op::key_release: return "key_release";
        case Op::reply: return "reply";
        case Op::forward: return "forward";
        case Op::process_gone: return "process_gone";
        case Op::heartbeat: return "heartbeat";
        case Op::usage: return "usage";
        case Op::host_hello: return "host_hello";
        case Op::host_welcome: return "host_welcome";
        case Op::key_resolve: return "key_resolve";
        case Op::table_add: return "table_add";
        case Op::table_remove: return "table_remove";
        case Op::removed: return "removed";
        case Op::host_up: return "host_up";
        case Op::host_lost: return "host_lost";
        case Op::sync: return "sync";
    }
    return "unknown";
}

bool decode_header(const std::uint8_t* p, std::size_t n, Header& h, const char** why) {
    Decoder d(p, n < kHeaderBytes ? n : kHeaderBytes);
    d(h);
    if (d.ok() && h.reserved != 0) d.fail("reserved header field not 0");
    if (d.ok() && std::string_view(op_name(h.op)) == "unknown") d.fail("unknown op");
    if (why) *why = d.error();
    return d.ok();
}

}  // namespace papers::dipc::proto
