/*
 * The wait a container runtime's cgroup2 mount can add to a start. On Linux 6.18 every cgroup2
 * mount made in the initial cgroup namespace calls apply_cgroup_root_flags() →
 * cgroup_favor_dynmods(), which takes percpu_down_write(&cgroup_threadgroup_rwsem) even when no
 * flag changes; percpu_down_write() → rcu_sync_enter() sleeps in synchronize_rcu() (a normal,
 * not expedited, grace period) unless the rcu_sync is still "entered" from a writer that left
 * less than about one grace period ago (rcu_sync_exit() keeps it so until an RCU callback
 * resets it). So the wait depends on the time since the previous such mount on the node:
 * x = that gap in ms (slept before each timed mount), ns = the mount's wall time; the CPU time
 * of the same call goes in series mountCpu. Levels are swept up and down as everywhere else.
 * Found with `perf record -e sched:sched_switch -g` on crun 1.8.1 starts (docs/calibrate.md).
 */
#include "experiments.h"

#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* The initial cgroup namespace has a fixed inode number (PROC_CGROUP_INIT_INO, include/linux/proc_ns.h). */
static int in_init_cgroup_ns(void) {
  char link[64] = {0};
  if (readlink("/proc/self/ns/cgroup", link, sizeof link - 1) < 0) return 0;
  return strcmp(link, "cgroup:[4026531835]") == 0;
}

void exp_cgroupsync(struct scratch *s, const long *gaps_ms, int nx, int reps) {
  char dir[512];
  snprintf(dir, sizeof dir, "%s/cgroup2", s->root);
  make_dir(dir);
  json_begin("cgroupsync", "ms");
  /* Only mounts in the initial cgroup namespace take the lock; in a pod's own cgroup namespace
   * the measurement would show no wait although the node's runtime pays it. Say which. */
  json_point(in_init_cgroup_ns(), 0, "initCgroupNs");
  /* One untimed mount first, so the first timed gap really is the time since the last one. */
  if (mount("cgroup2", dir, "cgroup2", 0, NULL) != 0) die("mount cgroup2");
  if (umount2(dir, 0) != 0) die("umount cgroup2");
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < nx; i++) {
      long gap = gaps_ms[sweep_index(r, i, nx)];
      usleep((useconds_t)(gap * 1000));
      int64_t c0 = cpu_ns(), w0 = now_ns();
      if (mount("cgroup2", dir, "cgroup2", 0, NULL) != 0) die("mount cgroup2");
      int64_t w1 = now_ns(), c1 = cpu_ns();
      if (umount2(dir, 0) != 0) die("umount cgroup2");
      json_point((double)gap, w1 - w0, "mountWall");
      json_point((double)gap, c1 - c0, "mountCpu");
    }
  }
  json_end();
}
