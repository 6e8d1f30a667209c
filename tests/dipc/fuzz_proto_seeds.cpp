#include "fuzz_proto_seeds.hpp"

#include "proto/ids.hpp"
#include "proto/messages.hpp"

namespace papers::dipc::fuzz {

namespace {

using namespace proto;
using Bytes = std::vector<std::uint8_t>;

Caller caller() {
    Caller c;
    c.host = 2;
    c.pid = 4242;
    c.start_time = 987654321;
    c.euid = 1000;
    c.egid = 100;
    c.groups = {100, 1002};
    return c;
}

struct Seeds {
    std::vector<Seed> out;
    template <class T>
    void frame(Op op, const std::string& variant, const T& msg, std::uint64_t request_id = 7) {
        Bytes b;
        encode_body(op, request_id, msg, b);
        out.push_back({std::string(op_name(op)) + (variant.empty() ? "" : "-" + variant) + ".bin", std::move(b)});
    }
    template <class T>
    void forward(Op inner_op, const T& msg) {
        frame(Op::forward, op_name(inner_op), Forward{caller(), inner_op, encode_payload(msg)}, 9);
    }
    template <class T>
    void reply(const std::string& what, std::int64_t ret, const T& payload) {
        frame(Op::reply, what, Reply{ret, 0, encode_payload(payload)});
        out.push_back({"record-" + what + ".bin", encode_payload(payload)});
    }
};

}  // namespace

std::vector<Seed> proto_seeds() {
    Seeds s;
    const std::int32_t id = make_id(3, 17);

    s.frame(Op::client_hello, "", ClientHello{});
    s.frame(Op::client_hello, "dsm", ClientHello{kProtocolVersion, 1});
    Limits limits;
    limits.semopm = 6;
    s.frame(Op::welcome, "", Welcome{kProtocolVersion, 3, limits, 100, 1000});

    s.frame(Op::get, "sem", GetReq{Kind::sem, 0x51, 01666, 4, -1, false});
    s.frame(Op::get, "create", GetReq{Kind::msg, 0, 01600, 0, id, true});
    SemopReq semop{id, {{0, -1, 04000}, {3, 2, 010000}, {1, 0, 0}}, 50000};
    s.frame(Op::semop, "", semop);
    SemctlReq setall{id, 0, 17, 0, {1, 2, 3, 32767}, {}};
    s.frame(Op::semctl, "setall", setall);
    SemctlReq ipcset{id, 2, 1, 0, {}, {1000, 100, 0640, 0}};
    s.frame(Op::semctl, "ipc_set", ipcset);
    MsgsndReq msgsnd{id, 3, {'h', 'e', 'l', 'l', 'o'}, 04000};
    s.frame(Op::msgsnd, "", msgsnd);
    MsgrcvReq msgrcv{id, 64, -3, 020000};
    s.frame(Op::msgrcv, "", msgrcv);
    MsgctlReq msgctl{id, 1, {0, 0, 0600, 1024}};
    s.frame(Op::msgctl, "", msgctl);
    s.frame(Op::cancel, "", CancelReq{6});

    s.frame(Op::shmat, "", ShmatReq{id, 010000});
    s.frame(Op::shmdt, "", ShmdtReq{11});
    s.frame(Op::shmctl, "", ShmctlReq{id, 2, {}});
    s.frame(Op::fault, "", FaultReq{11, 5, true});
    s.frame(Op::shm_inherit, "", ShmInherit{{11, 12}});
    s.frame(Op::revoke, "", Revoke{11, id, 5, 2, 1, 99});
    s.frame(Op::reply, "error", Reply{-1, 22, {}});
    s.frame(Op::link_open, "", LinkOpen{2});
    s.frame(Op::whereis, "", TableRef{Kind::msg, id});
    s.frame(Op::client_link, "", caller());

    s.forward(Op::get, GetReq{Kind::sem, 0x52, 0600, 2, id, false});
    s.forward(Op::semop, semop);
    s.forward(Op::semctl, setall);
    s.forward(Op::msgsnd, msgsnd);
    s.forward(Op::msgrcv, msgrcv);
    s.forward(Op::msgctl, msgctl);
    s.forward(Op::shmat, ShmatReq{id, 0});
    s.forward(Op::shmctl, ShmctlReq{id, 0, {}});
    s.forward(Op::shm_attach, ShmAttachNote{id, 1, 4242});

    s.frame(Op::process_gone, "", ProcessGone{2, 4242, 987654321});
    s.frame(Op::heartbeat, "", Empty{}, 0);
    s.frame(Op::usage, "", UsageReq{Kind::msg});
    HostEntry alpha{1, "alpha", "10.0.0.1", 7751};
    HostEntry beta{2, "beta", "fd00::2", 7752};
    s.frame(Op::host_hello, "", HostHello{kProtocolVersion, alpha});
    TableEntry entry{Kind::sem, 0x51, id, 2, 4};
    s.frame(Op::host_welcome, "", HostWelcome{2, limits, {alpha, beta}, {entry, {Kind::msg, 0, make_id(0, 1), 1, 0}}});
    s.frame(Op::key_resolve, "", KeyResolve{Kind::sem, 0x51, 01000, 4});
    s.frame(Op::table_add, "", entry);
    s.frame(Op::table_remove, "", TableRef{Kind::sem, id});
    s.frame(Op::removed, "", TableRef{Kind::msg, id});
    s.frame(Op::host_up, "", beta);
    s.frame(Op::host_lost, "", HostRef{2});
    s.frame(Op::page_req, "", PageReq{id, 5, false});
    s.frame(Op::page_revoke, "", PageRevoke{id, 5, 1, true});
    s.frame(Op::page_notice, "", PageNotice{id, 5, 11, 4242, 777, 3, Bytes(64, 0x5c)});
    s.frame(Op::dsm_fetch, "", DsmFetch{id, 5, 11, 3});
    s.frame(Op::dsm_installed, "", DsmInstalled{11, 5, 3, true});
    s.frame(Op::shm_attach, "", ShmAttachNote{id, -1, 4242});
    s.frame(Op::key_release, "", TableRef{Kind::shm, id});
    s.frame(Op::sync, "", Empty{});

    IpcPermRec perm{0x51, 1000, 100, 1000, 100, 0640, 17};
    s.reply("SemDsRec", 0, SemDsRec{perm, 1700000000, 1700000001, 4});
    s.reply("MsgDsRec", 0, MsgDsRec{perm, 1700000000, 1700000002, 1700000003, 10, 2, 16384, 4242, 4243});
    s.reply("SemInfoRec", 32003, SemInfoRec{1024000000, 768, 1024000000, 1024000000, 32000, 500, 500, 20, 32767, 32767});
    s.reply("MsgInfoRec", 32003, MsgInfoRec{32000, 16384, 8192, 16384, 768, 16, 16384, 0xffff});
    s.reply("SemValues", 0, SemValues{{0, 1, 32767}});
    s.reply("MsgText", 5, MsgText{3, {'h', 'e', 'l', 'l', 'o'}});
    s.reply("ShmDsRec", 0, ShmDsRec{perm, 8192, 1, 2, 3, 4242, 4243, 2});
    s.reply("ShmInfoRec", 0, ShmInfoRec{1u << 30, 1, 768, 4096, 1u << 20});
    s.reply("ShmUsageRec", 1, ShmUsageRec{1, 2, 2, 0, 0, 0});
    s.reply("Usage", 0, Usage{3, 12, 640});
    s.reply("Resolved", id, Resolved{id, 2, true});
    s.reply("ShmAttach", 0, ShmAttach{11, 8192, 4096});
    s.reply("Grant", 0, Grant{2, 99});
    s.reply("PageGrant", 0, PageGrant{2, Bytes(64, 0xab), 1});
    s.reply("DsmFetched", 0, DsmFetched{Bytes(64, 0xef)});
    s.reply("PageBytes", 0, PageBytes{Bytes(64, 0xcd)});
    s.reply("LinkHandover", 0, LinkHandover{Bytes(96, 0x5a), Bytes(20, 0x33)});
    return s.out;
}

}  // namespace papers::dipc::fuzz
