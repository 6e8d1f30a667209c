// messages.hpp — every message of the DIPC layer, client <-> daemon and
// daemon <-> daemon (docs/dipc-design.md, "Frames and messages").
//
// A frame body is Header then the op's struct. Each struct declares its
// fields once (fields()); codec.hpp turns that into encode and decode.
// Bounds on variable-length fields are the kMax* constants below, far above
// what the configured limits allow, so the limits (not the wire) decide
// errors like E2BIG; the wire only refuses what no configuration allows.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "codec.hpp"

namespace papers::dipc::proto {

constexpr std::uint32_t kProtocolVersion = 1;
constexpr std::uint32_t kMaxFrame = 16u << 20;      // whole frame body
constexpr std::uint32_t kMaxSops = 65536;           // semop array
constexpr std::uint32_t kMaxSems = 65536;           // GETALL/SETALL values
constexpr std::uint32_t kMaxText = 8u << 20;        // one message's text
constexpr std::uint32_t kMaxGroups = 65536;         // supplementary groups (NGROUPS_MAX)
constexpr std::uint32_t kMaxName = 255;             // host names, addresses
constexpr std::uint32_t kMaxTable = 1u << 16;       // entries in a snapshot
constexpr std::uint32_t kMaxInner = kMaxFrame - 64;  // a forwarded body

enum class Kind : std::uint8_t { sem = 0, msg = 1, shm = 2 };
constexpr int kKinds = 3;

enum class Op : std::uint16_t {
    // client -> its local daemon; request_id chosen by the client
    client_hello = 1,  // ClientHello -> Welcome
    get = 2,           // GetReq -> Reply(ret = id)
    semop = 3,         // SemopReq -> Reply(ret = 0)
    semctl = 4,        // SemctlReq -> Reply(payload by cmd)
    msgsnd = 5,        // MsgsndReq -> Reply(ret = 0)
    msgrcv = 6,        // MsgrcvReq -> Reply(ret = size, payload MsgText)
    msgctl = 7,        // MsgctlReq -> Reply(payload by cmd)
    cancel = 8,        // CancelReq: no reply of its own; the target's reply is the verdict
    welcome = 9,       // Welcome (daemon -> client)
    // shared memory (issue 12)
    shmat = 10,        // ShmatReq -> Reply(ret 0, payload ShmAttach) + the segment's memfd (SCM_RIGHTS)
    shmdt = 11,        // ShmdtReq -> Reply
    shmctl = 12,       // ShmctlReq -> Reply(payload by cmd)
    fault = 13,        // FaultReq -> Reply(payload Grant) or err: EIO lost, ETIMEDOUT, EIDRM
    shm_inherit = 14,  // ShmInherit (a forked child's attachments) -> Reply
    revoke = 15,       // Revoke, daemon -> a process's DSM service connection -> Reply (ack)
    // direct links (decision 13)
    link_open = 16,    // LinkOpen -> Reply(payload LinkHandover) + the link's socket (SCM_RIGHTS)
    whereis = 17,      // TableRef -> Reply(ret = the owner's host id; EINVAL: no such structure)
    // the direct read fetch (docs/dipc-design.md, "Direct read fetch")
    dsm_fetch = 18,      // DsmFetch, process -> the home's daemon on its direct link -> Reply(payload
                         // DsmFetched) or err: EAGAIN (ask your own daemon), EIO lost, EIDRM
    dsm_installed = 19,  // DsmInstalled, process -> its daemon on the DSM service connection; no reply

    reply = 32,  // Reply; request_id = the request's

    // daemon -> daemon (inside the secure channel)
    forward = 40,       // Forward -> Reply: a client's call on behalf of `caller`
    process_gone = 41,  // ProcessGone: apply undo, drop pending calls; no reply
    heartbeat = 42,     // empty; keeps an idle link alive
    usage = 43,         // UsageReq -> Reply(payload Usage): this owner's counts

    // daemon <-> referee
    host_hello = 48,    // HostHello -> HostWelcome
    host_welcome = 49,  // HostWelcome
    key_resolve = 50,   // KeyResolve -> Reply(payload Resolved)
    table_add = 51,     // TableEntry, referee -> every daemon
    table_remove = 52,  // TableRef, referee -> every daemon
    removed = 53,       // TableRef, owner -> referee -> Reply(ret 0)
    host_up = 54,       // HostEntry, referee -> every daemon
    host_lost = 55,     // HostRef, referee -> every daemon (and fenced host)
    page_req = 60,     // PageReq, host -> home -> Reply(payload PageGrant)
    page_revoke = 61,  // PageRevoke, home -> host -> Reply(payload PageBytes when want_data)
    page_notice = 65,  // PageNotice, home -> host: a direct read grant to one of its processes -> Reply
    shm_attach = 62,   // ShmAttachNote, host -> home: attach counts -> Reply
    client_link = 64,  // Caller, first frame of a link a daemon opens for one of its processes
                       // -> Reply; then the process's own calls (semop...) and cancels flow on it
    key_release = 63,  // TableRef, owner -> referee: IPC_RMID of a segment still attached:
                       // its key is free (IPC_PRIVATE now), its id lives until the last detach
    sync = 56,          // Empty -> Reply: every broadcast the referee sent before is now here
                        // (it answers in order on the same link): asked when an id or a host
                        // name is unknown, before concluding it does not exist
};
const char* op_name(Op op);

struct Header {
    Op op = Op::reply;
    std::uint16_t reserved = 0;
    std::uint64_t request_id = 0;
    template <class F>
    void fields(F& f) { f(op); f(reserved); f(request_id); }
};

// ---- identity and limits -------------------------------------------------

// Who makes a call, as its daemon saw it (SO_PEERCRED, /proc). Never sent by
// a client; a daemon may only assert callers of its own host.
struct Caller {
    std::uint32_t host = 0;
    std::int32_t pid = 0;
    std::uint64_t start_time = 0;  // /proc/PID/stat field 22: tells a reused pid apart
    std::uint32_t euid = 0;
    std::uint32_t egid = 0;
    std::vector<std::uint32_t> groups;  // supplementary
    template <class F>
    void fields(F& f) { f(host); f(pid); f(start_time); f(euid); f(egid); f(bounded(groups, kMaxGroups)); }
};

// The layer's limits, configured on the referee (decision 8).
struct Limits {
    std::uint32_t semmsl = 32000, semmns = 1024000000, semopm = 500, semvmx = 32767,
                  semaem = 32767, semmni = 768, semume = 500, semmnu = 1024000000;
    std::uint32_t msgmax = 8192, msgmnb = 16384, msgmni = 768;
    std::uint64_t shmmax = 0x7fffffffffffffffULL - (1ULL << 24), shmmin = 1, shmmni = 768,
                  shmall = 0x7fffffffffffffffULL - (1ULL << 24);
    // Shared memory coherence (issue 12): 4 KiB pages or the whole segment,
    // and how long a host keeps a unit before the home may take it away.
    std::uint32_t dsm_whole_segment = 0;  // 0 = 4 KiB pages, 1 = whole segments
    std::uint32_t dsm_min_residency_us = 0;
    template <class F>
    void fields(F& f) {
        f(semmsl); f(semmns); f(semopm); f(semvmx); f(semaem); f(semmni); f(semume); f(semmnu);
        f(msgmax); f(msgmnb); f(msgmni);
        f(shmmax); f(shmmin); f(shmmni); f(shmall);
        f(dsm_whole_segment); f(dsm_min_residency_us);
    }
};

// ---- client <-> local daemon ----------------------------------------------

struct ClientHello {
    std::uint32_t version = kProtocolVersion;
    std::uint8_t role = 0;  // 0 = calls; 1 = DSM service connection (issue 12)
    template <class F>
    void fields(F& f) { f(version); f(role); }
};

struct Welcome {
    std::uint32_t version = kProtocolVersion;
    std::uint32_t host = 0;  // this host's id in the cluster
    Limits limits;
    std::uint32_t heartbeat_ms = 250;      // the cluster's liveness bounds, for direct links
    std::uint32_t peer_timeout_ms = 2000;
    template <class F>
    void fields(F& f) { f(version); f(host); f(limits); f(heartbeat_ms); f(peer_timeout_ms); }
};

// A direct link to another host's daemon, for this process's calls on the
// structures that host owns (decision 13).
struct LinkOpen {
    std::uint32_t host = 0;
    template <class F>
    void fields(F& f) { f(host); }
};

// link_open's answer, with the connected socket: the channel session's state
// (channel::Session::export_state) and bytes already received, still sealed.
struct LinkHandover {
    std::vector<std::uint8_t> state;
    std::vector<std::uint8_t> unread;
    template <class F>
    void fields(F& f) { f(bounded(state, 4096)); f(bounded(unread, kMaxInner)); }
};

struct GetReq {
    Kind kind = Kind::sem;
    std::int32_t key = 0;
    std::int32_t flags = 0;   // the caller's flags, IPC_DIPC stripped
    std::uint64_t size = 0;   // nsems (sem), bytes (shm), 0 (msg)
    std::int32_t id = -1;     // set by the daemon once the referee named the structure
    bool create = false;      // set by the daemon: the owner creates `id` now
    template <class F>
    void fields(F& f) { f(kind); f(key); f(flags); f(size); f(id); f(create); }
};

struct SemBuf {
    std::uint16_t num = 0;
    std::int16_t op = 0;
    std::int16_t flg = 0;
    template <class F>
    void fields(F& f) { f(num); f(op); f(flg); }
};

struct SemopReq {
    std::int32_t id = 0;
    std::vector<SemBuf> sops;
    std::int64_t timeout_ns = -1;  // semtimedop's relative timeout; -1 = none
    template <class F>
    void fields(F& f) { f(id); f(bounded(sops, kMaxSops)); f(timeout_ns); }
};

// IPC_SET's input (sem: uid gid mode; msg: also qbytes).
struct IpcSetRec {
    std::uint32_t uid = 0, gid = 0, mode = 0;
    std::uint64_t qbytes = 0;
    template <class F>
    void fields(F& f) { f(uid); f(gid); f(mode); f(qbytes); }
};

struct SemctlReq {
    std::int32_t id = 0;       // or an index for SEM_STAT / SEM_STAT_ANY
    std::int32_t semnum = 0;
    std::int32_t cmd = 0;
    std::int32_t val = 0;      // SETVAL
    std::vector<std::uint16_t> values;  // SETALL
    IpcSetRec set;             // IPC_SET
    template <class F>
    void fields(F& f) { f(id); f(semnum); f(cmd); f(val); f(bounded(values, kMaxSems)); f(set); }
};

struct MsgsndReq {
    std::int32_t id = 0;
    std::int64_t mtype = 0;
    std::vector<std::uint8_t> text;
    std::int32_t flags = 0;
    template <class F>
    void fields(F& f) { f(id); f(mtype); f(bounded(text, kMaxText)); f(flags); }
};

struct MsgrcvReq {
    std::int32_t id = 0;
    std::uint64_t maxsize = 0;
    std::int64_t msgtyp = 0;
    std::int32_t flags = 0;
    template <class F>
    void fields(F& f) { f(id); f(maxsize); f(msgtyp); f(flags); }
};

struct MsgctlReq {
    std::int32_t id = 0;  // or an index for MSG_STAT / MSG_STAT_ANY
    std::int32_t cmd = 0;
    IpcSetRec set;
    template <class F>
    void fields(F& f) { f(id); f(cmd); f(set); }
};

struct CancelReq {
    std::uint64_t target = 0;  // request_id of the call to cancel
    template <class F>
    void fields(F& f) { f(target); }
};

// The answer to any request: the system call's return value and errno
// (0 on success), and an op-specific payload (encoded with encode_payload).
struct Reply {
    std::int64_t ret = 0;
    std::int32_t err = 0;
    std::vector<std::uint8_t> payload;
    template <class F>
    void fields(F& f) { f(ret); f(err); f(bounded(payload, kMaxInner)); }
};

// ---- shared memory, client <-> daemon ----------------------------------------

// A bit of ShmatReq::flags no shmat flag uses (the client clears it in the
// program's flags): only the checks, nothing attached or stamped; the
// answer's size lets the client check a fixed address for overlap first,
// as do_shmat does after its permission check.
constexpr std::int32_t kShmatCheckOnly = 0x40000000;

struct ShmatReq {
    std::int32_t id = 0;
    std::int32_t flags = 0;  // SHM_RDONLY matters here; SHM_RND/SHM_REMAP are the client's; kShmatCheckOnly
    template <class F>
    void fields(F& f) { f(id); f(flags); }
};

// shmat's answer: how to map the memfd that comes with it.
struct ShmAttach {
    std::uint64_t attach = 0;      // this attachment's handle (shmdt, faults)
    std::uint64_t size = 0;        // segment bytes (shm_segsz)
    std::uint64_t unit_bytes = 0;  // coherence unit: 4096, or the whole segment rounded up
    template <class F>
    void fields(F& f) { f(attach); f(size); f(unit_bytes); }
};

struct ShmdtReq {
    std::uint64_t attach = 0;
    template <class F>
    void fields(F& f) { f(attach); }
};

struct ShmctlReq {
    std::int32_t id = 0;  // or an index for SHM_STAT / SHM_STAT_ANY
    std::int32_t cmd = 0;
    IpcSetRec set;
    template <class F>
    void fields(F& f) { f(id); f(cmd); f(set); }
};

struct FaultReq {
    std::uint64_t attach = 0;
    std::uint64_t unit = 0;
    bool write = false;
    template <class F>
    void fields(F& f) { f(attach); f(unit); f(write); }
};

// A view change for a process: grant (answer to a fault) or revoke (order).
struct Grant {
    std::uint8_t level = 0;  // 0 none, 1 read, 2 read+write
    std::uint64_t seq = 0;   // the process's view-change counter
    template <class F>
    void fields(F& f) { f(level); f(seq); }
};

struct Revoke {
    std::uint64_t attach = 0;  // 0 = every attachment of `segment` in the process
    std::int32_t segment = 0;
    std::uint64_t unit = 0;
    std::uint64_t count = 1;   // units unit .. unit+count-1
    std::uint8_t level = 0;    // drop to this
    std::uint64_t seq = 0;
    template <class F>
    void fields(F& f) { f(attach); f(segment); f(unit); f(count); f(level); f(seq); }
};

struct ShmInherit {
    std::vector<std::uint64_t> attaches;  // the parent's attachment handles
    template <class F>
    void fields(F& f) { f(bounded(attaches, 65536)); }
};

// ---- shared memory, host <-> home ---------------------------------------------

struct PageReq {
    std::int32_t segment = 0;
    std::uint64_t unit = 0;
    bool write = false;
    template <class F>
    void fields(F& f) { f(segment); f(unit); f(write); }
};

struct PageGrant {
    std::uint8_t level = 0;
    std::vector<std::uint8_t> data;  // empty when the host already had the current bytes
    // How many page_notices the home had sent to this host before this
    // answer: the host applies the answer only after it has seen as many
    // (they travel on the other link of the pair).
    std::uint64_t notices = 0;
    template <class F>
    void fields(F& f) { f(level); f(bounded(data, kMaxInner)); f(notices); }
};

// A process's read miss asked of the home directly (its direct link).
struct DsmFetch {
    std::int32_t segment = 0;
    std::uint64_t unit = 0;
    std::uint64_t attach = 0;    // the process's attachment, as its own daemon names it
    std::uint64_t fetch_id = 0;  // the process's, echoed in the notice and in dsm_installed
    template <class F>
    void fields(F& f) { f(segment); f(unit); f(attach); f(fetch_id); }
};

struct DsmFetched {
    std::vector<std::uint8_t> data;  // the unit's current bytes
    template <class F>
    void fields(F& f) { f(bounded(data, kMaxInner)); }
};

// The home granted `unit` for reading to process pid of the receiving host,
// which writes `data` into the host's copy itself; the host's daemon holds
// the unit READ and keeps other local processes off it until dsm_installed.
struct PageNotice {
    std::int32_t segment = 0;
    std::uint64_t unit = 0;
    std::uint64_t attach = 0;
    std::int32_t pid = 0;
    std::uint64_t start_time = 0;
    std::uint64_t fetch_id = 0;
    std::vector<std::uint8_t> data;  // the same bytes: the daemon writes them if the process cannot
    template <class F>
    void fields(F& f) { f(segment); f(unit); f(attach); f(pid); f(start_time); f(fetch_id); f(bounded(data, kMaxInner)); }
};

struct DsmInstalled {
    std::uint64_t attach = 0;
    std::uint64_t unit = 0;
    std::uint64_t fetch_id = 0;
    bool installed = false;  // false: the bytes were not written (detached, revoked meanwhile, failed)
    template <class F>
    void fields(F& f) { f(attach); f(unit); f(fetch_id); f(installed); }
};

struct PageRevoke {
    std::int32_t segment = 0;
    std::uint64_t unit = 0;
    std::uint8_t level = 0;
    bool want_data = false;
    template <class F>
    void fields(F& f) { f(segment); f(unit); f(level); f(want_data); }
};

struct PageBytes {
    std::vector<std::uint8_t> data;
    template <class F>
    void fields(F& f) { f(bounded(data, kMaxInner)); }
};

struct ShmAttachNote {
    std::int32_t segment = 0;
    std::int32_t delta = 0;  // +1 attach, -1 detach
    std::int32_t pid = 0;    // shm_lpid
    template <class F>
    void fields(F& f) { f(segment); f(delta); f(pid); }
};

// ---- reply payloads (mirror the kernel structures' fields) -----------------

struct IpcPermRec {
    std::int32_t key = 0;
    std::uint32_t uid = 0, gid = 0, cuid = 0, cgid = 0, mode = 0, seq = 0;
    template <class F>
    void fields(F& f) { f(key); f(uid); f(gid); f(cuid); f(cgid); f(mode); f(seq); }
};

struct SemDsRec {  // IPC_STAT, SEM_STAT, SEM_STAT_ANY
    IpcPermRec perm;
    std::int64_t otime = 0, ctime = 0;
    std::uint64_t nsems = 0;
    template <class F>
    void fields(F& f) { f(perm); f(otime); f(ctime); f(nsems); }
};

struct MsgDsRec {  // IPC_STAT, MSG_STAT, MSG_STAT_ANY
    IpcPermRec perm;
    std::int64_t stime = 0, rtime = 0, ctime = 0;
    std::uint64_t cbytes = 0, qnum = 0, qbytes = 0;
    std::int32_t lspid = 0, lrpid = 0;
    template <class F>
    void fields(F& f) {
        f(perm); f(stime); f(rtime); f(ctime); f(cbytes); f(qnum); f(qbytes); f(lspid); f(lrpid);
    }
};

struct SemInfoRec {  // struct seminfo (IPC_INFO, SEM_INFO)
    std::int32_t semmap = 0, semmni = 0, semmns = 0, semmnu = 0, semmsl = 0, semopm = 0,
                 semume = 0, semusz = 0, semvmx = 0, semaem = 0;
    template <class F>
    void fields(F& f) {
        f(semmap); f(semmni); f(semmns); f(semmnu); f(semmsl); f(semopm); f(semume); f(semusz);
        f(semvmx); f(semaem);
    }
};

struct MsgInfoRec {  // struct msginfo (IPC_INFO, MSG_INFO)
    std::int32_t msgpool = 0, msgmap = 0, msgmax = 0, msgmnb = 0, msgmni = 0, msgssz = 0,
                 msgtql = 0;
    std::uint16_t msgseg = 0;
    template <class F>
    void fields(F& f) { f(msgpool); f(msgmap); f(msgmax); f(msgmnb); f(msgmni); f(msgssz); f(msgtql); f(msgseg); }
};

struct SemValues {  // GETALL
    std::vector<std::uint16_t> values;
    template <class F>
    void fields(F& f) { f(bounded(values, kMaxSems)); }
};

struct MsgText {  // msgrcv
    std::int64_t mtype = 0;
    std::vector<std::uint8_t> text;
    template <class F>
    void fields(F& f) { f(mtype); f(bounded(text, kMaxText)); }
};

struct ShmDsRec {  // IPC_STAT, SHM_STAT, SHM_STAT_ANY
    IpcPermRec perm;
    std::uint64_t segsz = 0;
    std::int64_t atime = 0, dtime = 0, ctime = 0;
    std::int32_t cpid = 0, lpid = 0;
    std::uint64_t nattch = 0;
    template <class F>
    void fields(F& f) { f(perm); f(segsz); f(atime); f(dtime); f(ctime); f(cpid); f(lpid); f(nattch); }
};

struct ShmInfoRec {  // struct shminfo (IPC_INFO)
    std::uint64_t shmmax = 0, shmmin = 0, shmmni = 0, shmseg = 0, shmall = 0;
    template <class F>
    void fields(F& f) { f(shmmax); f(shmmin); f(shmmni); f(shmseg); f(shmall); }
};

struct ShmUsageRec {  // struct shm_info (SHM_INFO)
    std::int32_t used_ids = 0;
    std::uint64_t shm_tot = 0, shm_rss = 0, shm_swp = 0, swap_attempts = 0, swap_successes = 0;
    template <class F>
    void fields(F& f) { f(used_ids); f(shm_tot); f(shm_rss); f(shm_swp); f(swap_attempts); f(swap_successes); }
};

// One owner's share of the *_INFO usage counts.
struct Usage {
    std::uint64_t structures = 0;  // sets / queues / segments
    std::uint64_t items = 0;       // semaphores / messages / pages
    std::uint64_t bytes = 0;       // message bytes / segment bytes
    template <class F>
    void fields(F& f) { f(structures); f(items); f(bytes); }
};

// ---- daemon <-> daemon ------------------------------------------------------

struct Forward {
    Caller caller;
    Op inner_op = Op::get;
    std::vector<std::uint8_t> inner;  // the client's request struct, encoded
    template <class F>
    void fields(F& f) { f(caller); f(inner_op); f(bounded(inner, kMaxInner)); }
};

struct ProcessGone {
    std::uint32_t host = 0;
    std::int32_t pid = 0;
    std::uint64_t start_time = 0;
    template <class F>
    void fields(F& f) { f(host); f(pid); f(start_time); }
};

struct UsageReq {
    Kind kind = Kind::sem;
    template <class F>
    void fields(F& f) { f(kind); }
};

struct HostEntry {
    std::uint32_t host = 0;
    std::string name;     // as configured (--name), unique in the cluster
    std::string address;  // where its daemon listens (IPv4/IPv6 literal)
    std::uint16_t port = 0;
    template <class F>
    void fields(F& f) { f(host); f(bounded(name, kMaxName)); f(bounded(address, kMaxName)); f(port); }
};

struct HostRef {
    std::uint32_t host = 0;
    template <class F>
    void fields(F& f) { f(host); }
};

struct TableEntry {
    Kind kind = Kind::sem;
    std::int32_t key = 0;   // IPC_PRIVATE (0) for private structures
    std::int32_t id = 0;
    std::uint32_t owner = 0;
    std::uint64_t size = 0;  // nsems / segment bytes (SEMMNS, SHMALL accounting)
    template <class F>
    void fields(F& f) { f(kind); f(key); f(id); f(owner); f(size); }
};

struct TableRef {
    Kind kind = Kind::sem;
    std::int32_t id = 0;
    template <class F>
    void fields(F& f) { f(kind); f(id); }
};

struct HostHello {
    std::uint32_t version = kProtocolVersion;
    HostEntry self;  // host = 0: the referee assigns it
    template <class F>
    void fields(F& f) { f(version); f(self); }
};

struct HostWelcome {
    std::uint32_t host = 0;  // the id the referee gave the new host
    Limits limits;
    std::vector<HostEntry> hosts;
    std::vector<TableEntry> table;
    template <class F>
    void fields(F& f) { f(host); f(limits); f(bounded(hosts, kMaxTable)); f(bounded(table, kMaxTable)); }
};

struct KeyResolve {
    Kind kind = Kind::sem;
    std::int32_t key = 0;
    std::int32_t flags = 0;  // IPC_CREAT, IPC_EXCL matter
    std::uint64_t size = 0;  // for a creation: SEMMNS / SHMALL accounting
    template <class F>
    void fields(F& f) { f(kind); f(key); f(flags); f(size); }
};

// key_resolve's payload: err = 0 with created or not, or the errno
// (ENOENT, EEXIST, ENOSPC) in the Reply.
struct Resolved {
    std::int32_t id = 0;
    std::uint32_t owner = 0;
    bool created = false;  // the asking host owns it and must create it now
    template <class F>
    void fields(F& f) { f(id); f(owner); f(created); }
};

// ---- encoding helpers -------------------------------------------------------

template <class T>
void encode_payload(const T& msg, std::vector<std::uint8_t>& out) {
    Encoder e(out);
    e(msg);
}

template <class T>
std::vector<std::uint8_t> encode_payload(const T& msg) {
    std::vector<std::uint8_t> out;
    encode_payload(msg, out);
    return out;
}

// Decodes a whole buffer as T: false if it is short, long or out of bounds.
template <class T>
bool decode_payload(const std::uint8_t* p, std::size_t n, T& msg, const char** why = nullptr) {
    Decoder d(p, n);
    d(msg);
    if (d.ok() && !d.at_end()) d.fail("trailing bytes");
    if (why) *why = d.error();
    return d.ok();
}
template <class T>
bool decode_payload(const std::vector<std::uint8_t>& b, T& msg, const char** why = nullptr) {
    return decode_payload(b.data(), b.size(), msg, why);
}

// A frame body: header then message (what the secure channel seals).
template <class T>
void encode_body(Op op, std::uint64_t request_id, const T& msg, std::vector<std::uint8_t>& out) {
    Encoder e(out);
    Header h{op, 0, request_id};
    e(h);
    e(msg);
}

// A frame body whose message is already encoded.
inline void encode_body_raw(Op op, std::uint64_t request_id, const std::vector<std::uint8_t>& msg,
                            std::vector<std::uint8_t>& out) {
    Encoder e(out);
    Header h{op, 0, request_id};
    e(h);
    e.append(msg);
}

// A frame for a byte stream: the u32 length prefix, then the body.
template <class T>
void encode_frame(Op op, std::uint64_t request_id, const T& msg, std::vector<std::uint8_t>& out) {
    std::size_t at = out.size();
    out.resize(at + 4);
    encode_body(op, request_id, msg, out);
    std::uint32_t len = static_cast<std::uint32_t>(out.size() - at - 4);
    for (int i = 0; i < 4; ++i) out[at + i] = static_cast<std::uint8_t>(len >> (8 * i));
}

struct Empty {
    template <class F>
    void fields(F&) {}
};

// Splits a frame body (without its length prefix) into header and the rest.
bool decode_header(const std::uint8_t* p, std::size_t n, Header& h, const char** why = nullptr);
constexpr std::size_t kHeaderBytes = 2 + 2 + 8;

}  // namespace papers::dipc::proto

// The daemon's code says proto:: too.
namespace papers::dipcd {
namespace proto = ::papers::dipc::proto;
}
