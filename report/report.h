/* incbench report: one self-contained HTML file (inline SVG plots and tables) from the CSV
 * files of a results folder. */
#ifndef IB_BENCH_REPORT_H
#define IB_BENCH_REPORT_H

#include "core/status.h"

/* Reads dir's verify/factor/sweep/net/net_layers/peak CSVs (the ones present) and writes
 * dir/report.html. A CSV that cannot be read or lacks a column the report uses is an error.
 * The page is written to a temporary file and moved into place, so a failed write leaves no
 * partial report; an existing report.html is replaced only when replace is set. */
ib_status ib_report_write(const char *dir, int replace, ib_err *e);

/* Writes dir_b/compare.html: per factorization case and family the saving in each run and
 * the change, the whole network per family, the layers whose time changed most. The same
 * rules for an existing file (replace) and for the CSVs as ib_report_write. */
ib_status ib_report_compare(const char *dir_a, const char *dir_b, int replace, ib_err *e);

#endif
