/* The whole-network charts: per-layer efficiency against each family's own peak, sorted, with
 * layer names; and each family's forward pass stacked by layer type beside its end-to-end
 * time. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_fmt.h"
#include "report/report_page.h"

enum { MAX_LAYERS = 256, MAX_OPS = 16 };

typedef struct layer_eff {
    const char *name;
    double pct[IB_R_MAX_FAMILIES]; /* % of the family's own peak, NaN when not run */
    double best;
} layer_eff;

static int by_best(const void *a, const void *b)
{
    const double x = ((const layer_eff *)a)->best, y = ((const layer_eff *)b)->best;
    return (x < y) - (x > y); /* descending: the worst-served layers at the bottom */
}

void ib_r_layers_chart(FILE *f, ib_report *r)
{
    const ib_rcsv *c = &r->t[IB_R_LAYERS];
    const char *fam[IB_R_MAX_FAMILIES];
    const int nf = ib_r_families(c, fam, 0);
    static layer_eff L[MAX_LAYERS];
    int nl = 0;
    double peak[IB_R_MAX_FAMILIES];
    for (int k = 0; k < nf; k++)
        peak[k] = NAN;
    for (int row = 1; row < c->nrows; row++) {
        const char *op = ib_rcsv_get(c, row, "op"), *impl = ib_rcsv_get(c, row, "impl");
        if (strcmp(op, "conv") && strcmp(op, "fc"))
            continue; /* the layers that have a FLOP peak to compare with */
        int k = 0;
        while (k < nf && strcmp(fam[k], impl))
            k++;
        const double pct = ib_rcsv_num(c, row, "pct_peak"), fl = ib_rcsv_num(c, row, "flops_per_s");
        if (k == nf || !isfinite(pct))
            continue;
        if (!isfinite(peak[k]) && pct > 0 && isfinite(fl))
            peak[k] = fl / (pct / 100);
        const char *name = ib_rcsv_get(c, row, "layer");
        int i = 0;
        while (i < nl && strcmp(L[i].name, name))
            i++;
        if (i == nl) {
            if (nl == MAX_LAYERS)
                continue;
            L[nl].name = name;
            L[nl].best = NAN;
            for (int j = 0; j < IB_R_MAX_FAMILIES; j++)
                L[nl].pct[j] = NAN;
            nl++;
        }
        if (isnan(L[i].pct[k])) /* a layer's first step; later ones are its reorders */
            L[i].pct[k] = pct;
        if (!(L[i].best >= pct))
            L[i].best = pct;
    }
    if (!nl)
        return;
    qsort(L, (size_t)nl, sizeof L[0], by_best);
    double lo = 0, hi = 100; /* 0 and each family's own peak are always on the axis */
    char *script = NULL;
    size_t slen = 0;
    FILE *s = open_memstream(&script, &slen);
    fprintf(s, "set ytics (");
    for (int i = 0; i < nl; i++) {
        fprintf(s, "%s'", i ? ", " : "");
        ib_plot_str(s, L[i].name);
        fprintf(s, "' %d", i);
    }
    fprintf(s, ") font 'sans,8' scale 0\n");
    int drawn[IB_R_MAX_FAMILIES] = {0};
    for (int k = 0; k < nf; k++) {
        char name[32];
        snprintf(name, sizeof name, "eff%d.dat", k);
        FILE *d = ib_plot_data(&r->plot, name);
        for (int i = 0; d && i < nl; i++)
            if (isfinite(L[i].pct[k])) {
                fprintf(d, "%g %d\n", L[i].pct[k], i);
                ib_r_grow(&lo, &hi, L[i].pct[k]);
                drawn[k] = 1;
            }
        if (d)
            fclose(d);
    }
    double alo, ahi;
    ib_r_axis(lo, hi, &alo, &ahi);
    fprintf(s,
            "set xrange [%g:%g]\nset yrange [%d:-1]\nset link x2\nset x2tics\n"
            "set xlabel '%% of the implementation''s own FMA peak (executed FLOPs)'\n"
            "set grid xtics lc '#dddddd'\nset key outside top center horizontal\n"
            "set lmargin 30\nset arrow from first 100, graph 0 to first 100, graph 1 nohead "
            "dt 2 lc '#555555'\nplot ",
            alo, ahi, nl);
    int any = 0;
    for (int k = 0; k < nf; k++)
        if (drawn[k]) {
            char gf[IB_FMT_LEN];
            fprintf(s, "%s'eff%d.dat' using 1:2 with points pt 7 ps 0.55 lc rgb '%s' title '",
                    any++ ? ", " : "", k, ib_r_color(fam[k]));
            ib_plot_str(s, fam[k]);
            fprintf(s, " (peak %s GFLOP/s)'", ib_fmt_sig(gf, peak[k] * 1e-9));
        }
    fprintf(s, "\n");
    fclose(s);
    if (any)
        ib_r_figure(f, r, "chart-layers", script, 1200, 110 + nl * 12, lo, hi, alo, ahi,
                    "Each row is a convolution or fully connected layer, sorted by the best "
                    "family's efficiency; each dot is the share of that family's own FMA peak "
                    "(measured in this run for the ISA it runs) it reaches on the layer.");
    free(script);
}

void ib_r_breakdown_chart(FILE *f, ib_report *r)
{
    const ib_rcsv *c = &r->t[IB_R_LAYERS];
    const char *fam[IB_R_MAX_FAMILIES], *ops[MAX_OPS];
    const int nf = ib_r_families(c, fam, 1);
    int nops = 0;
    static double ms[IB_R_MAX_FAMILIES][MAX_OPS];
    memset(ms, 0, sizeof ms);
    for (int row = 1; row < c->nrows; row++) {
        const char *op = ib_rcsv_get(c, row, "op"), *impl = ib_rcsv_get(c, row, "impl");
        int k = 0, o = 0;
        while (k < nf && strcmp(fam[k], impl))
            k++;
        while (o < nops && strcmp(ops[o], op))
            o++;
        if (o == nops && nops < MAX_OPS)
            ops[nops++] = op;
        const double t = ib_rcsv_num(c, row, "median_s") * 1e3;
        if (k < nf && o < nops && isfinite(t))
            ms[k][o] += t;
    }
    if (!nf || !nops)
        return;
    double lo = 0, hi = 0;
    char *script = NULL;
    size_t slen = 0;
    FILE *s = open_memstream(&script, &slen);
    fprintf(s, "set ytics (");
    for (int k = 0; k < nf; k++) {
        fprintf(s, "%s'", k ? ", " : "");
        ib_plot_str(s, fam[k]);
        fprintf(s, "' %d", k);
    }
    fprintf(s, ") scale 0\n");
    static const char *const opc[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                      "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
    for (int o = 0; o < nops; o++) {
        char name[32];
        snprintf(name, sizeof name, "bd%d.dat", o);
        FILE *d = ib_plot_data(&r->plot, name);
        for (int k = 0; d && k < nf; k++) {
            double x0 = 0;
            for (int j = 0; j < o; j++)
                x0 += ms[k][j];
            fprintf(d, "%g %d %g %g %g %g\n", x0 + ms[k][o] / 2, k, x0, x0 + ms[k][o], k - 0.35,
                    k + 0.35);
            ib_r_grow(&lo, &hi, x0 + ms[k][o]);
        }
        if (d)
            fclose(d);
    }
    /* the measured end-to-end time (net.csv), median with min and max */
    const ib_rcsv *n = &r->t[IB_R_NET];
    FILE *d = r->have[IB_R_NET] ? ib_plot_data(&r->plot, "total.dat") : NULL;
    int totals = 0;
    for (int row = 1; d && row < n->nrows; row++) {
        int k = 0;
        while (k < nf && strcmp(fam[k], ib_rcsv_get(n, row, "impl")))
            k++;
        const double m = ib_rcsv_num(n, row, "total_med_s") * 1e3,
                     a = ib_rcsv_num(n, row, "total_min_s") * 1e3,
                     b = ib_rcsv_num(n, row, "total_max_s") * 1e3;
        if (k == nf || !isfinite(m) || !isfinite(a) || !isfinite(b))
            continue;
        fprintf(d, "%g %d %g %g\n", m, k, a, b);
        ib_r_grow(&lo, &hi, a), ib_r_grow(&lo, &hi, b);
        totals++;
    }
    if (d)
        fclose(d);
    double alo, ahi;
    ib_r_axis(lo, hi, &alo, &ahi);
    alo = 0; /* stacked bars start at 0 */
    fprintf(s,
            "set xrange [0:%g]\nset yrange [%g:-0.6]\nset xlabel 'ms per forward "
            "pass (batch as run)'\nset grid xtics lc '#dddddd'\n"
            "set key outside right top vertical font 'sans,10'\nset style fill solid 0.85 "
            "noborder\nplot ",
            ahi, nf - 0.4);
    for (int o = 0; o < nops; o++) {
        fprintf(s, "%s'bd%d.dat' using 1:2:3:4:5:6 with boxxyerror lc rgb '%s' title '",
                o ? ", " : "", o, opc[o % 10]);
        ib_plot_str(s, ops[o]);
        fprintf(s, "'");
    }
    if (totals)
        fprintf(s, ", 'total.dat' using 1:2:3:4 with xerrorbars pt 9 ps 1.3 lw 1.5 "
                   "lc rgb '#000000' title 'end to end (median, min to max)'");
    fprintf(s, "\n");
    fclose(s);
    ib_r_figure(f, r, "chart-breakdown", script, 1200, 90 + nf * 45, lo, hi, alo, ahi,
                "Each bar is a family's forward pass as the sum of its steps' median times, "
                "coloured by layer type; the black triangle is the whole pass timed end to end "
                "(steps run back to back share caches, so the two differ).");
    free(script);
}
