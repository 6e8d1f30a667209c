/* hello.c — DIPC's classic first program: two processes on different hosts
 * exchange a message through a distributed System V message queue.
 *
 *   papersrun --dipc -np 2 build/bin/dipc_hello          (one machine, two "hosts")
 *   dipc_hello recv   on one host, then   dipc_hello send   on another
 *                     (each under LD_PRELOAD=libpapers_dipc.so with a papers-dipcd running)
 *
 * Plain SysV IPC: the only DIPC-specific thing is the IPC_DIPC flag, as in
 * the original. Under papersrun, rank 0 receives and every other rank sends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <time.h>
#include <unistd.h>

#ifndef IPC_DIPC
#define IPC_DIPC 010000 /* <linux/ipc.h>: make it distributed */
#endif

enum { HELLO_KEY = 0x4e110, TEXT_MAX = 200 };

struct hello_msg {
    long mtype;
    char text[TEXT_MAX];
};

static int env_int(const char* name, int fallback) {
    const char* v = getenv(name);
    return v ? atoi(v) : fallback;
}

static int receive(int senders) {
    int q = msgget(HELLO_KEY, IPC_CREAT | IPC_DIPC | 0600);
    if (q < 0) {
        perror("hello: msgget");
        return 1;
    }
    for (int i = 0; i < senders; ++i) {
        struct hello_msg m;
        ssize_t n = msgrcv(q, &m, TEXT_MAX, 0, 0);
        if (n < 0) {
            perror("hello: msgrcv");
            return 1;
        }
        printf("received: %.*s\n", (int)n, m.text);
    }
    /* Tell the senders we are done with it: they wait for the queue to go. */
    if (msgctl(q, IPC_RMID, NULL) != 0) perror("hello: msgctl IPC_RMID");
    return 0;
}

static int send_hello(int rank) {
    /* The receiver may not have created the queue yet: look for 10 s. */
    int q = -1;
    for (int tries = 0; tries < 1000 && q < 0; ++tries) {
        q = msgget(HELLO_KEY, IPC_DIPC | 0600);
        if (q < 0 && errno != ENOENT) break;
        if (q < 0) usleep(10000);
    }
    if (q < 0) {
        perror("hello: msgget (is the receiver running?)");
        return 1;
    }
    char host[64] = "?";
    gethostname(host, sizeof host);
    struct hello_msg m = {1, ""};
    int len = snprintf(m.text, sizeof m.text, "Hello, world, from rank %d (pid %d on %s)", rank, (int)getpid(), host);
    if (msgsnd(q, &m, (size_t)len, 0) != 0) {
        perror("hello: msgsnd");
        return 1;
    }
    return 0;
}

int main(int argc, char** argv) {
    int rank = env_int("PAPERS_RANK", 0), size = env_int("PAPERS_SIZE", 2);
    const char* role = argc > 1 ? argv[1] : (rank == 0 ? "recv" : "send");
    if (strcmp(role, "recv") == 0) return receive(argc > 2 ? atoi(argv[2]) : size - 1);
    if (strcmp(role, "send") == 0) return send_hello(rank);
    fprintf(stderr, "usage: %s [recv [SENDERS] | send]\n", argv[0]);
    return 2;
}
