// segment.cpp — create or attach the job's shared segment and check who is
// there. Ranks start in any order: whoever wins shm_open(O_CREAT|O_EXCL)
// sizes and initialises the segment and then sets `ready`; everyone else
// waits for `ready` and takes the geometry from the header, so a rank with
// another PAPERS_SIZE can never resize the mapping under the others' feet.
#include "segment.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <cstdio>
#include <thread>
#include <vector>

#include "../core/config.hpp"
#include "../core/error.hpp"
#include "papers/driver/shm_owner.h"
#include "papers/driver/sim_wire.hpp"
#include "papers/papers.h"

namespace papers::shm {

double monotonic_now() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

namespace {

std::string sys_error(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

void init_header(Header& h, const Geometry& g, const Config& cfg, const Choices& c) {
    h.magic = kMagic;
    h.layout = kLayoutVersion;
    h.size = static_cast<std::uint32_t>(g.size);
    h.total_bytes = g.total;
    h.cap = g.cap;
    h.barrier_algo = c.barrier_algo;
    h.fence_mode = c.fence_mode;
    h.split_min_bytes = c.split_min_bytes;
    h.forced_reduce = c.forced_reduce;
    h.creator_pid = static_cast<std::int32_t>(getpid());
    h.creator_rank = cfg.rank;
    h.refs.store(1, std::memory_order_relaxed);
    h.ready.store(1, std::memory_order_release);
}

bool pid_alive(std::int32_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

void nap() { std::this_thread::sleep_for(std::chrono::microseconds(200)); }

constexpr int kRetry = 1;  // map_existing: try again (not a PAPERS_E* code)

std::string rank_list(const std::vector<int>& v) {
    std::string s;
    for (int r : v) s += (s.empty() ? "" : ", ") + std::to_string(r);
    return s.empty() ? "none" : s;
}

}  // namespace

int Segment::open(const Config& cfg, const Choices& mine) {
    geo_ = Geometry::for_size(cfg.size);
    const double deadline = monotonic_now() + cfg.timeout_s;

    if (cfg.job.empty()) {
        if (cfg.size != 1)
            return set_error(PAPERS_EINVAL,
                             "the shm backend needs PAPERS_JOB to name the job's shared segment: "
                             "start the program with papersrun (papersrun -np " +
                                 std::to_string(cfg.size) +
                                 " --backend shm PROGRAM) or set PAPERS_JOB to the same id on "
                                 "every rank");
        // A program started by hand as a job of one: private memory, no name.
        void* p = mmap(nullptr, geo_.total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                       -1, 0);
        if (p == MAP_FAILED) return set_error(PAPERS_ENOMEM, sys_error("mmap of the shm segment"));
        base_ = static_cast<unsigned char*>(p);
        len_ = geo_.total;
        init_header(*header(), geo_, cfg, mine);
        return attach_rank(cfg, deadline);
    }
    if (cfg.job.size() > 200 || cfg.job.find('/') != std::string::npos)
        return set_error(PAPERS_EINVAL, "PAPERS_JOB '" + cfg.job +
                                            "' cannot name a shared-memory object (no '/', at "
                                            "most 200 characters)");
    name_ = "/papers-shm-" + cfg.job;

    for (;;) {
        int fd = shm_open(name_.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
        if (fd >= 0) {  // first rank: size, map, initialise, announce ready
            // posix_fallocate rather than ftruncate alone: a full /dev/shm
            // then fails here with a message, not with SIGBUS on first touch.
            if (int e = posix_fallocate(fd, 0, static_cast<off_t>(geo_.total)); e != 0) {
                errno = e;
                const std::string msg = sys_error("reserving " + std::to_string(geo_.total) +
                                                  " bytes for " + name_ + " in /dev/shm");
                close(fd);
                shm_unlink(name_.c_str());
                return set_error(e == ENOSPC ? PAPERS_ENOMEM : PAPERS_ESYS, msg);
            }
            void* p = mmap(nullptr, geo_.total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            const int err = errno;
            close(fd);
            if (p == MAP_FAILED) {
                shm_unlink(name_.c_str());
                errno = err;
                return set_error(PAPERS_ENOMEM, sys_error("mmap of " + name_));
            }
            base_ = static_cast<unsigned char*>(p);
            len_ = geo_.total;
            counted_ = true;
            init_header(*header(), geo_, cfg, mine);
            break;
        }
        if (errno != EEXIST) return set_error(PAPERS_ESYS, sys_error("shm_open " + name_));
        fd = shm_open(name_.c_str(), O_RDWR, 0);
        if (fd < 0) {
            if (errno == ENOENT && monotonic_now() < deadline) continue;  // removed meanwhile
            return set_error(PAPERS_ESYS, sys_error("shm_open " + name_));
        }
        // Not ours: another user may have created the name first.
        if (const std::string why = papers_shm_owner_problem(fd, name_); !why.empty()) {
            close(fd);
            return set_error(PAPERS_EPERM, why);
        }
        const int rc = map_existing(fd, cfg, deadline);
        close(fd);
        if (rc == kRetry) {  // the previous session under this name is still leaving
            if (monotonic_now() < deadline) {
                nap();
                continue;
            }
            return set_error(PAPERS_ETIMEDOUT,
                             name_ + " still belongs to a finished session that has not been "
                                     "removed (a crashed rank? remove /dev/shm" +
                                     name_ + " or use a new PAPERS_JOB)");
        }
        if (rc) return rc;
        break;
    }
    return attach_rank(cfg, deadline);
}

// Waits for the creator to finish, checks the header against this rank's
// view of the job, then maps the whole segment.
int Segment::map_existing(int fd, const Config& cfg, double deadline) {
    struct stat st {};
    for (;;) {
        if (fstat(fd, &st) != 0) return set_error(PAPERS_ESYS, sys_error("fstat " + name_));
        if (std::size_t(st.st_size) >= sizeof(Header)) break;
        if (monotonic_now() >= deadline)
            return set_error(PAPERS_ETIMEDOUT,
                             name_ + " exists but its creator never sized it (a crashed run? "
                                     "remove /dev/shm" + name_ + " or use a new PAPERS_JOB)");
        nap();
    }
    const std::size_t hlen = round_line(sizeof(Header));
    void* hp = mmap(nullptr, hlen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (hp == MAP_FAILED) return set_error(PAPERS_ESYS, sys_error("mmap of " + name_));
    auto* h = static_cast<Header*>(hp);
    while (h->ready.load(std::memory_order_acquire) != 1) {
        if (monotonic_now() >= deadline) {
            munmap(hp, hlen);
            return set_error(PAPERS_ETIMEDOUT, name_ + " exists but its creator never initialised "
                                                       "it (a crashed run? remove /dev/shm" +
                                                       name_ + " or use a new PAPERS_JOB)");
        }
        nap();
    }
    if (h->magic != kMagic || h->layout != kLayoutVersion) {
        munmap(hp, hlen);
        return set_error(PAPERS_EVERSION,
                         name_ + " is not a shm segment of this libpapers version (layout " +
                             std::to_string(h->layout) + ", want " +
                             std::to_string(kLayoutVersion) + ")");
    }
    if (h->closing.load(std::memory_order_acquire)) {
        munmap(hp, hlen);
        return kRetry;
    }
    if (h->size != std::uint32_t(cfg.size)) {
        std::string msg = "PAPERS_SIZE=" + std::to_string(cfg.size) + " but the job's segment " +
                          name_ + " was created for " + std::to_string(h->size) +
                          " PEs by rank " + std::to_string(h->creator_rank) + " (pid " +
                          std::to_string(h->creator_pid) +
                          "): every PE must be started with the same PAPERS_SIZE";
        // Tell the others, who are waiting for a rank that will not come.
        base_ = static_cast<unsigned char*>(hp);
        len_ = hlen;
        const int rc = fail_membership(cfg, std::move(msg));
        munmap(hp, hlen);
        base_ = nullptr;
        return rc;
    }
    const Geometry g = Geometry::for_size(cfg.size);
    if (h->total_bytes != g.total || h->cap != g.cap || std::size_t(st.st_size) < g.total) {
        munmap(hp, hlen);
        return set_error(PAPERS_EVERSION, name_ + " has another geometry than this libpapers "
                                                  "expects (mixed library versions?)");
    }
    munmap(hp, hlen);
    void* p = mmap(nullptr, g.total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return set_error(PAPERS_ENOMEM, sys_error("mmap of " + name_));
    base_ = static_cast<unsigned char*>(p);
    len_ = g.total;
    header()->refs.fetch_add(1, std::memory_order_acq_rel);
    counted_ = true;
    return PAPERS_OK;
}

// Records a membership error in the header so that every rank waiting at
// start-up fails at once with the same explanation instead of timing out.
int Segment::fail_membership(const Config& cfg, std::string msg) {
    Header* h = header();
    std::uint32_t none = 0;
    if (h->failed.compare_exchange_strong(none, ~0u, std::memory_order_acq_rel)) {
        std::strncpy(h->why, msg.c_str(), sizeof h->why - 1);
        h->why[sizeof h->why - 1] = '\0';
        h->failed.store(std::uint32_t(cfg.rank) + 1, std::memory_order_release);
    }
    h->attached.fetch_add(0x10000, std::memory_order_acq_rel);  // change the futex word
    sim::futex_wake_all(h->attached);
    return set_error(PAPERS_EMEMBERSHIP, msg);
}

// Announces this rank (claims its pid word) and waits until all ranks did.
int Segment::attach_rank(const Config& cfg, double deadline) {
    Header* h = header();
    RankCtl& ctl = area(cfg.rank)->ctl;
    std::int32_t holder = 0;
    const auto me = static_cast<std::int32_t>(getpid());
    if (!ctl.pid.compare_exchange_strong(holder, me, std::memory_order_acq_rel)) {
        if (pid_alive(holder))
            return fail_membership(cfg, "rank " + std::to_string(cfg.rank) +
                                            " is already attached by pid " +
                                            std::to_string(holder) + ": two PEs were started "
                                            "with PAPERS_RANK=" + std::to_string(cfg.rank));
        return fail_membership(cfg, name_ + " is left over from an earlier run (rank " +
                                        std::to_string(cfg.rank) + " was held by pid " +
                                        std::to_string(holder) +
                                        ", which has exited): remove /dev/shm" + name_ +
                                        " or use a new PAPERS_JOB");
    }
    const std::uint32_t before = h->attached.fetch_add(1, std::memory_order_acq_rel);
    sim::futex_wake_all(h->attached);
    // The last rank to arrive removes the name: every rank holds its mapping,
    // so the memory lives exactly as long as the job's processes, and a rank
    // killed by SIGKILL can no longer leave the segment in /dev/shm. Not if a
    // rank's word is held by a dead process: then this is the leftover of a
    // crashed start-up, and the ranks still to come must find it and be told.
    if (!name_.empty() && ((before + 1) & 0xFFFF) == std::uint32_t(cfg.size) &&
        dead_holder(cfg) < 0)
        shm_unlink(name_.c_str());

    const auto want = std::uint32_t(cfg.size);
    for (;;) {
        const std::uint32_t a = h->attached.load(std::memory_order_acquire);
        const std::uint32_t f = h->failed.load(std::memory_order_acquire);
        if (f != 0) {
            // The text lives in memory other processes write: bounded copy.
            std::string why = f == ~0u ? std::string("(message not yet written)")
                                       : std::string(h->why, strnlen(h->why, sizeof h->why));
            return set_error(PAPERS_EMEMBERSHIP,
                             (f == ~0u ? std::string("a rank")
                                       : "rank " + std::to_string(f - 1)) +
                                 " found a membership error in " +
                                 (name_.empty() ? std::string("the segment") : name_) + ": " +
                                 why);
        }
        if ((a & 0xFFFF) >= want) {
            // Everyone counted, but a count may include a rank of a crashed
            // start-up under the same job id.
            if (const int r = dead_holder(cfg); r >= 0)
                return fail_membership(cfg, name_ + " is left over from an earlier run (rank " +
                                                std::to_string(r) + " was held by pid " +
                                                std::to_string(area(r)->ctl.pid.load()) +
                                                ", which has exited): remove /dev/shm" + name_ +
                                                " or use a new PAPERS_JOB");
            named_ = false;  // removed by the last to arrive; the name may be reused
            seal();
            return PAPERS_OK;
        }
        const double left = deadline - monotonic_now();
        if (left <= 0) {
            std::vector<int> missing, present;
            for (int r = 0; r < cfg.size; ++r)
                (area(r)->ctl.pid.load(std::memory_order_acquire) ? present : missing)
                    .push_back(r);
            char secs[32];
            std::snprintf(secs, sizeof secs, "%g", cfg.timeout_s);
            return set_error(PAPERS_ETIMEDOUT,
                             "start-up: timed out after " + std::string(secs) +
                                 " s waiting for all " + std::to_string(cfg.size) +
                                 " ranks to attach to " + name_ + ": ranks not arrived: " +
                                 rank_list(missing) + " (present: " + rank_list(present) + ")");
        }
        sim::futex_wait(h->attached, a,
                        std::chrono::nanoseconds(std::int64_t(std::min(left, 0.05) * 1e9)));
    }
}

namespace {

// The header's creation fields: written by the creator before `ready`, then
// read-only for the whole job.
constexpr driver::SealedWord<Header> kCreationFields[] = {
    PAPERS_SEALED_WORD(Header, magic),           PAPERS_SEALED_WORD(Header, layout),
    PAPERS_SEALED_WORD(Header, size),            PAPERS_SEALED_WORD(Header, total_bytes),
    PAPERS_SEALED_WORD(Header, cap),             PAPERS_SEALED_WORD(Header, barrier_algo),
    PAPERS_SEALED_WORD(Header, fence_mode),      PAPERS_SEALED_WORD(Header, creator_pid),
    PAPERS_SEALED_WORD(Header, creator_rank),    PAPERS_SEALED_WORD(Header, split_min_bytes),
    PAPERS_SEALED_WORD(Header, forced_reduce),
};

}  // namespace

driver::SealedWords<Header> Segment::creation_fields() { return driver::SealedWords<Header>(kCreationFields); }

void Segment::seal() {
    sealed_header_.seal(*header());
    sealed_pids_.clear();
    for (int r = 0; r < geo_.size; ++r) sealed_pids_.push_back(area(r)->ctl.pid.load(std::memory_order_acquire));
}

std::string Segment::damage() const {
    if (!base_ || !sealed_header_.sealed()) return {};
    std::string text = sealed_header_.changed(*header(), "start-up left");
    for (int r = 0; r < static_cast<int>(sealed_pids_.size()) && text.empty(); ++r) {
        const std::int32_t now = area(r)->ctl.pid.load(std::memory_order_relaxed);
        if (now != sealed_pids_[r])
            text = "rank " + std::to_string(r) + "'s pid word is " + std::to_string(now) + " where start-up left " +
                   std::to_string(sealed_pids_[r]);
    }
    if (text.empty()) return text;
    const std::string what = name_.empty() ? std::string("the job's shared segment")
                                           : "the shared segment " + name_;
    return what + " was overwritten while the job ran: " + text + " (a stray write into the mapping?)";
}

int Segment::dead_holder(const Config& cfg) const {
    for (int r = 0; r < cfg.size; ++r)
        if (!pid_alive(area(r)->ctl.pid.load(std::memory_order_acquire))) return r;
    return -1;
}

void Segment::detach() {
    if (!base_) return;
    if (counted_ && header()->refs.fetch_sub(1, std::memory_order_acq_rel) == 1 && named_ &&
        !name_.empty())
        shm_unlink(name_.c_str());
    counted_ = false;
    munmap(base_, len_);
    base_ = nullptr;
}

}  // namespace papers::shm
