#include "rogue_sender.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <random>

#include "udp/mac.hpp"
#include "udp/wire_format.hpp"

namespace udptest {

namespace pu = papers::udp;

namespace {

struct Captured {
    int src_port, dst_port;
    std::vector<std::uint8_t> payload;
    std::uint64_t op;
};

// A raw IPv4/UDP packet from 127.0.0.1:src to 127.0.0.1:dst.
bool send_spoofed(int raw, int src_port, int dst_port, const std::uint8_t* d, std::size_t n) {
    std::vector<std::uint8_t> pkt(sizeof(iphdr) + sizeof(udphdr) + n);
    auto* ip = reinterpret_cast<iphdr*>(pkt.data());
    ip->ihl = 5;
    ip->version = 4;
    ip->ttl = 64;
    ip->protocol = IPPROTO_UDP;
    ip->tot_len = htons(std::uint16_t(pkt.size()));
    ip->saddr = htonl(INADDR_LOOPBACK);
    ip->daddr = htonl(INADDR_LOOPBACK);
    auto* u = reinterpret_cast<udphdr*>(pkt.data() + sizeof(iphdr));
    u->source = htons(std::uint16_t(src_port));
    u->dest = htons(std::uint16_t(dst_port));
    u->len = htons(std::uint16_t(sizeof(udphdr) + n));
    u->check = 0;  // no checksum (allowed for IPv4)
    std::memcpy(pkt.data() + sizeof(iphdr) + sizeof(udphdr), d, n);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sendto(raw, pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) > 0;
}

}  // namespace

Rogue::Rogue(std::vector<int> ports, std::string job_id, std::string key_hex)
    : ports_(std::move(ports)), job_id_(std::move(job_id)), key_hex_(std::move(key_hex)) {}

Rogue::~Rogue() {
    if (thread_.joinable()) stop();
}

void Rogue::start() { thread_ = std::thread([this] { run(); }); }

RogueStats Rogue::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return stats_;
}

void Rogue::run() {
    const int n = static_cast<int>(ports_.size());
    std::mt19937_64 rng(12345);
    auto rnd = [&](std::uint64_t lo, std::uint64_t hi) {
        return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
    };
    pu::Key real{}, wrong{};
    std::string err;
    pu::key_from_hex(key_hex_, real, err);
    for (auto& b : wrong) b = std::uint8_t(rnd(0, 255));
    const pu::Mac real_mac(real), wrong_mac(wrong);
    const std::uint64_t job = pu::hash64(job_id_ + "#0");  // first session of each rank

    const int plain = socket(AF_INET, SOCK_DGRAM, 0);
    const int raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    const int cap = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_IP));
    if (cap >= 0) {
        sockaddr_ll ll{};
        ll.sll_family = AF_PACKET;
        ll.sll_protocol = htons(ETH_P_IP);
        ll.sll_ifindex = static_cast<int>(if_nametoindex("lo"));
        if (bind(cap, reinterpret_cast<sockaddr*>(&ll), sizeof ll) != 0) {
            close(cap);
            stats_.raw = false;
        }
    }
    stats_.raw = raw >= 0 && cap >= 0;
    auto to_rank = [&](int r) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(std::uint16_t(ports_[std::size_t(r)]));
        return a;
    };
    // A well-formed data datagram from `from` to `to`, MAC'd with `mac`.
    auto forge = [&](const pu::Mac& mac, int from, int to, std::uint64_t op) {
        pu::Header h;
        h.kind = pu::Kind::data;
        h.opkind = pu::OpKind::barrier;
        h.sender = std::uint16_t(from);
        h.receiver = std::uint16_t(to);
        h.job = job;
        h.op = op;
        h.total = 8;
        h.stride = 1000;
        h.payload_len = 8;
        std::vector<std::uint8_t> d(pu::kHeaderBytes + 8 + pu::kMacBytes);
        pu::encode_header(h, d.data());
        for (int i = 0; i < 8; ++i) d[pu::kHeaderBytes + std::size_t(i)] = std::uint8_t(rnd(0, 255));
        mac.compute(d.data(), pu::kHeaderBytes + 8, d.data() + pu::kHeaderBytes + 8);
        return d;
    };

    std::vector<Captured> captured;
    std::uint64_t max_op = 0;
    std::uint8_t buf[70000];
    while (!stop_) {
        for (int r = 0; r < n; ++r) {
            const sockaddr_in a = to_rank(r);
            // Unknown source: random bytes, then a wrong-key datagram.
            std::vector<std::uint8_t> junk(rnd(1, 1500));
            for (auto& b : junk) b = std::uint8_t(rnd(0, 255));
            sendto(plain, junk.data(), junk.size(), 0, reinterpret_cast<const sockaddr*>(&a), sizeof a);
            auto wk = forge(wrong_mac, (r + 1) % n, r, rnd(0, 100));
            sendto(plain, wk.data(), wk.size(), 0, reinterpret_cast<const sockaddr*>(&a), sizeof a);
            stats_.unknown += 2;
            if (!stats_.raw || n < 2) continue;
            const int from_port = ports_[std::size_t((r + 1) % n)];
            // Spoofed: random, truncated, wrong key.
            if (send_spoofed(raw, from_port, ports_[std::size_t(r)], junk.data(), junk.size()))
                ++stats_.spoofed_random;
            auto good_shape = forge(wrong_mac, (r + 1) % n, r, rnd(0, 100));
            const std::size_t cut = rnd(1, pu::kOverhead - 1);
            if (send_spoofed(raw, from_port, ports_[std::size_t(r)], good_shape.data(), cut)) ++stats_.truncated;
            if (send_spoofed(raw, from_port, ports_[std::size_t(r)], good_shape.data(), good_shape.size()))
                ++stats_.wrong_key;
        }
        // Capture authentic datagrams between ranks.
        if (stats_.raw) {
            for (int k = 0; k < 512; ++k) {
                const ssize_t len = recv(cap, buf, sizeof buf, 0);
                if (len <= 0) break;
                if (std::size_t(len) < sizeof(iphdr) + sizeof(udphdr) + pu::kOverhead) continue;
                const auto* ip = reinterpret_cast<const iphdr*>(buf);
                if (ip->version != 4 || ip->protocol != IPPROTO_UDP) continue;
                const auto* u = reinterpret_cast<const udphdr*>(buf + ip->ihl * 4);
                const std::uint8_t* p = buf + ip->ihl * 4 + sizeof(udphdr);
                const std::size_t plen = std::size_t(len) - std::size_t(p - buf);
                const int sp = ntohs(u->source), dp = ntohs(u->dest);
                int from = -1;
                for (int r = 0; r < n; ++r)
                    if (ports_[std::size_t(r)] == sp) from = r;
                if (from < 0 || pu::get_u32(p) != pu::kMagic || p[5] != std::uint8_t(pu::Kind::data)) continue;
                const std::uint32_t body = pu::get_u32(p + 12);
                if (pu::kOverhead + body != plen || !real_mac.verify(p, pu::kHeaderBytes + body, p + pu::kHeaderBytes + body))
                    continue;  // our own forgeries, or not a datagram of the job
                const std::uint64_t op = pu::get_u64(p + 24);
                max_op = std::max(max_op, op);
                if (captured.size() < 2000) {
                    captured.push_back({sp, dp, std::vector<std::uint8_t>(p, p + plen), op});
                    ++stats_.captured;
                }
            }
            // Replay datagrams of operations at least 40 behind the newest seen.
            int replays = 0;
            for (const Captured& c : captured) {
                if (c.op + 40 > max_op || replays >= 16) continue;
                if (send_spoofed(raw, c.src_port, c.dst_port, c.payload.data(), c.payload.size())) {
                    ++stats_.replayed;
                    ++replays;
                }
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (plain >= 0) close(plain);
    if (raw >= 0) close(raw);
    if (cap >= 0) close(cap);
}

}  // namespace udptest
