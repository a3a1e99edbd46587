/*
 * densityplan probe: shared helpers. Everything the probe mounts lives in the private mount
 * namespace it creates at start (unshare(CLONE_NEWNS) + MS_PRIVATE|MS_REC), so the kernel
 * drops every mount when the last process of that namespace exits, even after SIGKILL.
 */
#ifndef DP_COMMON_H
#define DP_COMMON_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
/* Linux >= 7.0 (include/uapi/linux/mount.h); older kernels reject the unknown flag with EINVAL. */
#define DP_OPEN_TREE_NAMESPACE (1 << 1)
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

int64_t now_ns(void);
/* CPU time of the calling thread: excludes time preempted by other tasks and time asleep
 * (e.g. in synchronize_rcu_expedited), so it is the work the syscall itself did. */
int64_t cpu_ns(void);
void die(const char *what);
void die_msg(const char *fmt, const char *arg);

/* Scratch tree: a shared tmpfs at `root`, with `src/` as the bind source for host mounts. */
struct scratch {
  char root[256];
  long added;  /* extra bind mounts made under root/m/ and the blocks */
  /* Mounts added by scratch_resize live in blocks (a tmpfs each, holding the binds), so
   * shrinking is one lazy detach per block instead of one umount per mount. */
  int nblocks;
  long block_size[64];
};

void scratch_enter(struct scratch *s, const char *root, int shared);
void scratch_grow(struct scratch *s, long target_added);
/* Grows or shrinks the added mounts to exactly `target_added` (shrinking unmounts the newest). */
void scratch_resize(struct scratch *s, long target_added);
/* Index of the i-th visit in a sweep over n levels: ascending on even repetitions, descending on
 * odd ones, so slow drift of a shared machine's load hits every level alike. */
int sweep_index(int rep, int i, int n);
long count_mounts(void);
long count_threads(void);
void make_dir(const char *path);
void bind_mount(const char *src, const char *dst);

/* Runs fn(arg, out, n) in a forked child; the child writes up to n int64 values (ns, or
 * -errno for a failed syscall) which the parent returns. Returns the count written. */
typedef int (*child_fn)(void *arg, int64_t *out, int n);
int in_child(child_fn fn, void *arg, int64_t *out, int n);
/* CPU time (user + system, from wait4's rusage) of the last in_child child, whole lifetime
 * including its exit and the release of its mount namespace. */
extern int64_t last_child_cpu_ns;

/* A process holding `n` sleeping threads, so pivot_root's walk over all threads sees them. */
int spawn_thread_holder(long n);
void stop_holder(int pid);

/* JSON output helpers (stdout). */
void json_begin(const char *experiment, const char *unit);
void json_point(double x, int64_t ns, const char *series);
void json_end(void);

#endif
