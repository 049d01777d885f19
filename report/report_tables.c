/* The detail tables: every factorization measurement, the layers that take the most time,
 * the peaks and the verification failures. Units in the headers, 3 significant figures; the
 * full-precision numbers stay in the CSV files the page links to. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_fmt.h"
#include "report/report_page.h"

/* "1.05 [1.04, 1.09]" from seconds columns, in ms. */
static void time_cell(FILE *f, const ib_rcsv *c, int row, const char *med, const char *lo,
                      const char *hi)
{
    fprintf(f, "<td class='num'>");
    ib_html_interval(f, ib_fmt_sig, ib_rcsv_num(c, row, med) * 1e3, ib_rcsv_num(c, row, lo) * 1e3,
                     ib_rcsv_num(c, row, hi) * 1e3, 0);
    fprintf(f, "</td>");
}

typedef struct order {
    int row, pair, case_row; /* case_row: the first row of the row's case */
    double saving;
} order;

static int by_pair_saving(const void *a, const void *b)
{
    const order *x = a, *y = b;
    if (x->pair != y->pair)
        return x->pair - y->pair;
    if (x->case_row != y->case_row)
        return x->case_row - y->case_row;
    const double u = isfinite(x->saving) ? x->saving : -1e300,
                 v = isfinite(y->saving) ? y->saving : -1e300;
    return (u < v) - (u > v) ? (u < v) - (u > v) : x->row - y->row;
}

/* Whether the factorization still pays once each form may run its fastest algorithm (the 3x3
 * as Winograd): the algorithm of each form, the saving with its interval and its verdict, for
 * the rows that have one (a direct family with a Winograd sibling), else a dash. */
static void fastest_cell(FILE *f, const ib_rcsv *c, int row)
{
    const char *fa = ib_rcsv_get(c, row, "fastest_a"), *fb = ib_rcsv_get(c, row, "fastest_b");
    fprintf(f, "<td class='fast'>");
    if (!*fa || !*fb || !isfinite(ib_rcsv_num(c, row, "fastest"))) {
        fprintf(f, "\u2013</td>");
        return;
    }
    fprintf(f, "A on ");
    ib_html(f, fa);
    fprintf(f, ", B on ");
    ib_html(f, fb);
    fprintf(f, ": ");
    ib_html_interval(f, ib_fmt_pct, ib_rcsv_num(c, row, "fastest"),
                     ib_rcsv_num(c, row, "fastest_lo"), ib_rcsv_num(c, row, "fastest_hi"), 1);
    fprintf(f, ", ");
    ib_html(f, ib_rcsv_get(c, row, "fastest_verdict"));
    fprintf(f, "</td>");
}

void ib_r_factor_table(FILE *f, ib_report *r)
{
    const ib_rcsv *c = &r->t[IB_R_FACTOR];
    order *o = calloc((size_t)c->nrows, sizeof *o);
    if (!o)
        return;
    int n = 0;
    for (int row = 1; row < c->nrows; row++) {
        int first = row;
        while (first > 1 && !strcmp(ib_rcsv_get(c, first - 1, "case"), ib_rcsv_get(c, row, "case")))
            first--;
        o[n++] =
            (order){row, atoi(ib_rcsv_get(c, row, "pair")), first, ib_rcsv_num(c, row, "measured")};
    }
    qsort(o, (size_t)n, sizeof *o, by_pair_saving); /* by pair, then the largest saving first */
    fprintf(f, "<table class='detail'><tr><th>Pair, case</th><th>Family</th>"
               "<th>A, ms <small>median [95%% CI]</small></th>"
               "<th>B, ms <small>median [95%% CI]</small></th><th>%% of peak A / B</th>"
               "<th>Saving <small>[95%% CI]</small></th><th>Executed work saved</th>"
               "<th>Efficiency ratio A/B</th><th>Realized</th><th>Verdict</th>"
               "<th>Kernels A / B</th><th>Fastest algorithm per form <small>saving [95%% CI], "
               "verdict</small></th></tr>\n");
    char *notrun = NULL; /* "family (pair), ..." of the rows without a measurement */
    size_t nrlen = 0;
    FILE *nr = open_memstream(&notrun, &nrlen);
    int shown_case = 0;
    for (int i = 0; i < n; i++) {
        const int row = o[i].row;
        char a[IB_FMT_LEN], b[IB_FMT_LEN];
        if (!isfinite(ib_rcsv_num(c, row, "med_a")) || !isfinite(ib_rcsv_num(c, row, "med_b"))) {
            fprintf(nr, "%s", ftell(nr) ? ", " : "");
            ib_html(nr, ib_rcsv_get(c, row, "impl"));
            fprintf(nr, " (pair ");
            ib_html(nr, ib_rcsv_get(c, row, "pair"));
            fprintf(nr, ", ");
            ib_html_arrows(nr, ib_rcsv_get(c, row, "case"));
            fprintf(nr, ")");
            continue;
        }
        /* a case's name once, on its first shown row */
        fprintf(f, "<tr%s><td class='case'>", shown_case == o[i].case_row ? "" : " class='first'");
        if (shown_case != o[i].case_row) {
            ib_html(f, ib_rcsv_get(c, row, "pair"));
            fprintf(f, ". ");
            ib_html_arrows(f, ib_rcsv_get(c, row, "case"));
            shown_case = o[i].case_row;
        }
        fprintf(f, "</td><td class='fam'>");
        ib_html(f, ib_rcsv_get(c, row, "impl"));
        fprintf(f, "</td>");
        time_cell(f, c, row, "med_a", "lo_a", "hi_a");
        time_cell(f, c, row, "med_b", "lo_b", "hi_b");
        const double pa = ib_rcsv_num(c, row, "peak_frac_a"),
                     pb = ib_rcsv_num(c, row, "peak_frac_b");
        /* above 102% of the peak the probe or a count is wrong: flagged, never shown silently */
        fprintf(f, "<td class='num'>%s%s / %s%s</td>", ib_fmt_pct(a, pa),
                pa > 1.02 ? "&#9888;" : "", ib_fmt_pct(b, pb), pb > 1.02 ? "&#9888;" : "");
        fprintf(f, "<td class='num'>");
        ib_html_interval(f, ib_fmt_pct, ib_rcsv_num(c, row, "measured"),
                         ib_rcsv_num(c, row, "measured_lo"), ib_rcsv_num(c, row, "measured_hi"), 1);
        fprintf(f, "</td>");
        fprintf(f, "<td class='num'>%s</td>", ib_fmt_pct(a, ib_rcsv_num(c, row, "theory_exec")));
        fprintf(f, "<td class='num'>%s</td>", ib_fmt_sig(a, ib_rcsv_num(c, row, "eff_ratio")));
        fprintf(f, "<td class='num'>%s</td><td>", ib_fmt_pct(a, ib_rcsv_num(c, row, "realized")));
        ib_html(f, ib_rcsv_get(c, row, "verdict"));
        if (*ib_rcsv_get(c, row, "artefact")) {
            fprintf(f, " <span class='warn'>&#9888; ");
            ib_html(f, ib_rcsv_get(c, row, "artefact"));
            fprintf(f, "</span>");
        }
        fprintf(f, "</td><td class='kern'><small>");
        const char *ka = ib_rcsv_get(c, row, "kernel_a"), *kb = ib_rcsv_get(c, row, "kernel_b");
        ib_html(f, *ka ? ka : "\u2013");
        fprintf(f, " / ");
        ib_html(f, *kb ? kb : "\u2013");
        fprintf(f, "</small></td>");
        fastest_cell(f, c, row);
        fprintf(f, "</tr>\n");
    }
    fclose(nr);
    fprintf(f, "</table>\n");
    if (notrun && *notrun)
        fprintf(f, "<p>Not run (no kernel of the family for one of the forms): %s.</p>\n", notrun);
    free(notrun);
    free(o);
}

enum { TOP_LAYERS = 20, MAX_L = 512 };

typedef struct lrow {
    const char *layer, *op;
    double total; /* ms summed over the families: what the ranking uses */
} lrow;

static int by_total(const void *a, const void *b)
{
    const double x = ((const lrow *)a)->total, y = ((const lrow *)b)->total;
    return (x < y) - (x > y);
}

/* The first row of (impl, layer) in net_layers.csv, 0 when none. */
static int layer_row(const ib_rcsv *c, const char *impl, const char *layer)
{
    for (int row = 1; row < c->nrows; row++)
        if (!strcmp(ib_rcsv_get(c, row, "layer"), layer) &&
            !strcmp(ib_rcsv_get(c, row, "impl"), impl))
            return row;
    return 0;
}

void ib_r_net_tables(FILE *f, ib_report *r)
{
    const ib_rcsv *c = &r->t[IB_R_LAYERS];
    const char *fam[IB_R_MAX_FAMILIES];
    const int nf = ib_r_families(c, fam, 0);
    static lrow L[MAX_L];
    int nl = 0;
    for (int row = 1; row < c->nrows; row++) {
        const char *layer = ib_rcsv_get(c, row, "layer"), *op = ib_rcsv_get(c, row, "op");
        if (!strcmp(ib_rcsv_get(c, row, "impl"), "best") || !strcmp(op, "reorder"))
            continue;
        int i = 0;
        while (i < nl && strcmp(L[i].layer, layer))
            i++;
        if (i == nl && nl < MAX_L)
            L[nl++] = (lrow){layer, op, 0};
        const double t = ib_rcsv_num(c, row, "median_s");
        if (i < nl && isfinite(t))
            L[i].total += t * 1e3;
    }
    qsort(L, (size_t)nl, sizeof L[0], by_total);
    fprintf(f, "<table class='layers'><tr><th>Layer</th><th>Type</th>");
    for (int k = 0; k < nf; k++) {
        fprintf(f, "<th>");
        ib_html(f, fam[k]);
        fprintf(f, "<br><small>ms (%% of peak)</small></th>");
    }
    fprintf(f, "</tr>\n");
    for (int i = 0; i < nl && i < TOP_LAYERS; i++) {
        fprintf(f, "<tr><td>");
        ib_html(f, L[i].layer);
        fprintf(f, "</td><td>");
        ib_html(f, L[i].op);
        fprintf(f, "</td>");
        /* the fastest family on the layer is bold */
        double best = INFINITY;
        for (int k = 0; k < nf; k++) {
            const double t = ib_rcsv_num(c, layer_row(c, fam[k], L[i].layer), "median_s");
            if (t < best)
                best = t;
        }
        for (int k = 0; k < nf; k++) {
            const int row = layer_row(c, fam[k], L[i].layer);
            const double t = ib_rcsv_num(c, row, "median_s"), p = ib_rcsv_num(c, row, "pct_peak");
            char a[IB_FMT_LEN], b[IB_FMT_LEN];
            if (!row || !isfinite(t)) {
                fprintf(f, "<td class='v-none'>&ndash;</td>");
                continue;
            }
            fprintf(f, "<td class='num'>%s%s%s", t == best ? "<b>" : "", ib_fmt_sig(a, t * 1e3),
                    t == best ? "</b>" : "");
            if (isfinite(p) && p > 0)
                fprintf(f, " <small>(%s)</small>", ib_fmt_pct(b, p / 100));
            fprintf(f, "</td>");
        }
        fprintf(f, "</tr>\n");
    }
    fprintf(f, "</table>\n");
    if (nl > TOP_LAYERS)
        fprintf(f, "<p>%d more layers in <a href='net_layers.csv'>net_layers.csv</a>.</p>\n",
                nl - TOP_LAYERS);
}

void ib_r_peak_table(FILE *f, ib_report *r)
{
    const ib_rcsv *c = &r->t[IB_R_PEAK];
    fprintf(f, "<table class='peak'><tr><th>Probe</th><th>Threads</th><th>Measured</th></tr>\n");
    for (int row = 1; row < c->nrows; row++) {
        const char *unit = ib_rcsv_get(c, row, "unit");
        const int bw = !strcmp(unit, "B/s");
        char a[IB_FMT_LEN];
        fprintf(f, "<tr><td>");
        ib_html(f, ib_rcsv_get(c, row, "probe"));
        fprintf(f, "</td><td class='num'>");
        ib_html(f, ib_rcsv_get(c, row, "threads"));
        fprintf(f, "</td><td class='num'>%s %s</td></tr>\n",
                ib_fmt_sig(a, ib_rcsv_num(c, row, "value") * 1e-9), bw ? "GB/s" : "GFLOP/s");
    }
    fprintf(f, "</table>\n");
}

void ib_r_verify_section(FILE *f, ib_report *r)
{
    const ib_rcsv *c = &r->t[IB_R_VERIFY];
    int shown = 0;
    for (int row = 1; row < c->nrows; row++) {
        const char *st = ib_rcsv_get(c, row, "status");
        if (!strcmp(st, "PASSED") || !strcmp(st, "SKIPPED"))
            continue;
        if (!shown++)
            fprintf(f, "<table class='verify'><tr><th>Layer type</th><th>Layer</th>"
                       "<th>Implementation</th><th>Status</th><th>Max abs. error</th>"
                       "<th>Max rel. error</th><th>Why</th></tr>\n");
        char a[IB_FMT_LEN], b[IB_FMT_LEN];
        fprintf(f, "<tr><td>");
        ib_html(f, ib_rcsv_get(c, row, "op"));
        fprintf(f, "</td><td>");
        ib_html(f, ib_rcsv_get(c, row, "layer"));
        fprintf(f, "</td><td>");
        ib_html(f, ib_rcsv_get(c, row, "impl"));
        fprintf(f, "</td><td class='bad'>");
        ib_html(f, st);
        fprintf(f, "</td><td class='num'>%s</td><td class='num'>%s</td><td>",
                ib_fmt_sig(a, ib_rcsv_num(c, row, "max_abs_err")),
                ib_fmt_sig(b, ib_rcsv_num(c, row, "max_rel_err")));
        ib_html(f, ib_rcsv_get(c, row, "why"));
        fprintf(f, "</td></tr>\n");
    }
    if (shown)
        fprintf(f, "</table>\n");
    else
        fprintf(f,
                "<p>Every check passed or was skipped (skipped: the implementation does not "
                "support the layer here); all %d rows are in <a href='verify.csv'>verify.csv"
                "</a>.</p>\n",
                c->nrows - 1);
}
