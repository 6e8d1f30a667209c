/* launch_rank_probe.c — a rank (or host process) that reports what it was
 * started with, in one line on stdout:
 *   probe rank=R size=N ipc=ipc:[I] net=net:[I] socket=PATH sock=ok|ERR
 *         preloaded=0|1 preload=LD_PRELOAD keys=PAPERS_DIPC_KEYS [tcp=ok|ERR]
 * then obeys its options:
 *   --tcp ADDR PORT     try a TCP connection first and report it (tcp=)
 *   --kill-rank R       rank R then kills itself with SIGKILL
 *   --exit-rank R CODE  rank R then exits with CODE
 *   --sleep S           then sleep S seconds (printing "probe rank=R sleeping")
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char* env_or(const char* name, const char* fallback) {
    const char* v = getenv(name);
    return v ? v : fallback;
}

static void ns_link(const char* which, char* out, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/ns/%s", which);
    ssize_t n = readlink(path, out, size - 1);
    out[n > 0 ? n : 0] = '\0';
}

/* "ok" when a stream connection to the Unix socket succeeds. */
static const char* unix_connect(const char* path) {
    if (!*path) return "unset";
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    strncpy(a.sun_path, path, sizeof a.sun_path - 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    int ok = fd >= 0 && connect(fd, (struct sockaddr*)&a, sizeof a) == 0;
    int e = errno;
    if (fd >= 0) close(fd);
    return ok ? "ok" : strerror(e);
}

static const char* tcp_connect(const char* addr, const char* port) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(port));
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) return "bad-address";
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {3, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int ok = fd >= 0 && connect(fd, (struct sockaddr*)&a, sizeof a) == 0;
    int e = errno;
    if (fd >= 0) close(fd);
    return ok ? "ok" : strerror(e);
}

int main(int argc, char** argv) {
    int rank = atoi(env_or("PAPERS_RANK", "-1"));
    /* PAPERS_RANK is -1 when unset: "no rank" must not match it. */
    int kill_rank = -1000, exit_rank = -1000, exit_code = 0;
    double sleep_s = 0;
    const char* tcp = NULL;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--tcp") && i + 2 < argc) {
            static char result[128];
            snprintf(result, sizeof result, "%s", tcp_connect(argv[i + 1], argv[i + 2]));
            tcp = result;
            i += 2;
        } else if (!strcmp(argv[i], "--kill-rank") && i + 1 < argc) {
            kill_rank = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--exit-rank") && i + 2 < argc) {
            exit_rank = atoi(argv[++i]);
            exit_code = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--sleep") && i + 1 < argc) {
            sleep_s = atof(argv[++i]);
        } else {
            fprintf(stderr, "launch_rank_probe: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    char ipc[64], net[64];
    ns_link("ipc", ipc, sizeof ipc);
    ns_link("net", net, sizeof net);
    const char* socket_path = env_or("PAPERS_DIPC_SOCKET", "");
    printf("probe rank=%d size=%s ipc=%s net=%s socket=%s sock=%s preloaded=%s preload=%s keys=%s", rank,
           env_or("PAPERS_SIZE", "-"), ipc, net, socket_path, unix_connect(socket_path),
           env_or("LAUNCH_PROBE_PRELOADED", "0"), env_or("LD_PRELOAD", ""), env_or("PAPERS_DIPC_KEYS", "-"));
    if (tcp) printf(" tcp=%s", tcp);
    printf("\n");
    fflush(stdout);
    if (rank == kill_rank) raise(SIGKILL);
    if (rank == exit_rank) return exit_code;
    if (sleep_s > 0) {
        printf("probe rank=%d sleeping\n", rank);
        fflush(stdout);
        usleep((useconds_t)(sleep_s * 1e6));
    }
    return 0;
}
