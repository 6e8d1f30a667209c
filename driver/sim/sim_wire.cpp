#include "papers/driver/sim_wire.hpp"

#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <climits>
#include <cstring>
#include <new>
#include <utility>

#include "papers/driver/shm_owner.h"

namespace papers::sim {

static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(std::atomic<std::uint8_t>::is_always_lock_free);
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));

void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                std::chrono::nanoseconds timeout) {
    if (timeout.count() <= 0) return;
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(timeout.count() / 1000000000);
    ts.tv_nsec = static_cast<long>(timeout.count() % 1000000000);
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT, expected, &ts,
            nullptr, 0);
}

void futex_wake_all(std::atomic<std::uint32_t>& word) {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE, INT_MAX, nullptr,
            nullptr, 0);
}

void wire_init(Wire& w, std::uint32_t nports, std::uint32_t hub_version, WireMode mode) {
    w.magic = kWireMagic;
    w.layout = kWireLayout;
    w.nports = nports;
    w.hub_version = hub_version;
    w.mode = mode;
    w.server_pid = static_cast<std::int32_t>(getpid());
}

WireMapping WireMapping::map_fd(int fd, const std::string& name, bool owner, std::string& err) {
    void* p = mmap(nullptr, sizeof(Wire), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        err = "mmap of simulator wire " + name + " failed: " + std::strerror(errno);
        return {};
    }
    return WireMapping(static_cast<Wire*>(p), name, owner, true);
}

WireMapping WireMapping::create_shared(const std::string& name, std::string& err) {
    int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        err = "cannot create simulator wire " + name + ": " + std::strerror(errno);
        return {};
    }
    if (ftruncate(fd, sizeof(Wire)) != 0) {
        err = "cannot size simulator wire " + name + ": " + std::strerror(errno);
        close(fd);
        shm_unlink(name.c_str());
        return {};
    }
    WireMapping m = map_fd(fd, name, true, err);
    if (m) new (m.wire_) Wire{};  // zero-initialised atomics
    return m;
}

WireMapping WireMapping::open_shared(const std::string& name, std::string& err) {
    int fd = shm_open(name.c_str(), O_RDWR, 0);
    if (fd < 0) {
        err = "no hub simulator at " + name + " (" + std::strerror(errno) +
              "); start the job with papersrun, or papers-hubsim --name " + name;
        return {};
    }
    // A PE attaches to an object the simulator created: it must be ours alone.
    if (std::string why = papers_shm_owner_problem(fd, name); !why.empty()) {
        err = "simulator wire: " + why;
        close(fd);
        return {};
    }
    struct stat st{};
    if (fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) < sizeof(Wire)) {
        err = "simulator wire " + name + " has the wrong size (stale or foreign object)";
        close(fd);
        return {};
    }
    return map_fd(fd, name, false, err);
}

namespace {

constexpr driver::SealedWord<Wire> kWireHeader[] = {
    PAPERS_SEALED_WORD(Wire, magic),           PAPERS_SEALED_WORD(Wire, layout),
    PAPERS_SEALED_WORD(Wire, nports),          PAPERS_SEALED_WORD(Wire, hub_version),
    PAPERS_SEALED_WORD(Wire, mode),            PAPERS_SEALED_WORD(Wire, server_pid),
    PAPERS_SEALED_WORD(Wire, eval_mode),       PAPERS_SEALED_WORD(Wire, tree_leaf_ports),
    PAPERS_SEALED_WORD(Wire, tree_leaves),
};

}  // namespace

driver::SealedWords<Wire> wire_header_seal() { return driver::SealedWords<Wire>(kWireHeader); }

WireErr check_wire(const Wire& w, const std::string& name, int ports, WireMode mode,
                   std::string& err) {
    if (w.magic != kWireMagic || w.layout != kWireLayout) {
        err = "shared-memory object " + name + " is not a papers-hubsim wire (stale or foreign)";
        return WireErr::not_found;
    }
    if (!w.ready.load()) {
        err = "hub simulator at " + name + " is not serving";
        return WireErr::not_serving;
    }
    if (w.hub_version != kProtocolVersion) {
        err = "hub at " + name + " speaks protocol " + std::to_string(w.hub_version) +
              ", this library speaks protocol " + std::to_string(kProtocolVersion);
        return WireErr::version;
    }
    if (w.mode != mode) {
        err = "simulator at " + name + " is wired as a " +
              (w.mode == WireMode::hub ? "hub" : "LapLink cable") + ", not for this backend";
        return WireErr::wrong_mode;
    }
    // The wire's arrays hold kMaxPorts: a larger count (a foreign wire, or
    // PAPERS_SIZE > kMaxPorts) would index past them.
    if (w.nports > static_cast<std::uint32_t>(kMaxPorts) || ports > kMaxPorts) {
        err = "the simulated hub at " + name + " serves at most " + std::to_string(kMaxPorts) +
              " ports (wire says " + std::to_string(w.nports) + ", PAPERS_SIZE=" +
              std::to_string(ports) + ")";
        return WireErr::wrong_ports;
    }
    if (static_cast<int>(w.nports) != ports) {
        err = "the simulated hub has " + std::to_string(w.nports) +
              " enabled ports but PAPERS_SIZE=" + std::to_string(ports);
        return WireErr::wrong_ports;
    }
    return WireErr::none;
}

WireMapping WireMapping::open_served(const std::string& name, int ports, WireMode mode,
                                     WireErr& why, std::string& err) {
    WireMapping m = open_shared(name, err);
    if (!m) {
        why = WireErr::not_found;
        return m;
    }
    why = check_wire(*m.get(), name, ports, mode, err);
    if (why != WireErr::none) return {};
    return m;
}

WireMapping WireMapping::create_private() {
    return WireMapping(new Wire{}, "", true, false);
}

WireMapping::WireMapping(WireMapping&& o) noexcept { *this = std::move(o); }

WireMapping& WireMapping::operator=(WireMapping&& o) noexcept {
    if (this != &o) {
        this->~WireMapping();
        wire_ = o.wire_;
        name_ = std::move(o.name_);
        owner_ = o.owner_;
        shared_ = o.shared_;
        o.wire_ = nullptr;
        o.owner_ = false;
    }
    return *this;
}

WireMapping::~WireMapping() {
    if (!wire_) return;
    if (shared_) {
        munmap(wire_, sizeof(Wire));
    } else {
        delete wire_;
    }
    wire_ = nullptr;
}

void WireMapping::unlink() {
    if (shared_ && owner_ && !name_.empty()) shm_unlink(name_.c_str());
    owner_ = false;
}

}  // namespace papers::sim
