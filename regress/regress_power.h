/* The power of an incbench regress run: the smallest p-value its U test can reach for given
 * repetition counts, the refusal of a run that can flag nothing, the repetitions a run of m
 * benchmarks needs, and the smallest slowdown one benchmark's comparison can detect. */
#ifndef IB_BENCH_REGRESS_POWER_H
#define IB_BENCH_REGRESS_POWER_H

/* The smallest reachable p is ib_mwu_min_p (harness/stats.h), the test run on two completely
 * separated samples. */

/* 1 when nb baseline and nc current repetitions can give p < alpha/m, the first bound of
 * Holm's step-down over m benchmarks; else no benchmark of the run can ever be flagged. */
int ib_rg_can_detect(int nb, int nc, int m, double alpha);

/* The smallest number of repetitions per process r >= min_reps such that a baseline of
 * base_procs x r and a check of check_procs x r repetitions can detect something among m
 * benchmarks at alpha; 0 when none up to 100000 repetitions can. */
int ib_rg_reps_needed(int base_procs, int check_procs, int m, double alpha, int min_reps);

/* Writes why a run with nb and nc repetitions cannot detect anything among m benchmarks, and
 * what it needs, into msg; returns 1 then, else 0 (msg untouched). reps_hint: the --reps
 * value that would do, 0 when unknown. */
int ib_rg_power_refusal(int nb, int nc, int m, double alpha, int reps_hint, char *msg, int len);

/* The minimum detectable slowdown of one benchmark, relative (0.08: 8%): the smallest
 * slowdown d at which the U test between the baseline's repetitions and this run's, moved
 * onto the baseline's median (the observed change removed) and then slowed by d, gives
 * p < alpha/m; raised to floor (the larger of the threshold and the noise, which a SLOWER
 * verdict must also exceed). So it uses the spread actually observed on both sides, the
 * repetition counts and Holm's strictest bound, and not a distribution assumed for them.
 * INFINITY when no slowdown can reach alpha/m with these counts; NaN on bad input.
 * tmp holds nc doubles. */
double ib_rg_min_detectable(const double *base, int nb, const double *cur, int nc, int m,
                            double alpha, double floor, double *tmp);

#endif
