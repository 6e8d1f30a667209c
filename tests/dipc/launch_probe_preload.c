/* launch_probe_preload.c — stands in for libpapers_dipc.so in the launch
 * tests: when ld.so preloads it, its constructor marks the process, so the
 * probe can tell that LD_PRELOAD really took effect (not just that the
 * variable is set). */
#include <stdlib.h>

__attribute__((constructor)) static void mark_preloaded(void) { setenv("LAUNCH_PROBE_PRELOADED", "1", 1); }
