/* incbench report RUN_A RUN_B: what changed between two results folders, per factorization
 * case and family and per layer, written as RUN_B/compare.html. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "report/report.h"
#include "report/report_fmt.h"
#include "report/report_page.h"

typedef struct pair_of_runs {
    ib_report *a, *b;
} pair_of_runs;

static int same_keys(const ib_rcsv *c, int row, const ib_rcsv *o, int r, const char *const *keys,
                     int nk)
{
    int same = 1;
    for (int k = 0; k < nk && same; k++)
        same = !strcmp(ib_rcsv_get(c, row, keys[k]), ib_rcsv_get(o, r, keys[k]));
    return same;
}

/* The row of c whose key columns equal those of row r of o, the same occurrence of those keys
 * (a layer's second reorder step matches the other run's second); 0 when none. */
static int match(const ib_rcsv *c, const ib_rcsv *o, int r, const char *const *keys, int nk)
{
    int occ = 0;
    for (int q = 1; q < r; q++)
        occ += same_keys(o, q, o, r, keys, nk);
    for (int row = 1; row < c->nrows; row++)
        if (same_keys(c, row, o, r, keys, nk) && occ-- == 0)
            return row;
    return 0;
}

static void run_line(FILE *f, const char *label, ib_report *r)
{
    const ib_rcsv *m = &r->t[IB_R_MACHINE];
    fprintf(f, "<tr><th>%s</th><td><code>", label);
    ib_html(f, r->dir);
    fprintf(f, "</code></td><td>");
    for (int row = 1; r->have[IB_R_MACHINE] && row < m->nrows; row++) {
        const char *k = ib_rcsv_get(m, row, "key");
        if (!strcmp(k, "cpu") || !strcmp(k, "date") || !strcmp(k, "threads")) {
            ib_html(f, ib_rcsv_get(m, row, "value"));
            fprintf(f, "; ");
        }
    }
    fprintf(f, "</td></tr>\n");
}

static void pairs(FILE *f, ib_report *a, ib_report *b)
{
    static const char *const keys[] = {"pair", "case", "impl"};
    const ib_rcsv *ca = &a->t[IB_R_FACTOR], *cb = &b->t[IB_R_FACTOR];
    fprintf(f, "<h2>Factorization pairs</h2>\n<table><tr><th>Pair, case</th><th>Family</th>"
               "<th>Saving in A <small>[95%% CI]</small></th><th>Saving in B <small>[95%% "
               "CI]</small></th><th>Change, points</th><th>Verdict A &rarr; B</th></tr>\n");
    for (int rb = 1; rb < cb->nrows; rb++) {
        const int ra = match(ca, cb, rb, keys, 3);
        const double mb = ib_rcsv_num(cb, rb, "measured"), ma = ib_rcsv_num(ca, ra, "measured");
        if (!ra || !isfinite(ma) || !isfinite(mb))
            continue;
        char x[IB_FMT_LEN];
        /* disjoint intervals: the change is larger than either run's uncertainty */
        const int clear = ib_rcsv_num(cb, rb, "measured_lo") > ib_rcsv_num(ca, ra, "measured_hi") ||
                          ib_rcsv_num(cb, rb, "measured_hi") < ib_rcsv_num(ca, ra, "measured_lo");
        fprintf(f, "<tr><td class='case'>");
        ib_html(f, ib_rcsv_get(cb, rb, "pair"));
        fprintf(f, ". ");
        ib_html_arrows(f, ib_rcsv_get(cb, rb, "case"));
        fprintf(f, "</td><td class='fam'>");
        ib_html(f, ib_rcsv_get(cb, rb, "impl"));
        fprintf(f, "</td><td class='num'>");
        ib_html_interval(f, ib_fmt_pct, ma, ib_rcsv_num(ca, ra, "measured_lo"),
                         ib_rcsv_num(ca, ra, "measured_hi"), 0);
        fprintf(f, "</td><td class='num'>");
        ib_html_interval(f, ib_fmt_pct, mb, ib_rcsv_num(cb, rb, "measured_lo"),
                         ib_rcsv_num(cb, rb, "measured_hi"), 0);
        fprintf(f, "</td>");
        fprintf(f, "<td class='num'>%s%s%s</td><td>", clear ? "<b>" : "",
                ib_fmt_sig(x, (mb - ma) * 100), clear ? "</b> (intervals apart)" : "");
        ib_html(f, ib_rcsv_get(ca, ra, "verdict"));
        fprintf(f, " &rarr; ");
        ib_html(f, ib_rcsv_get(cb, rb, "verdict"));
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n");
}

static void net(FILE *f, ib_report *a, ib_report *b)
{
    static const char *const keys[] = {"impl"};
    const ib_rcsv *ca = &a->t[IB_R_NET], *cb = &b->t[IB_R_NET];
    fprintf(f, "<h2>Whole network</h2>\n<table><tr><th>Family</th><th>A, ms <small>median "
               "[min, max]</small></th><th>B, ms <small>median [min, max]</small></th>"
               "<th>B / A</th></tr>\n");
    for (int rb = 1; rb < cb->nrows; rb++) {
        const int ra = match(ca, cb, rb, keys, 1);
        if (!ra)
            continue;
        char x[IB_FMT_LEN];
        fprintf(f, "<tr><td>");
        ib_html(f, ib_rcsv_get(cb, rb, "impl"));
        fprintf(f, "</td>");
        const ib_rcsv *cs[2] = {ca, cb};
        const int rs[2] = {ra, rb};
        for (int i = 0; i < 2; i++) {
            fprintf(f, "<td class='num'>");
            ib_html_interval(f, ib_fmt_sig, ib_rcsv_num(cs[i], rs[i], "total_med_s") * 1e3,
                             ib_rcsv_num(cs[i], rs[i], "total_min_s") * 1e3,
                             ib_rcsv_num(cs[i], rs[i], "total_max_s") * 1e3, 0);
            fprintf(f, "</td>");
        }
        fprintf(
            f, "<td class='num'>%s</td></tr>\n",
            ib_fmt_sig(x, ib_rcsv_num(cb, rb, "total_med_s") / ib_rcsv_num(ca, ra, "total_med_s")));
    }
    fprintf(f, "</table>\n");
}

typedef struct layer_change {
    int ra, rb;
    double ratio;
} layer_change;

static int by_change(const void *x, const void *y)
{
    const double u = fabs(log(((const layer_change *)x)->ratio)),
                 v = fabs(log(((const layer_change *)y)->ratio));
    return (u < v) - (u > v);
}

enum { SHOWN_LAYERS = 30 };

static void layers(FILE *f, ib_report *a, ib_report *b)
{
    static const char *const keys[] = {"impl", "layer", "op"};
    const ib_rcsv *ca = &a->t[IB_R_LAYERS], *cb = &b->t[IB_R_LAYERS];
    layer_change *ch = calloc((size_t)cb->nrows, sizeof *ch);
    int n = 0;
    for (int rb = 1; ch && rb < cb->nrows; rb++) {
        const int ra = match(ca, cb, rb, keys, 3);
        const double ratio = ib_rcsv_num(cb, rb, "median_s") / ib_rcsv_num(ca, ra, "median_s");
        if (ra && isfinite(ratio) && ratio > 0)
            ch[n++] = (layer_change){ra, rb, ratio};
    }
    if (!ch)
        return;
    qsort(ch, (size_t)n, sizeof *ch, by_change);
    fprintf(f,
            "<h2>Layers that changed most</h2>\n<p>%d (family, layer) steps in both runs; "
            "the %d with the largest change of median time either way:</p>\n",
            n, n < SHOWN_LAYERS ? n : SHOWN_LAYERS);
    fprintf(f, "<table><tr><th>Layer</th><th>Type</th><th>Family</th><th>A, ms</th>"
               "<th>B, ms</th><th>B / A</th></tr>\n");
    for (int i = 0; i < n && i < SHOWN_LAYERS; i++) {
        char x[IB_FMT_LEN];
        fprintf(f, "<tr><td>");
        ib_html(f, ib_rcsv_get(cb, ch[i].rb, "layer"));
        fprintf(f, "</td><td>");
        ib_html(f, ib_rcsv_get(cb, ch[i].rb, "op"));
        fprintf(f, "</td><td>");
        ib_html(f, ib_rcsv_get(cb, ch[i].rb, "impl"));
        fprintf(f, "</td><td class='num'>%s</td>",
                ib_fmt_sig(x, ib_rcsv_num(ca, ch[i].ra, "median_s") * 1e3));
        fprintf(f, "<td class='num'>%s</td>",
                ib_fmt_sig(x, ib_rcsv_num(cb, ch[i].rb, "median_s") * 1e3));
        fprintf(f, "<td class='num'>%s</td></tr>\n", ib_fmt_sig(x, ch[i].ratio));
    }
    fprintf(f, "</table>\n");
    free(ch);
}

static void page(FILE *f, void *ctx)
{
    pair_of_runs *p = ctx;
    ib_r_head(f, "incbench: two runs compared");
    fprintf(f, "<h1>Two runs compared: A then B</h1>\n<table class='kv'>\n");
    run_line(f, "A", p->a);
    run_line(f, "B", p->b);
    fprintf(f, "</table>\n<p>Times and savings are each run's own medians; a change counts as "
               "clear only where the two 95%% intervals do not overlap. Runs on different "
               "machines or thread counts compare the machines as much as the code.</p>\n");
    if (p->a->have[IB_R_FACTOR] && p->b->have[IB_R_FACTOR])
        pairs(f, p->a, p->b);
    if (p->a->have[IB_R_NET] && p->b->have[IB_R_NET])
        net(f, p->a, p->b);
    if (p->a->have[IB_R_LAYERS] && p->b->have[IB_R_LAYERS])
        layers(f, p->a, p->b);
    fprintf(f, "</body></html>\n");
}

ib_status ib_report_compare(const char *dir_a, const char *dir_b, int replace, ib_err *e)
{
    const char *dirs[2] = {dir_a, dir_b};
    for (int i = 0; i < 2; i++) {
        struct stat sb;
        if (stat(dirs[i], &sb) != 0 || !S_ISDIR(sb.st_mode))
            return ib_fail(e, IB_INVALID, "report: '%s%s' is not a results folder",
                           IB_SHOWN(dirs[i]));
    }
    char path[1024];
    const int w = snprintf(path, sizeof path, "%s/compare.html", dir_b);
    if (w < 0 || w >= (int)sizeof path - 40)
        return ib_fail(e, IB_INVALID, "report: folder name %s%s too long", IB_SHOWN(dir_b));
    static ib_report a, b;
    ib_status st = ib_r_load(&a, dir_a, e);
    if (st == IB_OK)
        st = ib_r_load(&b, dir_b, e);
    pair_of_runs p = {&a, &b};
    if (st == IB_OK)
        st = ib_r_write_atomic(dir_b, path, replace, page, &p, e);
    ib_r_unload(&a);
    ib_r_unload(&b);
    return st;
}
