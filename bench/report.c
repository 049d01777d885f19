/* The HTML report: CSV in, inline SVG charts and tables out. */
#include "bench/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/report_svg.h"

/* A CSV file as rows of fields (no quoting: the driver writes none). */
typedef struct csv {
    int nrows, ncols;
    char ***rows; /* rows[0] is the header */
} csv;

static void csv_free(csv *c)
{
    for (int r = 0; r < c->nrows; r++) {
        free(c->rows[r][0]);
        free(c->rows[r]);
    }
    free(c->rows);
    memset(c, 0, sizeof *c);
}

static int csv_read(const char *dir, const char *name, csv *c)
{
    memset(c, 0, sizeof *c);
    char path[1024], line[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char **row = calloc(64, sizeof *row), *copy = strdup(line);
        char ***rows = realloc(c->rows, (size_t)(c->nrows + 1) * sizeof *rows);
        if (!row || !copy || !rows) {
            free(row), free(copy), fclose(f);
            if (rows)
                c->rows = rows;
            return 0;
        }
        c->rows = rows;
        int n = 0;
        for (char *p = copy; n < 63;) {
            row[n++] = p;
            char *q = strchr(p, ',');
            if (!q)
                break;
            *q = 0;
            p = q + 1;
        }
        for (int k = n; k < 64; k++)
            row[k] = copy + strlen(line); /* "" for missing fields */
        c->rows[c->nrows++] = row;
    }
    fclose(f);
    if (c->nrows)
        for (c->ncols = 0; c->ncols < 64 && c->rows[0][c->ncols][0]; c->ncols++)
            ;
    return c->nrows > 0;
}

static int col(const csv *c, const char *name)
{
    for (int k = 0; k < c->ncols; k++)
        if (!strcmp(c->rows[0][k], name))
            return k;
    return 63; /* the empty field */
}

static double num(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    return *s && end != s ? v : NAN;
}

static void esc(FILE *f, const char *s)
{
    for (; *s; s++)
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else
            fputc(*s, f);
}

static int series_of(ib_svg_chart *ch, const char *name, int dashed)
{
    for (int k = 0; k < ch->nseries; k++)
        if (!strcmp(ch->s[k].name, name))
            return k;
    if (ch->nseries == IB_SVG_MAX_SERIES)
        return -1;
    ib_svg_series *s = &ch->s[ch->nseries];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->dashed = dashed;
    return ch->nseries++;
}

static void add_point(ib_svg_chart *ch, int k, double x, double y)
{
    if (k < 0 || ch->s[k].n == IB_SVG_MAX_POINTS)
        return;
    ch->s[k].x[ch->s[k].n] = x;
    ch->s[k].y[ch->s[k].n++] = y;
}

/* A table of the whole CSV. */
static void table(FILE *f, const csv *c, int max_rows)
{
    fprintf(f, "<table><tr>");
    for (int k = 0; k < c->ncols; k++) {
        fprintf(f, "<th>");
        esc(f, c->rows[0][k]);
        fprintf(f, "</th>");
    }
    fprintf(f, "</tr>\n");
    for (int r = 1; r < c->nrows && r <= max_rows; r++) {
        fprintf(f, "<tr>");
        for (int k = 0; k < c->ncols; k++) {
            fprintf(f, "<td>");
            esc(f, c->rows[r][k]);
            fprintf(f, "</td>");
        }
        fprintf(f, "</tr>\n");
    }
    fprintf(f, "</table>\n");
    if (c->nrows - 1 > max_rows)
        fprintf(f, "<p>(%d more rows in the CSV)</p>\n", c->nrows - 1 - max_rows);
}

static void layers_chart(FILE *f, const csv *c)
{
    static ib_svg_chart ch;
    memset(&ch, 0, sizeof ch);
    ch.title = "net: per-layer GFLOP/s (conv and fc) against each implementation's peak";
    ch.xlabel = "layer (forward order)";
    ch.ylabel = "GFLOP/s";
    const int ci = col(c, "impl"), co = col(c, "op"), cf = col(c, "flops_per_s"),
              cp = col(c, "pct_peak");
    int idx[IB_SVG_MAX_SERIES] = {0};
    for (int r = 1; r < c->nrows; r++) {
        const char *op = c->rows[r][co];
        if (strcmp(op, "conv") && strcmp(op, "fc"))
            continue;
        if (!strcmp(c->rows[r][ci], "best"))
            continue;
        int k = series_of(&ch, c->rows[r][ci], 0);
        if (k < 0)
            continue;
        double gf = num(c->rows[r][cf]) * 1e-9, pct = num(c->rows[r][cp]);
        add_point(&ch, k, idx[k]++, gf);
        char pn[64];
        snprintf(pn, sizeof pn, "%s peak", c->rows[r][ci]);
        if (pct > 0) {
            int p = series_of(&ch, pn, 1);
            if (p >= 0 && ch.s[p].n == 0) {
                add_point(&ch, p, 0, gf / pct * 100);
                add_point(&ch, p, 200, gf / pct * 100);
            }
        }
    }
    for (int k = 0; k < ch.nseries; k++) /* stretch the peak lines over the layers */
        if (ch.s[k].dashed && ch.s[k].n == 2)
            ch.s[k].x[1] = idx[0] > 0 ? idx[0] - 1 : 1;
    ib_svg_lines(f, &ch);
}

static void factor_chart(FILE *f, const csv *c)
{
    static ib_svg_chart ch;
    static char labels[IB_SVG_MAX_POINTS][96];
    memset(&ch, 0, sizeof ch);
    ch.title = "factorization: theoretical vs measured saving";
    ch.xlabel = "case";
    ch.ylabel = "saving (%)";
    const int cpair = col(c, "pair"), ccase = col(c, "case"), cimpl = col(c, "impl"),
              cth = col(c, "theory"), cme = col(c, "measured"), cfb = col(c, "form_b");
    int th = series_of(&ch, "theoretical", 0);
    for (int r = 1; r < c->nrows; r++) {
        char lab[96];
        snprintf(lab, sizeof lab, "[%s] %.40s %.20s", c->rows[r][cpair], c->rows[r][ccase],
                 c->rows[r][cfb]);
        int cat = -1;
        for (int i = 0; i < ch.ncat; i++)
            if (!strcmp(labels[i], lab))
                cat = i;
        if (cat < 0 && ch.ncat < IB_SVG_MAX_POINTS) {
            cat = ch.ncat++;
            snprintf(labels[cat], sizeof labels[cat], "%s", lab);
            ch.cat[cat] = labels[cat];
            add_point(&ch, th, cat, num(c->rows[r][cth]) * 100);
        }
        if (cat < 0)
            continue;
        char nm[64];
        snprintf(nm, sizeof nm, "measured %s", c->rows[r][cimpl]);
        add_point(&ch, series_of(&ch, nm, 0), cat, num(c->rows[r][cme])); /* "12.3%" */
    }
    ib_svg_bars(f, &ch);
}

static void sweep_charts(FILE *f, const csv *c)
{
    static ib_svg_chart ch;
    const int cpair = col(c, "pair"), cg = col(c, "grid"), cc = col(c, "channels"),
              ci = col(c, "impl"), cth = col(c, "theory"), cme = col(c, "measured"),
              cpn = col(c, "pair_name");
    for (int pair = 1; pair <= 3; pair++) {
        memset(&ch, 0, sizeof ch);
        char title[160] = "";
        ch.xlabel = "grid size (H = W)";
        ch.ylabel = "saving (%)";
        for (int r = 1; r < c->nrows; r++) {
            if (atoi(c->rows[r][cpair]) != pair)
                continue;
            if (!title[0])
                snprintf(title, sizeof title, "sweep: %s, C -> C", c->rows[r][cpn]);
            char nm[64];
            snprintf(nm, sizeof nm, "theory C=%s", c->rows[r][cc]);
            int k = series_of(&ch, nm, 1);
            int seen = 0;
            for (int i = 0; k >= 0 && i < ch.s[k].n; i++)
                seen |= ch.s[k].x[i] == num(c->rows[r][cg]);
            if (!seen)
                add_point(&ch, k, num(c->rows[r][cg]), num(c->rows[r][cth]) * 100);
            snprintf(nm, sizeof nm, "%s C=%s", c->rows[r][ci], c->rows[r][cc]);
            add_point(&ch, series_of(&ch, nm, 0), num(c->rows[r][cg]), num(c->rows[r][cme]));
        }
        ch.title = title;
        if (ch.nseries)
            ib_svg_lines(f, &ch);
    }
}

static void breakdown_charts(FILE *f, const csv *c)
{
    static ib_svg_chart ch;
    static char labels[IB_SVG_MAX_POINTS][64];
    const int ci = col(c, "impl"), cl = col(c, "layer"), cm = col(c, "median_s"),
              ct = col(c, "pct_total");
    const char *done[16];
    int ndone = 0;
    for (int r0 = 1; r0 < c->nrows && ndone < 16; r0++) {
        const char *impl = c->rows[r0][ci];
        int seen = 0;
        for (int i = 0; i < ndone; i++)
            seen |= !strcmp(done[i], impl);
        if (seen)
            continue;
        done[ndone++] = impl;
        /* the 20 largest steps of this implementation, by selection */
        memset(&ch, 0, sizeof ch);
        char title[96];
        snprintf(title, sizeof title, "net breakdown: %s, the 20 slowest steps (ms)", impl);
        ch.title = title;
        ch.xlabel = "";
        ch.ylabel = "ms";
        int k = series_of(&ch, impl, 0);
        int used[2048] = {0};
        for (int n = 0; n < 20; n++) {
            int best = -1;
            for (int r = 1; r < c->nrows && r < 2048; r++)
                if (!used[r] && !strcmp(c->rows[r][ci], impl) &&
                    (best < 0 || num(c->rows[r][cm]) > num(c->rows[best][cm])))
                    best = r;
            if (best < 0)
                break;
            used[best] = 1;
            snprintf(labels[n], sizeof labels[n], "%.40s (%.1f%%)", c->rows[best][cl],
                     num(c->rows[best][ct]));
            ch.cat[ch.ncat++] = labels[n];
            add_point(&ch, k, n, num(c->rows[best][cm]) * 1e3);
        }
        ib_svg_bars(f, &ch);
    }
}

ib_status ib_report_write(const char *dir, ib_err *e)
{
    csv verify, factor, sweep, net, layers, peak;
    int hv = csv_read(dir, "verify.csv", &verify), hf = csv_read(dir, "factor.csv", &factor);
    int hs = csv_read(dir, "sweep.csv", &sweep), hn = csv_read(dir, "net.csv", &net);
    int hl = csv_read(dir, "net_layers.csv", &layers), hp = csv_read(dir, "peak.csv", &peak);
    if (!hv && !hf && !hs && !hn && !hl && !hp)
        return ib_fail(e, IB_IO, "report: %s holds none of verify.csv, factor.csv, sweep.csv, "
                                 "net.csv, net_layers.csv, peak.csv", dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/report.html", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return ib_fail(e, IB_IO, "report: cannot write %s", path);
    fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>incbench report</title>"
               "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
               "table{border-collapse:collapse;font-size:11px}td,th{border:1px solid #ccc;"
               "padding:2px 5px}th{background:#eee}</style></head><body>\n");
    fprintf(f, "<h1>incbench report</h1><p>Results folder: ");
    esc(f, dir);
    fprintf(f, ". Every time is measured in this run, after the kernel was verified against "
               "the scalar reference; medians of repetitions with min and max.</p>\n");
    if (hp) {
        fprintf(f, "<h2>Peak</h2>\n");
        table(f, &peak, 100);
    }
    if (hf) {
        fprintf(f, "<h2>Factorization pairs</h2>\n");
        factor_chart(f, &factor);
        table(f, &factor, 500);
    }
    if (hs) {
        fprintf(f, "<h2>Sweep over grid sizes and channels</h2>\n");
        sweep_charts(f, &sweep);
    }
    if (hn) {
        fprintf(f, "<h2>Inception-v3 forward pass</h2>\n");
        table(f, &net, 100);
    }
    if (hl) {
        fprintf(f, "<h2>Per-layer throughput</h2>\n");
        layers_chart(f, &layers);
        fprintf(f, "<h2>Per-layer breakdown</h2>\n");
        breakdown_charts(f, &layers);
    }
    if (hv) {
        int failed = 0, col_status = col(&verify, "status");
        for (int r = 1; r < verify.nrows; r++)
            failed += !strcmp(verify.rows[r][col_status], "FAILED");
        fprintf(f, "<h2>Verification</h2><p>%d (layer, implementation) checks, %d FAILED.</p>\n",
                verify.nrows - 1, failed);
        table(f, &verify, 2000);
    }
    fprintf(f, "</body></html>\n");
    int bad = ferror(f);
    fclose(f);
    csv *all[] = {&verify, &factor, &sweep, &net, &layers, &peak};
    for (int i = 0; i < 6; i++)
        csv_free(all[i]);
    return bad ? ib_fail(e, IB_IO, "report: error writing %s", path) : IB_OK;
}
