/* incbench report: one self-contained HTML file (inline SVG plots and tables) from the CSV
 * files of a results folder. */
#ifndef IB_BENCH_REPORT_H
#define IB_BENCH_REPORT_H

#include "kernels/status.h"

/* Reads dir's verify/factor/sweep/net/net_layers/peak CSVs (the ones present) and writes
 * dir/report.html. */
ib_status ib_report_write(const char *dir, ib_err *e);

#endif
