#include "engine_generator.hpp"

#include <linux/capability.h>

#include <climits>

#include "engine_kernel_ns.hpp"
#include "proto/ids.hpp"

namespace papers::dipc::enginetest {

namespace {

using proto::Kind;

constexpr int kKeys[] = {0x51, 0x52, 0x53, IPC_PRIVATE};
constexpr unsigned kModes[] = {0600, 0666, 0640, 0604, 0660, 0400, 0200, 0644, 0, 0777, 0460, 0046, 0606};
constexpr unsigned kUids[] = {0, 1000, 1001, 1002};
constexpr unsigned kGids[] = {0, 100, 1000, 1002};

// The semctl commands whose fourth argument is a buffer the call reads or writes.
bool semctl_takes_buffer(int cmd) {
    return cmd == GETALL || cmd == SETALL || cmd == IPC_STAT || cmd == IPC_SET || cmd == SEM_STAT ||
           cmd == SEM_STAT_ANY || cmd == IPC_INFO || cmd == SEM_INFO;
}

}  // namespace

Generator::Generator(CallTwin& twin, std::uint64_t seed, const proto::Limits& limits, GeneratorOptions options)
    : t_(twin), rng_(seed), limits_(limits), opt_(options), sys_resource_(has_capability(CAP_SYS_RESOURCE)) {}

void Generator::step() {
    int r = below(1000);
    if ((r -= 50) < 0) return semget();
    if ((r -= 40) < 0) return msgget();
    if ((r -= 310) < 0) return semop();
    if ((r -= 165) < 0) return semctl();
    if ((r -= 155) < 0) return msgsnd();
    if ((r -= 155) < 0) return msgrcv();
    if ((r -= 60) < 0) return msgctl();
    if ((r -= 25) < 0) return t_.kill_party(1 + below(t_.parties() - 1));
    if ((r -= 3) < 0) return opt_.lose_host ? t_.lose_host(2) : check_one();
    if ((r -= 32) < 0) return check_one();
    return t_.check_all();
}

// With calls kept in flight, only an idle party can make the next one.
int Generator::party() {
    if (!opt_.keep_percent) return below(t_.parties());
    std::vector<int> idle;
    for (int p = 0; p < t_.parties(); ++p)
        if (!t_.pending(p)) idle.push_back(p);
    return idle.empty() ? 0 : idle[below(static_cast<int>(idle.size()))];
}

int Generator::mode() { return static_cast<int>(pick(kModes)); }

void Generator::maybe_fault(KRequest& q) {
    if (opt_.fault_percent && chance(opt_.fault_percent)) q.fault = static_cast<Fault>(1 + below(4));
}

void Generator::check_one() {
    if (t_.handles().empty()) return;
    t_.check_handle(below(static_cast<int>(t_.handles().size())));
}

void Generator::semget() {
    int flags = mode() | (chance(60) ? IPC_CREAT : 0) | (chance(15) ? IPC_EXCL : 0);
    int nsems = chance(90) ? 1 + below(5) : pick((const int[]){0, -1, 8, 9, 100});
    t_.get(party(), Kind::sem, pick(kKeys), nsems, flags);
}

void Generator::msgget() {
    int flags = mode() | (chance(60) ? IPC_CREAT : 0) | (chance(15) ? IPC_EXCL : 0);
    t_.get(party(), Kind::msg, pick(kKeys), 0, flags);
}

// Most calls go to a live structure; some to a removed one, to ids no
// structure has, or to negative ids. Creates one when there is none.
bool Generator::choose(Kind kind, Target& tg, int& nsems, bool by_index) {
    std::vector<int> live = t_.live_handles(kind);
    if (live.empty()) {
        t_.get(0, kind, IPC_PRIVATE, 1 + below(4), 0666 | IPC_CREAT);
        return false;
    }
    int r = below(100);
    if (r < 88 || (by_index && r < 95)) {
        int h = live[below(static_cast<int>(live.size()))];
        tg = t_.target(h, by_index);
        nsems = t_.handles()[h].nsems;
        return true;
    }
    nsems = 3;
    if (r < 95) {
        std::vector<int> dead;
        for (std::size_t h = 0; h < t_.handles().size(); ++h)
            if (!t_.handles()[h].live && t_.handles()[h].kind == kind) dead.push_back(static_cast<int>(h));
        if (!dead.empty()) {
            tg = t_.target(dead[below(static_cast<int>(dead.size()))]);
            return true;
        }
    }
    if (r < 98) {
        tg.kid = by_index ? 31000 : (7 << 15) | 31000;  // an index the kernel has not used
        tg.eid = proto::make_id(700, 7);
    } else {
        tg.kid = -1;
        tg.eid = -1;
    }
    return true;
}

short Generator::semval_op() {
    int r = below(100);
    if (r < 65) return static_cast<short>(below(5) - 2);
    if (r < 80) return 0;
    int big = 1000 + below(31768);
    return static_cast<short>(chance(50) ? big : -big);
}

void Generator::semop() {
    Target tg;
    int nsems;
    if (!choose(Kind::sem, tg, nsems)) return;
    KRequest q;
    q.call = KCall::semop;
    int r = below(100);
    q.nsops = r < 3 ? 0 : r < 7 ? static_cast<int>(limits_.semopm) + 1 : 1 + below(r < 20 ? 6 : 3);
    bool all_nowait = true;
    for (int i = 0; i < q.nsops; ++i) {
        q.sops[i].sem_num = static_cast<unsigned short>(chance(4) ? nsems : below(nsems));
        q.sops[i].sem_op = semval_op();
        q.sops[i].sem_flg = static_cast<short>((chance(75) ? IPC_NOWAIT : 0) | (chance(30) ? SEM_UNDO : 0));
        all_nowait &= (q.sops[i].sem_flg & IPC_NOWAIT) != 0;
    }
    Resolve how = Resolve::keep;
    if (chance(1)) {
        q.timeout_ns = -2;
    } else if (!all_nowait || chance(10)) {
        if (chance(50)) {
            q.timeout_ns = pick((const long long[]){0, 1000, 50000});
            how = Resolve::expire;
        } else {
            how = Resolve::interrupt;
            if (opt_.keep_percent && chance(opt_.keep_percent)) how = Resolve::keep;
        }
    }
    maybe_fault(q);
    if (opt_.fault_percent && q.timeout_ns != -1 && chance(opt_.fault_percent)) q.fault_timeout = true;
    t_.call(party(), tg, q, how);
}

void Generator::semctl() {
    KRequest q;
    q.call = KCall::semctl;
    int r = below(100);
    static const int cmds[] = {GETVAL, GETVAL, SETVAL, SETVAL, SETVAL, GETALL, SETALL, SETALL, GETPID,
                               GETNCNT, GETZCNT, IPC_STAT, IPC_STAT, SEM_STAT, SEM_STAT_ANY, IPC_SET,
                               IPC_SET, IPC_RMID, 99, -5, IPC_INFO, SEM_INFO};
    q.cmd = pick(cmds);
    if (q.cmd == IPC_RMID && t_.live_handles(Kind::sem).size() < 3 && chance(70)) q.cmd = GETALL;
    if (semctl_takes_buffer(q.cmd)) maybe_fault(q);
    if (q.cmd == IPC_INFO || q.cmd == SEM_INFO) return t_.call(party(), Target{}, q);
    Target tg;
    int nsems;
    if (!choose(Kind::sem, tg, nsems, q.cmd == SEM_STAT || q.cmd == SEM_STAT_ANY)) return;
    q.semnum = r < 85 ? below(nsems) : pick((const int[]){-1, nsems, nsems + 1});
    q.val = pick((const int[]){0, 1, 2, 3, 5, 10, 0, 1, 32700, 32760, 32766, 32767, 32768, -1, 65536});
    for (int i = 0; i < kMaxSemsT; ++i)
        q.values[i] = static_cast<unsigned short>(chance(80) ? below(6) : 32760 + below(8));
    if (chance(5)) q.values[below(nsems)] = pick((const unsigned short[]){32768, 65535});
    q.uid = chance(3) ? 0xffffffffu : pick(kUids);
    q.gid = chance(3) ? 0xffffffffu : pick(kGids);
    q.mode = static_cast<unsigned>(mode()) | (chance(10) ? 07000u : 0u);
    t_.call(party(), tg, q);
}

void Generator::msgsnd() {
    Target tg;
    int unused;
    if (!choose(Kind::msg, tg, unused)) return;
    KRequest q;
    q.call = KCall::msgsnd;
    q.mtype = chance(5) ? pick((const long[]){0, -1, LONG_MIN}) : 1 + below(4);
    int r = below(100);
    q.ntext = r < 4 ? static_cast<int>(limits_.msgmax) + 1 + below(3)
            : r < 15 ? 0
                     : below(static_cast<int>(limits_.msgmax) + 1);
    for (int i = 0; i < q.ntext; ++i) q.text[i] = static_cast<unsigned char>(rng_());
    q.flags = chance(80) ? IPC_NOWAIT : 0;
    Resolve how = Resolve::interrupt;
    if (opt_.keep_percent && chance(opt_.keep_percent)) how = Resolve::keep;
    maybe_fault(q);
    t_.call(party(), tg, q, how);
}

void Generator::msgrcv() {
    Target tg;
    int unused;
    if (!choose(Kind::msg, tg, unused)) return;
    KRequest q;
    q.call = KCall::msgrcv;
    int r = below(100);
    q.msgtyp = r < 40 ? 0 : r < 65 ? 1 + below(4) : r < 85 ? -1 - below(4) : r < 95 ? 5 : r < 98 ? -1000 : LONG_MIN;
    r = below(100);
    q.bufsz = r < 70 ? static_cast<unsigned long>(below(static_cast<int>(limits_.msgmax) + 8))
            : r < 97 ? static_cast<unsigned long>(below(9))
                     : static_cast<unsigned long>(-1);
    q.flags = (chance(80) ? IPC_NOWAIT : 0) | (chance(30) ? MSG_NOERROR : 0) | (chance(15) ? MSG_EXCEPT : 0);
    if (chance(8)) {
        q.flags |= MSG_COPY | (chance(90) ? IPC_NOWAIT : 0);
        if (chance(80)) q.flags &= ~MSG_EXCEPT;
        q.msgtyp = below(5) - (chance(10) ? 2 : 0);
    }
    Resolve how = Resolve::interrupt;
    if (opt_.keep_percent && chance(opt_.keep_percent)) how = Resolve::keep;
    maybe_fault(q);
    t_.call(party(), tg, q, how);
}

void Generator::msgctl() {
    KRequest q;
    q.call = KCall::msgctl;
    static const int cmds[] = {IPC_STAT, IPC_STAT, MSG_STAT, MSG_STAT_ANY, IPC_SET, IPC_SET, IPC_SET,
                               IPC_RMID, 99, -1, IPC_INFO, MSG_INFO};
    q.cmd = pick(cmds);
    if (q.cmd == IPC_RMID && t_.live_handles(Kind::msg).size() < 3 && chance(70)) q.cmd = IPC_STAT;
    if (q.cmd != IPC_RMID && q.cmd != 99 && q.cmd != -1) maybe_fault(q);
    if (q.cmd == IPC_INFO || q.cmd == MSG_INFO) return t_.call(party(), Target{}, q);
    Target tg;
    int unused;
    if (!choose(Kind::msg, tg, unused, q.cmd == MSG_STAT || q.cmd == MSG_STAT_ANY)) return;
    q.uid = chance(3) ? 0xffffffffu : pick(kUids);
    q.gid = chance(3) ? 0xffffffffu : pick(kGids);
    q.mode = static_cast<unsigned>(mode());
    // Small values: qbytes also bounds the number of messages.
    q.qbytes = pick((const unsigned long[]){0, 1, 2, 3, 64, 128, 200, 256, 256, 256, 257, 512, 0x80000000ul,
                                            0xffffffffu, (1ul << 32) | 2, 300});
    int p = party();
    // Root without CAP_SYS_RESOURCE (some containers) may not raise
    // qbytes above MSGMNB; the engine's euid 0 stands for having it.
    if (p == 0 && !sys_resource_ && static_cast<std::uint32_t>(q.qbytes) > limits_.msgmnb) q.qbytes = 200;
    t_.call(p, tg, q);
}

}  // namespace papers::dipc::enginetest
