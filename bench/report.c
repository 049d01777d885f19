/* The HTML report: CSV in, inline SVG charts and tables out. */
#include "bench/report.h"

#include "bench/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/cli.h"
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

/* *found: 1 when read, 0 when the file does not exist (IB_OK both). Any other failure
 * (unreadable, a line too long, out of memory) is an error. */
static ib_status csv_read(const char *dir, const char *name, csv *c, int *found, ib_err *e)
{
    memset(c, 0, sizeof *c);
    *found = 0;
    char path[1024], line[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return IB_OK;
        return ib_fail(e, IB_IO, "report: cannot read %s%s/%s: %s", IB_SHOWN(dir), name,
                       strerror(errno));
    }
    while (fgets(line, sizeof line, f)) {
        const size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
            fclose(f);
            return ib_fail(e, IB_INVALID, "report: %s%s/%s:%d: line longer than %d characters",
                           IB_SHOWN(dir), name, c->nrows + 1, (int)sizeof line - 2);
        }
        line[strcspn(line, "\r\n")] = 0;
        char **row = calloc(64, sizeof *row), *copy = strdup(line);
        char ***rows = realloc(c->rows, (size_t)(c->nrows + 1) * sizeof *rows);
        if (!row || !copy || !rows) {
            free(row), free(copy), fclose(f);
            if (rows)
                c->rows = rows;
            return ib_fail(e, IB_NOMEM, "report: out of memory reading %s", name);
        }
        c->rows = rows;
        const int n = ib_csv_split(copy, row, 63);
        for (int k = n; k < 64; k++)
            row[k] = copy + strlen(copy); /* "" for missing fields */
        c->rows[c->nrows++] = row;
    }
    /* a read error (a folder by that name) must not pass as an empty file */
    const int bad = ferror(f);
    fclose(f);
    if (bad)
        return ib_fail(e, IB_IO, "report: cannot read %s%s/%s: %s", IB_SHOWN(dir), name,
                       strerror(errno));
    if (c->nrows)
        for (c->ncols = 0; c->ncols < 64 && c->rows[0][c->ncols][0]; c->ncols++)
            ;
    *found = 1;
    return IB_OK;
}

static int col(const csv *c, const char *name)
{
    for (int k = 0; k < c->ncols; k++)
        if (!strcmp(c->rows[0][k], name))
            return k;
    return 63; /* the empty field; only for columns csv_check does not require */
}

/* The CSVs a report reads and the columns each must have: those its charts and counts use. A
 * CSV without one is refused, never drawn from empty fields. */
enum { CSV_COUNT = 6, MAX_NEED = 8 };
static const struct csv_spec {
    const char *name;
    const char *need[MAX_NEED];
} specs[CSV_COUNT] = {
    {"verify.csv", {"op", "layer", "impl", "status"}},
    {"factor.csv", {"pair", "case", "form_b", "impl", "theory", "measured"}},
    {"sweep.csv", {"pair", "pair_name", "grid", "channels", "impl", "theory", "measured"}},
    {"net.csv", {"impl", "status"}},
    {"net_layers.csv", {"impl", "layer", "op", "median_s", "flops_per_s", "pct_peak", "pct_total"}},
    {"peak.csv", {"probe", "threads", "value", "unit"}},
};

static ib_status csv_check(const char *dir, const struct csv_spec *sp, const csv *c, ib_err *e)
{
    if (c->nrows == 0)
        return ib_fail(e, IB_INVALID, "report: %s%s/%s is empty (no header line)", IB_SHOWN(dir),
                       sp->name);
    for (int i = 0; i < MAX_NEED && sp->need[i]; i++)
        if (col(c, sp->need[i]) == 63)
            return ib_fail(e, IB_INVALID, "report: %s%s/%s: no '%s' column in its header",
                           IB_SHOWN(dir), sp->name, sp->need[i]);
    return IB_OK;
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
        else if ((unsigned char)*s < 0x20)
            fputc('?', f); /* a control character: not text */
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

/* The whole page; the caller checks the stream for errors. */
static void page(FILE *f, const char *dir, csv *t, const int *have)
{
    csv *verify = &t[0], *factor = &t[1], *sweep = &t[2], *net = &t[3], *layers = &t[4],
        *peak = &t[5];
    fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>incbench report</title>"
               "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
               "table{border-collapse:collapse;font-size:11px}td,th{border:1px solid #ccc;"
               "padding:2px 5px}th{background:#eee}</style></head><body>\n");
    fprintf(f, "<h1>incbench report</h1><p>Results folder: ");
    esc(f, dir);
    fprintf(f, ". Every time is measured in this run, after the kernel was verified against "
               "the scalar reference; medians of repetitions with min and max.</p>\n");
    if (have[5]) {
        fprintf(f, "<h2>Peak</h2>\n");
        table(f, peak, 100);
    }
    if (have[1]) {
        fprintf(f, "<h2>Factorization pairs</h2>\n");
        factor_chart(f, factor);
        table(f, factor, 500);
    }
    if (have[2]) {
        fprintf(f, "<h2>Sweep over grid sizes and channels</h2>\n");
        sweep_charts(f, sweep);
    }
    if (have[3]) {
        fprintf(f, "<h2>Inception-v3 forward pass</h2>\n");
        table(f, net, 100);
    }
    if (have[4]) {
        fprintf(f, "<h2>Per-layer throughput</h2>\n");
        layers_chart(f, layers);
        fprintf(f, "<h2>Per-layer breakdown</h2>\n");
        breakdown_charts(f, layers);
    }
    if (have[0]) {
        /* a status the verifier never writes is no pass: it counts as a failure */
        int failed = 0, unknown = 0;
        const int cs = col(verify, "status");
        for (int r = 1; r < verify->nrows; r++) {
            const char *st = verify->rows[r][cs];
            if (!strcmp(st, "FAILED"))
                failed++;
            else if (strcmp(st, "PASSED") && strcmp(st, "SKIPPED"))
                unknown++;
        }
        fprintf(f, "<h2>Verification</h2><p>%d (layer, implementation) checks, %d FAILED",
                verify->nrows - 1, failed + unknown);
        if (unknown)
            fprintf(f, " (%d of them with a status other than PASSED, FAILED or SKIPPED)", unknown);
        fprintf(f, ".</p>\n");
        table(f, verify, 2000);
    }
    fprintf(f, "</body></html>\n");
}

/* Writes the page to a temporary file beside path, then moves it into place: a failed write
 * leaves no partial report, and without replace an existing report is kept. */
static ib_status write_atomic(const char *dir, const char *path, int replace, csv *t,
                              const int *have, ib_err *e)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s/.report.html.tmp.%ld", dir, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        ib_status st =
            ib_fail(e, IB_IO, "report: cannot write into %s%s: %s", IB_SHOWN(dir), strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return st;
    }
    page(f, dir, t, have);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad) {
        unlink(tmp);
        return ib_fail(e, IB_IO, "report: error writing %s%s/report.html: %s", IB_SHOWN(dir),
                       strerror(errno));
    }
    ib_status st = IB_OK;
    if (replace ? rename(tmp, path) != 0 : link(tmp, path) != 0) /* link: create, never replace */
        st = errno == EEXIST ? ib_fail(e, IB_INVALID,
                                       "report: %s%s/report.html exists: not replaced "
                                       "(add --force to replace it)",
                                       IB_SHOWN(dir))
                             : ib_fail(e, IB_IO, "report: cannot create %s%s/report.html: %s",
                                       IB_SHOWN(dir), strerror(errno));
    unlink(tmp); /* after link(): the report keeps its own name; after rename(): gone */
    return st;
}

ib_status ib_report_write(const char *dir, int replace, ib_err *e)
{
    char path[1024];
    int w = snprintf(path, sizeof path, "%s/report.html", dir);
    if (w < 0 || w >= (int)sizeof path - 40)
        return ib_fail(e, IB_INVALID, "report: folder name %s%s too long", IB_SHOWN(dir));
    struct stat sb;
    if (!replace && lstat(path, &sb) == 0) /* checked first: no work for a refusal */
        return ib_fail(e, IB_INVALID,
                       "report: %s%s/report.html exists: not replaced (add "
                       "--force to replace it)",
                       IB_SHOWN(dir));
    csv t[CSV_COUNT];
    int have[CSV_COUNT], any = 0;
    ib_status st = IB_OK;
    memset(t, 0, sizeof t);
    for (int i = 0; i < CSV_COUNT; i++) {
        have[i] = 0;
        if (st == IB_OK && (st = csv_read(dir, specs[i].name, &t[i], &have[i], e)) == IB_OK &&
            have[i] && (st = csv_check(dir, &specs[i], &t[i], e)) == IB_OK)
            any = 1;
    }
    if (st == IB_OK && !any)
        st = ib_fail(e, IB_IO,
                     "report: %s%s holds none of verify.csv, factor.csv, sweep.csv, "
                     "net.csv, net_layers.csv, peak.csv",
                     IB_SHOWN(dir));
    if (st == IB_OK)
        st = write_atomic(dir, path, replace, t, have, e);
    for (int i = 0; i < CSV_COUNT; i++)
        csv_free(&t[i]);
    return st;
}
