#include "fuzz_proto_check.hpp"

#include <cstring>
#include <vector>

namespace papers::dipc::fuzz {

namespace {

using namespace proto;
using Bytes = std::vector<std::uint8_t>;

template <class... T>
struct Types {};

// Every message and record of messages.hpp (Header has its own decoder).
using AllRecords =
    Types<Caller, Limits, ClientHello, Welcome, GetReq, SemBuf, SemopReq, IpcSetRec, SemctlReq, MsgsndReq, MsgrcvReq,
          MsgctlReq, CancelReq, Reply, ShmatReq, ShmAttach, ShmdtReq, ShmctlReq, FaultReq, Grant, Revoke, ShmInherit,
          PageReq, PageGrant, PageRevoke, PageBytes, DsmFetch, DsmFetched, PageNotice, DsmInstalled, ShmAttachNote, IpcPermRec, SemDsRec, MsgDsRec, SemInfoRec,
          MsgInfoRec, SemValues, MsgText, ShmDsRec, ShmInfoRec, ShmUsageRec, Usage, Forward, ProcessGone, UsageReq,
          HostEntry, HostRef, TableEntry, TableRef, HostHello, HostWelcome, KeyResolve, Resolved, LinkOpen,
          LinkHandover, Empty>;

// What a reply's payload may be.
using ReplyPayloads = Types<SemDsRec, MsgDsRec, SemInfoRec, MsgInfoRec, SemValues, MsgText, ShmDsRec, ShmInfoRec,
                            ShmUsageRec, Usage, Resolved, ShmAttach, Grant, PageGrant, PageBytes, DsmFetched, Welcome,
                            LinkHandover>;

template <class T>
const char* type_name(const T*) {
    return __PRETTY_FUNCTION__;  // names T; only for failure messages
}

// Decodes p[0..n) as T; if it is accepted, checks the round trip and
// returns true with the message in `out`.
template <class T>
bool round_trip(const std::uint8_t* p, std::size_t n, T& out, CheckResult& r) {
    if (!decode_payload(p, n, out)) return false;
    Bytes again = encode_payload(out);
    if (again.size() != n || (n && std::memcmp(again.data(), p, n) != 0)) {
        if (r.broken.empty())
            r.broken = std::string(type_name(&out)) + ": decoded " + std::to_string(n) + " bytes re-encode as " +
                       std::to_string(again.size()) + " different bytes";
        return true;
    }
    T second;
    if (!decode_payload(again, second) || encode_payload(second) != again) {
        if (r.broken.empty()) r.broken = std::string(type_name(&out)) + ": its own encoding does not round-trip";
    }
    return true;
}

template <class... T>
int accept_each(Types<T...>, const std::uint8_t* p, std::size_t n, CheckResult& r) {
    int accepted = 0;
    auto one = [&](auto tag) {
        decltype(tag) msg;
        if (round_trip(p, n, msg, r)) ++accepted;
    };
    (one(T{}), ...);
    return accepted;
}

// The body after a header: the op's message; a forward's inner call; a
// reply's payload as each record it may be.
void check_body(Op op, std::uint64_t request_id, const std::uint8_t* whole, std::size_t size, CheckResult& r,
                int depth) {
    const std::uint8_t* p = whole + kHeaderBytes;
    const std::size_t n = size - kHeaderBytes;
    with_message_of(op, [&](auto tag) {
        decltype(tag) msg;
        if (!round_trip(p, n, msg, r)) return;
        if (depth == 0) r.message_ok = true;
        Bytes body;
        encode_body(op, request_id, msg, body);
        if ((body.size() != size || std::memcmp(body.data(), whole, size) != 0) && r.broken.empty())
            r.broken = std::string("frame of op ") + op_name(op) + ": encode_body differs from the input";
        if constexpr (std::is_same_v<decltype(msg), Forward>) {
            // The owner decodes the inner call as its op's message.
            Bytes inner;
            encode_body_raw(msg.inner_op, 0, msg.inner, inner);
            if (depth < 2 && std::string_view(op_name(msg.inner_op)) != "unknown")
                check_body(msg.inner_op, 0, inner.data(), inner.size(), r, depth + 1);
        }
        if constexpr (std::is_same_v<decltype(msg), Reply>) {
            accept_each(ReplyPayloads{}, msg.payload.data(), msg.payload.size(), r);
        }
    });
}

}  // namespace

CheckResult check_decoders(const std::uint8_t* data, std::size_t size) {
    CheckResult r;
    Header h;
    if (decode_header(data, size, h)) {
        r.header_ok = true;
        if (size < kHeaderBytes && r.broken.empty()) r.broken = "decode_header accepted a short header";
        if (std::string_view(op_name(h.op)) == "unknown" && r.broken.empty())
            r.broken = "decode_header accepted an unknown op";
        Bytes head;
        Encoder e(head);
        e(h);
        if ((head.size() != kHeaderBytes || std::memcmp(head.data(), data, kHeaderBytes) != 0) && r.broken.empty())
            r.broken = "the header re-encodes differently";
        if (r.broken.empty()) check_body(h.op, h.request_id, data, size, r, 0);
    }
    r.accepted = accept_each(AllRecords{}, data, size, r);
    return r;
}

}  // namespace papers::dipc::fuzz
