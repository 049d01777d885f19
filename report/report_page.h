/* Pieces shared by the report's sections: the CSVs it reads, the families (implementations)
 * in a stable order with a colour each, and the chart frame. */
#ifndef IB_BENCH_REPORT_PAGE_H
#define IB_BENCH_REPORT_PAGE_H

#include <stdio.h>

#include "core/status.h"
#include "report/report_csv.h"
#include "report/report_plot.h"

enum {
    IB_R_VERIFY,
    IB_R_FACTOR,
    IB_R_SWEEP,
    IB_R_NET,
    IB_R_LAYERS,
    IB_R_PEAK,
    IB_R_MACHINE,
    IB_R_COUNT
};
enum { IB_R_MAX_FAMILIES = 16 };

typedef struct ib_report {
    const char *dir;
    ib_rcsv t[IB_R_COUNT];
    int have[IB_R_COUNT];
    char json_ctx[4096]; /* the "context" block of a Google Benchmark JSON file, when any */
    ib_plot plot;
    int charts; /* 1 when gnuplot draws */
} ib_report;

/* The implementations of c's "impl" column in order of first appearance, "best" left out
 * unless keep_best; returns how many (at most IB_R_MAX_FAMILIES). */
int ib_r_families(const ib_rcsv *c, const char **out, int keep_best);
/* A fixed colour per implementation name, so a family looks the same in every chart. */
const char *ib_r_color(const char *impl);
/* Opens a chart: <figure> with the value axis's data range and drawn range (the test checks
 * that the axis covers the data), then the SVG from gnuplot, then the caption. Returns 0, or
 * -1 when gnuplot failed (a note is written instead). */
int ib_r_figure(FILE *f, ib_report *r, const char *id, const char *script, int w, int h,
                double data_lo, double data_hi, double axis_lo, double axis_hi,
                const char *caption);
/* A value range that grows to take v (NaN ignored). */
void ib_r_grow(double *lo, double *hi, double v);
/* The axis for data [lo, hi]: padded by 5% of the span on each side. */
void ib_r_axis(double lo, double hi, double *alo, double *ahi);

/* Reads dir's CSVs (those present; each with the columns the report needs) into r. */
ib_status ib_r_load(ib_report *r, const char *dir, ib_err *e);
void ib_r_unload(ib_report *r);
/* The page's head: title and the style sheet every page shares. */
void ib_r_head(FILE *f, const char *title);
/* Writes fn's page to a temporary file in dir, then moves it to path: a failed write leaves
 * no partial page, and without replace an existing file is kept (an error naming it). */
typedef void (*ib_r_page_fn)(FILE *, void *ctx);
ib_status ib_r_write_atomic(const char *dir, const char *path, int replace, ib_r_page_fn fn,
                            void *ctx, ib_err *e);

/* Sections. */
void ib_r_summary(FILE *f, ib_report *r);
void ib_r_pairs_chart(FILE *f, ib_report *r);
void ib_r_sweep_charts(FILE *f, ib_report *r);
void ib_r_layers_chart(FILE *f, ib_report *r);
void ib_r_breakdown_chart(FILE *f, ib_report *r);
void ib_r_factor_table(FILE *f, ib_report *r);
void ib_r_net_tables(FILE *f, ib_report *r);
void ib_r_verify_section(FILE *f, ib_report *r);
void ib_r_peak_table(FILE *f, ib_report *r);

#endif
