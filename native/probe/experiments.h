#ifndef DP_EXPERIMENTS_H
#define DP_EXPERIMENTS_H

#include "common.h"

void exp_caps(struct scratch *s);
void exp_legacy(struct scratch *s, const long *xs, int nx, int reps);
void exp_pivot(struct scratch *s, const long *xs, int nx, int reps);
void exp_attach(struct scratch *s, int reps);
void exp_tree(struct scratch *s, const long *xs, int nx, int reps);
void exp_mountinfo(struct scratch *s, long added, int reps);
void exp_prop(struct scratch *s, const long *xs, int nx, int reps);
void exp_wake(int reps);
void exp_forkexec(int reps);
void exp_cgroupsync(struct scratch *s, const long *gaps_ms, int nx, int reps);
void exp_cgroupdetach(struct scratch *s, long added, const long *delays_ms, int nx, int reps);
void exp_contention(const long *xs, int nx, int reps, int spawns);
int run_load(struct scratch *s, long added, long threads, int concurrency, int starts, int warmup, char **cmd);

#endif
