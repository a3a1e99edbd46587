/*
 * Primitives that involve more than one task: mountinfo readers, propagation into in-flight
 * slave copies, wake-up latency, and the fork/exec baseline.
 */
#include "experiments.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * One read() of /proc/self/mountinfo is one m_start..m_stop cycle under namespace_sem read
 * (fs/proc_namespace.c, seq_read_iter fills at most one buffer per cycle). Varying the read
 * size varies the lines per acquisition: x = lines returned by that read.
 */
void exp_mountinfo(struct scratch *s, long added, int reps) {
  static const int sizes[] = {256, 512, 1024, 2048, 4096};
  char buf[4096];
  json_begin("mountinfo", "line");
  for (int r = 0; r < reps; r++) {
    /* A fresh table each repetition: now and then one build of the table reads ~40% slower as a
     * whole (docs/calibrate.md "Repeatability after the pivot, order and mountinfo changes"), so
     * one build per run made whole runs disagree; several builds average over that. */
    scratch_resize(s, 0);
    scratch_resize(s, added);
    for (unsigned z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
      int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
      if (fd < 0) die("open /proc/self/mountinfo");
      /* Skip the first chunk (cold caches), then time the next eight reads. */
      if (read(fd, buf, (size_t)sizes[z]) < 0) die("read mountinfo");
      for (int c = 0; c < 8; c++) {
        int64_t t0 = cpu_ns(), w0 = now_ns();
        ssize_t got = read(fd, buf, (size_t)sizes[z]);
        int64_t w1 = now_ns(), t1 = cpu_ns();
        if (got <= 0) break;
        long lines = 0;
        for (ssize_t i = 0; i < got; i++) lines += buf[i] == '\n';
        json_point((double)lines, t1 - t0, "chunk");
        json_point((double)lines, w1 - w0, "chunkWall");
      }
      close(fd);
    }
  }
  json_end();
}

/* A process sitting in a slave copy of the scratch tree, like a runtime between its
 * unshare(CLONE_NEWNS) and its detach of the old root. */
static int spawn_slave_holder(void) {
  int ready[2];
  if (pipe(ready) != 0) die("pipe");
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char c = 1;
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) != 0) c = 0;
    if (write(ready[1], &c, 1) < 0) _exit(1);
    for (;;) pause();
  }
  close(ready[1]);
  char c = 0;
  if (read(ready[0], &c, 1) != 1 || c != 1) die_msg("%s", "slave-copy holder failed to unshare");
  close(ready[0]);
  return pid;
}

/*
 * Host mount cost vs the number P of slave copies it must propagate into (propagate_mnt runs
 * under namespace_sem write). The host mount is a bind under the shared scratch tree.
 */
void exp_prop(struct scratch *s, const long *xs, int nx, int reps) {
  char src[512], dst[512];
  snprintf(src, sizeof src, "%s/src", s->root);
  snprintf(dst, sizeof dst, "%s/pm", s->root);
  make_dir(dst);
  static int holders[1024];
  int nh = 0;
  json_begin("prop", "peer");
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < nx; i++) {
      long want = xs[sweep_index(r, i, nx)];
      if (want > 1024) want = 1024;
      while (nh < want) holders[nh++] = spawn_slave_holder();
      while (nh > want) stop_holder(holders[--nh]);
      int64_t t0 = cpu_ns(), w0 = now_ns();
      if (mount(src, dst, NULL, MS_BIND, NULL) != 0) die("bind for propagation");
      int64_t w1 = now_ns(), t1 = cpu_ns();
      if (umount2(dst, 0) != 0) die("umount propagated bind");
      json_point((double)nh, t1 - t0, "prop");
      json_point((double)nh, w1 - w0, "propWall");
    }
  }
  json_end();
  while (nh > 0) stop_holder(holders[--nh]);
}

/*
 * Wake-up latency: a waker stamps the clock and FUTEX_WAKEs a sleeper blocked in FUTEX_WAIT
 * (the same wake_up_process path rwsem_wake takes); the sleeper stamps again when it runs.
 * The waker sleeps first so the sleeper is really asleep, not spinning.
 */
static _Atomic int futex_word;
static _Atomic int64_t wake_stamp;
static _Atomic int64_t wake_seen;

static void *wake_sleeper(void *arg) {
  int n = *(int *)arg;
  for (int i = 0; i < n; i++) {
    while (atomic_load(&futex_word) == 0) syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    int64_t t = now_ns();
    atomic_store(&futex_word, 0);
    atomic_store(&wake_seen, t - atomic_load(&wake_stamp));
  }
  return NULL;
}

void exp_wake(int reps) {
  pthread_t t;
  atomic_store(&wake_seen, -1);
  if (pthread_create(&t, NULL, wake_sleeper, &reps) != 0) die("pthread_create");
  json_begin("wake", "sample");
  for (int i = 0; i < reps; i++) {
    usleep(300);
    atomic_store(&wake_seen, -1);
    atomic_store(&wake_stamp, now_ns());
    atomic_store(&futex_word, 1);
    syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    while (atomic_load(&wake_seen) < 0) usleep(50);
    json_point(i, atomic_load(&wake_seen), "wake");
  }
  pthread_join(t, NULL);
  json_end();
}

/* fork + execve(/bin/true) + waitpid: the floor of any runtime start. */
void exp_forkexec(int reps) {
  json_begin("forkexec", "sample");
  for (int i = 0; i < reps; i++) {
    int64_t t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
      execl("/bin/true", "true", (char *)NULL);
      _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    json_point(i, now_ns() - t0, "forkexec");
  }
  json_end();
}
