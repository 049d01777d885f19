/* Charts drawn by gnuplot's SVG terminal: data files and a script in a private temporary
 * folder, the SVG inlined into the page so the report stays one self-contained file. */
#ifndef IB_BENCH_REPORT_PLOT_H
#define IB_BENCH_REPORT_PLOT_H

#include <stdio.h>

typedef struct ib_plot {
    char dir[64];      /* the temporary folder ("" when gnuplot is missing) */
    char gnuplot[256]; /* the program */
    char why[160];     /* why there are no charts, for the page */
    int n;             /* charts drawn so far */
} ib_plot;

/* Finds gnuplot (INCBENCH_GNUPLOT overrides the search of PATH; "none" means no charts) and
 * makes the temporary folder. Returns 1 when charts can be drawn, else 0 and p->why says why. */
int ib_plot_begin(ib_plot *p);
/* Opens a data file in the temporary folder for writing; NULL when it cannot. */
FILE *ib_plot_data(ib_plot *p, const char *name);
/* Runs script (which must not set the terminal or the output) at width x height pixels and
 * writes the SVG into out. Returns 0, or -1 (nothing written, p->why set) when gnuplot fails. */
int ib_plot_render(ib_plot *p, const char *script, int width, int height, FILE *out);
/* Removes the temporary folder. */
void ib_plot_end(ib_plot *p);

/* Text for a gnuplot single-quoted string: quotes doubled. */
void ib_plot_str(FILE *f, const char *s);

#endif
