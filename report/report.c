/* The HTML report: reads a results folder's CSVs, writes report.html (answers first, then the
 * details) atomically, and a PNG of the summary when Chromium is there. */
#include "report/report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report_fmt.h"
#include "report/report_page.h"
#include "report/report_shot.h"

/* The CSVs a report reads and the columns each must have: those its answers rest on. A CSV
 * without one is refused, never drawn from empty fields; other columns are optional. */
enum { MAX_NEED = 8 };
static const struct csv_spec {
    const char *name;
    const char *need[MAX_NEED];
} specs[IB_R_COUNT] = {
    [IB_R_VERIFY] = {"verify.csv", {"op", "layer", "impl", "status"}},
    [IB_R_FACTOR] = {"factor.csv", {"pair", "case", "impl", "theory", "measured", "verdict"}},
    [IB_R_SWEEP] = {"sweep.csv",
                    {"pair", "pair_name", "grid", "channels", "impl", "theory", "measured"}},
    [IB_R_NET] = {"net.csv", {"impl", "status", "total_med_s"}},
    [IB_R_LAYERS] = {"net_layers.csv", {"impl", "layer", "op", "median_s", "pct_peak"}},
    [IB_R_PEAK] = {"peak.csv", {"probe", "threads", "value", "unit"}},
    [IB_R_MACHINE] = {"machine.csv", {"key", "value"}},
};

static ib_status csv_check(const char *dir, const struct csv_spec *sp, const ib_rcsv *c, ib_err *e)
{
    if (c->nrows == 0)
        return ib_fail(e, IB_INVALID, "report: %s%s/%s is empty (no header line)", IB_SHOWN(dir),
                       sp->name);
    for (int i = 0; i < MAX_NEED && sp->need[i]; i++)
        if (ib_rcsv_col(c, sp->need[i]) < 0)
            return ib_fail(e, IB_INVALID, "report: %s%s/%s: no '%s' column in its header",
                           IB_SHOWN(dir), sp->name, sp->need[i]);
    return IB_OK;
}

/* The "context" block of the run's Google Benchmark JSON (machine facts for runs made before
 * machine.csv existed). */
static void read_json_context(ib_report *r)
{
    static const char *const files[] = {"factor.json", "net.json", "bench.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", r->dir, files[i]);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        const size_t n = fread(r->json_ctx, 1, sizeof r->json_ctx - 1, f);
        fclose(f);
        r->json_ctx[n] = 0;
        char *end = strstr(r->json_ctx, "\"benchmarks\"");
        if (end)
            *end = 0;
        return;
    }
}

static const char *css =
    "body{font-family:system-ui,sans-serif;font-size:14px;max-width:1220px;margin:0 auto;"
    "padding:0 20px;color:#222}h1{font-size:22px}h2{border-bottom:2px solid #ddd;margin-top:"
    "32px}h3{margin:18px 0 6px}table{border-collapse:collapse;font-size:12px;width:100%;"
    "margin:6px 0 14px}td,th{border:1px solid #d5d5d5;padding:3px 6px;vertical-align:top;"
    "overflow-wrap:break-word}td.fam{white-space:nowrap}"
    "td.kern{overflow-wrap:anywhere;width:17%}td.case{min-width:130px}"
    "tr.first td{border-top:2px solid #999}th{background:#f1f1f1;text-align:left;font-"
    "weight:600}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "table.kv th{width:190px}small{color:#555}.tag{padding:0 5px;border-radius:3px;"
    "white-space:nowrap}.v-pays{background:#d4f0d4}"
    ".v-ns{background:#e6e6e6}.v-neg{background:#e3ddf3}.v-no{background:#f6c9c9}"
    ".v-line{background:#d9ecf7}"
    "td.v-none{color:#888}"
    /* one column per family: the interval and the verdict below the estimate, so that seven
     * families fit the page's width */
    "table.pairs td.num small{display:block}table.pairs .tag{white-space:normal}"
    ".warn{color:#a35a00;font-size:11px}.bad{color:#b00000}tr.winner td{background:#eef6ff}"
    "p.lead{font-size:15px}ul li{margin:4px 0}figure{margin:10px 0 24px}figure svg{max-width:"
    "100%;height:auto}figcaption{font-size:13px;color:#444;margin-top:4px}"
    ".note{background:#fff4d6;border:1px solid #e8c970;padding:6px 10px}"
    "nav a{margin-right:12px}";

void ib_r_head(FILE *f, const char *title)
{
    fprintf(f, "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>");
    ib_html(f, title);
    fprintf(f, "</title><style>%s</style></head><body>\n", css);
}

static void raw_files(FILE *f, const char *dir)
{
    fprintf(f, "<h2 id='raw'>Raw data</h2>\n<p>Every number above at full precision, in the "
               "files of this results folder:</p><ul>\n");
    DIR *d = opendir(dir);
    struct dirent *de;
    char *names[64];
    int n = 0;
    while (d && (de = readdir(d)) && n < 64) {
        const char *dot = strrchr(de->d_name, '.');
        if (de->d_name[0] != '.' && dot && (!strcmp(dot, ".csv") || !strcmp(dot, ".json")))
            names[n++] = strdup(de->d_name);
    }
    if (d)
        closedir(d);
    for (int i = 0; i < n; i++) /* sorted, so the list reads the same every time */
        for (int j = i + 1; j < n; j++)
            if (names[i] && names[j] && strcmp(names[j], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[j], names[j] = t;
            }
    for (int i = 0; i < n; i++) {
        if (!names[i])
            continue;
        fprintf(f, "<li><a href='");
        ib_html(f, names[i]);
        fprintf(f, "'>");
        ib_html(f, names[i]);
        fprintf(f, "</a></li>\n");
        free(names[i]);
    }
    fprintf(f, "</ul>\n");
}

static void details(FILE *f, ib_report *r)
{
    /* links to the sections this folder has */
    static const struct {
        int have;
        const char *id, *name;
    } nav[] = {{IB_R_FACTOR, "pairs", "factorization pairs"},
               {IB_R_SWEEP, "sweep", "sweep"},
               {IB_R_LAYERS, "net", "whole network"},
               {IB_R_PEAK, "peak", "peaks"},
               {IB_R_VERIFY, "verify", "verification"}};
    fprintf(f, "<nav><b>Details:</b> ");
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++)
        if (r->have[nav[i].have] || (nav[i].have == IB_R_LAYERS && r->have[IB_R_NET]))
            fprintf(f, "<a href='#%s'>%s</a>", nav[i].id, nav[i].name);
    fprintf(f, "<a href='#raw'>raw data</a></nav>\n");
    if (!r->charts) {
        fprintf(f, "<p class='note'>No charts in this report: ");
        ib_html(f, r->plot.why);
        fprintf(f, ". The tables below hold the same numbers.</p>\n");
    }
    if (r->have[IB_R_FACTOR]) {
        fprintf(f, "<h2 id='pairs'>Factorization pairs</h2>\n");
        if (r->charts)
            ib_r_pairs_chart(f, r);
        fprintf(f,
                "<p>Every measurement, by pair, the largest saving first. Efficiency ratio: "
                "(executed work / time) of A over that of B; far from 1 means the two forms' "
                "kernels are not equally good. Realized: saving / executed work saved. Both count "
                "the multiply-adds of the algorithm each layer ran (a Winograd family's: its "
                "element-wise products; factor.csv's work_saving_run). "
                "Full precision in <a href='factor.csv'>factor.csv</a>.</p>\n");
        ib_r_factor_table(f, r);
    }
    if (r->have[IB_R_SWEEP]) {
        fprintf(f, "<h2 id='sweep'>Sweep over grid sizes and channel counts</h2>\n");
        if (r->charts)
            ib_r_sweep_charts(f, r);
        fprintf(f, "<p>The numbers are in <a href='sweep.csv'>sweep.csv</a>.</p>\n");
    }
    if (r->have[IB_R_LAYERS] || r->have[IB_R_NET]) {
        fprintf(f, "<h2 id='net'>Whole network</h2>\n");
        if (r->charts && r->have[IB_R_LAYERS]) {
            ib_r_breakdown_chart(f, r);
            ib_r_layers_chart(f, r);
        }
        if (r->have[IB_R_LAYERS]) {
            fprintf(f,
                    "<h3>The %d layers that take the most time (summed over the "
                    "families)</h3>\n",
                    20);
            ib_r_net_tables(f, r);
        }
    }
    if (r->have[IB_R_PEAK]) {
        fprintf(f, "<h2 id='peak'>Peaks measured in this run</h2>\n");
        ib_r_peak_table(f, r);
    }
    if (r->have[IB_R_VERIFY]) {
        fprintf(f, "<h2 id='verify'>Verification</h2>\n");
        ib_r_verify_section(f, r);
    }
    raw_files(f, r->dir);
}

static void page(FILE *f, void *ctx)
{
    ib_report *r = ctx;
    ib_r_head(f, "incbench report");
    fprintf(f, "<h1>incbench report: Inception-v3 layers on this CPU</h1>\n<p>Results folder "
               "<code>");
    ib_html(f, r->dir);
    fprintf(f, "</code>.</p>\n");
    ib_r_summary(f, r);
    details(f, r);
    fprintf(f, "</body></html>\n");
}

/* The summary alone, for the screenshot. */
static void summary_page(FILE *f, void *ctx)
{
    ib_r_head(f, "incbench summary");
    ib_r_summary(f, ctx);
    fprintf(f, "</body></html>\n");
}

ib_status ib_r_write_atomic(const char *dir, const char *path, int replace, ib_r_page_fn fn,
                            void *ctx, ib_err *e)
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
    fn(f, ctx);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad) {
        unlink(tmp);
        return ib_fail(e, IB_IO, "report: error writing %s%s: %s", IB_SHOWN(path), strerror(errno));
    }
    ib_status st = IB_OK;
    if (replace ? rename(tmp, path) != 0 : link(tmp, path) != 0) /* link: create, never replace */
        st = errno == EEXIST ? ib_fail(e, IB_INVALID,
                                       "report: %s%s exists: not replaced (add --force to "
                                       "replace it)",
                                       IB_SHOWN(path))
                             : ib_fail(e, IB_IO, "report: cannot create %s%s: %s", IB_SHOWN(path),
                                       strerror(errno));
    unlink(tmp); /* after link(): the page keeps its own name; after rename(): gone */
    return st;
}

/* report-summary.png beside the report; a missing Chromium only means no PNG. */
static void screenshot(ib_report *r)
{
    char abs[PATH_MAX], html[PATH_MAX + 40], png[PATH_MAX + 40];
    if (!realpath(r->dir, abs))
        return;
    snprintf(html, sizeof html, "%s/.report-summary.html", abs);
    snprintf(png, sizeof png, "%s/report-summary.png", abs);
    ib_err e;
    unlink(html);
    if (ib_r_write_atomic(r->dir, html, 1, summary_page, r, &e) != IB_OK)
        return;
    /* tall enough for the summary: its tables grow with the cases and the families */
    int cases = 0;
    const ib_rcsv *fc = &r->t[IB_R_FACTOR];
    for (int row = 1; r->have[IB_R_FACTOR] && row < fc->nrows; row++)
        cases += strcmp(ib_rcsv_get(fc, row, "case"), ib_rcsv_get(fc, row - 1, "case")) != 0;
    const int h = 330 + 44 * cases + 27 * (r->have[IB_R_NET] ? r->t[IB_R_NET].nrows : 0) +
                  25 * (12 + (r->have[IB_R_PEAK] ? r->t[IB_R_PEAK].nrows / 2 : 0));
    ib_report_screenshot(html, png, h);
    unlink(html);
}

ib_status ib_r_load(ib_report *r, const char *dir, ib_err *e)
{
    memset(r, 0, sizeof *r);
    r->dir = dir;
    int any = 0;
    ib_status st = IB_OK;
    for (int i = 0; i < IB_R_COUNT; i++)
        if (st == IB_OK &&
            (st = ib_rcsv_read(dir, specs[i].name, &r->t[i], &r->have[i], e)) == IB_OK &&
            r->have[i] && (st = csv_check(dir, &specs[i], &r->t[i], e)) == IB_OK)
            any |= i != IB_R_MACHINE;
    if (st == IB_OK && !any)
        st = ib_fail(e, IB_IO,
                     "report: %s%s holds none of verify.csv, factor.csv, sweep.csv, "
                     "net.csv, net_layers.csv, peak.csv",
                     IB_SHOWN(dir));
    if (st == IB_OK)
        read_json_context(r);
    return st;
}

void ib_r_unload(ib_report *r)
{
    for (int i = 0; i < IB_R_COUNT; i++)
        ib_rcsv_free(&r->t[i]);
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
    static ib_report r;
    ib_status st = ib_r_load(&r, dir, e);
    if (st == IB_OK) {
        r.charts = ib_plot_begin(&r.plot);
        st = ib_r_write_atomic(dir, path, replace, page, &r, e);
        ib_plot_end(&r.plot);
        if (st == IB_OK)
            screenshot(&r);
    }
    ib_r_unload(&r);
    return st;
}
