/* fake_hubsim — plays papers-hubsim's side of the papersrun contract without
 * the Verilated model, including the ways a simulator can misbehave, so
 * papersrun's simulator handling is tested even where the model is absent.
 *
 *   fake_hubsim --max-ports                     prints $FAKE_HUBSIM_PORTS (default 8)
 *   fake_hubsim --ports N --name /X [--mode M] [--trace F] --ready-fd FD
 *
 * FAKE_HUBSIM_MODE:
 *   ok (default)      create /X, write "ready\n" to FD, wait for SIGTERM/SIGINT, unlink /X, exit 0;
 *                     with --trace F, F is a VCD of one clock signal (what papersrun merges into)
 *   never-ready       create /X and never write "ready"
 *   fail-early        print an error and exit 1 before "ready"
 *   die-after-ready   serve for $FAKE_HUBSIM_DIE_MS ms (default 300), then exit 3 leaving /X
 *   leak-shm          like ok, but exit without unlinking /X
 *   garbage-ports     --max-ports prints "lots"
 * FAKE_HUBSIM_LOG: append the command line (one line) to this file. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static int wait_for_stop(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sig = 0;
    sigwait(&set, &sig);
    return sig;
}

int main(int argc, char** argv) {
    const char* mode = getenv("FAKE_HUBSIM_MODE");
    if (!mode) mode = "ok";
    const char* log = getenv("FAKE_HUBSIM_LOG");
    if (log) {
        FILE* f = fopen(log, "a");
        if (f) {
            for (int i = 0; i < argc; ++i) fprintf(f, "%s%s", i ? " " : "", argv[i]);
            fputc('\n', f);
            fclose(f);
        }
    }
    const char* name = NULL;
    const char* trace = NULL;
    int ready_fd = -1;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--max-ports") == 0) {
            const char* ports = getenv("FAKE_HUBSIM_PORTS");
            printf("%s\n", strcmp(mode, "garbage-ports") == 0 ? "lots" : ports ? ports : "8");
            return 0;
        }
        if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) name = argv[++i];
        else if (strcmp(argv[i], "--ready-fd") == 0 && i + 1 < argc) ready_fd = atoi(argv[++i]);
        else if (strcmp(argv[i], "--trace") == 0 && i + 1 < argc) trace = argv[++i];
    }
    if (trace) {
        FILE* f = fopen(trace, "w");
        if (!f) {
            fprintf(stderr, "fake_hubsim: cannot write %s\n", trace);
            return 2;
        }
        fprintf(f, "$timescale 1ns $end\n$scope module hub $end\n$var wire 1 ! clk_i $end\n"
                   "$upscope $end\n$enddefinitions $end\n#0\n0!\n#10\n1!\n");
        fclose(f);
    }
    if (!name || ready_fd < 0) {
        fprintf(stderr, "fake_hubsim: --name and --ready-fd are required\n");
        return 2;
    }
    if (strcmp(mode, "fail-early") == 0) {
        fprintf(stderr, "fake_hubsim: broken on purpose\n");
        return 1;
    }
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) {
        perror(name);
        return 1;
    }
    close(fd);
    if (strcmp(mode, "never-ready") == 0) {
        wait_for_stop();
        shm_unlink(name);
        return 0;
    }
    if (write(ready_fd, "ready\n", 6) != 6) return 1;
    close(ready_fd);
    if (strcmp(mode, "die-after-ready") == 0) {
        const char* ms_text = getenv("FAKE_HUBSIM_DIE_MS");
        long ms = ms_text ? atol(ms_text) : 300;
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        return 3;
    }
    wait_for_stop();
    if (strcmp(mode, "leak-shm") != 0) shm_unlink(name);
    return 0;
}
