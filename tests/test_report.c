/* test_report: the HTML report of a real quick run (tests/data/report-run) rendered by
 * incbench report and read back by headless Chromium (no scientific notation, NaN or inf in
 * what a user sees, axes that cover their data, charts that draw, tables that fit 1280 px);
 * every CSV the driver writes read alike by Python's csv module and by the report's reader. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/csv.h"
#include "report/report_csv.h"
#include "report/report_fmt.h"
#include "tests/check.h"

static const char *data_dir = "tests/data/report-run";
static char exe[PATH_MAX + 16], tmp[64];

/* Runs a shell command; its exit status, -1 when it did not exit. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    const int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = 0;
    fclose(f);
    return b;
}

static long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static void fmt_checks(void)
{
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {1.050373e-03, "0.00105"},
        {0.16, "0.160"},
        {9.996, "10.0"},
        {99.95, "100"},
        {123456.7, "123457"},
        {-0.0001, "-0.000100"},
        {0, "0"},
        {-0.0, "0"},
        {1e-12, "0"},
        {238.0, "238"},
        {0.0712, "0.0712"},
    };
    char buf[IB_FMT_LEN];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ib_check(!strcmp(ib_fmt_sig(buf, cases[i].v), cases[i].want),
                 "ib_fmt_sig(%g) = '%s', want '%s'", cases[i].v, buf, cases[i].want);
    ib_check(!strcmp(ib_fmt_pct(buf, 0.16), "16.0%"), "ib_fmt_pct(0.16) = '%s'", buf);
    ib_check(!strcmp(ib_fmt_sig(buf, 0.0 / 0.0), "\u2013"), "NaN shows as a dash: '%s'", buf);
    ib_check(!strcmp(ib_fmt_sig(buf, 1.0 / 0.0), "\u2013"), "inf shows as a dash: '%s'", buf);
}

/* The CSV as Python's csv module reads it and as ib_rcsv reads it, serialized alike (fields
 * joined by 0x1f, records ended by 0x1e); Python also insists on the header's field count. */
static void roundtrip(const char *path)
{
    char py[PATH_MAX + 64];
    snprintf(py, sizeof py, "%s/py.out", tmp);
    const int st = sh("/usr/bin/python3 -c \"import csv,sys\n"
                      "rows=list(csv.reader(open(sys.argv[1],newline='')))\n"
                      "bad=[i for i,r in enumerate(rows) if len(r)!=len(rows[0])]\n"
                      "sys.stdout.write(''.join(chr(31).join(r)+chr(30) for r in rows))\n"
                      "sys.exit(1 if bad or not rows else 0)\" '%s' > '%s'",
                      path, py);
    ib_check(st == 0, "%s: Python's csv module reads it with the header's field count (exit %d)",
             path, st);
    ib_rcsv c;
    ib_err e;
    int found;
    if (ib_rcsv_read_path(path, &c, &found, &e) != IB_OK || !found) {
        ib_check(0, "%s: the report's reader: %s", path, found ? e.msg : "not found");
        return;
    }
    char *mine = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&mine, &len);
    for (int r = 0; r < c.nrows; r++) {
        for (int k = 0; k < c.ncols; k++)
            fprintf(m, "%s%s", k ? "\x1f" : "", c.rows[r][k]);
        fputc(0x1e, m);
    }
    fclose(m);
    char *theirs = slurp(py);
    ib_check(theirs && !strcmp(theirs, mine), "%s: Python and the report's reader agree", path);
    free(theirs);
    free(mine);
    ib_rcsv_free(&c);
}

static void csv_checks(void)
{
    /* the writer's hard cases first: commas, quotes, line breaks, empty fields */
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/tricky.csv", tmp);
    FILE *f = fopen(path, "w");
    if (f) {
        const char *fields[][4] = {{"pair", "pair_name", "kernel", "note"},
                                   {"7", "separate BN,ReLU vs fused", "a + b", ""},
                                   {"1", "say \"hi\"", "two\nlines", "x,y\r\nz"}};
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 4; k++)
                ib_csv_put(f, fields[r][k], k == 3 ? '\n' : ',');
        fclose(f);
    }
    roundtrip(path);
    static const char *const names[] = {"verify.csv",     "factor.csv", "sweep.csv",  "net.csv",
                                        "net_layers.csv", "peak.csv",   "machine.csv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", data_dir, names[i]);
        roundtrip(path);
    }
}

/* Dumps page (after report_checks.js ran in it) and returns the findings, NULL on failure. */
static char *chromium_checks(const char *page)
{
    char *html = slurp(page), *js = slurp("tests/report_checks.js");
    char injected[PATH_MAX], dom[PATH_MAX];
    snprintf(injected, sizeof injected, "%s/checked.html", tmp);
    snprintf(dom, sizeof dom, "%s/dom.txt", tmp);
    char *end = html ? strstr(html, "</body>") : NULL;
    FILE *f = end && js ? fopen(injected, "w") : NULL;
    if (!f) {
        free(html), free(js);
        return NULL;
    }
    fprintf(f, "%.*s<script>%s</script>%s", (int)(end - html), html, js, end);
    fclose(f);
    free(html), free(js);
    sh("timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
       "--window-size=1280,4000 --dump-dom 'file://%s' > '%s' 2>/dev/null",
       injected, dom);
    char *d = slurp(dom), *s = d ? strstr(d, "<pre id=\"ib-checks\">") : NULL;
    char *e = s ? strstr(s, "END</pre>") : NULL;
    char *out = NULL;
    if (e) {
        s += strlen("<pre id=\"ib-checks\">");
        out = strndup(s, (size_t)(e - s));
    }
    free(d);
    return out;
}

/* Lines of findings other than the CHARTS and TABLES counts. */
static int findings(const char *res, const char *kind)
{
    int n = 0;
    for (const char *l = res; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0))
        if (strncmp(l, "CHARTS", 6) && strncmp(l, "TABLES", 6) && l[0] != '\n' &&
            (!kind || !strncmp(l, kind, strlen(kind))))
            n++;
    return n;
}

static void render_checks(void)
{
    char page[PATH_MAX], png[PATH_MAX], errf[PATH_MAX];
    snprintf(page, sizeof page, "%s/report.html", tmp);
    snprintf(png, sizeof png, "%s/report-summary.png", tmp);
    snprintf(errf, sizeof errf, "%s/err.txt", tmp);

    /* without gnuplot: tables only, said in the page, and the run still succeeds */
    int st =
        sh("INCBENCH_GNUPLOT=none INCBENCH_CHROMIUM=none '%s' report '%s' >/dev/null", exe, tmp);
    char *html = slurp(page);
    ib_check(st == 0 && html && strstr(html, "gnuplot is not available") && !strstr(html, "<svg"),
             "without gnuplot: exit 0, the page says so and has no chart (exit %d)", st);
    free(html);

    /* an existing report is kept without --force */
    st = sh("'%s' report '%s' >/dev/null 2>'%s'", exe, tmp, errf);
    char *err = slurp(errf);
    ib_check(st == 2 && err && strstr(err, "exists: not replaced"),
             "an existing report.html is not replaced without --force (exit %d: %s)", st,
             err ? err : "");
    free(err);

    st = sh("'%s' report --force '%s' >/dev/null", exe, tmp);
    html = slurp(page);
    ib_check(st == 0 && html && strstr(html, "<svg") && strstr(html, "id='summary'"),
             "with gnuplot: exit 0, inline SVG charts and the summary (exit %d)", st);
    /* the answers come first: the summary before any chart */
    ib_check(html && strstr(html, "id='summary'") && strstr(html, "<svg") &&
                 strstr(html, "id='summary'") < strstr(html, "<svg"),
             "the summary comes before the charts");
    /* the fastest-algorithm saving beside the direct one, per ISA (fixture: avx2 on pairs 1, 2) */
    ib_check(html && strstr(html, "A on avx2, B on wino_avx2: ") &&
                 strstr(html, "A on wino_avx2, B on avx2: ") &&
                 strstr(html, ", does not pay here</td>"),
             "the factor table names each form's fastest algorithm with its saving and verdict");
    /* a verdict on a line is tagged and counted as such (fixture: one row) */
    ib_check(html && strstr(html, "<span class='tag v-line'>negligible or pays</span>") &&
                 strstr(html, "<span class='tag v-line'>on a line: 1</span>") &&
                 strstr(html, "<span class='tag v-pays'>pays: 26</span>"),
             "verdicts on a line are tagged v-line and counted in the summary");
    /* http:// only in SVG namespace names, which are never fetched */
    ib_check(html && !strstr(html, "<script") && !strstr(html, "src=") && !strstr(html, "<link") &&
                 !strstr(html, "https://") && !strstr(html, "href='http") &&
                 !strstr(html, "href=\"http"),
             "the page is self-contained: no script, nothing fetched");
    free(html);
    ib_check(file_size(png) > 10000, "report-summary.png written beside the report (%ld bytes)",
             file_size(png));

    char *res = chromium_checks(page);
    ib_check(res != NULL, "Chromium rendered the report and ran the checks");
    if (res) {
        ib_check(findings(res, NULL) == 0, "the rendered report passes every check:\n%s", res);
        const char *c = strstr(res, "CHARTS "), *t = strstr(res, "TABLES ");
        ib_check(c && atoi(c + 7) >= 5, "at least 5 charts drawn:\n%s", res);
        ib_check(t && atoi(t + 7) >= 5, "at least 5 tables:\n%s", res);
    }
    free(res);

    /* two runs compared (here a run with itself): a page of its own, nothing changed */
    st = sh("'%s' report '%s' '%s' >/dev/null", exe, tmp, tmp);
    snprintf(page, sizeof page, "%s/compare.html", tmp);
    html = slurp(page);
    ib_check(st == 0 && html && strstr(html, "Two runs compared") &&
                 !strstr(html, "intervals apart"),
             "report RUN_A RUN_B writes compare.html; a run against itself shows no clear "
             "change (exit %d)",
             st);
    free(html);
    res = chromium_checks(page);
    ib_check(res && findings(res, NULL) == 0, "the comparison page passes the checks:\n%s",
             res ? res : "(no result)");
    free(res);
    snprintf(page, sizeof page, "%s/report.html", tmp);

    /* the checks can fail: a page with each fault planted */
    char bad[PATH_MAX];
    snprintf(bad, sizeof bad, "%s/planted.html", tmp);
    FILE *f = fopen(bad, "w");
    if (f) {
        fprintf(f,
                "<!DOCTYPE html><html><body><table><tr><td>1.050373e-03</td><td>NaN</td>"
                "<td>/tmp/run-lAP8E3</td>"
                "<td>%0800d</td></tr></table><figure class='chart' id='off' data-lo='0' "
                "data-hi='10' data-axis-lo='20' data-axis-hi='30'><svg width='300' "
                "height='200'><g id='gnuplot_plot_1'><path d='M0 0'/></g></svg></figure>"
                "</body></html>",
                0);
        fclose(f);
    }
    res = chromium_checks(bad);
    ib_check(res && findings(res, "SCIENTIFIC") && findings(res, "NAN/INF") &&
                 findings(res, "AXIS") && findings(res, "NO VISIBLE SERIES") &&
                 findings(res, "WIDE") && !strstr(res, "lAP8E3"),
             "the checks find each planted fault, and not a path that holds 8E3:\n%s",
             res ? res : "(no result)");
    free(res);

    /* a full-page PNG, as a user would look at it */
    snprintf(png, sizeof png, "%s/page.png", tmp);
    sh("timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
       "--window-size=1280,4000 --screenshot='%s' 'file://%s' >/dev/null 2>&1",
       png, page);
    ib_check(file_size(png) > 10000, "Chromium renders the page to a PNG (%ld bytes)",
             file_size(png));
}

static void bad_input(void)
{
    char dir[PATH_MAX], errf[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/bad", tmp);
    snprintf(errf, sizeof errf, "%s/err.txt", tmp);
    sh("mkdir -p '%s' && printf 'pair,case,impl,theory,measured\\n1,x,avx2,0.1,5%%%%\\n' > "
       "'%s/factor.csv'",
       dir, dir);
    const int st = sh("'%s' report '%s' >/dev/null 2>'%s'", exe, dir, errf);
    char *err = slurp(errf);
    ib_check(st == 2 && err && strstr(err, "factor.csv: no 'verdict' column"),
             "a CSV without a needed column: exit 2 naming it (exit %d: %s)", st, err ? err : "");
    free(err);
}

int main(void)
{
    char self[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = 0;
    snprintf(exe, sizeof exe, "%s/../incbench", self);
    snprintf(tmp, sizeof tmp, "/tmp/ib-test-report-XXXXXX");
    fmt_checks();
    if (!mkdtemp(tmp) || access(exe, X_OK) != 0 || access(data_dir, R_OK) != 0) {
        ib_check(0, "a temporary folder, %s and %s (run from the source root)", exe, data_dir);
        return ib_check_done();
    }
    csv_checks();
    const int chromium = sh("command -v chromium >/dev/null") == 0;
    ib_check(chromium, "chromium is installed (make test installs it: .ci/install-deps test)");
    if (sh("cp '%s'/*.csv '%s'/", data_dir, tmp) == 0) {
        if (chromium)
            render_checks();
        bad_input();
    } else {
        ib_check(0, "copy %s", data_dir);
    }
    sh("rm -rf '%s'", tmp);
    return ib_check_done();
}
