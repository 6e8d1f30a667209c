// host_copy.hpp — this host's copy of one distributed segment: a memfd that
// the daemon maps and every local attaching process maps too (so processes
// on one host share memory as with the kernel's shm), the host's state of
// each unit, and each local attachment's view (docs/dipc-design.md, DSM).
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dsm/home_directory.hpp"

namespace papers::dipcd::dsm {

class HostCopy {
public:
    // Creates the memfd (zero-filled, as a new segment is) and maps it.
    HostCopy(std::int32_t id, std::uint64_t size, std::uint64_t unit_bytes, std::uint32_t home);
    ~HostCopy();
    HostCopy(const HostCopy&) = delete;
    HostCopy& operator=(const HostCopy&) = delete;

    std::int32_t id() const { return id_; }
    std::uint64_t size() const { return size_; }
    std::uint64_t unit_bytes() const { return unit_bytes_; }
    std::uint64_t units() const { return state_.size(); }
    std::uint32_t home() const { return home_; }
    int memfd() const { return fd_; }

    Level state(std::uint64_t u) const { return state_.at(u); }
    void set_state(std::uint64_t u, Level l) { state_.at(u) = l; }
    void set_all(Level l);

    // The bytes of unit u (the last unit may be shorter than unit_bytes).
    std::uint64_t unit_len(std::uint64_t u) const;
    std::vector<std::uint8_t> read_unit(std::uint64_t u) const;
    void write_unit(std::uint64_t u, const std::vector<std::uint8_t>& data);

    bool lost_all = false;          // the home is gone: every fault is SIGBUS
    std::set<std::uint64_t> lost;   // units whose only copy was lost

private:
    std::int32_t id_;
    std::uint64_t size_, unit_bytes_;
    std::uint32_t home_;
    int fd_ = -1;
    std::uint8_t* map_ = nullptr;
    std::vector<Level> state_;
};

// Unit size for a segment: 4 KiB pages, or the whole segment rounded up to
// pages — at most kMaxUnitBytes, so that one unit fits one frame.
constexpr std::uint64_t kPageBytes = 4096;
constexpr std::uint64_t kMaxUnitBytes = 8u << 20;
std::uint64_t unit_bytes_for(std::uint64_t size, bool whole_segment);

}  // namespace papers::dipcd::dsm
