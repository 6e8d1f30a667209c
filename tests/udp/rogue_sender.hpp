// rogue_sender.hpp — an attacker on the loopback network of a udp job, for
// the hostile-input test. While running it sends the job's ranks:
//   - from its own (unknown) address: random bytes and well-formed
//     datagrams with a wrong key;
//   - if raw sockets are allowed (CAP_NET_RAW), with the source address of
//     another rank: random bytes, truncated datagrams, well-formed headers
//     authenticated with a wrong key, and replays of authentic datagrams it
//     captured (AF_PACKET on lo) from operations that are long finished.
#pragma once
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace udptest {

struct RogueStats {
    bool raw = false;  // spoofing and capture were possible
    unsigned long unknown = 0, spoofed_random = 0, truncated = 0, wrong_key = 0;
    unsigned long captured = 0, replayed = 0;
};

class Rogue {
public:
    // key_hex: used only to pick authentic datagrams out of the capture
    // (never to forge one).
    Rogue(std::vector<int> ports, std::string job_id, std::string key_hex);
    ~Rogue();
    void start();
    RogueStats stop();

private:
    void run();

    std::vector<int> ports_;
    std::string job_id_, key_hex_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    RogueStats stats_;
};

}  // namespace udptest
