/* Shared report helpers: family order and colours, value ranges, the chart frame. */
#include "report/report_page.h"

#include <math.h>
#include <string.h>

#include "report/report_fmt.h"

int ib_r_families(const ib_rcsv *c, const char **out, int keep_best)
{
    int n = 0;
    const int k = ib_rcsv_col(c, "impl");
    for (int r = 1; k >= 0 && r < c->nrows; r++) {
        const char *s = c->rows[r][k];
        if (!*s || (!keep_best && !strcmp(s, "best")))
            continue;
        int seen = 0;
        for (int i = 0; i < n; i++)
            seen |= !strcmp(out[i], s);
        if (!seen && n < IB_R_MAX_FAMILIES)
            out[n++] = s;
    }
    return n;
}

const char *ib_r_color(const char *impl)
{
    static const char *const known[][2] = {
        {"avx2", "#1f77b4"},     {"avx512", "#d62728"}, {"onednn", "#2ca02c"}, {"xsmm", "#9467bd"},
        {"xsmm_dnn", "#ff7f0e"}, {"neon", "#17becf"},   {"scalar", "#7f7f7f"}, {"best", "#000000"},
    };
    static const char *const other[] = {"#8c564b", "#e377c2", "#bcbd22", "#17becf"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(known[i][0], impl))
            return known[i][1];
    unsigned h = 0;
    for (; *impl; impl++)
        h = h * 31 + (unsigned char)*impl;
    return other[h % 4];
}

void ib_r_grow(double *lo, double *hi, double v)
{
    if (!isfinite(v))
        return;
    if (!isfinite(*lo) || v < *lo)
        *lo = v;
    if (!isfinite(*hi) || v > *hi)
        *hi = v;
}

void ib_r_axis(double lo, double hi, double *alo, double *ahi)
{
    double pad = (hi - lo) * 0.05;
    if (!(pad > 0))
        pad = fabs(hi) > 0 ? fabs(hi) * 0.05 : 1;
    *alo = lo - pad;
    *ahi = hi + pad;
}

int ib_r_figure(FILE *f, ib_report *r, const char *id, const char *script, int w, int h,
                double data_lo, double data_hi, double axis_lo, double axis_hi, const char *caption)
{
    char a[IB_FMT_LEN], b[IB_FMT_LEN], c[IB_FMT_LEN], d[IB_FMT_LEN];
    /* plain %g for the test to parse: attributes, not text a reader sees */
    snprintf(a, sizeof a, "%g", data_lo), snprintf(b, sizeof b, "%g", data_hi);
    snprintf(c, sizeof c, "%g", axis_lo), snprintf(d, sizeof d, "%g", axis_hi);
    fprintf(f,
            "<figure class='chart' id='%s' data-lo='%s' data-hi='%s' data-axis-lo='%s' "
            "data-axis-hi='%s'>\n",
            id, a, b, c, d);
    const int ok = ib_plot_render(&r->plot, script, w, h, f);
    if (ok != 0) {
        fprintf(f, "<p class='note'>This chart is missing: ");
        ib_html(f, r->plot.why);
        fprintf(f, ".</p>");
    }
    fprintf(f, "<figcaption>");
    ib_html(f, caption);
    fprintf(f, "</figcaption></figure>\n");
    return ok;
}
