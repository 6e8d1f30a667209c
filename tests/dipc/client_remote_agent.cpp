// client_remote_agent — a process of one host in client_remote_test.cpp:
// System V calls on a structure of another host (by id), preloaded with
// libpapers_dipc.so by the cluster harness, reporting what it saw and how
// many TCP connections it holds to the owner's daemon (its direct links:
// without them it has none, its calls going through the local daemon).
//
//   client_remote_agent SCENARIO ID PORT [ARGS...]
//
// PORT is the owner daemon's port. Each scenario prints lines and exits 0.
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace {

int g_id = -1;
int g_port = 0;

const char* err_name(int e) {
    const char* n = strerrorname_np(e);
    return n ? n : "?";
}

// "NAME RET ERRNO" (ERRNO "OK" on success), errno as the call left it.
void report(const char* what, long rc, int e) { printf("%s %ld %s\n", what, rc, rc < 0 ? err_name(e) : "OK"); }
void report(const char* what, long rc) { report(what, rc, errno); }

int sem1(int op) {
    sembuf b{0, static_cast<short>(op), 0};
    return semop(g_id, &b, 1);
}

// Connected TCP sockets of this process whose peer port is the owner's.
int links() {
    int n = 0;
    DIR* d = opendir("/proc/self/fd");
    if (!d) return -1;
    while (dirent* e = readdir(d)) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] == '.' || fd == dirfd(d)) continue;
        int type = 0, domain = 0;
        socklen_t len = sizeof type;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) continue;
        len = sizeof domain;
        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0) continue;
        sockaddr_storage peer{};
        len = sizeof peer;
        if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
        int port = domain == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port)
                 : domain == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port) : -1;
        n += port == g_port;
    }
    closedir(d);
    return n;
}

void print_links() { printf("links %d\n", links()); }

volatile sig_atomic_t g_usr1 = 0;
void on_usr1(int) { g_usr1 = 1; }

void install(void (*handler)(int)) {
    struct sigaction sa {};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, nullptr);  // no SA_RESTART (SysV calls never restart anyway)
}

// Prints "ready" and waits for SIGUSR1.
void ready_then_wait() {
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    install(on_usr1);
    printf("ready\n");
    while (!g_usr1) sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, nullptr);
}

// ---- scenarios ----------------------------------------------------------------

// direct: V, then (once the test stopped the local daemon) P and GETVAL: a
// direct link needs no local daemon for calls on an owner it already reached.
int direct(int, char**) {
    report("semop", sem1(1));
    print_links();
    long pid = semctl(g_id, 0, GETPID);
    printf("getpid %s\n", pid == getpid() ? "self" : std::to_string(pid).c_str());
    ready_then_wait();
    alarm(30);
    report("semop", sem1(-1));
    report("getval", semctl(g_id, 0, GETVAL));
    print_links();
    return 0;
}

// Sends SIGUSR1 to `main` once the owner counts a waiter on sem 0 (GETNCNT),
// from a thread of its own (with a direct link of its own, closed when the
// thread ends), so the signal comes while the call waits at the owner.
struct SignalWhenWaiting {
    pthread_t main = pthread_self();
    pthread_t thread{};
    static void* run(void* p) {
        auto* self = static_cast<SignalWhenWaiting*>(p);
        for (int i = 0; i < 3000; ++i) {
            if (semctl(g_id, 0, GETNCNT) >= 1) {
                pthread_kill(self->main, SIGUSR1);
                return nullptr;
            }
            usleep(10000);
        }
        printf("no waiter seen\n");
        return nullptr;
    }
    SignalWhenWaiting() { pthread_create(&thread, nullptr, run, this); }
    void join() { pthread_join(thread, nullptr); }
};

// eintr: blocks in P (value 0) until SIGUSR1: EINTR after cancel and
// verdict on the direct link (the test checks the P did not happen later).
int eintr(int, char**) {
    install(on_usr1);
    print_links();  // none yet
    SignalWhenWaiting signaller;
    report("semop", sem1(-1));
    signaller.join();
    print_links();
    return 0;
}

// long-wait: blocks in P (value 0) until the test posts, long after the
// peer timeout: the owner's heartbeats tell the waiting call it lives.
int long_wait(int, char**) {
    printf("blocking\n");
    report("semop", sem1(-1));
    print_links();
    return 0;
}

// nested: blocks in P (value 0); the SIGUSR1 handler makes a V on the same
// set, which releases the P: the handler's call cannot use the thread's
// busy direct link, so it goes through the local daemon.
long g_handler_rc = 0;
int g_handler_errno = 0;
void nested_handler(int) {
    int e = errno;
    g_handler_rc = sem1(1);
    g_handler_errno = errno;
    errno = e;
}
int nested(int, char**) {
    report("getval", semctl(g_id, 0, GETVAL));  // the direct link exists before the signal
    install(nested_handler);
    alarm(30);
    SignalWhenWaiting signaller;
    report("semop", sem1(-1));
    signaller.join();
    report("handler", g_handler_rc, g_handler_errno);
    report("getval", semctl(g_id, 0, GETVAL));
    print_links();
    return 0;
}

// lost ID_B: GETVAL on B (another set of the same owner), then P on ID
// blocks until the owner's daemon is killed: EIDRM. Later calls on both
// ids fail with EIDRM until the local daemon learnt of the loss, then with
// EINVAL (within 20 s); any other answer is printed.
int lost(int argc, char** argv) {
    int b = argc > 4 ? atoi(argv[4]) : -1;
    report("getval-b", semctl(b, 0, GETVAL));
    printf("blocking\n");
    report("semop", sem1(-1));
    print_links();
    for (int id : {g_id, b}) {
        int e = 0;
        for (int i = 0; i < 400; ++i) {
            long rc = semctl(id, 0, GETVAL);
            e = errno;
            if (rc >= 0 || e != EIDRM) break;
            usleep(50000);
        }
        printf("later %s\n", err_name(e));
    }
    return 0;
}

// fork: the parent's link is not the child's: the child's calls are its
// own (GETPID), on a link of its own; the parent's link goes on.
int fork_scenario(int, char**) {
    report("semop", sem1(1));
    print_links();
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        printf("child links %d\n", links());
        report("child semop", sem1(-1));
        long pid = semctl(g_id, 0, GETPID);
        printf("child getpid %s\n", pid == getpid() ? "self" : std::to_string(pid).c_str());
        printf("child links %d\n", links());
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    report("semop", sem1(1));
    long pid = semctl(g_id, 0, GETPID);
    printf("getpid %s\n", pid == getpid() ? "self" : std::to_string(pid).c_str());
    print_links();
    return 0;
}

// exec: a link opened before exec is closed by it (close-on-exec); the new
// image opens its own.
int exec_scenario(int, char** argv) {
    report("getval", semctl(g_id, 0, GETVAL));
    print_links();
    fflush(stdout);
    execl("/proc/self/exe", argv[0], "after-exec", argv[2], argv[3], static_cast<char*>(nullptr));
    return 1;
}
int after_exec(int, char**) {
    print_links();
    report("getval", semctl(g_id, 0, GETVAL));
    print_links();
    return 0;
}

// creds UID: GETVAL as root, as UID (seteuid), as root again: the owner
// must see each identity (links opened under another one are reopened).
int creds(int argc, char** argv) {
    uid_t uid = argc > 4 ? static_cast<uid_t>(atoi(argv[4])) : 65534;
    report("root", semctl(g_id, 0, GETVAL));
    if (seteuid(uid) != 0) return printf("seteuid failed\n"), 1;
    report("user", semctl(g_id, 0, GETVAL));
    if (seteuid(0) != 0) return printf("seteuid back failed\n"), 1;
    report("root", semctl(g_id, 0, GETVAL));
    print_links();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    setvbuf(stdout, nullptr, _IOLBF, 0);
    if (argc < 4) return fprintf(stderr, "usage: %s SCENARIO ID PORT [ARGS...]\n", argv[0]), 2;
    g_id = atoi(argv[2]);
    g_port = atoi(argv[3]);
    std::string s = argv[1];
    if (s == "direct") return direct(argc, argv);
    if (s == "eintr") return eintr(argc, argv);
    if (s == "long-wait") return long_wait(argc, argv);
    if (s == "nested") return nested(argc, argv);
    if (s == "lost") return lost(argc, argv);
    if (s == "fork") return fork_scenario(argc, argv);
    if (s == "exec") return exec_scenario(argc, argv);
    if (s == "after-exec") return after_exec(argc, argv);
    if (s == "creds") return creds(argc, argv);
    fprintf(stderr, "client_remote_agent: unknown scenario '%s'\n", s.c_str());
    return 2;
}
