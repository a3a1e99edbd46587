/*
 * dp-probe: times the mount-namespace primitives of densityplan's kernel model and prints one
 * JSON document per run on stdout (see src/io/probe-output.ts for the format).
 *
 *   dp-probe <experiment> [--x 0,1000,4000] [--reps N] [--scratch DIR] [--added M] [--threads T]
 *            [--propagation shared|private]   (default shared: / re-marked shared, as systemd does)
 *   dp-probe contention --x 1,2 --reps N --starts S   (S fork+exec loops' spawns per loop)
 *   dp-probe cgroupsync --x 2,10,60 --reps N          (x = ms since the previous cgroup2 mount)
 *   dp-probe cgroupdetach --added M --x 0,30,60 --reps N  (x = ms since M mounts were torn down)
 *   dp-probe run-load --added M --concurrency C --starts N [--warmup W] [--threads T] -- CMD...
 *
 * Before anything else it enters a private mount namespace; every mount it makes dies with it.
 */
#include "experiments.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_X 64

static int parse_list(const char *arg, long *xs) {
  int n = 0;
  char *copy = strdup(arg), *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok && n < MAX_X; tok = strtok_r(NULL, ",", &save)) {
    char *end;
    long v = strtol(tok, &end, 10);
    if (*end != '\0' || v < 0) die_msg("--x expects comma-separated non-negative integers, got '%s'", arg);
    xs[n++] = v;
  }
  free(copy);
  return n;
}

static long parse_long(const char *flag, const char *v) {
  char *end;
  long n = strtol(v, &end, 10);
  if (*end != '\0' || n < 0) die_msg("expected a non-negative integer after %s", flag);
  return n;
}

int main(int argc, char **argv) {
  if (argc < 2) die_msg("%s", "usage: dp-probe <caps|legacy|pivot|attach|tree|mountinfo|prop|wake|forkexec|contention|cgroupsync|cgroupdetach|run-load> [flags]");
  const char *exp = argv[1];
  long xs[MAX_X] = {0};
  int nx = 1, reps = 5, concurrency = 1, starts = 10, warmup = 2;
  long added = 0, threads = 0;
  const char *scratch_dir = "/tmp";
  int shared = 1;
  char **cmd = NULL;
  for (int i = 2; i < argc; i++) {
    const char *f = argv[i];
    if (strcmp(f, "--") == 0) {
      cmd = &argv[i + 1];
      break;
    }
    if (i + 1 >= argc) die_msg("flag %s needs a value", f);
    const char *v = argv[++i];
    if (strcmp(f, "--x") == 0) nx = parse_list(v, xs);
    else if (strcmp(f, "--reps") == 0) reps = (int)parse_long(f, v);
    else if (strcmp(f, "--scratch") == 0) scratch_dir = v;
    else if (strcmp(f, "--added") == 0) added = parse_long(f, v);
    else if (strcmp(f, "--threads") == 0) threads = parse_long(f, v);
    else if (strcmp(f, "--concurrency") == 0) concurrency = (int)parse_long(f, v);
    else if (strcmp(f, "--starts") == 0) starts = (int)parse_long(f, v);
    else if (strcmp(f, "--warmup") == 0) warmup = (int)parse_long(f, v);
    else if (strcmp(f, "--propagation") == 0) {
      if (strcmp(v, "shared") != 0 && strcmp(v, "private") != 0) die_msg("--propagation is shared or private, got '%s'", v);
      shared = strcmp(v, "shared") == 0;
    }
    else die_msg("unknown flag %s", f);
  }
  if (nx == 0 || reps < 1) die_msg("%s", "--x needs at least one value and --reps at least 1");
  /* Measurements needing no mounts still run in the scratch namespace: one code path. */
  struct scratch s;
  scratch_enter(&s, scratch_dir, shared);
  if (strcmp(exp, "caps") == 0) exp_caps(&s);
  else if (strcmp(exp, "legacy") == 0) exp_legacy(&s, xs, nx, reps);
  else if (strcmp(exp, "pivot") == 0) exp_pivot(&s, xs, nx, reps);
  else if (strcmp(exp, "attach") == 0) exp_attach(&s, reps);
  else if (strcmp(exp, "tree") == 0) exp_tree(&s, xs, nx, reps);
  else if (strcmp(exp, "mountinfo") == 0) exp_mountinfo(&s, added, reps);
  else if (strcmp(exp, "prop") == 0) exp_prop(&s, xs, nx, reps);
  else if (strcmp(exp, "wake") == 0) exp_wake(reps);
  else if (strcmp(exp, "forkexec") == 0) exp_forkexec(reps);
  else if (strcmp(exp, "cgroupsync") == 0) exp_cgroupsync(&s, xs, nx, reps);
  else if (strcmp(exp, "cgroupdetach") == 0) exp_cgroupdetach(&s, added, xs, nx, reps);
  else if (strcmp(exp, "contention") == 0) exp_contention(xs, nx, reps, starts);
  else if (strcmp(exp, "run-load") == 0) {
    if (!cmd || !cmd[0]) die_msg("%s", "run-load needs the runtime command after --");
    return run_load(&s, added, threads, concurrency < 1 ? 1 : concurrency, starts, warmup, cmd);
  } else die_msg("unknown experiment '%s'", exp);
  return 0;
}
