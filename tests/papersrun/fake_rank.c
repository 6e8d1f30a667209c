/* fake_rank — a stand-in for a PAPERS program, for papersrun's tests. It
 * does not use libpapers: it only reads PAPERS_RANK and runs a little
 * script given as arguments, in order. Every line is flushed at once so a
 * test can read it while the rank is still running.
 *
 *   env                 print "rank R env NAME=VALUE" for each PAPERS_* variable
 *   pid                 print "rank R pid P"
 *   child               fork a process that sleeps forever; print "rank R child P"
 *   lines N             print N lines "rank R line I" (I = 0..N-1)
 *   err TEXT            print TEXT as a line on stderr
 *   partial TEXT        print TEXT without a newline
 *   sleep-ms MS         sleep
 *   ignore-term         ignore SIGTERM from now on
 *   exit-on R CODE      rank R exits with CODE here
 *   signal-on R SIG     rank R kills itself with signal SIG here
 *   sleep-on R          rank R sleeps forever here
 *   sleep-forever       every rank sleeps forever here
 *   shm-create NAME     create the POSIX shm object /NAME (and leave it)
 *   shm-job-create SUF  create /papers-$PAPERS_JOB-SUF (a transport that crashed)
 *   sim-exists          print "rank R sim yes|no": does the $PAPERS_SIM object exist?
 *   barrier             wait (10 s at most, else exit 98) until every rank got here:
 *                       each creates /papers-$PAPERS_JOB-arrived-R and counts them
 *                       (papersrun's shm sweep removes them after the job)
 * Exit status 0 at the end of the script. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char** environ;
static int g_rank = -1;

static void say(const char* fmt, const char* a, long b) {
    printf("rank %d ", g_rank);
    if (a)
        printf(fmt, a);
    else
        printf(fmt, b);
    putchar('\n');
    fflush(stdout);
}

static void sleep_forever(void) {
    for (;;) pause();
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static void create_shm(const char* name) {
    int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
    if (fd < 0) {
        perror(name);
        exit(90);
    }
    close(fd);
    say("created %s", name, 0);
}

/* Ranks start one after another and a loaded machine may delay any of
 * them: tests that need "everyone is past step X" use this. */
static void barrier(void) {
    const char* job = getenv("PAPERS_JOB");
    const char* size_text = getenv("PAPERS_SIZE");
    int size = size_text ? atoi(size_text) : 1;
    char prefix[200], name[256];
    snprintf(prefix, sizeof prefix, "papers-%s-arrived-", job ? job : "nojob");
    snprintf(name, sizeof name, "/%s%d", prefix, g_rank);
    int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
    if (fd < 0) {
        perror(name);
        exit(97);
    }
    close(fd);
    for (int tries = 0; tries < 2000; ++tries) {
        int arrived = 0;
        DIR* d = opendir("/dev/shm");
        struct dirent* e;
        while (d && (e = readdir(d)) != NULL)
            if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) ++arrived;
        if (d) closedir(d);
        if (arrived >= size) return;
        sleep_ms(5);
    }
    fprintf(stderr, "fake_rank: barrier timed out\n");
    exit(98);
}

static const char* need(int argc, char** argv, int i) {
    if (i >= argc) {
        fprintf(stderr, "fake_rank: %s needs an argument\n", argv[i - 1]);
        exit(99);
    }
    return argv[i];
}

int main(int argc, char** argv) {
    const char* r = getenv("PAPERS_RANK");
    g_rank = r ? atoi(r) : -1;
    for (int i = 1; i < argc; ++i) {
        const char* cmd = argv[i];
        if (strcmp(cmd, "env") == 0) {
            for (char** e = environ; *e; ++e)
                if (strncmp(*e, "PAPERS_", 7) == 0) say("env %s", *e, 0);
        } else if (strcmp(cmd, "pid") == 0) {
            say("pid %ld", NULL, (long)getpid());
        } else if (strcmp(cmd, "child") == 0) {
            pid_t pid = fork();
            if (pid == 0) {
                /* Its own session: not in the rank's process group, so only
                 * papersrun's orphan handling can catch it. */
                setsid();
                sleep_forever();
            }
            say("child %ld", NULL, (long)pid);
        } else if (strcmp(cmd, "lines") == 0) {
            long n = atol(need(argc, argv, ++i));
            for (long k = 0; k < n; ++k) printf("rank %d line %ld\n", g_rank, k);
            fflush(stdout);
        } else if (strcmp(cmd, "err") == 0) {
            fprintf(stderr, "%s\n", need(argc, argv, ++i));
        } else if (strcmp(cmd, "partial") == 0) {
            fputs(need(argc, argv, ++i), stdout);
            fflush(stdout);
        } else if (strcmp(cmd, "sleep-ms") == 0) {
            sleep_ms(atol(need(argc, argv, ++i)));
        } else if (strcmp(cmd, "ignore-term") == 0) {
            signal(SIGTERM, SIG_IGN);
        } else if (strcmp(cmd, "exit-on") == 0) {
            int who = atoi(need(argc, argv, ++i));
            int code = atoi(need(argc, argv, ++i));
            if (who == g_rank) exit(code);
        } else if (strcmp(cmd, "signal-on") == 0) {
            int who = atoi(need(argc, argv, ++i));
            int sig = atoi(need(argc, argv, ++i));
            if (who == g_rank) {
                signal(sig, SIG_DFL);
                raise(sig);
                sleep_forever();
            }
        } else if (strcmp(cmd, "sleep-on") == 0) {
            if (atoi(need(argc, argv, ++i)) == g_rank) sleep_forever();
        } else if (strcmp(cmd, "sleep-forever") == 0) {
            sleep_forever();
        } else if (strcmp(cmd, "shm-create") == 0) {
            char name[256];
            snprintf(name, sizeof name, "/%s", need(argc, argv, ++i));
            create_shm(name);
        } else if (strcmp(cmd, "shm-job-create") == 0) {
            const char* job = getenv("PAPERS_JOB");
            char name[256];
            snprintf(name, sizeof name, "/papers-%s-%s", job ? job : "nojob", need(argc, argv, ++i));
            create_shm(name);
        } else if (strcmp(cmd, "barrier") == 0) {
            barrier();
        } else if (strcmp(cmd, "sim-exists") == 0) {
            const char* sim = getenv("PAPERS_SIM");
            char path[300];
            struct stat st;
            snprintf(path, sizeof path, "/dev/shm%s", sim ? sim : "/-unset-");
            say("sim %s", sim && stat(path, &st) == 0 ? "yes" : "no", 0);
        } else {
            fprintf(stderr, "fake_rank: unknown command '%s'\n", cmd);
            return 99;
        }
    }
    return 0;
}
