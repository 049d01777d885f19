/* The report's CSV reader: RFC 4180 files (quoted fields may hold commas, quotes and line
 * breaks) read into rows of fields, columns looked up by name. */
#ifndef IB_BENCH_REPORT_CSV_H
#define IB_BENCH_REPORT_CSV_H

#include "core/status.h"

enum { IB_RCSV_MAX_COLS = 128 };

typedef struct ib_rcsv {
    int nrows, ncols; /* rows[0] is the header */
    char **text;      /* one buffer per row (the fields point into it) */
    char ***rows;
} ib_rcsv;

/* *found: 1 when read, 0 when dir/name does not exist (IB_OK both). Anything else that
 * stops the read (unreadable, out of memory, an unterminated quote) is an error. */
ib_status ib_rcsv_read(const char *dir, const char *name, ib_rcsv *c, int *found, ib_err *e);
/* The same on a path (for tests). */
ib_status ib_rcsv_read_path(const char *path, ib_rcsv *c, int *found, ib_err *e);
void ib_rcsv_free(ib_rcsv *c);

/* Column index by header name, -1 when absent: extra and reordered columns are fine. */
int ib_rcsv_col(const ib_rcsv *c, const char *name);
/* Field r of the named column; "" when the column or the field is absent. */
const char *ib_rcsv_get(const ib_rcsv *c, int r, const char *name);
/* The field as a number: "12.3%" is 0.123; NAN when empty or not a number. */
double ib_rcsv_num(const ib_rcsv *c, int r, const char *name);
double ib_rnum(const char *s);

#endif
