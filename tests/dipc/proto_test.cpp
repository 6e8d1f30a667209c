// The DIPC wire codec: round trips, and every malformed body refused.
#include <gtest/gtest.h>

#include "proto/ids.hpp"
#include "proto/messages.hpp"

using namespace papers::dipc::proto;

TEST(DipcProto, SemopRoundTrip) {
    SemopReq in;
    in.id = make_id(5, 77);
    in.sops = {{0, -1, 0x1000}, {3, 2, 0}};
    in.timeout_ns = 123456789;
    std::vector<std::uint8_t> buf;
    encode_frame(Op::semop, 42, in, buf);
    ASSERT_GE(buf.size(), 4u + kHeaderBytes);
    std::uint32_t len = buf[0] | buf[1] << 8 | buf[2] << 16 | std::uint32_t(buf[3]) << 24;
    ASSERT_EQ(len, buf.size() - 4);
    Header h;
    ASSERT_TRUE(decode_header(buf.data() + 4, len, h));
    EXPECT_EQ(h.op, Op::semop);
    EXPECT_EQ(h.request_id, 42u);
    SemopReq out;
    ASSERT_TRUE(decode_payload(buf.data() + 4 + kHeaderBytes, len - kHeaderBytes, out));
    EXPECT_EQ(out.id, in.id);
    ASSERT_EQ(out.sops.size(), 2u);
    EXPECT_EQ(out.sops[0].op, -1);
    EXPECT_EQ(out.sops[0].flg, 0x1000);
    EXPECT_EQ(out.sops[1].num, 3);
    EXPECT_EQ(out.timeout_ns, 123456789);
}

TEST(DipcProto, NestedRecordsRoundTrip) {
    HostWelcome in;
    in.host = 3;
    in.limits.semopm = 17;
    in.hosts = {{1, "alpha", "10.0.0.1", 7001}, {3, "gamma", "::1", 7003}};
    in.table = {{Kind::msg, 0x1234, make_id(0, 1), 1, 0}};
    HostWelcome out;
    ASSERT_TRUE(decode_payload(encode_payload(in), out));
    EXPECT_EQ(out.limits.semopm, 17u);
    ASSERT_EQ(out.hosts.size(), 2u);
    EXPECT_EQ(out.hosts[1].name, "gamma");
    EXPECT_EQ(out.hosts[1].port, 7003);
    ASSERT_EQ(out.table.size(), 1u);
    EXPECT_EQ(out.table[0].kind, Kind::msg);
    EXPECT_EQ(out.table[0].key, 0x1234);
}

TEST(DipcProto, EveryTruncationIsRefused) {
    MsgsndReq in;
    in.id = 9;
    in.mtype = -5;
    in.text = {1, 2, 3, 4, 5};
    auto buf = encode_payload(in);
    for (std::size_t n = 0; n < buf.size(); ++n) {
        MsgsndReq out;
        EXPECT_FALSE(decode_payload(buf.data(), n, out)) << "accepted " << n << " of " << buf.size();
    }
    buf.push_back(0);
    MsgsndReq out;
    const char* why = nullptr;
    EXPECT_FALSE(decode_payload(buf, out, &why));
    EXPECT_STREQ(why, "trailing bytes");
}

TEST(DipcProto, CountsAboveBoundOrFrameAreRefusedBeforeAllocating) {
    // A SemopReq claiming 2^32-1 operations in a 20-byte body.
    std::vector<std::uint8_t> b = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    b.resize(20, 0);
    SemopReq out;
    const char* why = nullptr;
    EXPECT_FALSE(decode_payload(b, out, &why));
    EXPECT_STREQ(why, "count above the field's bound");
    // Under the bound but more than the bytes left.
    std::vector<std::uint8_t> c = {1, 0, 0, 0, 0x10, 0, 0, 0};
    c.resize(20, 0);
    EXPECT_FALSE(decode_payload(c, out, &why));
    EXPECT_STREQ(why, "count larger than the frame");
}

TEST(DipcProto, HeaderRefusesUnknownOpAndReservedBits) {
    std::vector<std::uint8_t> buf;
    encode_frame(Op::heartbeat, 1, Empty{}, buf);
    Header h;
    ASSERT_TRUE(decode_header(buf.data() + 4, buf.size() - 4, h));
    buf[4] = 0xEE;  // op 0x..EE
    const char* why = nullptr;
    EXPECT_FALSE(decode_header(buf.data() + 4, buf.size() - 4, h, &why));
    EXPECT_STREQ(why, "unknown op");
    buf[4] = static_cast<std::uint8_t>(Op::heartbeat);
    buf[6] = 1;
    EXPECT_FALSE(decode_header(buf.data() + 4, buf.size() - 4, h, &why));
    EXPECT_STREQ(why, "reserved header field not 0");
}

TEST(DipcProto, IdSpaceAvoidsKernelIndices) {
    EXPECT_TRUE(is_dipc_id(make_id(0, 0)));
    EXPECT_EQ(slot_of(make_id(767, 12)), 767);
    EXPECT_EQ(seq_of(make_id(767, 12)), 12);
    for (int idx = 0; idx < 32000; idx += 97) EXPECT_FALSE(is_dipc_id((3 << 15) | idx));
    EXPECT_FALSE(is_dipc_id(-1));
}
