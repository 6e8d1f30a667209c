#include "shm_segment.hpp"

#include <sys/ipc.h>

#include "sysv.hpp"

namespace papers::dipc::owner {

ShmSegment::ShmSegment(const IpcPerm& p, std::uint64_t size, std::int32_t cpid, std::int64_t now_s)
    : perm(p), size_(size), ctime_(now_s), cpid_(cpid) {}

std::uint64_t ShmSegment::pages() const { return shm_pages(size_); }

std::uint64_t ShmSegment::nattch_on(std::uint32_t host) const {
    auto it = per_host_.find(host);
    return it == per_host_.end() ? 0 : it->second;
}

void ShmSegment::attach(std::uint32_t host, std::int32_t pid, std::int64_t now_s) {
    ++per_host_[host];
    ++nattch_;
    atime_ = now_s;
    lpid_ = pid;
}

bool ShmSegment::detach(std::uint32_t host, std::int32_t pid, std::int64_t now_s) {
    auto it = per_host_.find(host);
    if (it == per_host_.end()) return false;
    if (--it->second == 0) per_host_.erase(it);
    --nattch_;
    dtime_ = now_s;
    lpid_ = pid;
    return true;
}

bool ShmSegment::drop_host(std::uint32_t host, std::int64_t now_s) {
    auto it = per_host_.find(host);
    if (it == per_host_.end()) return false;
    nattch_ -= it->second;
    per_host_.erase(it);
    dtime_ = now_s;
    return true;
}

void ShmSegment::mark_for_destruction() {
    dest_ = true;
    perm.key = IPC_PRIVATE;
}

proto::ShmDsRec ShmSegment::ds() const {
    proto::ShmDsRec r;
    r.perm = perm.record();
    r.perm.mode |= (dest_ ? kShmDest : 0u) | (locked_ ? kShmLocked : 0u);
    r.segsz = size_;
    r.atime = atime_;
    r.dtime = dtime_;
    r.ctime = ctime_;
    r.cpid = cpid_;
    r.lpid = lpid_;
    r.nattch = nattch_;
    return r;
}

}  // namespace papers::dipc::owner
