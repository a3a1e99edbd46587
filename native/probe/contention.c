/*
 * CPU contention between cores, unrelated to mount namespaces: P loops of fork + execve
 * (/bin/true) + waitpid run at once, one per busy core, and the CPU time per spawn (user +
 * system of the loops and their children, from getrusage(RUSAGE_CHILDREN)) is compared across
 * P. On a VM whose vCPUs share a host core's caches, or whose fork/exec/exit paths touch
 * kernel-wide state (copy_process, exec_mmap, exit_mmap, the pid allocator), the same work
 * costs more CPU when the other cores are busy too. Points: x = P, ns = CPU per spawn of one
 * repetition, series "cpuPerSpawn"; and the wall time of the repetition per spawn and loop,
 * series "wallPerSpawn".
 */
#include "experiments.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LOOPS 256

static int64_t children_cpu_ns(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_CHILDREN, &ru) != 0) die("getrusage");
  return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL + ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

/* One loop: `spawns` fork + exec(/bin/true) + wait, then exit (its children's CPU is reaped into it). */
static void spawn_loop(int spawns) {
  for (int i = 0; i < spawns; i++) {
    pid_t pid = fork();
    if (pid < 0) _exit(1);
    if (pid == 0) {
      execl("/bin/true", "true", (char *)NULL);
      _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) _exit(1);
  }
  _exit(0);
}

void exp_contention(const long *xs, int nx, int reps, int spawns) {
  if (spawns < 1) die_msg("%s", "contention needs --starts >= 1 (spawns per loop)");
  json_begin("contention", "busyCores");
  for (int rep = 0; rep < reps; rep++) {
    for (int i = 0; i < nx; i++) {
      long p = xs[sweep_index(rep, i, nx)];
      if (p < 1 || p > MAX_LOOPS) die_msg("%s", "contention: --x values (parallel loops) must be 1..256");
      int64_t cpu0 = children_cpu_ns(), t0 = now_ns();
      pid_t pids[MAX_LOOPS];
      for (long j = 0; j < p; j++) {
        pids[j] = fork();
        if (pids[j] < 0) die("fork");
        if (pids[j] == 0) spawn_loop(spawns);
      }
      for (long j = 0; j < p; j++) {
        int status;
        if (waitpid(pids[j], &status, 0) < 0) die("waitpid");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die_msg("%s", "contention: a fork/exec loop failed (is /bin/true there?)");
      }
      int64_t wall = now_ns() - t0, cpu = children_cpu_ns() - cpu0;
      json_point((double)p, cpu / (p * spawns), "cpuPerSpawn");
      json_point((double)p, wall / spawns, "wallPerSpawn");
    }
  }
  json_end();
}
