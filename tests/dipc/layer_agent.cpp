// layer_agent — the local process of one host in the DIPC layer tests
// (layer_*_test.cpp): plain System V IPC calls, preloaded with
// libpapers_dipc.so by the cluster harness. One scenario per command:
//
//   layer_agent SCENARIO [ARGS...]
//
// Each prints what it saw on stdout ("ok ..." lines, values) and exits 0 on
// success; the test compares what the hosts print.
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <grp.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <string>
#include <vector>

#ifndef IPC_DIPC
#define IPC_DIPC 010000
#endif

namespace {

int fail(const char* what) {
    printf("error %s: %s\n", what, strerror(errno));
    fflush(stdout);
    return 1;
}

long arg(char** argv, int i, int argc, long fallback) { return i < argc ? strtol(argv[i], nullptr, 0) : fallback; }

// Finds a structure another host creates, for up to 20 s.
int find(bool sem, int key, int nsems = 0) {
    for (int tries = 0; tries < 2000; ++tries) {
        int id = sem ? semget(key, nsems, IPC_DIPC | 0666) : msgget(key, IPC_DIPC | 0666);
        if (id >= 0 || errno != ENOENT) return id;
        usleep(10000);
    }
    return -1;
}

int sem1(int id, int num, int op, int flg) {
    sembuf b{static_cast<unsigned short>(num), static_cast<short>(op), static_cast<short>(flg)};
    return semop(id, &b, 1);
}

struct Msg {
    long mtype;
    char text[64];
};

void on_signal(int) {}

// ---- scenarios ----------------------------------------------------------------

// create-sem KEY NSEMS MODE [VALUE]: creates (IPC_EXCL) and sets every value.
int create_sem(int argc, char** argv) {
    int key = arg(argv, 2, argc, 0), n = arg(argv, 3, argc, 1), mode = arg(argv, 4, argc, 0666);
    int value = arg(argv, 5, argc, 0);
    int id = semget(key, n, IPC_CREAT | IPC_EXCL | IPC_DIPC | mode);
    if (id < 0) return fail("semget");
    for (int i = 0; i < n; ++i)
        if (semctl(id, i, SETVAL, value) != 0) return fail("SETVAL");
    printf("id %d\n", id);
    return 0;
}

// create-msg KEY MODE
int create_msg(int argc, char** argv) {
    int key = arg(argv, 2, argc, 0), mode = arg(argv, 3, argc, 0666);
    int id = msgget(key, IPC_CREAT | IPC_EXCL | IPC_DIPC | mode);
    if (id < 0) return fail("msgget");
    printf("id %d\n", id);
    return 0;
}

// produce KEY TYPE COUNT: COUNT messages "TYPE:i" of type TYPE.
int produce(int argc, char** argv) {
    int q = find(false, arg(argv, 2, argc, 0));
    long type = arg(argv, 3, argc, 1);
    int count = arg(argv, 4, argc, 10);
    if (q < 0) return fail("find queue");
    for (int i = 0; i < count; ++i) {
        Msg m{type, {}};
        int len = snprintf(m.text, sizeof m.text, "%ld:%d", type, i);
        if (msgsnd(q, &m, len, 0) != 0) return fail("msgsnd");
    }
    printf("ok sent %d\n", count);
    return 0;
}

// consume KEY MSGTYP COUNT [FLAGS]: prints each text received.
int consume(int argc, char** argv) {
    int q = find(false, arg(argv, 2, argc, 0));
    long typ = arg(argv, 3, argc, 0);
    int count = arg(argv, 4, argc, 1), flags = arg(argv, 5, argc, 0);
    if (q < 0) return fail("find queue");
    for (int i = 0; i < count; ++i) {
        Msg m{};
        ssize_t n = msgrcv(q, &m, sizeof m.text, typ, flags);
        if (n < 0) return fail("msgrcv");
        printf("got %ld %.*s\n", m.mtype, static_cast<int>(n), m.text);
    }
    fflush(stdout);
    return 0;
}

// critical KEY ROUNDS: ROUNDS times, under sem 0 (a mutex): read sem 1,
// pause, write it back plus one; sem 2 counts who is inside (must be 0).
int critical(int argc, char** argv) {
    int s = find(true, arg(argv, 2, argc, 0), 3);
    int rounds = arg(argv, 3, argc, 20);
    if (s < 0) return fail("find set");
    for (int r = 0; r < rounds; ++r) {
        if (sem1(s, 0, -1, SEM_UNDO) != 0) return fail("P");
        if (semctl(s, 2, GETVAL) != 0) {
            printf("error two inside the critical section\n");
            return 1;
        }
        if (sem1(s, 2, 1, 0) != 0) return fail("enter");
        int v = semctl(s, 1, GETVAL);
        usleep(200);  // a window for a lost update, were the mutex broken
        if (v < 0 || semctl(s, 1, SETVAL, v + 1) != 0) return fail("counter");
        if (sem1(s, 2, -1, 0) != 0) return fail("leave");
        if (sem1(s, 0, 1, SEM_UNDO) != 0) return fail("V");
    }
    printf("ok %d rounds\n", rounds);
    return 0;
}

// barrier KEY N ROUNDS: an N-way barrier of semaphores (two that take turns:
// arrive -1, wait for zero; the first to pass refills the other), and after
// each, sem 2 (arrivals) must show every participant's arrival.
int barrier(int argc, char** argv) {
    int s = find(true, arg(argv, 2, argc, 0), 3);
    int n = arg(argv, 3, argc, 3), rounds = arg(argv, 4, argc, 5);
    if (s < 0) return fail("find set");
    for (int r = 0; r < rounds; ++r) {
        int cur = r % 2;
        if (sem1(s, 2, 1, 0) != 0) return fail("arrive count");
        if (sem1(s, cur, -1, 0) != 0 || sem1(s, cur, 0, 0) != 0) return fail("barrier");
        int arrived = semctl(s, 2, GETVAL);
        if (arrived < n * (r + 1)) {
            printf("error passed barrier %d with %d arrivals of %d\n", r, arrived, n * (r + 1));
            return 1;
        }
        // Refill the other semaphore once: whoever brings it from 0 to N.
        sembuf refill[2] = {{static_cast<unsigned short>(1 - cur), 0, IPC_NOWAIT},
                            {static_cast<unsigned short>(1 - cur), static_cast<short>(n), 0}};
        if (semop(s, refill, 2) != 0 && errno != EAGAIN) return fail("refill");
    }
    printf("ok %d rounds\n", rounds);
    return 0;
}

// block-semop KEY SA_RESTART(0|1): installs a SIGUSR1 handler, blocks on
// sem 0 (value 0), prints what semop returned.
int block_semop(int argc, char** argv) {
    int s = find(true, arg(argv, 2, argc, 0), 1);
    if (s < 0) return fail("find set");
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sa.sa_flags = arg(argv, 3, argc, 0) ? SA_RESTART : 0;
    sigaction(SIGUSR1, &sa, nullptr);
    printf("blocking\n");
    fflush(stdout);
    int rc = sem1(s, 0, -1, 0);
    printf("semop %d %s\n", rc, rc ? strerrorname_np(errno) : "OK");
    return 0;
}

// block-msgrcv KEY: blocks in msgrcv, prints the result.
int block_msgrcv(int argc, char** argv) {
    int q = find(false, arg(argv, 2, argc, 0));
    if (q < 0) return fail("find queue");
    printf("blocking\n");
    fflush(stdout);
    Msg m{};
    ssize_t n = msgrcv(q, &m, sizeof m.text, 0, 0);
    printf("msgrcv %zd %s\n", n, n < 0 ? strerrorname_np(errno) : "OK");
    return 0;
}

// rmid-msg KEY
int rmid_msg(int argc, char** argv) {
    int q = find(false, arg(argv, 2, argc, 0));
    if (q < 0 || msgctl(q, IPC_RMID, nullptr) != 0) return fail("IPC_RMID");
    printf("ok\n");
    return 0;
}

// hold-undo KEY: takes sem 0 with SEM_UNDO and sleeps (to be killed).
int hold_undo(int argc, char** argv) {
    int s = find(true, arg(argv, 2, argc, 0), 1);
    if (s < 0) return fail("find set");
    if (sem1(s, 0, -1, SEM_UNDO) != 0) return fail("P");
    printf("held\n");
    fflush(stdout);
    pause();
    return 0;
}

// take KEY NUM TIMEOUT_S: semtimedop -1 on sem NUM; prints the result.
int take(int argc, char** argv) {
    int s = find(true, arg(argv, 2, argc, 0), 1);
    if (s < 0) return fail("find set");
    sembuf b{static_cast<unsigned short>(arg(argv, 3, argc, 0)), -1, 0};
    timespec t{arg(argv, 4, argc, 10), 0};
    int rc = semtimedop(s, &b, 1, &t);
    printf("take %d %s\n", rc, rc ? strerrorname_np(errno) : "OK");
    return 0;
}

// call ID-OR-KEY OP: one call on a set known by key, printing errno names:
//   getval, create (a new key), stat
int call(int argc, char** argv) {
    std::string op = argc > 3 ? argv[3] : "getval";
    int key = arg(argv, 2, argc, 0);
    if (op == "create") {
        int id = semget(key, 1, IPC_CREAT | IPC_DIPC | 0666);
        printf("create %d %s\n", id < 0 ? -1 : 0, id < 0 ? strerrorname_np(errno) : "OK");
        return 0;
    }
    int s = semget(key, 0, IPC_DIPC | 0666);
    if (s < 0) {
        printf("%s -1 %s\n", op.c_str(), strerrorname_np(errno));
        return 0;
    }
    if (op == "getval") {
        int v = semctl(s, 0, GETVAL);
        printf("getval %d %s\n", v, v < 0 ? strerrorname_np(errno) : "OK");
    } else if (op == "semop") {
        int rc = sem1(s, 0, 1, 0);
        printf("semop %d %s\n", rc, rc ? strerrorname_np(errno) : "OK");
    }
    return 0;
}

// getval KEY NSEMS NUM / setval KEY NSEMS NUM VALUE
int getval(int argc, char** argv) {
    int s = find(true, arg(argv, 2, argc, 0), arg(argv, 3, argc, 1));
    if (s < 0) return fail("find set");
    int v = semctl(s, arg(argv, 4, argc, 0), GETVAL);
    if (v < 0) return fail("GETVAL");
    printf("value %d\n", v);
    return 0;
}
int setval(int argc, char** argv) {
    int s = find(true, arg(argv, 2, argc, 0), arg(argv, 3, argc, 1));
    if (s < 0) return fail("find set");
    if (semctl(s, arg(argv, 4, argc, 0), SETVAL, static_cast<int>(arg(argv, 5, argc, 0))) != 0) return fail("SETVAL");
    printf("ok\n");
    return 0;
}

// by-id ID OP: the same on an id learned earlier (after its owner is lost).
int by_id(int argc, char** argv) {
    int s = arg(argv, 2, argc, 0);
    int v = semctl(s, 0, GETVAL);
    printf("getval %d %s\n", v, v < 0 ? strerrorname_np(errno) : "OK");
    return 0;
}

// fork-undo KEY: P with SEM_UNDO; a child (no undo list of its own) makes a
// call and exits; the parent's adjustment must still be there; then exec
// this program as "after-exec KEY", which exits and so applies it.
int fork_undo(int argc, char** argv) {
    int s = find(true, arg(argv, 2, argc, 0), 1);
    if (s < 0) return fail("find set");
    if (sem1(s, 0, -1, SEM_UNDO) != 0) return fail("P");
    pid_t c = fork();
    if (c == 0) {
        int v = semctl(s, 0, GETVAL);  // the child's own connection
        _exit(v == 0 ? 0 : 3);
    }
    int st = 0;
    waitpid(c, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        printf("error child saw a wrong value or failed (%d)\n", st);
        return 1;
    }
    if (semctl(s, 0, GETVAL) != 0) {
        printf("error the child's exit undid the parent's adjustment\n");
        return 1;
    }
    printf("ok fork\n");
    fflush(stdout);
    execl("/proc/self/exe", argv[0], "after-exec", argv[2], static_cast<char*>(nullptr));
    return fail("exec");
}

// after-exec KEY: the adjustment survived exec (value still 0); exit applies it.
int after_exec(int argc, char** argv) {
    int s = semget(arg(argv, 2, argc, 0), 0, IPC_DIPC | 0666);
    if (s < 0) return fail("semget after exec");
    int v = semctl(s, 0, GETVAL);
    printf("ok exec value %d\n", v);
    return v == 0 ? 0 : 1;
}

// threads KEY N: N threads each block on its own semaphore (sem i) until
// the main thread posts them one by one, while making other calls.
struct ThreadArg {
    int set, num, rc;
};
void* thread_main(void* p) {
    auto* a = static_cast<ThreadArg*>(p);
    a->rc = sem1(a->set, a->num, -1, 0);
    return nullptr;
}
int threads(int argc, char** argv) {
    int n = arg(argv, 3, argc, 4);
    int s = find(true, arg(argv, 2, argc, 0), n);
    if (s < 0) return fail("find set");
    std::vector<pthread_t> t(n);
    std::vector<ThreadArg> a(n);
    for (int i = 0; i < n; ++i) {
        a[i] = {s, i, -2};
        pthread_create(&t[i], nullptr, thread_main, &a[i]);
    }
    // Every thread must be blocked (GETNCNT) while this one keeps working.
    for (int tries = 0; tries < 2000; ++tries) {
        int waiting = 0;
        for (int i = 0; i < n; ++i) waiting += semctl(s, i, GETNCNT);
        if (waiting == n) break;
        usleep(5000);
    }
    for (int i = 0; i < n; ++i) {
        if (sem1(s, i, 1, 0) != 0) return fail("V");
        pthread_join(t[i], nullptr);
        if (a[i].rc != 0) {
            printf("error thread %d: %d\n", i, a[i].rc);
            return 1;
        }
    }
    printf("ok %d threads\n", n);
    return 0;
}

// as-user UID SCENARIO...: drops to UID (and gid UID) first.
int as_user(int argc, char** argv);

int run(int argc, char** argv) {
    std::string s = argc > 1 ? argv[1] : "";
    if (s == "create-sem") return create_sem(argc, argv);
    if (s == "create-msg") return create_msg(argc, argv);
    if (s == "produce") return produce(argc, argv);
    if (s == "consume") return consume(argc, argv);
    if (s == "critical") return critical(argc, argv);
    if (s == "barrier") return barrier(argc, argv);
    if (s == "block-semop") return block_semop(argc, argv);
    if (s == "block-msgrcv") return block_msgrcv(argc, argv);
    if (s == "hold-undo") return hold_undo(argc, argv);
    if (s == "take") return take(argc, argv);
    if (s == "call") return call(argc, argv);
    if (s == "by-id") return by_id(argc, argv);
    if (s == "getval") return getval(argc, argv);
    if (s == "rmid-msg") return rmid_msg(argc, argv);
    if (s == "setval") return setval(argc, argv);
    if (s == "fork-undo") return fork_undo(argc, argv);
    if (s == "after-exec") return after_exec(argc, argv);
    if (s == "threads") return threads(argc, argv);
    if (s == "as-user") return as_user(argc, argv);
    fprintf(stderr, "layer_agent: unknown scenario '%s'\n", s.c_str());
    return 2;
}

int as_user(int argc, char** argv) {
    uid_t uid = static_cast<uid_t>(arg(argv, 2, argc, 65534));
    if (setgroups(0, nullptr) != 0 || setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0)
        return fail("setresuid");
    return run(argc - 2, argv + 2);
}

}  // namespace

int main(int argc, char** argv) {
    setvbuf(stdout, nullptr, _IOLBF, 0);
    return run(argc, argv);
}
