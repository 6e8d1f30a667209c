#include "host_copy.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace papers::dipcd::dsm {

std::uint64_t unit_bytes_for(std::uint64_t size, bool whole_segment) {
    if (!whole_segment) return kPageBytes;
    std::uint64_t pages = (size + kPageBytes - 1) / kPageBytes;
    return std::min(std::max<std::uint64_t>(pages, 1) * kPageBytes, kMaxUnitBytes);
}

HostCopy::HostCopy(std::int32_t id, std::uint64_t size, std::uint64_t unit_bytes, std::uint32_t home)
    : id_(id), size_(size), unit_bytes_(unit_bytes), home_(home) {
    std::uint64_t mapped = (size + kPageBytes - 1) / kPageBytes * kPageBytes;
    std::string name = "papers-dipc-shm-" + std::to_string(id);
    fd_ = memfd_create(name.c_str(), MFD_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(std::string("memfd_create: ") + std::strerror(errno));
    if (ftruncate(fd_, static_cast<off_t>(mapped)) != 0) {
        int e = errno;
        ::close(fd_);
        throw std::runtime_error(std::string("ftruncate of a segment's memfd: ") + std::strerror(e));
    }
    void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) {
        int e = errno;
        ::close(fd_);
        throw std::runtime_error(std::string("mmap of a segment's memfd: ") + std::strerror(e));
    }
    map_ = static_cast<std::uint8_t*>(p);
    state_.assign((size + unit_bytes - 1) / unit_bytes, Level::none);
}

HostCopy::~HostCopy() {
    if (map_) munmap(map_, (size_ + kPageBytes - 1) / kPageBytes * kPageBytes);
    if (fd_ >= 0) ::close(fd_);
}

void HostCopy::set_all(Level l) { std::fill(state_.begin(), state_.end(), l); }

std::uint64_t HostCopy::unit_len(std::uint64_t u) const {
    std::uint64_t mapped = (size_ + kPageBytes - 1) / kPageBytes * kPageBytes;
    std::uint64_t start = u * unit_bytes_;
    return std::min(unit_bytes_, mapped - start);
}

std::vector<std::uint8_t> HostCopy::read_unit(std::uint64_t u) const {
    const std::uint8_t* p = map_ + u * unit_bytes_;
    return std::vector<std::uint8_t>(p, p + unit_len(u));
}

void HostCopy::write_unit(std::uint64_t u, const std::vector<std::uint8_t>& data) {
    std::memcpy(map_ + u * unit_bytes_, data.data(), std::min<std::uint64_t>(data.size(), unit_len(u)));
}

}  // namespace papers::dipcd::dsm
