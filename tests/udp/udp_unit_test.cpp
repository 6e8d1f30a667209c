// udp_unit_test — the pieces of the udp backend without a network: the
// datagram parser, the MAC, the host list, the fault spec and injector, the
// reassembly store.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "udp/fault_injector.hpp"
#include "udp/mac.hpp"
#include "udp/message_store.hpp"
#include "udp/peers.hpp"
#include "udp/wire_format.hpp"

using namespace papers::udp;

namespace {

Key key_of(std::uint8_t seed) {
    Key k;
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = std::uint8_t(seed + i * 7);
    return k;
}

const ReceiverIdentity kEx{0x1234, 4, 2};

std::vector<std::uint8_t> make(const Header& h0, const std::vector<std::uint8_t>& payload, const Mac& mac) {
    Header h = h0;
    h.payload_len = std::uint32_t(payload.size());
    std::vector<std::uint8_t> d(kHeaderBytes + payload.size() + kMacBytes);
    encode_header(h, d.data());
    if (!payload.empty()) std::memcpy(d.data() + kHeaderBytes, payload.data(), payload.size());
    mac.compute(d.data(), kHeaderBytes + payload.size(), d.data() + kHeaderBytes + payload.size());
    return d;
}

Header data_header(std::uint64_t total, std::uint32_t stride, std::uint32_t frag) {
    Header h;
    h.kind = Kind::data;
    h.opkind = OpKind::gather;
    h.round = 3;
    h.sender = 1;
    h.receiver = 2;
    h.job = 0x1234;
    h.op = 77;
    h.total = total;
    h.stride = stride;
    h.frag = frag;
    return h;
}

Verdict parse(const std::vector<std::uint8_t>& d, const Mac& mac, Header& h) {
    const std::uint8_t* p = nullptr;
    return parse_datagram(d.data(), d.size(), mac, kEx, h, p);
}

}  // namespace

TEST(UdpWire, DataRoundTrip) {
    const Mac mac(key_of(1));
    std::vector<std::uint8_t> pay(100);
    for (std::size_t i = 0; i < pay.size(); ++i) pay[i] = std::uint8_t(i * 3);
    const auto d = make(data_header(1100, 500, 2), pay, mac);
    Header h;
    const std::uint8_t* p = nullptr;
    ASSERT_EQ(parse_datagram(d.data(), d.size(), mac, kEx, h, p), Verdict::ok);
    EXPECT_EQ(h.op, 77u);
    EXPECT_EQ(h.frag, 2u);
    EXPECT_EQ(h.total, 1100u);
    EXPECT_EQ(h.opkind, OpKind::gather);
    EXPECT_EQ(std::memcmp(p, pay.data(), pay.size()), 0);
}

TEST(UdpWire, EveryFlippedBitIsRejected) {
    const Mac mac(key_of(1));
    const auto good = make(data_header(20, 500, 0), std::vector<std::uint8_t>(20, 9), mac);
    for (std::size_t i = 0; i < good.size(); ++i)
        for (int bit = 0; bit < 8; ++bit) {
            auto d = good;
            d[i] ^= std::uint8_t(1 << bit);
            Header h;
            EXPECT_NE(parse(d, mac, h), Verdict::ok) << "byte " << i << " bit " << bit;
        }
}

TEST(UdpWire, TruncatedAndOversizedAreMalformed) {
    const Mac mac(key_of(1));
    const auto good = make(data_header(20, 500, 0), std::vector<std::uint8_t>(20, 9), mac);
    for (std::size_t n = 0; n < good.size(); ++n) {
        std::vector<std::uint8_t> d(good.begin(), good.begin() + std::ptrdiff_t(n));
        Header h;
        EXPECT_EQ(parse(d, mac, h), Verdict::malformed) << n;
    }
    auto longer = good;
    longer.push_back(0);
    Header h;
    EXPECT_EQ(parse(longer, mac, h), Verdict::malformed);
}

TEST(UdpWire, WrongKeyAndWrongJob) {
    const Mac mac(key_of(1)), other(key_of(2));
    Header h;
    EXPECT_EQ(parse(make(data_header(0, 500, 0), {}, other), mac, h), Verdict::bad_mac);
    Header j = data_header(0, 500, 0);
    j.job = 99;
    EXPECT_EQ(parse(make(j, {}, mac), mac, h), Verdict::wrong_job);
}

TEST(UdpWire, AuthenticButInconsistentFieldsAreMalformed) {
    const Mac mac(key_of(1));
    Header h;
    auto bad = [&](Header x, std::vector<std::uint8_t> pay) { return parse(make(x, pay, mac), mac, h); };
    Header x = data_header(1100, 500, 3);  // only fragments 0..2 exist
    EXPECT_EQ(bad(x, std::vector<std::uint8_t>(100)), Verdict::malformed);
    x = data_header(1100, 500, 1);  // fragment 1 is 500 bytes, not 100
    EXPECT_EQ(bad(x, std::vector<std::uint8_t>(100)), Verdict::malformed);
    x = data_header(1100, 0, 0);  // no stride
    EXPECT_EQ(bad(x, {}), Verdict::malformed);
    x = data_header(kMaxMessageBytes + 1, 60000, 0);
    EXPECT_EQ(bad(x, std::vector<std::uint8_t>(60000)), Verdict::malformed);
    x = data_header(0, 500, 0);
    x.sender = 4;  // size is 4
    EXPECT_EQ(bad(x, {}), Verdict::malformed);
    x.sender = 2;  // ourselves
    EXPECT_EQ(bad(x, {}), Verdict::malformed);
    x = data_header(0, 500, 0);
    x.receiver = 3;  // meant for another rank
    EXPECT_EQ(bad(x, {}), Verdict::malformed);
    x = data_header(0, 500, 0);
    x.kind = static_cast<Kind>(9);
    EXPECT_EQ(bad(x, {}), Verdict::malformed);
    x = data_header(0, 500, 0);
    x.opkind = static_cast<OpKind>(0);
    EXPECT_EQ(bad(x, {}), Verdict::malformed);
}

TEST(UdpWire, ControlMessages) {
    const Mac mac(key_of(1));
    Header h = data_header(0, 0, 0);
    h.kind = Kind::req;
    std::vector<std::uint8_t> req(kReqFixedBytes + 2, 0);
    put_u32(req.data(), 5);
    put_u32(req.data() + 4, 16);
    Header out;
    EXPECT_EQ(parse(make(h, req, mac), mac, out), Verdict::ok);
    put_u32(req.data() + 4, 17);  // bitmap too short for 17 bits
    EXPECT_EQ(parse(make(h, req, mac), mac, out), Verdict::malformed);
    put_u32(req.data() + 4, kMaxReqBits + 8);
    req.resize(kReqFixedBytes + (kMaxReqBits + 8) / 8);
    EXPECT_EQ(parse(make(h, req, mac), mac, out), Verdict::malformed);
    h.kind = Kind::done;
    EXPECT_EQ(parse(make(h, {}, mac), mac, out), Verdict::ok);
    EXPECT_EQ(parse(make(h, {1}, mac), mac, out), Verdict::malformed);
    h.kind = Kind::stall;
    std::vector<std::uint8_t> st(kStallBytes, 0);
    put_u16(st.data(), 3);
    EXPECT_EQ(parse(make(h, st, mac), mac, out), Verdict::ok);
    put_u16(st.data(), 4);  // not a rank
    EXPECT_EQ(parse(make(h, st, mac), mac, out), Verdict::malformed);
}

TEST(UdpWire, RandomBytesNeverParse) {
    const Mac mac(key_of(1));
    std::mt19937 rng(7);
    for (int i = 0; i < 20000; ++i) {
        std::vector<std::uint8_t> d(rng() % 300);
        for (auto& b : d) b = std::uint8_t(rng());
        if (d.size() >= 8 && (i & 1)) {  // a plausible start
            put_u32(d.data(), kMagic);
            d[4] = kVersion;
            if (d.size() >= kOverhead) put_u32(d.data() + 12, std::uint32_t(d.size() - kOverhead));
        }
        Header h;
        EXPECT_NE(parse(d, mac, h), Verdict::ok);
    }
}

TEST(UdpKey, HexParsing) {
    Key k;
    std::string err;
    EXPECT_TRUE(key_from_hex(std::string(64, 'f'), k, err)) << err;
    EXPECT_EQ(k[0], 0xff);
    EXPECT_FALSE(key_from_hex("abcd", k, err));
    EXPECT_NE(err.find("64 hex digits"), std::string::npos);
    EXPECT_FALSE(key_from_hex(std::string(63, 'a') + "g", k, err));
    EXPECT_NE(err.find("hex digits"), std::string::npos);
}

TEST(UdpHosts, ParsesEntriesAndDefaults) {
    std::vector<HostEntry> e;
    std::string err;
    ASSERT_TRUE(parse_host_list("127.0.0.1:40001, localhost ,[::1]:7", 3, e, err)) << err;
    EXPECT_EQ(e[0].host, "127.0.0.1");
    EXPECT_EQ(e[0].port, 40001u);
    EXPECT_EQ(e[1].host, "localhost");
    EXPECT_EQ(e[1].port, kDefaultPortBase + 1);
    EXPECT_EQ(e[2].host, "::1");
    EXPECT_EQ(e[2].port, 7u);
    std::vector<Peer> peers;
    ASSERT_TRUE(resolve_peers(e, peers, err)) << err;
    EXPECT_EQ(peers[0].label, "127.0.0.1:40001");
    EXPECT_EQ(peers[2].label, "[::1]:7");
}

TEST(UdpHosts, RejectsBadLists) {
    std::vector<HostEntry> e;
    std::string err;
    EXPECT_FALSE(parse_host_list("a:1,b:2", 3, e, err));
    EXPECT_NE(err.find("lists 2 host(s) but PAPERS_SIZE is 3"), std::string::npos) << err;
    EXPECT_FALSE(parse_host_list("a:1,,b:2", 3, e, err));
    EXPECT_NE(err.find("entry 1"), std::string::npos) << err;
    EXPECT_FALSE(parse_host_list("a:0", 1, e, err));
    EXPECT_FALSE(parse_host_list("a:70000", 1, e, err));
    EXPECT_FALSE(parse_host_list("a:x", 1, e, err));
    EXPECT_FALSE(parse_host_list("::1:5", 1, e, err));
    std::vector<Peer> peers;
    ASSERT_TRUE(parse_host_list("127.0.0.1:5,127.0.0.1:5", 2, e, err));
    EXPECT_FALSE(resolve_peers(e, peers, err));
    EXPECT_NE(err.find("listed twice"), std::string::npos) << err;
    ASSERT_TRUE(parse_host_list("no-such-host.invalid:5", 1, e, err));
    EXPECT_FALSE(resolve_peers(e, peers, err));
    EXPECT_NE(err.find("cannot resolve"), std::string::npos) << err;
}

TEST(UdpFaultSpec, Parses) {
    FaultSpec s;
    std::string err;
    ASSERT_TRUE(parse_fault_spec("drop=0.2,dup=0.1,delay=0.1,reorder=0.3,seed=5,delay_ms=2", s, err)) << err;
    EXPECT_DOUBLE_EQ(s.drop, 0.2);
    EXPECT_DOUBLE_EQ(s.reorder, 0.3);
    EXPECT_EQ(s.seed, 5u);
    EXPECT_FALSE(parse_fault_spec("drop=2", s, err));
    EXPECT_FALSE(parse_fault_spec("lose=0.1", s, err));
    EXPECT_NE(err.find("unknown key"), std::string::npos);
    EXPECT_FALSE(parse_fault_spec("drop", s, err));
}

TEST(UdpFaultInjector, DropsDuplicatesAndReorders) {
    std::vector<int> seen;
    FaultSpec s;
    s.drop = 0.5;
    FaultInjector drop(s, 0, [&](const std::uint8_t* d, std::size_t, int) { seen.push_back(d[0]); });
    for (int i = 0; i < 1000; ++i) {
        const std::uint8_t b = std::uint8_t(i);
        drop.submit(&b, 1, 0);
    }
    EXPECT_GT(seen.size(), 400u);
    EXPECT_LT(seen.size(), 600u);
    EXPECT_EQ(drop.counters().dropped + seen.size(), 1000u);

    seen.clear();
    s = FaultSpec{};
    s.reorder = 0.5;
    FaultInjector re(s, 0, [&](const std::uint8_t* d, std::size_t, int) { seen.push_back(d[0]); });
    for (int i = 0; i < 100; ++i) {
        const std::uint8_t b = std::uint8_t(i);
        re.submit(&b, 1, 0);
    }
    re.release_due(FaultInjector::Clock::time_point::max());
    ASSERT_EQ(seen.size(), 100u);  // nothing lost
    bool out_of_order = false;
    for (std::size_t i = 1; i < seen.size(); ++i) out_of_order |= seen[i] < seen[i - 1];
    EXPECT_TRUE(out_of_order);
}

TEST(UdpInbox, ReassemblesOutOfOrderWithDuplicates) {
    Inbox in;
    const std::uint32_t stride = 10;
    std::vector<std::uint8_t> msg(35);
    for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = std::uint8_t(i + 1);
    const int order[] = {3, 1, 1, 0, 3};
    const Inbox::Added want[] = {Inbox::Added::fresh, Inbox::Added::fresh, Inbox::Added::duplicate,
                                 Inbox::Added::fresh, Inbox::Added::duplicate};
    for (int i = 0; i < 5; ++i) {
        const int f = order[i];
        Header h = data_header(msg.size(), stride, std::uint32_t(f));
        h.payload_len = fragment_length(msg.size(), stride, std::uint32_t(f));
        EXPECT_EQ(in.add(h, msg.data() + f * stride), want[i]) << i;
    }
    Incoming* m = in.find(77, 3, 1);
    ASSERT_NE(m, nullptr);
    EXPECT_FALSE(m->complete());
    EXPECT_EQ(m->first_missing(), 2u);
    Header h = data_header(msg.size(), stride, 2);
    h.payload_len = stride;
    EXPECT_EQ(in.add(h, msg.data() + 20), Inbox::Added::fresh);
    EXPECT_EQ(in.add(h, msg.data() + 20), Inbox::Added::duplicate);
    ASSERT_TRUE(m->complete());
    EXPECT_EQ(m->data, msg);
    Header other = data_header(36, stride, 0);  // another length for the same message
    other.payload_len = stride;
    EXPECT_EQ(in.add(other, msg.data()), Inbox::Added::inconsistent);
    in.erase_through(77);
    EXPECT_EQ(in.find(77, 3, 1), nullptr);
}
