#include "common.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void die(const char *what) {
  fprintf(stderr, "dp-probe: %s: %s\n", what, strerror(errno));
  exit(1);
}

void die_msg(const char *fmt, const char *arg) {
  fprintf(stderr, "dp-probe: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n");
  exit(2);
}

void make_dir(const char *path) {
  if (mkdir(path, 0755) != 0 && errno != EEXIST) die(path);
}

void bind_mount(const char *src, const char *dst) {
  if (mount(src, dst, NULL, MS_BIND, NULL) != 0) die(dst);
}

/*
 * Enter a private scratch namespace and build a host-like tree in it. Making everything
 * private first cuts every propagation link to the host; re-marking / shared afterwards gives
 * fresh peer groups local to this namespace, as systemd's shared / on a real node has, so
 * copy_mnt_ns and MS_SLAVE do the same per-mount work they do there.
 */
void scratch_enter(struct scratch *s, const char *root, int shared) {
  if (unshare(CLONE_NEWNS) != 0) die("unshare(CLONE_NEWNS) (needs root or CAP_SYS_ADMIN)");
  if (mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) != 0) die("mount / MS_PRIVATE|MS_REC");
  snprintf(s->root, sizeof s->root, "%s", root);
  if (mount("dp-scratch", root, "tmpfs", 0, "mode=755") != 0) die("mount scratch tmpfs");
  if (shared && mount(NULL, "/", NULL, MS_SHARED | MS_REC, NULL) != 0) die("mount / MS_SHARED|MS_REC");
  char p[512];
  snprintf(p, sizeof p, "%s/src", root);
  make_dir(p);
  snprintf(p, sizeof p, "%s/m", root);
  make_dir(p);
  s->added = 0;
  s->nblocks = 0;
}

/* Adds bind mounts of src/ under m/ until `target_added` exist (host mounts M). */
void scratch_grow(struct scratch *s, long target_added) {
  char src[512], dst[512];
  snprintf(src, sizeof src, "%s/src", s->root);
  for (long i = s->added; i < target_added; i++) {
    snprintf(dst, sizeof dst, "%s/m/%ld", s->root, i);
    make_dir(dst);
    bind_mount(src, dst);
  }
  if (target_added > s->added) s->added = target_added;
}

void scratch_resize(struct scratch *s, long target_added) {
  char dir[512], src[512], dst[600];
  while (s->nblocks > 0 && s->added - s->block_size[s->nblocks - 1] >= target_added) {
    snprintf(dir, sizeof dir, "%s/b%d", s->root, s->nblocks - 1);
    if (umount2(dir, MNT_DETACH) != 0) die(dir);
    s->added -= s->block_size[--s->nblocks];
  }
  if (s->added > target_added) die_msg("%s", "scratch_resize: cannot shrink below the mounts made by scratch_grow");
  if (s->added == target_added) return;
  if (s->nblocks == 64) die_msg("%s", "scratch_resize: too many blocks");
  snprintf(dir, sizeof dir, "%s/b%d", s->root, s->nblocks);
  make_dir(dir);
  if (mount("dp-block", dir, "tmpfs", 0, "mode=755") != 0) die("mount block tmpfs");
  snprintf(src, sizeof src, "%s/src", s->root);
  /* The block's own tmpfs counts as one of the n mounts. */
  long n = target_added - s->added;
  for (long i = 0; i < n - 1; i++) {
    snprintf(dst, sizeof dst, "%s/%ld", dir, i);
    make_dir(dst);
    bind_mount(src, dst);
  }
  s->block_size[s->nblocks++] = n;
  s->added += n;
}

int sweep_index(int rep, int i, int n) {
  return rep % 2 == 0 ? i : n - 1 - i;
}

long count_mounts(void) {
  FILE *f = fopen("/proc/self/mountinfo", "r");
  if (!f) die("open /proc/self/mountinfo");
  long n = 0;
  int c;
  while ((c = fgetc(f)) != EOF)
    if (c == '\n') n++;
  fclose(f);
  return n;
}

/* Total threads on the system: the second number of the 4th field of /proc/loadavg. */
long count_threads(void) {
  FILE *f = fopen("/proc/loadavg", "r");
  if (!f) die("open /proc/loadavg");
  double a, b, c;
  long running = 0, total = 0;
  if (fscanf(f, "%lf %lf %lf %ld/%ld", &a, &b, &c, &running, &total) != 5) total = -1;
  fclose(f);
  return total;
}

int64_t last_child_cpu_ns;

int in_child(child_fn fn, void *arg, int64_t *out, int n) {
  int fds[2];
  if (pipe(fds) != 0) die("pipe");
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    close(fds[0]);
    int64_t vals[64];
    /* Fault in the result buffer and both clocks before anything is timed: the first touch of a
     * page after fork is a copy-on-write fault that would land inside a timed window. */
    memset(vals, 0, sizeof vals);
    (void)now_ns();
    (void)cpu_ns();
    int k = fn(arg, vals, n < 64 ? n : 64);
    ssize_t w = write(fds[1], vals, (size_t)k * sizeof(int64_t));
    _exit(w < 0 ? 1 : 0);
  }
  close(fds[1]);
  ssize_t got = 0, r;
  while ((r = read(fds[0], (char *)out + got, (size_t)n * sizeof(int64_t) - (size_t)got)) > 0) got += r;
  close(fds[0]);
  int status;
  struct rusage ru;
  wait4(pid, &status, 0, &ru);
  last_child_cpu_ns = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
  return (int)(got / (ssize_t)sizeof(int64_t));
}

static void *sleeper(void *arg) {
  (void)arg;
  for (;;) pause();
  return NULL;
}

int spawn_thread_holder(long n) {
  int ready[2];
  if (pipe(ready) != 0) die("pipe");
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (long i = 0; i < n; i++) {
      pthread_t t;
      if (pthread_create(&t, &attr, sleeper, NULL) != 0) break;
    }
    char c = 1;
    if (write(ready[1], &c, 1) < 0) _exit(1);
    for (;;) pause();
  }
  close(ready[1]);
  char c;
  if (read(ready[0], &c, 1) != 1) die("thread holder did not start");
  close(ready[0]);
  return pid;
}

void stop_holder(int pid) {
  if (pid <= 0) return;
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
}

static int first_point;

void json_begin(const char *experiment, const char *unit) {
  printf("{\"probe\":\"densityplan-probe\",\"version\":1,\"experiment\":\"%s\",\"unit\":\"%s\",\"points\":[",
         experiment, unit);
  first_point = 1;
}

void json_point(double x, int64_t ns, const char *series) {
  printf("%s{\"series\":\"%s\",\"x\":%.0f,\"ns\":%lld}", first_point ? "" : ",", series, x, (long long)ns);
  first_point = 0;
}

void json_end(void) {
  printf("]}\n");
  fflush(stdout);
}
