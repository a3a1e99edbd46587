/*
 * The timed primitives of docs/kernel-model.md "Parameter names". Each is timed around the single syscall with
 * CLOCK_MONOTONIC, in a forked child where the syscall changes the caller's namespace, so
 * every repetition starts from the same state. A child reports -errno for a failed call.
 */
#include "experiments.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define FAIL(out) ((out)[0] = -errno, 1)

static int sys_open_tree(int dfd, const char *path, unsigned flags) {
  return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags) {
  return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static int sys_pivot_root(const char *new_root, const char *put_old) {
  return (int)syscall(SYS_pivot_root, new_root, put_old);
}

/* Times one statement: CPU time of this thread into cpu_out, wall time into wall_out. */
#define TIMED(cpu_out, wall_out, stmt)     \
  do {                                     \
    int64_t c0_ = cpu_ns(), w0_ = now_ns(); \
    stmt;                                  \
    (wall_out) = now_ns() - w0_;           \
    (cpu_out) = cpu_ns() - c0_;            \
  } while (0)

/*
 * The legacy container start of one runtime, step by step  (docs/model.md "Legacy start"):
 * copy_mnt_ns, MS_SLAVE|MS_REC, pivot_root into a fresh tmpfs root, detach of the old root.
 * out = CPU time of {copy, chtype, pivot, umount}, then wall time of the same four. CPU time is
 * the work each call did, free of preemption by other tenants of a shared machine; the wall
 * time of the detach also contains the RCU grace period it sleeps in (namespace_unlock).
 */
static int legacy_child(void *arg, int64_t *out, int n) {
  const struct scratch *s = arg;
  (void)n;
  char root[512];
  snprintf(root, sizeof root, "%s/root", s->root);
  int rc = 0;
  TIMED(out[0], out[4], rc = unshare(CLONE_NEWNS));
  if (rc != 0) return FAIL(out);
  TIMED(out[1], out[5], rc = mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL));
  if (rc != 0) return FAIL(out);
  if (mount("dp-root", root, "tmpfs", 0, "mode=755") != 0) return FAIL(out);
  if (chdir(root) != 0) return FAIL(out);
  TIMED(out[2], out[6], rc = sys_pivot_root(".", "."));
  if (rc != 0) return FAIL(out);
  TIMED(out[3], out[7], rc = umount2(".", MNT_DETACH));
  if (rc != 0) return FAIL(out);
  return 8;
}

static void check(int got, const int64_t *vals, int want, const char *what) {
  if (got < want) die_msg("%s: child died before reporting", what);
  for (int i = 0; i < want; i++)
    if (vals[i] < 0) {
      errno = (int)-vals[i];
      die(what);
    }
}

void exp_legacy(struct scratch *s, const long *xs, int nx, int reps) {
  char root[512];
  snprintf(root, sizeof root, "%s/root", s->root);
  make_dir(root);
  json_begin("legacy", "mount");
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < nx; i++) {
      scratch_resize(s, xs[sweep_index(r, i, nx)]);
      double m = (double)count_mounts();
      int64_t v[8];
      check(in_child(legacy_child, s, v, 8), v, 8, "legacy start step");
      json_point(m, v[0], "copy");
      json_point(m, v[1], "chtype");
      json_point(m, v[2], "pivot");
      json_point(m, v[3], "umount");
      json_point(m, v[4], "copyWall");
      json_point(m, v[5], "chtypeWall");
      json_point(m, v[6], "pivotWall");
      json_point(m, v[7], "umountWall");
      json_point(m, last_child_cpu_ns, "childCpu");
    }
  }
  json_end();
}

/* pivot_root vs system threads: chroot_fs_refs walks every thread (for_each_process_thread). */
void exp_pivot(struct scratch *s, const long *xs, int nx, int reps) {
  char root[512];
  snprintf(root, sizeof root, "%s/root", s->root);
  make_dir(root);
  json_begin("pivot", "thread");
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < nx; i++) {
      long extra = xs[sweep_index(r, i, nx)];
      int holder = extra > 0 ? spawn_thread_holder(extra) : 0;
      double t = (double)count_threads();
      int64_t v[8];
      check(in_child(legacy_child, s, v, 8), v, 8, "pivot_root");
      json_point(t, v[2], "pivot");
      json_point(t, v[6], "pivotWall");
      stop_holder(holder);
    }
  }
  json_end();
}

/* One runtime bind mount (hosts/resolv.conf style) in a slave copy: do_loopback's write section. */
static int attach_child(void *arg, int64_t *out, int n) {
  const struct scratch *s = arg;
  (void)n;
  char src[512], dst[512];
  snprintf(src, sizeof src, "%s/src", s->root);
  snprintf(dst, sizeof dst, "%s/att", s->root);
  int rc = 0;
  if (unshare(CLONE_NEWNS) != 0) return FAIL(out);
  if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) != 0) return FAIL(out);
  TIMED(out[0], out[4], rc = mount(src, dst, NULL, MS_BIND, NULL));
  if (rc != 0) return FAIL(out);
  /* Lazy detach of a single mount: namespace_unlock then sleeps in
   * synchronize_rcu_expedited; wall minus CPU time is that wait. */
  TIMED(out[1], out[2], rc = umount2(dst, MNT_DETACH));
  if (rc != 0) return FAIL(out);
  /* A pre-opened detached clone moved into place: the OTN path's move_mount. */
  int fd = sys_open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | O_CLOEXEC);
  if (fd < 0) return FAIL(out);
  TIMED(out[3], out[5], rc = sys_move_mount(fd, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH));
  if (rc != 0) return FAIL(out);
  return 6;
}

void exp_attach(struct scratch *s, int reps) {
  char dst[512];
  snprintf(dst, sizeof dst, "%s/att", s->root);
  make_dir(dst);
  json_begin("attach", "mount");
  for (int r = 0; r < reps; r++) {
    int64_t v[6];
    check(in_child(attach_child, s, v, 6), v, 6, "attach/detach of one bind mount");
    json_point(1, v[0], "attach");
    json_point(1, v[4], "attachWall");
    json_point(1, v[5], "moveAttachWall");
    json_point(1, v[1], "detachLazyCpu");
    json_point(1, v[2], "detachLazyWall");
    json_point(1, v[3], "moveAttach");
  }
  json_end();
}

struct tree_arg {
  const struct scratch *s;
  char tree[512];
  long k;
  char parent_ns[64];
};

/* Builds a k-mount tree at s->root/t: a tmpfs plus k-1 bind mounts inside it. */
static void build_tree(const struct scratch *s, char *tree, size_t len, long k) {
  snprintf(tree, len, "%s/t", s->root);
  make_dir(tree);
  if (mount("dp-tree", tree, "tmpfs", 0, "mode=755") != 0) die("mount tree tmpfs");
  char src[512], d[600];
  snprintf(src, sizeof src, "%s/src", s->root);
  for (long i = 1; i < k; i++) {
    snprintf(d, sizeof d, "%s/d%ld", tree, i);
    make_dir(d);
    bind_mount(src, d);
  }
}

/*
 * Container exit: the last reference to a k-mount namespace goes away (put_mnt_ns →
 * umount_tree under namespace_sem + mount_lock, then the RCU wait). The child builds a
 * container-like namespace (pivot into the tree, old root detached), steps back into the
 * scratch namespace with setns, and times close() of the last fd on the container's
 * namespace; the final fput runs before close() returns to user space.
 */
static int teardown_child(void *arg, int64_t *out, int n) {
  const struct tree_arg *a = arg;
  (void)n;
  int back = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  if (back < 0) return FAIL(out);
  if (unshare(CLONE_NEWNS) != 0) return FAIL(out);
  int self = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  if (self < 0) return FAIL(out);
  if (mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) != 0) return FAIL(out);
  if (chdir(a->tree) != 0) return FAIL(out);
  if (sys_pivot_root(".", ".") != 0) return FAIL(out);
  if (umount2(".", MNT_DETACH) != 0) return FAIL(out);
  if (setns(back, CLONE_NEWNS) != 0) return FAIL(out);
  TIMED(out[0], out[1], close(self));
  return 2;
}

/*
 * open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) of a k-mount tree: the detached clone (dclone), and
 * the OTN stand-in used by ../shared/data/linux-7.1-otn (open_tree clone + unshare in a
 * namespace with few mounts). On kernels that have it, the real
 * open_tree(OPEN_TREE_NAMESPACE) + setns. out = {dclone, otc, otn or -EINVAL}.
 */
static int otree_child(void *arg, int64_t *out, int n) {
  const struct tree_arg *a = arg;
  (void)n;
  int64_t wall_unused, c1, c2, w1, w2;
  int fd, rc = 0;
  TIMED(out[0], out[3], fd = sys_open_tree(AT_FDCWD, a->tree, OPEN_TREE_CLONE | AT_RECURSIVE | O_CLOEXEC));
  if (fd < 0) return FAIL(out);
  close(fd);
  TIMED(c1, w1, fd = sys_open_tree(AT_FDCWD, a->tree, OPEN_TREE_CLONE | AT_RECURSIVE | O_CLOEXEC));
  if (fd < 0) return FAIL(out);
  TIMED(c2, w2, rc = unshare(CLONE_NEWNS));
  if (rc != 0) return FAIL(out);
  out[1] = c1 + c2;
  out[4] = w1 + w2;
  int back = open(a->parent_ns, O_RDONLY | O_CLOEXEC);
  if (back < 0 || setns(back, CLONE_NEWNS) != 0) return FAIL(out);
  TIMED(c1, wall_unused, fd = sys_open_tree(AT_FDCWD, a->tree, DP_OPEN_TREE_NAMESPACE | AT_RECURSIVE | O_CLOEXEC));
  if (fd < 0) {
    out[2] = -errno;
    return 5;
  }
  TIMED(c2, wall_unused, rc = setns(fd, CLONE_NEWNS));
  if (rc != 0) return FAIL(out);
  (void)wall_unused;
  out[2] = c1 + c2;
  return 5;
}

void exp_tree(struct scratch *s, const long *xs, int nx, int reps) {
  json_begin("tree", "mount");
  struct tree_arg a = {.s = s};
  snprintf(a.parent_ns, sizeof a.parent_ns, "/proc/%d/ns/mnt", (int)getpid());
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < nx; i++) {
      long k = xs[sweep_index(r, i, nx)];
      a.k = k < 1 ? 1 : k;
      build_tree(s, a.tree, sizeof a.tree, a.k);
      int64_t v[5];
      check(in_child(teardown_child, &a, v, 2), v, 2, "namespace teardown");
      json_point((double)a.k, v[0], "teardown");
      json_point((double)a.k, v[1], "teardownWall");
      int got = in_child(otree_child, &a, v, 5);
      check(got, v, 2, "open_tree(OPEN_TREE_CLONE|AT_RECURSIVE)");
      json_point((double)a.k, v[0], "dclone");
      json_point((double)a.k, v[1], "otc");
      if (got == 5) {
        json_point((double)a.k, v[3], "dcloneWall");
        json_point((double)a.k, v[4], "otcWall");
        if (v[2] >= 0) json_point((double)a.k, v[2], "otn");
      }
      if (umount2(a.tree, MNT_DETACH) != 0) die("umount tree");
    }
  }
  json_end();
}

/* Does open_tree accept OPEN_TREE_NAMESPACE? Probed, not read off the release string. */
void exp_caps(struct scratch *s) {
  struct tree_arg a = {.s = s, .k = 1};
  snprintf(a.parent_ns, sizeof a.parent_ns, "/proc/%d/ns/mnt", (int)getpid());
  build_tree(s, a.tree, sizeof a.tree, 1);
  int64_t v[5] = {0, 0, 0, 0, 0};
  int got = in_child(otree_child, &a, v, 5);
  json_begin("caps", "flag");
  json_point(0, got == 5 && v[2] >= 0 ? 1 : 0, "otnSupported");
  json_point(0, got == 5 && v[2] < 0 ? -v[2] : 0, "otnErrno");
  json_point(0, count_threads(), "threads");
  json_point(0, count_mounts(), "mounts");
  json_end();
  umount2(a.tree, MNT_DETACH);
}
