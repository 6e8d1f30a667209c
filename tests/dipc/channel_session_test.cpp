// The channel protocol without sockets (Session): two sessions joined in
// memory. Every byte of a dialer's stream is flipped in turn; replayed,
// reflected and wrongly keyed streams; the frame bound; version mismatch.
// The reference for delivered frames is what the sender sealed.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "channel/session.hpp"
#include "channel_test_util.hpp"

using namespace papers::dipc::channel;
using papers::dipc::channel::test::pattern_frame;
namespace proto = papers::dipc::proto;
using Bytes = std::vector<std::uint8_t>;
using Event = Session::Event;

namespace {

Key test_key(std::uint8_t seed) {
    std::uint8_t k[32];
    for (int i = 0; i < 32; ++i) k[i] = static_cast<std::uint8_t>(seed + 31 * i);
    return Key::from_bytes(k, 32);
}

// One side's inbound bytes and what it made of them.
struct Receiver {
    explicit Receiver(Session& session) : s(session) {}
    Session& s;
    Bytes in;
    std::size_t pos = 0;
    std::vector<Bytes> frames;
    bool established = false, closed = false, failed = false;
    // Consumes what is there; answers go to `out`.
    void pump(Bytes& out) {
        for (;;) {
            const std::uint8_t* p = in.data() + pos;
            const Event e = s.next(p, in.data() + in.size(), out);
            pos = static_cast<std::size_t>(p - in.data());
            if (e == Event::need_more) return;
            if (e == Event::established) established = true;
            if (e == Event::frame) frames.emplace_back(s.frame_data(), s.frame_data() + s.frame_size());
            if (e == Event::closed_by_peer) { closed = true; return; }
            if (e == Event::failed) { failed = true; return; }
        }
    }
};

// Runs the handshake between two sessions, passing the dialer's bytes
// through `filter` (which may change them); returns whether both finished.
struct Pair {
    Key kd, kl;
    Session d, l;
    Bytes d_out, l_out;  // everything each has sent so far
    Receiver rd{d};
    Receiver rl{l};
    std::size_t sent_d = 0, sent_l = 0;  // bytes already passed on
    explicit Pair(std::uint8_t key_d = 1, std::uint8_t key_l = 1, std::uint32_t vd = proto::kProtocolVersion)
        : kd(test_key(key_d)), kl(test_key(key_l)),
          d(kd, Role::dialer, "alpha", vd), l(kl, Role::listener, "beta") {}
    // Moves bytes both ways until nothing changes.
    void exchange(const std::function<void(Bytes&)>& filter_to_listener = nullptr) {
        for (int round = 0; round < 8; ++round) {
            Bytes more_d(d_out.begin() + sent_d, d_out.end());
            Bytes more_l(l_out.begin() + sent_l, l_out.end());
            sent_d = d_out.size();
            sent_l = l_out.size();
            rl.in.insert(rl.in.end(), more_d.begin(), more_d.end());
            rd.in.insert(rd.in.end(), more_l.begin(), more_l.end());
            if (filter_to_listener) filter_to_listener(rl.in);
            rl.pump(l_out);
            rd.pump(d_out);
            if (sent_d == d_out.size() && sent_l == l_out.size()) break;
        }
    }
    void start() {
        d.start(d_out);
        l.start(l_out);
    }
};

TEST(ChannelSession, HandshakeThenFramesBothWaysInOrder) {
    Pair p;
    p.start();
    p.exchange();
    ASSERT_TRUE(p.rd.established && p.rl.established);
    EXPECT_EQ(p.d.peer_name(), "beta");
    EXPECT_EQ(p.l.peer_name(), "alpha");
    const std::size_t sizes[] = {0, 1, 12, 64, 1024, 70000};
    for (std::uint32_t i = 0; i < 6; ++i) {
        const Bytes a = pattern_frame(0, i, sizes[i]), b = pattern_frame(1, i, sizes[i]);
        p.d.seal(a.data(), a.size(), p.d_out);
        p.l.seal(b.data(), b.size(), p.l_out);
        p.d.seal_heartbeat(p.d_out);  // consumed silently
    }
    p.exchange();
    ASSERT_EQ(p.rl.frames.size(), 6u);
    ASSERT_EQ(p.rd.frames.size(), 6u);
    for (std::uint32_t i = 0; i < 6; ++i) {
        EXPECT_EQ(p.rl.frames[i], pattern_frame(0, i, sizes[i]));
        EXPECT_EQ(p.rd.frames[i], pattern_frame(1, i, sizes[i]));
    }
    p.d.seal_final(p.d_out);
    p.exchange();
    EXPECT_TRUE(p.rl.closed);
    EXPECT_FALSE(p.rl.failed);
}

TEST(ChannelSession, WrongKeyFailsBothSidesBeforeAnything) {
    Pair p(1, 2);
    p.start();
    p.exchange();
    EXPECT_TRUE(p.rd.failed);
    EXPECT_TRUE(p.rl.failed);
    EXPECT_EQ(p.d.error(), errc::authentication_failed);
    EXPECT_EQ(p.l.error(), errc::authentication_failed);
    EXPECT_FALSE(p.rd.established || p.rl.established);
    EXPECT_TRUE(p.l.peer_name().empty());  // the hello was never read
}

TEST(ChannelSession, VersionMismatchIsNamed) {
    Pair p(1, 1, proto::kProtocolVersion + 1);
    p.start();
    p.exchange();
    EXPECT_EQ(p.l.error(), errc::version_mismatch);
    EXPECT_EQ(p.d.error(), errc::version_mismatch);
    EXPECT_NE(p.l.error_text().find("version " + std::to_string(proto::kProtocolVersion + 1)), std::string::npos)
        << p.l.error_text();
}

// Flip each byte of the dialer's stream (header, hello, confirm, 3 frames)
// in turn: the listener never delivers a frame at or after the flip, never
// a frame that differs from the one sealed, and never accepts the session
// if the flip is in the handshake.
TEST(ChannelSession, EveryFlippedByteIsCaught) {
    const std::size_t frame_sizes[] = {5, 64, 300};
    // Byte count of a clean run, to know which flips hit which message.
    std::size_t total = 0;
    {
        Pair p;
        p.start();
        p.exchange();
        for (std::uint32_t i = 0; i < 3; ++i) {
            Bytes f = pattern_frame(7, i, frame_sizes[i]);
            p.d.seal(f.data(), f.size(), p.d_out);
        }
        p.exchange();
        ASSERT_EQ(p.rl.frames.size(), 3u);
        total = p.d_out.size();
    }
    const std::size_t handshake_end = kStreamHeaderBytes + 2 * kSealOverhead + (4 + 1 + 4 + 32 + 4 + 5) +
                                      (4 + 1 + 4 + 32);
    std::size_t frame_end[3];
    frame_end[0] = handshake_end + kSealOverhead + frame_sizes[0];
    frame_end[1] = frame_end[0] + kSealOverhead + frame_sizes[1];
    frame_end[2] = frame_end[1] + kSealOverhead + frame_sizes[2];
    ASSERT_EQ(frame_end[2], total);

    for (std::size_t at = 0; at < total; ++at) {
        Pair p;
        p.start();
        std::size_t seen = 0;
        bool flipped = false;
        auto flip = [&](Bytes& in) {
            if (!flipped && in.size() > at && seen <= at) {
                in[at] ^= 0x01;
                flipped = true;
            }
            seen = in.size();
        };
        p.exchange(flip);
        if (p.rd.established)
            for (std::uint32_t i = 0; i < 3; ++i) {
                Bytes f = pattern_frame(7, i, frame_sizes[i]);
                p.d.seal(f.data(), f.size(), p.d_out);
            }
        p.exchange(flip);
        ASSERT_TRUE(flipped) << at;
        if (at < handshake_end) {
            EXPECT_FALSE(p.rl.established) << "flip at " << at << " in the handshake was accepted";
        }
        std::size_t intact = 0;  // frames that end before the flipped byte
        for (std::size_t e : frame_end)
            if (e <= at) ++intact;
        EXPECT_EQ(p.rl.frames.size(), intact) << "flip at " << at;
        for (std::size_t i = 0; i < p.rl.frames.size(); ++i)
            EXPECT_EQ(p.rl.frames[i], pattern_frame(7, std::uint32_t(i), frame_sizes[i])) << at;
        // Caught (failed) or left waiting for bytes that never come (a
        // length prefix made larger): never a clean end.
        EXPECT_TRUE(p.rl.failed || p.rl.pos < p.rl.in.size()) << "flip at " << at << " went unnoticed";
    }
}

TEST(ChannelSession, RecordedDialerStreamIsRefusedByANewListener) {
    Bytes recorded;
    {
        Pair p;
        p.start();
        p.exchange();
        ASSERT_TRUE(p.rl.established);
        Bytes f = pattern_frame(3, 0, 100);
        p.d.seal(f.data(), f.size(), p.d_out);
        p.exchange();
        ASSERT_EQ(p.rl.frames.size(), 1u);
        recorded = p.d_out;
    }
    Key k = test_key(1);
    Session l2(k, Role::listener, "beta");
    Bytes out;
    l2.start(out);
    Receiver r{l2};
    r.in = recorded;
    r.pump(out);
    EXPECT_TRUE(r.failed);
    EXPECT_FALSE(r.established);
    EXPECT_TRUE(r.frames.empty());
    EXPECT_EQ(l2.error(), errc::stale_session);
}

TEST(ChannelSession, OwnStreamReflectedBackIsRefused) {
    Key k = test_key(1);
    Session d(k, Role::dialer, "alpha");
    Bytes out;
    d.start(out);
    Receiver r{d};
    r.in = out;  // the dialer's own header and hello
    Bytes ignored;
    r.pump(ignored);
    EXPECT_TRUE(r.failed);
    EXPECT_EQ(d.error(), errc::authentication_failed);
}

TEST(ChannelSession, LengthAboveTheBoundsIsRefusedBeforeReading) {
    Pair p;
    p.start();
    // Before the handshake: anything above a hello's size.
    Key k = test_key(1);
    Session l(k, Role::listener, "beta");
    Bytes hdr(p.d_out.begin(), p.d_out.begin() + kStreamHeaderBytes);
    Bytes in = hdr;
    in.insert(in.end(), {0x00, 0x04, 0x00, 0x00});  // 1024-byte "hello"
    const std::uint8_t* q = in.data();
    Bytes out;
    EXPECT_EQ(l.next(q, in.data() + in.size(), out), Event::failed);
    EXPECT_EQ(l.error(), errc::protocol_error);

    // After it: kMaxFrame is the bound for the plaintext.
    p.exchange();
    ASSERT_TRUE(p.rl.established);
    const std::uint32_t over = proto::kMaxFrame + 17 + 1;
    Bytes bad = {std::uint8_t(over), std::uint8_t(over >> 8), std::uint8_t(over >> 16), std::uint8_t(over >> 24)};
    p.rl.in.insert(p.rl.in.end(), bad.begin(), bad.end());
    p.rl.pump(p.l_out);
    EXPECT_TRUE(p.rl.failed);
    EXPECT_NE(p.l.error_text().find("exceeds the bound of " + std::to_string(proto::kMaxFrame)), std::string::npos)
        << p.l.error_text();
}

}  // namespace
