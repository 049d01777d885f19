/* The walk that checks a convolution's thread split on every convolution of Inception-v3, shared
 * by the tests of each ISA's split. */
#ifndef IB_TESTS_SPLIT_NETWORK_H
#define IB_TESTS_SPLIT_NETWORK_H

#include "core/desc.h"

/* One check of the split of c (of the layer `name`, maybe at another batch) under the test's CPU
 * number cpu at nthreads threads; returns the most work one thread gets over the ideal. bar is 1
 * for the check that stands for the layer in the 2-thread bar: a layer of the main network above
 * 20 MFLOP, at batch 1, on CPU 0, at 2 threads. */
typedef double (*ib_test_split_check)(void *ctx, const char *name, const ib_conv_desc *c, int cpu,
                                      int nthreads, int bar);

/* A layer of the bar: its imbalance, and `bar`, the order of its check among the bar's checks
 * (where the caller may keep its own notes on it). */
typedef struct ib_test_split_row {
    char name[64];
    double macs, imbalance;
    int bar;
} ib_test_split_row;

/* Runs check on every convolution of the network: at batch 1 on each of ncpus CPUs at 1 to
 * max_threads threads, at batch 3 on the first CPU at 2 threads and on the last at 3. Returns the
 * layers of the bar in rows (up to max_rows), worst first, and how many. A table that does not
 * build is a failed check. */
int ib_test_split_network(ib_test_split_check check, void *ctx, int ncpus, int max_threads,
                          ib_test_split_row *rows, int max_rows);

#endif
