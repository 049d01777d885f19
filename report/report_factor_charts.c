/* The factorization charts: each pair's measured saving per family with its 95% interval
 * against the theoretical saving, and the sweep over grid sizes as lines with interval bands. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_fmt.h"
#include "report/report_page.h"

enum { MAX_CASES = 64 };

/* The distinct (pair, case) rows of factor.csv in order: the row of each case's first line. */
static int cases_of(const ib_rcsv *c, int *first)
{
    int n = 0;
    for (int r = 1; r < c->nrows && n < MAX_CASES; r++) {
        int seen = 0;
        for (int i = 0; i < n && !seen; i++)
            seen = !strcmp(ib_rcsv_get(c, r, "pair"), ib_rcsv_get(c, first[i], "pair")) &&
                   !strcmp(ib_rcsv_get(c, r, "case"), ib_rcsv_get(c, first[i], "case"));
        if (!seen)
            first[n++] = r;
    }
    return n;
}

static int same_case(const ib_rcsv *c, int r, int r0)
{
    return !strcmp(ib_rcsv_get(c, r, "pair"), ib_rcsv_get(c, r0, "pair")) &&
           !strcmp(ib_rcsv_get(c, r, "case"), ib_rcsv_get(c, r0, "case"));
}

/* A case's label on the chart: the pair's name and the case, shortened. */
static void case_label(const ib_rcsv *c, int r, char *buf, size_t len)
{
    snprintf(buf, len, "%s. %.28s | %.34s", ib_rcsv_get(c, r, "pair"),
             ib_rcsv_get(c, r, "pair_name"), ib_rcsv_get(c, r, "case"));
}

void ib_r_pairs_chart(FILE *f, ib_report *r)
{
    const ib_rcsv *c = &r->t[IB_R_FACTOR];
    const char *fam[IB_R_MAX_FAMILIES];
    int first[MAX_CASES];
    const int nf = ib_r_families(c, fam, 0), nc = cases_of(c, first);
    if (!nf || !nc)
        return;
    char *script = NULL;
    size_t slen = 0;
    FILE *s = open_memstream(&script, &slen);
    FILE *th = ib_plot_data(&r->plot, "theory.dat");
    double lo = 0, hi = 0; /* 0 is always shown: the line between saving and losing */
    int drawn[IB_R_MAX_FAMILIES] = {0};
    fprintf(s, "set ytics (");
    for (int g = 0; g < nc; g++) {
        char lab[128];
        case_label(c, first[g], lab, sizeof lab);
        fprintf(s, "%s'", g ? ", " : "");
        ib_plot_str(s, lab);
        fprintf(s, "' %g", g * (nf + 1) + (nf - 1) / 2.0);
        const double te = ib_rcsv_num(c, first[g], "theory_exec") * 100,
                     tn = ib_rcsv_num(c, first[g], "theory") * 100;
        ib_r_grow(&lo, &hi, te), ib_r_grow(&lo, &hi, tn);
        if (th)
            fprintf(th, "%g %g %d %g\n", te, g * (nf + 1) - 0.5, nf, tn);
    }
    fprintf(s, ") scale 0 font 'sans,10'\n");
    for (int k = 0; k < nf; k++) {
        char name[64];
        snprintf(name, sizeof name, "pairs%d.dat", k);
        FILE *d = ib_plot_data(&r->plot, name);
        for (int g = 0; d && g < nc; g++)
            for (int row = 1; row < c->nrows; row++) {
                if (!same_case(c, row, first[g]) || strcmp(ib_rcsv_get(c, row, "impl"), fam[k]))
                    continue;
                const double m = ib_rcsv_num(c, row, "measured") * 100,
                             ml = ib_rcsv_num(c, row, "measured_lo") * 100,
                             mh = ib_rcsv_num(c, row, "measured_hi") * 100;
                if (!isfinite(m) || !isfinite(ml) || !isfinite(mh))
                    continue;
                fprintf(d, "%g %g %g %d\n", m, ml, mh, g * (nf + 1) + k);
                ib_r_grow(&lo, &hi, ml), ib_r_grow(&lo, &hi, mh);
                drawn[k] = 1;
                break;
            }
        if (d)
            fclose(d);
    }
    if (th)
        fclose(th);
    double alo, ahi;
    ib_r_axis(lo, hi, &alo, &ahi);
    const int rows = nc * (nf + 1);
    fprintf(s,
            "set xrange [%g:%g]\nset yrange [%g:%g]\nset xlabel 'saving: 1 - time(B) / "
            "time(A), %%'\nset grid xtics lc '#dddddd'\nset key outside top center horizontal\n"
            "set lmargin 52\nset rmargin 3\n"
            "set arrow from first 0, graph 0 to first 0, graph 1 nohead lc '#555555'\n"
            "set style fill solid\nplot ",
            alo, ahi, (double)rows - 1, -1.0); /* reversed: the first pair on top */
    int any = 0;
    for (int k = 0; k < nf; k++)
        if (drawn[k]) {
            fprintf(s,
                    "%s'pairs%d.dat' using 1:4:2:3 with xerrorbars pt 7 ps 0.7 lw 1.5 "
                    "lc rgb '%s' title '",
                    any++ ? ", " : "", k, ib_r_color(fam[k]));
            ib_plot_str(s, fam[k]);
            fprintf(s, "'");
        }
    fprintf(s,
            "%s'theory.dat' using 1:2:(0):3 with vectors nohead lw 2 lc rgb '#000000' "
            "title 'theory, executed MACs', 'theory.dat' using 4:2:(0):3 with vectors nohead "
            "dt 2 lw 1.5 lc rgb '#888888' title 'theory, nominal MACs'\n",
            any ? ", " : "");
    fclose(s);
    ib_r_figure(f, r, "chart-pairs", script, 1200, 90 + rows * 13, lo, hi, alo, ahi,
                "Each dot is a family's measured saving with its 95% interval; the black bar is "
                "what the executed multiply-adds promise, the grey dashed bar the paper's "
                "nominal count. A dot right of 0 means the factorized form B is faster.");
    free(script);
}

/* One sweep chart: for each channel count a panel, for each family a line with a band. */
static void sweep_pair(FILE *f, ib_report *r, const char *pair)
{
    const ib_rcsv *c = &r->t[IB_R_SWEEP];
    const char *fam[IB_R_MAX_FAMILIES], *chans[4];
    const int nf = ib_r_families(c, fam, 0);
    int nch = 0, r0 = 0;
    double lo = 0, hi = 0, glo = NAN, ghi = NAN;
    for (int row = 1; row < c->nrows; row++) {
        if (strcmp(ib_rcsv_get(c, row, "pair"), pair))
            continue;
        r0 = r0 ? r0 : row;
        const char *ch = ib_rcsv_get(c, row, "channels");
        int seen = 0;
        for (int i = 0; i < nch; i++)
            seen |= !strcmp(chans[i], ch);
        if (!seen && nch < 4)
            chans[nch++] = ch;
        ib_r_grow(&glo, &ghi, ib_rcsv_num(c, row, "grid"));
        ib_r_grow(&lo, &hi, ib_rcsv_num(c, row, "measured_lo") * 100);
        ib_r_grow(&lo, &hi, ib_rcsv_num(c, row, "measured_hi") * 100);
        ib_r_grow(&lo, &hi, ib_rcsv_num(c, row, "theory") * 100);
        ib_r_grow(&lo, &hi, ib_rcsv_num(c, row, "theory_exec") * 100);
    }
    if (!r0 || !isfinite(glo))
        return;
    double alo, ahi;
    ib_r_axis(lo, hi, &alo, &ahi);
    char *script = NULL;
    size_t slen = 0;
    FILE *s = open_memstream(&script, &slen);
    fprintf(s, "set xtics (");
    double shown[64];
    int ns = 0;
    for (int row = 1; row < c->nrows && ns < 64; row++) {
        const double g = ib_rcsv_num(c, row, "grid");
        int seen = !strcmp(ib_rcsv_get(c, row, "pair"), pair) ? 0 : 1;
        for (int i = 0; i < ns && !seen; i++)
            seen = shown[i] == g;
        if (!seen && isfinite(g)) {
            fprintf(s, "%s%g", ns ? ", " : "", g);
            shown[ns++] = g;
        }
    }
    fprintf(s, ")\n");
    fprintf(s,
            "set multiplot layout 1,%d\nset yrange [%g:%g]\nset xrange [%g:%g]\n"
            "set ylabel 'saving, %%'\nset xlabel 'grid (H = W)'\nset grid lc '#dddddd'\n"
            "set key bottom right font 'sans,9'\nset style fill transparent solid 0.15 "
            "noborder\n",
            nch, alo, ahi, glo - 1, ghi + 1);
    for (int ci = 0; ci < nch; ci++) {
        char name[64];
        snprintf(name, sizeof name, "sw%s_%d_th.dat", pair, ci);
        FILE *th = ib_plot_data(&r->plot, name);
        int any[IB_R_MAX_FAMILIES] = {0};
        for (int k = 0; k < nf; k++) {
            snprintf(name, sizeof name, "sw%s_%d_%d.dat", pair, ci, k);
            FILE *d = ib_plot_data(&r->plot, name);
            for (int row = 1; d && row < c->nrows; row++) {
                if (strcmp(ib_rcsv_get(c, row, "pair"), pair) ||
                    strcmp(ib_rcsv_get(c, row, "channels"), chans[ci]))
                    continue;
                if (k == 0 && th)
                    fprintf(th, "%g %g %g\n", ib_rcsv_num(c, row, "grid"),
                            ib_rcsv_num(c, row, "theory_exec") * 100,
                            ib_rcsv_num(c, row, "theory") * 100);
                const double m = ib_rcsv_num(c, row, "measured") * 100,
                             ml = ib_rcsv_num(c, row, "measured_lo") * 100,
                             mh = ib_rcsv_num(c, row, "measured_hi") * 100;
                if (strcmp(ib_rcsv_get(c, row, "impl"), fam[k]) || !isfinite(m) || !isfinite(ml) ||
                    !isfinite(mh))
                    continue;
                fprintf(d, "%g %g %g %g\n", ib_rcsv_num(c, row, "grid"), m, ml, mh);
                any[k] = 1;
            }
            if (d)
                fclose(d);
        }
        if (th)
            fclose(th);
        fprintf(s, "set title '");
        ib_plot_str(s, chans[ci]);
        fprintf(s, " channels in and out' font 'sans,11'\nplot ");
        for (int k = 0; k < nf; k++)
            if (any[k]) {
                fprintf(s,
                        "'sw%s_%d_%d.dat' using 1:3:4 with filledcurves lc rgb '%s' notitle, "
                        "'' using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb '%s' title '",
                        pair, ci, k, ib_r_color(fam[k]), ib_r_color(fam[k]));
                ib_plot_str(s, fam[k]);
                fprintf(s, "', ");
            }
        fprintf(s,
                "'sw%s_%d_th.dat' using 1:2 with lines lw 2 lc rgb '#000000' "
                "title 'theory, executed', '' using 1:3 with lines dt 2 lc rgb '#888888' "
                "title 'theory, nominal'\n",
                pair, ci);
    }
    fprintf(s, "unset multiplot\n");
    fclose(s);
    char id[32], cap[512];
    snprintf(id, sizeof id, "chart-sweep-%s", pair);
    snprintf(cap, sizeof cap,
             "Sweep of pair %s (%.60s) over grid sizes: each line is a family's measured saving, "
             "the band its 95%% interval; the black line is the saving the executed "
             "multiply-adds promise at that grid.",
             pair, ib_rcsv_get(c, r0, "pair_name"));
    ib_r_figure(f, r, id, script, 1200, 380, lo, hi, alo, ahi, cap);
    free(script);
}

void ib_r_sweep_charts(FILE *f, ib_report *r)
{
    const ib_rcsv *c = &r->t[IB_R_SWEEP];
    const char *done[16];
    int nd = 0;
    for (int row = 1; row < c->nrows && nd < 16; row++) {
        const char *p = ib_rcsv_get(c, row, "pair");
        int seen = 0;
        for (int i = 0; i < nd; i++)
            seen |= !strcmp(done[i], p);
        if (seen || strspn(p, "0123456789") != strlen(p) || !*p)
            continue; /* the pair number names data files: digits only */
        done[nd++] = p;
        sweep_pair(f, r, p);
    }
}
