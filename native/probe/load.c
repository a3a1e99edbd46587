/*
 * Closed-loop container starts for `densityplan validate`: C workers each start the given
 * runtime command back to back until N starts are done, timing each from fork to waitpid.
 * Runs inside the probe's private namespace, where /sys/fs/cgroup is replaced by a pure
 * cgroup2 mount (crun refuses the host's hybrid layout) and M host mounts exist.
 */
#include "experiments.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
  _Atomic int next;
  int64_t begin;
  int64_t start[4096];
  int64_t dur[4096];
  int64_t cpu[4096];
  int status[4096];
};

/* Replace "{id}" in each argument with the start's ticket number. */
static int64_t start_one(char **cmd, int ticket, int *status, int64_t *cpu) {
  char *argv[64];
  char bufs[64][256];
  int n = 0;
  for (; cmd[n] && n < 63; n++) {
    const char *hole = strstr(cmd[n], "{id}");
    if (!hole) {
      argv[n] = cmd[n];
      continue;
    }
    snprintf(bufs[n], sizeof bufs[n], "%.*s%d%s", (int)(hole - cmd[n]), cmd[n], ticket, hole + 4);
    argv[n] = bufs[n];
  }
  argv[n] = NULL;
  int64_t t0 = now_ns();
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 1);
    execvp(argv[0], argv);
    _exit(127);
  }
  struct rusage ru;
  wait4(pid, status, 0, &ru);
  int64_t wall = now_ns() - t0;
  /* CPU time of the runtime and everything it waited for (the container's init included). */
  *cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
  return wall;
}

int run_load(struct scratch *s, long added, long threads, int concurrency, int starts, int warmup, char **cmd) {
  if (starts > 4096) starts = 4096;
  if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) != 0) die("mount cgroup2 on /sys/fs/cgroup");
  scratch_grow(s, added);
  int holder = threads > 0 ? spawn_thread_holder(threads) : 0;
  struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) die("mmap");
  int st;
  int64_t cpu_unused;
  for (int i = 0; i < warmup; i++) start_one(cmd, 100000 + i, &st, &cpu_unused);
  long mounts = count_mounts();
  long nthreads = count_threads();
  atomic_store(&sh->next, 0);
  sh->begin = now_ns();
  pid_t workers[256];
  if (concurrency > 256) concurrency = 256;
  for (int w = 0; w < concurrency; w++) {
    pid_t pid = fork();
    if (pid < 0) die("fork");
    workers[w] = pid;
    if (pid == 0) {
      int t;
      while ((t = atomic_fetch_add(&sh->next, 1)) < starts) {
        sh->start[t] = now_ns() - sh->begin;
        sh->dur[t] = start_one(cmd, t, &sh->status[t], &sh->cpu[t]);
      }
      _exit(0);
    }
  }
  /* Wait for the workers only: the thread holder is a child too, and never exits by itself. */
  for (int w = 0; w < concurrency; w++) {
    while (waitpid(workers[w], NULL, 0) < 0 && errno == EINTR) {
    }
  }
  int64_t wall = now_ns() - sh->begin;
  stop_holder(holder);
  json_begin("run-load", "start");
  json_point((double)mounts, 0, "mounts");
  json_point((double)nthreads, 0, "threads");
  json_point((double)concurrency, wall, "wall");
  int failed = 0;
  for (int t = 0; t < starts; t++) {
    json_point(t, sh->dur[t], "start");
    json_point(t, sh->start[t], "offset");
    json_point(t, sh->cpu[t], "cpu");
    if (sh->status[t] != 0) {
      json_point(t, sh->status[t], "failed");
      failed++;
    }
  }
  json_end();
  return failed ? 3 : 0;
}
