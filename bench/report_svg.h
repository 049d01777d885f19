/* Small SVG charts written directly (no external tool): lines over x, grouped bars over
 * categories, horizontal bars. Used by incbench report. */
#ifndef IB_BENCH_REPORT_SVG_H
#define IB_BENCH_REPORT_SVG_H

#include <stdio.h>

enum { IB_SVG_MAX_SERIES = 16, IB_SVG_MAX_POINTS = 512 };

typedef struct ib_svg_series {
    char name[64];
    int n;
    double x[IB_SVG_MAX_POINTS], y[IB_SVG_MAX_POINTS];
    int dashed;
} ib_svg_series;

typedef struct ib_svg_chart {
    const char *title, *xlabel, *ylabel;
    int nseries;
    ib_svg_series s[IB_SVG_MAX_SERIES];
    /* bars: category labels (x = category index) */
    int ncat;
    const char *cat[IB_SVG_MAX_POINTS];
} ib_svg_chart;

/* Lines with markers over numeric x. */
void ib_svg_lines(FILE *f, const ib_svg_chart *c);
/* Grouped vertical bars: series k's y[i] is the bar of category i. */
void ib_svg_bars(FILE *f, const ib_svg_chart *c);

#endif
