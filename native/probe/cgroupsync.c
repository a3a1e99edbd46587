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
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/wait.h>
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

/* A child that copies this namespace (every added mount) and exits, so the copy is torn down:
 * umount_tree detaches its mounts and RCU frees them, as after a legacy start's old-root umount. */
static void tear_down_a_copy(void) {
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) _exit(unshare(CLONE_NEWNS) == 0 ? 0 : 1);
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) die("waitpid");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die_msg("%s", "cgroupdetach: the child's unshare(CLONE_NEWNS) failed");
}

/*
 * A legacy start's steps up to its cgroup2 mount, x ms after a namespace holding the M added
 * mounts was torn down (the previous start's old-root umount): a child copies the table
 * (unshare(CLONE_NEWNS)), reads its /proc/self/mounts and makes it private as crun does, then
 * mounts cgroup2, timed.
 * On Linux 6.18 (this VM, 2026-12-01) a grace period that starts right after thousands of mounts
 * were detached lasted up to twice as long (mean 14-15 ms against 7 after sleeping; 10-11 after
 * the copy and read), fading over 60-80 ms, longer while the CPU is busy (docs/calibrate.md, "A
 * grace period after a mass detach is longer"). Series: mountWall, mountCpu and sinceTeardown
 * (ns from the teardown's end to the timed mount), all at x. Every timed mount comes at least
 * SETTLE_MS after the previous cgroup2 mount, so the rcu_sync is idle and it waits a full grace
 * period.
 */
#define SETTLE_MS 60
void exp_cgroupdetach(struct scratch *s, long added, const long *delays_ms, int nx, int reps) {
  char dir[512], mounts_path[] = "/proc/self/mounts";
  snprintf(dir, sizeof dir, "%s/cgroup2", s->root);
  make_dir(dir);
  scratch_grow(s, added);
  json_begin("cgroupdetach", "ms");
  json_point(in_init_cgroup_ns(), 0, "initCgroupNs");
  json_point((double)count_mounts(), 0, "mounts");
  if (mount("cgroup2", dir, "cgroup2", 0, NULL) != 0) die("mount cgroup2");
  if (umount2(dir, 0) != 0) die("umount cgroup2");
  int fds[2];
  if (pipe(fds) != 0) die("pipe");
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < nx; i++) {
      long delay = delays_ms[sweep_index(r, i, nx)];
      usleep(SETTLE_MS * 1000);
      tear_down_a_copy();
      int64_t torn = now_ns();
      usleep((useconds_t)(delay * 1000));
      pid_t pid = fork();
      if (pid < 0) die("fork");
      if (pid == 0) {
        int64_t out[3] = {-1, -1, -1};
        /* crun's order: copy, read the table, make the copy private (so the mount does not
         * propagate back), then the cgroup2 mount. */
        if (unshare(CLONE_NEWNS) == 0) {
          FILE *f = fopen(mounts_path, "r");
          char line[4096];
          while (f && fgets(line, sizeof line, f)) {
          }
          if (f) fclose(f);
          /* On any failure the child still writes (-1s), or the parent's read would wait forever. */
          if (mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) == 0) {
            int64_t c0 = cpu_ns(), w0 = now_ns();
            int mounted = mount("cgroup2", dir, "cgroup2", 0, NULL) == 0;
            int64_t w1 = now_ns(), c1 = cpu_ns();
            if (mounted) {
              umount2(dir, 0);
              out[0] = w1 - w0;
              out[1] = c1 - c0;
              out[2] = w0 - torn;
            }
          }
        }
        _exit(write(fds[1], out, sizeof out) == (ssize_t)sizeof out ? 0 : 1);
      }
      int status = 0;
      if (waitpid(pid, &status, 0) < 0) die("waitpid");
      /* A child that died before writing would leave the read below waiting forever. */
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die_msg("%s", "cgroupdetach: the timing child did not exit cleanly");
      int64_t got[3];
      if (read(fds[0], got, sizeof got) != (ssize_t)sizeof got || got[0] < 0) die_msg("%s", "cgroupdetach: the child's copy, read or cgroup2 mount failed");
      json_point((double)delay, got[0], "mountWall");
      json_point((double)delay, got[1], "mountCpu");
      json_point((double)delay, got[2], "sinceTeardown");
    }
  }
  close(fds[0]);
  close(fds[1]);
  json_end();
}
