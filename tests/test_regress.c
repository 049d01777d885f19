/* Unit tests of incbench regress: the JSON reader, the U test (against values from
 * scipy.stats.mannwhitneyu), the verdict logic on synthetic Google Benchmark reports (missing,
 * new, zero repetitions, NaN times, errors, units), the run's power (smallest reachable p,
 * refusal, minimum detectable slowdown), processes merged into one baseline, baseline files
 * (corrupt, foreign CPU, fewer than 3 processes, atomic write, no overwrite without --force),
 * the command's refusals before any timing, and the CPU key. Ends with "N passed, N failed". */
#include <dirent.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/stats.h"
#include "regress/regress.h"
#include "regress/regress_io.h"
#include "regress/regress_power.h"
#include "regress/regress_procs.h"
#include "report/json.h"
#include "tests/check.h"

static char dir[] = "/tmp/incbench-test-regress-XXXXXX";
#define KEY "intel-test-avx2-2c-00000000"

/* ---- a small builder of Google Benchmark reports ---------------------------------------- */

typedef struct doc {
    char text[1 << 21]; /* room for 250 benchmarks of 12 repetitions */
    int len, nbench;
} doc;

static void put(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    d->len += vsnprintf(d->text + d->len, sizeof d->text - (size_t)d->len, fmt, ap);
    va_end(ap);
}

static void begin(doc *d, const char *key, const char *threads)
{
    d->len = d->nbench = 0;
    put(d,
        "{\"context\": {\"date\": \"now\", \"num_cpus\": 2, \"incbench_cpu_key\": \"%s\", "
        "\"incbench_threads\": \"%s\", \"incbench_regress_time\": \"cpu_time\", "
        "\"incbench_processes\": \"3\"},\n"
        "\"benchmarks\": [",
        key, threads);
}

static void raw(doc *d, const char *entry)
{
    put(d, "%s\n%s", d->nbench++ ? "," : "", entry);
}

/* n repetitions of name around median m (ns) spread over +-spread/2, in a scrambled order. */
static void reps(doc *d, const char *name, int n, double m, double spread, const char *unit)
{
    const double scale = !strcmp(unit, "us") ? 1e-3 : 1;
    for (int i = 0; i < n; i++) {
        const double u = n > 1 ? (double)((i * 7) % n) / (n - 1) - 0.5 : 0;
        const double t = m * (1 + spread * u) * scale;
        char e[512];
        snprintf(e, sizeof e,
                 "{\"name\": \"%s\", \"run_name\": \"%s\", \"run_type\": \"iteration\", "
                 "\"repetitions\": %d, \"repetition_index\": %d, \"threads\": 1, "
                 "\"iterations\": 1000, \"real_time\": %.17g, \"cpu_time\": %.17g, "
                 "\"time_unit\": \"%s\"}",
                 name, name, n, i, t, t, unit);
        raw(d, e);
    }
    char e[512];
    snprintf(e, sizeof e,
             "{\"name\": \"%s_median\", \"run_name\": \"%s\", \"run_type\": \"aggregate\", "
             "\"aggregate_name\": \"median\", \"real_time\": %g, \"cpu_time\": %g, "
             "\"time_unit\": \"%s\"}",
             name, name, m * scale, m * scale, unit);
    raw(d, e);
}

static void end(doc *d)
{
    put(d, "\n]}\n");
}

static ib_json *parse(const doc *d)
{
    ib_json *v = NULL;
    ib_err e = {{0}};
    if (ib_json_parse(d->text, (size_t)d->len, &v, &e) != IB_OK)
        printf("synthetic report does not parse: %s\n", e.msg);
    return v;
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(text, 1, len, f);
        fclose(f);
    }
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    static char buf[1 << 17];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    return buf;
}

/* Compares two reports, which it frees; the report in *r. */
static int compare_json(ib_json *ja, ib_json *jb, const ib_rg_opts *o, ib_rg_report *r)
{
    ib_rg_set sa = {0}, sb = {0};
    ib_err e = {{0}};
    int ok = ja && jb && ib_rg_samples(ja, o->use_real_time, &sa, &e) == IB_OK &&
             ib_rg_samples(jb, o->use_real_time, &sb, &e) == IB_OK &&
             ib_rg_compare(&sa, &sb, o, r, &e) == IB_OK;
    if (!ok)
        printf("compare: %s\n", e.msg);
    ib_rg_set_free(&sa);
    ib_rg_set_free(&sb);
    ib_json_free(ja);
    ib_json_free(jb);
    return ok;
}

/* Compares two synthetic reports; the report in *r. */
static int compare(const doc *a, const doc *b, const ib_rg_opts *o, ib_rg_report *r)
{
    return compare_json(parse(a), parse(b), o, r);
}

static const ib_rg_row *row(const ib_rg_report *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->rows[i].name, name))
            return &r->rows[i];
    return NULL;
}

static ib_rg_verdict verdict_of(const ib_rg_report *r, const char *name)
{
    const ib_rg_row *x = row(r, name);
    return x ? x->verdict : IB_RG_NVERDICTS;
}

static const ib_rg_opts defaults = {IB_RG_DEFAULT_THRESHOLD, IB_RG_DEFAULT_ALPHA, 0, 0};

/* ---- JSON ------------------------------------------------------------------------------- */

static void test_json(void)
{
    const char *good = "{\"a\": [1, -2.5e3, true, false, null, \"x\\n\\u00e9\\ud83d\\ude00\"],"
                       " \"big\": 18446744073709551615, \"n\": NaN, \"i\": -Infinity}";
    ib_json *v = NULL;
    ib_err e = {{0}};
    ib_check(ib_json_parse(good, strlen(good), &v, &e) == IB_OK, "json: valid document: %s", e.msg);
    const ib_json *a = ib_json_get(v, "a");
    ib_check(a && a->type == IB_JSON_ARRAY && a->count == 6, "json: array of 6");
    ib_check(a && a->items[1]->number == -2500, "json: number -2.5e3");
    ib_check(a && !strcmp(a->items[5]->text, "x\n\xc3\xa9\xf0\x9f\x98\x80"),
             "json: escapes and surrogate pairs decode to UTF-8");
    ib_check(isnan(ib_json_get_num(v, "n", 0)) && ib_json_get_num(v, "i", 0) == -INFINITY,
             "json: NaN and -Infinity as Google Benchmark writes them");
    char *mem = NULL;
    size_t mlen = 0;
    FILE *f = open_memstream(&mem, &mlen);
    ib_check(f && ib_json_write(f, v, &e) == IB_OK, "json: write");
    if (f)
        fclose(f);
    ib_check(mem && strstr(mem, "18446744073709551615") != NULL,
             "json: a 64-bit integer is written back as it was read");
    ib_json *w = NULL;
    ib_check(mem && ib_json_parse(mem, mlen, &w, &e) == IB_OK &&
                 !strcmp(ib_json_get(w, "a")->items[5]->text, a->items[5]->text),
             "json: what it writes reads back");
    free(mem);
    ib_json_free(w);
    ib_json_free(v);

    static const char *const bad[] = {
        "",        "{",           "{\"a\":}", "[1,]",        "{\"a\" 1}",  "\"abc",
        "\"\\x\"", "\"\\ud800\"", "[1] x",    "nul",         "01",         "-",
        "1.",      "1e",          "\"a\tb\"", "\"\\u0000\"", "{\"a\":1,}", "[\"\\u12\"]",
        "{1:2}",   "\"\\",        "[NaNx]",   "tru"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = (ib_json *)1;
        ib_status st = ib_json_parse(bad[i], strlen(bad[i]), &v, &e);
        ib_check(st == IB_INVALID && !v && strstr(e.msg, "line 1, column"),
                 "json: '%s' refused with a position (%s)", bad[i], e.msg);
    }
    static char deep[200001];
    memset(deep, '[', sizeof deep - 1);
    ib_check(ib_json_parse(deep, sizeof deep - 1, &v, &e) == IB_INVALID &&
                 strstr(e.msg, "nested too deeply"),
             "json: 200000 nested arrays refused, no stack overflow");
}

/* ---- statistics ------------------------------------------------------------------------- */

static void test_stats(void)
{
    /* scipy.stats.mannwhitneyu(x, y, alternative="two-sided"), scipy 1.10.1 */
    static const struct {
        double x[12], y[12];
        int nx, ny;
        double u, p;
    } cases[] = {
        {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}, 5, 5, 0.0, 0.007936507936507936},
        {{1.1, 2.5, 3.2, 4.8, 5.0, 6.1, 7.7, 8.3, 9.9},
         {2.0, 3.3, 4.1, 6.6, 7.0, 8.8, 9.1, 10.5, 11.2},
         9,
         9,
         28.0,
         0.28931483238198774},
        {{10, 11, 12, 13, 14, 15, 16, 17, 18, 19},
         {12, 13, 14, 15, 16, 17, 18, 19, 20, 21},
         10,
         10,
         32.0,
         0.18455093943501133},
        {{1, 1, 2, 2, 3}, {2, 3, 3, 4, 4, 5}, 5, 6, 3.0, 0.031633423039876964},
        {{100.0, 100.1, 100.2, 100.3, 100.4, 100.5, 100.6, 100.7, 100.8, 100.9, 101.0, 101.1},
         {120.0, 120.1, 120.2, 120.3, 120.4, 120.5, 120.6, 120.7, 120.8, 120.9, 121.0, 121.1},
         12,
         12,
         0.0,
         3.6584553538971e-05},
        {{5, 5, 5}, {5, 5, 5, 5}, 3, 4, 6.0, 1.0},
        {{3.0, 1.0, 2.0}, {2.5}, 3, 1, 1.0, 1.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ib_mwu r;
        int ok = ib_mwu_test(cases[i].x, cases[i].nx, cases[i].y, cases[i].ny, &r) == 0;
        ib_check(ok && r.u == cases[i].u && fabs(r.p - cases[i].p) <= 1e-12 * cases[i].p,
                 "mwu case %zu: U %g p %.17g, scipy U %g p %.17g", i, r.u, r.p, cases[i].u,
                 cases[i].p);
    }
    double nan_x[2] = {1, NAN}, y[2] = {1, 2}, tmp[4];
    ib_mwu r;
    ib_check(ib_mwu_test(nan_x, 2, y, 2, &r) == -1 && ib_mwu_test(y, 0, y, 2, &r) == -1,
             "mwu: NaN or an empty sample refused");
    ib_check(fabs(ib_mwu_min_p(3, 3) - 0.1) < 1e-15 && fabs(ib_mwu_min_p(5, 5) - 2.0 / 252) < 1e-15,
             "mwu: smallest p for 3+3 and 5+5 repetitions");
    double q[4] = {4, 1, 3, 2};
    ib_check(ib_median(q, 4, tmp) == 2.5 && ib_quantile(q, 4, 0.25, tmp) == 1.75,
             "quantiles interpolate as numpy does");
}

/* ---- verdicts --------------------------------------------------------------------------- */

static void test_verdicts(void)
{
    static doc a, b;
    ib_rg_report r;
    char line[512];

    begin(&a, KEY, "1");
    reps(&a, "relu/x/avx2", 12, 1000, 0.04, "ns");
    reps(&a, "conv/x/avx2", 12, 50000, 0.04, "ns");
    reps(&a, "gap/x/avx2", 12, 800, 0.04, "ns");
    end(&a);

    ib_check(compare(&a, &a, &defaults, &r) && r.count[IB_RG_SAME] == 3 &&
                 ib_rg_exit_status(&r) == 0,
             "identical reports: all same, exit 0");
    ib_rg_verdict_line(&r, line, sizeof line);
    ib_check(!strncmp(line, "NO REGRESSION", 13), "verdict line: %s", line);
    ib_rg_report_free(&r);

    begin(&b, KEY, "1"); /* conv 20% slower, gap 20% faster */
    reps(&b, "relu/x/avx2", 12, 1000, 0.04, "ns");
    reps(&b, "conv/x/avx2", 12, 60000, 0.04, "ns");
    reps(&b, "gap/x/avx2", 12, 640, 0.04, "ns");
    end(&b);
    ib_check(compare(&a, &b, &defaults, &r) && verdict_of(&r, "conv/x/avx2") == IB_RG_SLOWER &&
                 verdict_of(&r, "gap/x/avx2") == IB_RG_FASTER &&
                 verdict_of(&r, "relu/x/avx2") == IB_RG_SAME && ib_rg_exit_status(&r) == 1,
             "20%% slower is SLOWER, 20%% faster is faster, the rest same; exit 1");
    ib_rg_verdict_line(&r, line, sizeof line);
    ib_check(!strncmp(line, "REGRESSION: 1 of 3", 18) && strstr(line, "conv/x/avx2 +20.0%"),
             "verdict line names the slower one: %s", line);
    const ib_rg_row *c = row(&r, "conv/x/avx2");
    ib_check(c && fabs(c->change - 0.2) < 1e-9 && c->p < 1e-4 && c->noise < 0.02,
             "median change, p and noise of the slower one");
    ib_rg_report_free(&r);

    begin(&b, KEY, "1"); /* 3% slower: significant, under the threshold */
    reps(&b, "relu/x/avx2", 12, 1030, 0.01, "ns");
    end(&b);
    ib_rg_opts sub = defaults;
    sub.subset = 1;
    ib_check(compare(&a, &b, &sub, &r) && verdict_of(&r, "relu/x/avx2") == IB_RG_SAME &&
                 row(&r, "relu/x/avx2")->p < 0.05 &&
                 strstr(row(&r, "relu/x/avx2")->note, "threshold"),
             "3%% slower and significant: same (within threshold)");
    ib_rg_report_free(&r);
    ib_rg_opts low = sub;
    low.threshold = 0.02;
    ib_check(compare(&a, &b, &low, &r) && verdict_of(&r, "relu/x/avx2") == IB_RG_SLOWER,
             "--threshold 2: the same 3%% is SLOWER");
    ib_rg_report_free(&r);
    ib_check(compare(&a, &b, &sub, &r) && r.n == 1 && ib_rg_exit_status(&r) == 0,
             "a restricted run leaves out what it did not run");
    ib_rg_report_free(&r);

    static doc wa, wb; /* 12% slower, significant, but repetitions spread +-30% */
    begin(&wa, KEY, "1");
    reps(&wa, "bn/x/avx2", 60, 1000, 0.6, "ns");
    end(&wa);
    begin(&wb, KEY, "1");
    reps(&wb, "bn/x/avx2", 60, 1120, 0.6, "ns");
    end(&wb);
    ib_check(compare(&wa, &wb, &defaults, &r) && verdict_of(&r, "bn/x/avx2") == IB_RG_SAME &&
                 row(&r, "bn/x/avx2")->p < 0.05 && strstr(row(&r, "bn/x/avx2")->note, "noise"),
             "12%% slower, significant, inside 15%% noise: same (within noise)");
    ib_rg_report_free(&r);

    begin(&b, KEY, "1"); /* relu missing, conv in microseconds, a new one */
    reps(&b, "conv/x/avx2", 12, 50000, 0.04, "us");
    reps(&b, "gap/x/avx2", 12, 800, 0.04, "ns");
    reps(&b, "fc/new/avx2", 12, 100, 0.04, "ns");
    end(&b);
    ib_check(compare(&a, &b, &defaults, &r) && verdict_of(&r, "relu/x/avx2") == IB_RG_MISSING &&
                 verdict_of(&r, "fc/new/avx2") == IB_RG_NEW &&
                 verdict_of(&r, "conv/x/avx2") == IB_RG_SAME && ib_rg_exit_status(&r) == 2,
             "missing benchmark: MISSING, exit 2; new: new; time units converted");
    ib_rg_verdict_line(&r, line, sizeof line);
    ib_check(!strncmp(line, "ERROR: 1 benchmark could not be compared (1 missing", 51),
             "verdict line: %s", line);
    ib_rg_report_free(&r);
    ib_check(compare(&b, &a, &defaults, &r) && verdict_of(&r, "relu/x/avx2") == IB_RG_NEW &&
                 verdict_of(&r, "fc/new/avx2") == IB_RG_MISSING,
             "the other way round: new and missing swap");
    ib_rg_report_free(&r);

    begin(&b, KEY, "1"); /* zero repetitions: only an aggregate; a NaN; an error; too few */
    raw(&b, "{\"name\": \"relu/x/avx2_mean\", \"run_name\": \"relu/x/avx2\", \"run_type\": "
            "\"aggregate\", \"cpu_time\": 1000, \"real_time\": 1000, \"time_unit\": \"ns\"}");
    reps(&b, "conv/x/avx2", 12, 50000, 0.04, "ns");
    raw(&b, "{\"name\": \"conv/x/avx2\", \"run_name\": \"conv/x/avx2\", \"run_type\": "
            "\"iteration\", \"cpu_time\": NaN, \"real_time\": NaN, \"time_unit\": \"ns\"}");
    raw(&b, "{\"name\": \"gap/x/avx2\", \"run_type\": \"iteration\", \"error_occurred\": true, "
            "\"error_message\": \"verification FAILED\"}");
    end(&b);
    ib_check(compare(&a, &b, &defaults, &r) && verdict_of(&r, "relu/x/avx2") == IB_RG_INVALID &&
                 strstr(row(&r, "relu/x/avx2")->note, "no repetitions") &&
                 verdict_of(&r, "conv/x/avx2") == IB_RG_INVALID &&
                 strstr(row(&r, "conv/x/avx2")->note, "NaN") &&
                 verdict_of(&r, "gap/x/avx2") == IB_RG_INVALID &&
                 strstr(row(&r, "gap/x/avx2")->note, "verification FAILED") &&
                 ib_rg_exit_status(&r) == 2,
             "zero repetitions, a NaN time and a failed benchmark: INVALID, exit 2");
    ib_rg_report_free(&r);
    ib_check(compare(&b, &a, &defaults, &r) &&
                 strstr(row(&r, "conv/x/avx2")->note, "baseline: NaN"),
             "a NaN in the baseline is named as the baseline's");
    ib_rg_report_free(&r);

    begin(&b, KEY, "1");
    reps(&b, "relu/x/avx2", 3, 2000, 0.04, "ns");
    end(&b);
    ib_check(compare(&b, &b, &defaults, &r) && verdict_of(&r, "relu/x/avx2") == IB_RG_INVALID &&
                 strstr(row(&r, "relu/x/avx2")->note, "too few"),
             "3 repetitions a side: INVALID (the test could never reach p < 0.05)");
    ib_rg_report_free(&r);

    begin(&b, KEY, "1");
    end(&b);
    ib_check(compare(&b, &b, &defaults, &r) && r.n == 0 && ib_rg_exit_status(&r) == 2,
             "no benchmarks at all: exit 2");
    ib_rg_report_free(&r);

    static const char *const not_gb[] = {"[]", "{\"context\": {}}", "{\"benchmarks\": {}}",
                                         "{\"benchmarks\": [{\"cpu_time\": 1}]}"};
    for (size_t i = 0; i < sizeof not_gb / sizeof not_gb[0]; i++) {
        ib_json *v = NULL;
        ib_rg_set s;
        ib_err e = {{0}};
        ib_json_parse(not_gb[i], strlen(not_gb[i]), &v, &e);
        ib_check(v && ib_rg_samples(v, 0, &s, &e) == IB_INVALID, "not a report: %s (%s)", not_gb[i],
                 e.msg);
        ib_json_free(v);
    }
}

/* ---- the common change ------------------------------------------------------------------ */

/* Six benchmarks; the check scales each median by common[i] (the machine) and planted[i] (a
 * code change), with relative spread spread. */
static void six(doc *d, const double *scale, double spread)
{
    static const char *const names[6] = {"conv/a/avx2", "conv/b/avx2", "relu/a/avx2",
                                         "bn/a/avx2",   "gap/a/avx2",  "pool/a/avx2"};
    begin(d, KEY, "1");
    for (int i = 0; i < 6; i++)
        reps(d, names[i], 12, 1000.0 * (i + 1) * scale[i], spread, "ns");
    end(d);
}

static void test_drift(void)
{
    static doc a, b;
    ib_rg_report r;
    char line[512];
    const double one[6] = {1, 1, 1, 1, 1, 1};
    six(&a, one, 0.02);

    /* the machine 8% slower for everything, one benchmark 30% slower: only that one is SLOWER
     * (20% beyond the others), and the common slowdown itself is reported */
    const double drift[6] = {1.08, 1.08, 1.30, 1.08, 1.08, 1.08};
    six(&b, drift, 0.02);
    ib_check(compare(&a, &b, &defaults, &r) && verdict_of(&r, "relu/a/avx2") == IB_RG_SLOWER &&
                 verdict_of(&r, "conv/a/avx2") == IB_RG_SAME && r.count[IB_RG_SLOWER] == 1 &&
                 fabs(r.drift - 0.08) < 0.005 && r.shift == 1 && ib_rg_exit_status(&r) == 1,
             "common +8%%, one +30%%: only that one SLOWER, the common change %.3f found", r.drift);
    const ib_rg_row *c = row(&r, "conv/a/avx2");
    ib_check(c && strstr(c->note, "moved with the others"), "the others: '%s'", c ? c->note : "");
    ib_rg_verdict_line(&r, line, sizeof line);
    ib_check(strstr(line, "REGRESSION: 1 of 6") && strstr(line, "common change"),
             "verdict line: %s", line);
    ib_rg_report_free(&r);

    /* a planted 20% slowdown on a quiet machine: flagged, nothing else */
    const double planted[6] = {1, 1.2, 1, 1, 1, 1};
    six(&b, planted, 0.02);
    ib_check(compare(&a, &b, &defaults, &r) && verdict_of(&r, "conv/b/avx2") == IB_RG_SLOWER &&
                 r.count[IB_RG_SLOWER] == 1 && r.shift == 0 && ib_rg_exit_status(&r) == 1,
             "planted +20%% on one of six: that one SLOWER, no common shift");
    ib_rg_report_free(&r);

    /* everything 6.5% slower, inside the benchmarks' typical noise: no regression, the common
     * change said */
    static doc an, bn;
    six(&an, one, 0.5);
    const double noisy[6] = {1.065, 1.065, 1.065, 1.065, 1.065, 1.065};
    six(&bn, noisy, 0.5);
    ib_check(compare(&an, &bn, &defaults, &r) && r.count[IB_RG_SLOWER] == 0 && r.shift == 0 &&
                 ib_rg_exit_status(&r) == 0,
             "all +6.5%% within their noise: no regression");
    ib_rg_verdict_line(&r, line, sizeof line);
    ib_check(strstr(line, "NO REGRESSION") && strstr(line, "common change of all benchmarks +6.5%"),
             "verdict line: %s", line);
    ib_rg_report_free(&r);

    /* everything 10% slower with little noise: the whole run is a regression, said as such */
    const double all[6] = {1.1, 1.1, 1.1, 1.1, 1.1, 1.1};
    six(&b, all, 0.02);
    ib_check(compare(&a, &b, &defaults, &r) && r.count[IB_RG_SLOWER] == 0 && r.shift == 1 &&
                 ib_rg_exit_status(&r) == 1,
             "all +10%% with 0.5%% noise: a common slowdown, exit 1");
    ib_rg_verdict_line(&r, line, sizeof line);
    ib_check(strstr(line, "all 6 benchmarks slower together") != NULL, "verdict line: %s", line);
    ib_rg_report_free(&r);
}

/* ---- baseline files --------------------------------------------------------------------- */

static int stray_temporaries(const char *folder)
{
    int n = 0;
    DIR *d = opendir(folder);
    for (struct dirent *x; d && (x = readdir(d));)
        n += strstr(x->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void test_files(void)
{
    char path[1200], sub[1200], text[1 << 16];
    ib_err e = {{0}};
    static doc a;
    begin(&a, KEY, "1");
    reps(&a, "relu/x/avx2", 12, 1000, 0.04, "ns");
    end(&a);
    ib_json *ja = parse(&a), *got = NULL;

    snprintf(path, sizeof path, "%s/baselines/%s.json", dir, KEY);
    ib_check(ib_rg_baseline_save(path, ja, 0, &e) == IB_OK,
             "save a new baseline (its folder "
             "created): %s",
             e.msg);
    ib_check(ib_rg_baseline_load(path, KEY, &got, &e) == IB_OK, "load it back: %s", e.msg);
    ib_json_free(got);
    snprintf(text, sizeof text, "%s", read_all(path));

    ib_json_set_str((ib_json *)ib_json_get(ja, "context"), "date", "later", &e);
    ib_check(ib_rg_baseline_save(path, ja, 0, &e) == IB_INVALID && strstr(e.msg, "--force"),
             "no overwrite without --force: %s", e.msg);
    ib_check(!strcmp(read_all(path), text), "the refused write left the baseline as it was");
    ib_check(ib_rg_baseline_save(path, ja, 1, &e) == IB_OK && strstr(read_all(path), "later"),
             "--force replaces it");
    snprintf(sub, sizeof sub, "%s/baselines", dir);
    ib_check(stray_temporaries(sub) == 0, "no temporary file left behind");

    ib_json *foreign = NULL;
    ib_check(ib_rg_baseline_load(path, "amd-epyc-7b13-avx2-2c-12345678", &foreign, &e) ==
                     IB_INVALID &&
                 !foreign && strstr(e.msg, "another CPU") && strstr(e.msg, KEY) &&
                 strstr(e.msg, "amd-epyc-7b13"),
             "a foreign CPU's baseline: clear error (%s)", e.msg);

    const size_t len = strlen(text);
    write_file(path, text, len / 2); /* an interrupted writer that did not use rename */
    ib_check(ib_rg_baseline_load(path, KEY, &got, &e) == IB_INVALID && strstr(e.msg, path) &&
                 strstr(e.msg, "not valid JSON") && strstr(e.msg, "line"),
             "a truncated baseline: clear error (%s)", e.msg);
    write_file(path, "{\"context\": {}, \"benchmarks\": []}", 33);
    ib_check(ib_rg_baseline_load(path, KEY, &got, &e) == IB_INVALID &&
                 strstr(e.msg, "corrupt or not incbench's"),
             "a report without the CPU key: clear error (%s)", e.msg);
    write_file(path,
               "\x7f"
               "ELF\x01\x02\x00\xff",
               8);
    ib_check(ib_rg_baseline_load(path, KEY, &got, &e) == IB_INVALID, "binary garbage: %s", e.msg);
    snprintf(text, sizeof text,
             "{\"context\": {\"incbench_cpu_key\": \"%s\", \"incbench_processes\": \"3\"}, "
             "\"benchmarks\": [{\"x\": 1}]}",
             KEY);
    write_file(path, text, strlen(text));
    ib_check(ib_rg_baseline_load(path, KEY, &got, &e) == IB_INVALID && strstr(e.msg, "corrupt"),
             "a report with a nameless entry: clear error (%s)", e.msg);
    snprintf(sub, sizeof sub, "%s/none.json", dir);
    ib_check(ib_rg_baseline_load(sub, KEY, &got, &e) == IB_IO && !ib_rg_file_exists(sub),
             "no file: IB_IO (%s)", e.msg);
    unlink(path);

    static doc b;
    begin(&b, KEY, "2");
    end(&b);
    ib_json *jb = parse(&b);
    ib_check(ib_rg_check_config(ja, jb, &e) == IB_INVALID && strstr(e.msg, "incbench_threads"),
             "a baseline with other settings: clear error (%s)", e.msg);
    ib_check(ib_rg_check_config(ja, ja, &e) == IB_OK, "same settings: comparable");
    ib_json_free(jb);

    /* Google Benchmark's compare.py reads a saved baseline. */
    const char *tool = "/usr/share/benchmark/compare.py";
    if (!access(tool, R_OK) && !access("/usr/bin/python3", X_OK)) {
        char cmd[2600];
        ib_check(ib_rg_baseline_save(path, ja, 0, &e) == IB_OK, "save for compare.py");
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s benchmarks %s %s >/dev/null 2>&1", tool,
                 path, path);
        ib_check(system(cmd) == 0, "compare.py reads the baseline: %s", cmd);
        unlink(path);
    } else {
        printf("skipped: compare.py not installed\n");
    }
    snprintf(sub, sizeof sub, "%s/baselines", dir);
    rmdir(sub);
    ib_json_free(ja);
}

/* ---- power: smallest p, refusal, minimum detectable slowdown ----------------------------- */

/* The normal approximation of the test at complete separation, as scipy computes it. */
static double normal_min_p(int nx, int ny)
{
    const double mu = nx * (double)ny / 2, s = sqrt(nx * (double)ny * (nx + ny + 1) / 12.0);
    return erfc((nx * (double)ny - mu - 0.5) / s / sqrt(2.0));
}

static void test_power(void)
{
    ib_check(fabs(ib_mwu_min_p(12, 12) - 3.6584553538971e-05) < 1e-15,
             "smallest p of 12 and 12 repetitions is scipy's (normal approximation): %.17g",
             ib_mwu_min_p(12, 12));
    ib_check(fabs(ib_mwu_min_p(9, 9) - normal_min_p(9, 9)) < 1e-15 && ib_mwu_min_p(9, 9) > 4e-4,
             "9 and 9: the normal approximation the test uses (%.3g), not the exact 2/C(18,9)",
             ib_mwu_min_p(9, 9));
    ib_check(fabs(ib_mwu_min_p(5, 5) - 2.0 / 252) < 1e-15 &&
                 fabs(ib_mwu_min_p(8, 20) - 2.0 / 3108105) < 1e-18,
             "5+5 and 8+20: the exact distribution (one side of at most 8)");
    ib_check(ib_mwu_min_p(0, 5) == 1, "no repetitions: smallest p 1");

    /* The defect this guards against: 9 repetitions, 250 benchmarks, alpha 0.05. */
    ib_check(!ib_rg_can_detect(9, 9, 250, 0.05) && ib_rg_can_detect(12, 12, 250, 0.05) &&
                 ib_rg_can_detect(27, 9, 250, 0.05),
             "9+9 cannot reach 0.05/250; 12+12 and a 3-process baseline of 27 against 9 can");
    const int need = ib_rg_reps_needed(1, 1, 250, 0.05, IB_RG_MIN_REPS);
    ib_check(need == 10 && ib_rg_can_detect(need, need, 250, 0.05) &&
                 !ib_rg_can_detect(need - 1, need - 1, 250, 0.05),
             "250 benchmarks at 0.05 need 10 repetitions a side (got %d)", need);
    ib_check(ib_rg_reps_needed(1, 1, 250, 0.05, 1) == 8,
             "without the floor of 9: 8 (the exact test reaches 2/C(16,8) = 1.6e-4)");
    const int need3 = ib_rg_reps_needed(3, 1, 100000, 0.05, IB_RG_MIN_REPS);
    ib_check(need3 > 0 && ib_rg_can_detect(3 * need3, need3, 100000, 0.05) &&
                 !ib_rg_can_detect(3 * need3 - 3, need3 - 1, 100000, 0.05),
             "3 baseline processes, 1 checking, 100000 benchmarks: %d repetitions", need3);
    char msg[600] = "";
    ib_check(ib_rg_power_refusal(9, 9, 250, 0.05, need, msg, sizeof msg) &&
                 strstr(msg, "--reps 10") && strstr(msg, "250 benchmarks") &&
                 strstr(msg, "cannot detect"),
             "the refusal names the repetitions needed: %s", msg);
    ib_check(!ib_rg_power_refusal(12, 12, 250, 0.05, 0, msg, sizeof msg), "12+12: no refusal");

    /* The verdict: 250 benchmarks of 9 repetitions against 9 are refused, not "no regression". */
    static doc a;
    begin(&a, KEY, "1");
    for (int i = 0; i < 250; i++) {
        char name[32];
        snprintf(name, sizeof name, "relu/l%d/avx2", i);
        reps(&a, name, 9, 1000 + i, 0.04, "ns");
    }
    end(&a);
    ib_rg_report r;
    char line[1024];
    ib_check(compare(&a, &a, &defaults, &r) && r.refused && r.m == 250 &&
                 r.count[IB_RG_INVALID] == 250 && ib_rg_exit_status(&r) == 2,
             "250 benchmarks x 9 repetitions: refused, exit 2 (refused %d, m %d)", r.refused, r.m);
    ib_rg_verdict_line(&r, line, sizeof line);
    ib_check(!strncmp(line, "REFUSED", 7) && strstr(line, "needs 11 repetitions in this run"),
             "verdict line: %s", line);
    ib_rg_report_free(&r);
}

/* n repetitions around median m spread over +-spread/2, as reps() writes them. */
static void sample(double *x, int n, double m, double spread)
{
    for (int i = 0; i < n; i++)
        x[i] = m * (1 + spread * ((double)((i * 7) % n) / (n - 1) - 0.5));
}

/* p of the U test between base and cur moved onto base's median and slowed by d. */
static double p_at(const double *b, int nb, const double *c, int nc, double d)
{
    double tmp[64], x[64];
    const double k = ib_median(b, nb, tmp) / ib_median(c, nc, tmp) * (1 + d);
    for (int i = 0; i < nc; i++)
        x[i] = c[i] * k;
    ib_mwu t;
    return ib_mwu_test(b, nb, x, nc, &t) == 0 ? t.p : NAN;
}

static void test_min_detectable(void)
{
    double b[36], c[12], wide[12], tmp[64];
    sample(b, 36, 1000, 0.04);
    sample(c, 12, 1030, 0.04); /* 3% slower: the observed change is removed first */
    sample(wide, 12, 1000, 0.16);
    const double d1 = ib_rg_min_detectable(b, 36, c, 12, 1, 0.05, 0, tmp);
    const double d250 = ib_rg_min_detectable(b, 36, c, 12, 250, 0.05, 0, tmp);
    ib_check(d1 > 0 && d1 < 0.04 && p_at(b, 36, c, 12, d1 * 1.001) < 0.05 &&
                 p_at(b, 36, c, 12, d1 * 0.99) >= 0.05,
             "1 benchmark: %.2f%% is where the U test crosses p = 0.05", 100 * d1);
    ib_check(d250 > d1 && p_at(b, 36, c, 12, d250 * 1.001) < 0.05 / 250 &&
                 p_at(b, 36, c, 12, d250 * 0.99) >= 0.05 / 250,
             "250 benchmarks: %.2f%%, where it crosses 0.05/250", 100 * d250);
    const double dw = ib_rg_min_detectable(b, 36, wide, 12, 250, 0.05, 0, tmp);
    ib_check(dw > d250, "a wider spread needs a larger slowdown: %.2f%% > %.2f%%", 100 * dw,
             100 * d250);
    ib_check(ib_rg_min_detectable(b, 36, c, 12, 250, 0.05, 0.3, tmp) == 0.3,
             "raised to the threshold or the noise when they are larger");
    ib_check(isinf(ib_rg_min_detectable(b, 3, c, 3, 1, 0.05, 0, tmp)) &&
                 isinf(ib_rg_min_detectable(b, 9, c, 9, 250, 0.05, 0, tmp)),
             "none when the counts cannot reach alpha/m");

    /* In the report: every compared row, and the verdict line's bound is the largest. */
    static doc x, y;
    begin(&x, KEY, "1");
    reps(&x, "relu/x/avx2", 12, 1000, 0.02, "ns");
    reps(&x, "conv/x/avx2", 12, 50000, 0.30, "ns");
    end(&x);
    begin(&y, KEY, "1");
    reps(&y, "relu/x/avx2", 12, 1005, 0.02, "ns");
    reps(&y, "conv/x/avx2", 12, 50500, 0.30, "ns");
    end(&y);
    ib_rg_report r;
    char line[1024];
    ib_check(compare(&x, &y, &defaults, &r) && r.count[IB_RG_SAME] == 2, "two same");
    const ib_rg_row *lo = row(&r, "relu/x/avx2"), *hi = row(&r, "conv/x/avx2");
    ib_check(lo && hi && lo->mds >= IB_RG_DEFAULT_THRESHOLD && lo->mds >= lo->noise &&
                 hi->mds > lo->mds && r.mds_max == hi->mds,
             "per row: at least threshold and noise; the noisy one higher (%.1f%%, %.1f%%)",
             lo ? 100 * lo->mds : NAN, hi ? 100 * hi->mds : NAN);
    ib_rg_verdict_line(&r, line, sizeof line);
    char want[64];
    snprintf(want, sizeof want, "NO REGRESSION larger than %.1f%%", 100 * r.mds_max);
    ib_check(!strncmp(line, want, strlen(want)), "verdict line: %s", line);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ib_rg_print(f, &r, &defaults);
    fclose(f);
    ib_check(out && strstr(out, "detect") && strstr(out, "larger than"),
             "the table has the detect column and the summary its bound");
    free(out);
    ib_rg_report_free(&r);
}

/* ---- processes merged into one baseline ------------------------------------------------- */

static void test_processes(void)
{
    static doc p[3], c;
    ib_json *merged = NULL;
    ib_err e = {{0}};
    int ok = 1;
    for (int k = 0; k < 3; k++) { /* process medians 990, 1000, 1010: sd 1% */
        begin(&p[k], KEY, "1");
        reps(&p[k], "relu/x/avx2", 12, 990 + 10 * k, 0.004, "ns");
        end(&p[k]);
        ok = ok && ib_rg_merge(&merged, parse(&p[k]), k, &e) == IB_OK;
    }
    ib_check(ok, "three processes merge: %s", e.msg);
    ib_rg_set s = {0};
    ib_check(ok && ib_rg_samples(merged, 0, &s, &e) == IB_OK && s.n == 1 && s.b[0].n == 36 &&
                 s.b[0].proc[0] == 0 && s.b[0].proc[35] == 2,
             "36 repetitions, each with its process; the aggregates dropped");
    ib_rg_set_free(&s);
    ib_json_set_str((ib_json *)ib_json_get(merged, "context"), "incbench_processes", "3", &e);
    ib_check(ib_rg_procs_of(merged) == 3, "the report says how many processes it holds");

    char path[1200];
    snprintf(path, sizeof path, "%s/merged.json", dir);
    ib_json *got = NULL;
    ib_check(ib_rg_baseline_save(path, merged, 0, &e) == IB_OK &&
                 ib_rg_baseline_load(path, KEY, &got, &e) == IB_OK,
             "a 3-process baseline saves and loads: %s", e.msg);
    ib_json_free(got);
    ib_json_set_str((ib_json *)ib_json_get(merged, "context"), "incbench_processes", "1", &e);
    ib_check(ib_rg_baseline_save(path, merged, 1, &e) == IB_OK &&
                 ib_rg_baseline_load(path, KEY, &got, &e) == IB_INVALID && !got &&
                 strstr(e.msg, "at least 3"),
             "a 1-process baseline is refused: %s", e.msg);
    unlink(path);

    /* The spread between the baseline's processes is part of the noise: a check in one new
     * process 4% above the middle one is inside it, though the U test finds it
     * significant. */
    begin(&c, KEY, "1");
    reps(&c, "relu/x/avx2", 12, 1040, 0.004, "ns");
    end(&c);
    ib_rg_set sb = {0}, sc = {0};
    ib_rg_report r = {0};
    ib_rg_opts o = defaults;
    o.threshold = 0.01;
    ib_json *jc = parse(&c);
    ok = ib_rg_samples(merged, 0, &sb, &e) == IB_OK && ib_rg_samples(jc, 0, &sc, &e) == IB_OK &&
         ib_rg_compare(&sb, &sc, &o, &r, &e) == IB_OK;
    const ib_rg_row *x = ok ? row(&r, "relu/x/avx2") : NULL;
    ib_check(x && fabs(x->spread_proc - 4.303 * 0.01 * sqrt(1 + 1 / 3.0)) < 1e-3 &&
                 x->noise >= x->spread_proc && x->p < 0.05 && x->verdict == IB_RG_SAME &&
                 strstr(x->note, "noise"),
             "between-process noise %.2f%% (t(2) sd 1%% sqrt(1 + 1/3)) in the noise: +1.5%% "
             "is same (%s; p %g, %s)",
             x ? 100 * x->spread_proc : NAN, x ? x->note : e.msg, x ? x->p : NAN,
             x ? ib_rg_verdict_name(x->verdict) : "-");
    ib_rg_report_free(&r);
    ib_rg_set_free(&sb);
    ib_rg_set_free(&sc);
    ib_json_free(jc);
    ib_json_free(merged);
}

/* ---- each process's common speed --------------------------------------------------------- */

/* The six benchmarks of six() in nproc processes merged into one report: process k runs
 * everything speed[k] times slower, benchmark i scale[i] times. */
static ib_json *processes(const double *speed, int nproc, const double *scale)
{
    static doc d;
    ib_json *merged = NULL;
    ib_err e = {{0}};
    for (int k = 0; k < nproc; k++) {
        double s[6];
        for (int i = 0; i < 6; i++)
            s[i] = speed[k] * scale[i];
        six(&d, s, 0.004);
        if (ib_rg_merge(&merged, parse(&d), k, &e) != IB_OK) {
            printf("merge: %s\n", e.msg);
            ib_json_free(merged);
            return NULL;
        }
    }
    return merged;
}

/* A shared host runs whole processes faster or slower: every benchmark of a process moves
 * together, by 5-10% here. That common part is divided out of the between-process noise, so
 * a 20% slowdown of one benchmark stays visible; whole-run changes are judged against the
 * spread of the process speeds themselves, so a machine that was merely faster or slower
 * during the check is not a regression. */
static void test_process_speed(void)
{
    const double base[5] = {0.90, 1.00, 1.10, 0.95, 1.05}, check[3] = {1.08, 0.92, 1.00};
    const double one[6] = {1, 1, 1, 1, 1, 1}, planted[6] = {1, 1, 1.2, 1, 1, 1};
    ib_rg_report r = {0};
    int ok = compare_json(processes(base, 5, one), processes(check, 3, planted), &defaults, &r);
    const ib_rg_row *x = ok ? row(&r, "relu/a/avx2") : NULL,
                    *y = ok ? row(&r, "conv/a/avx2") : NULL;
    ib_check(x && y && r.speed_bench == 6 && x->spread_proc < 0.02 && y->spread_proc < 0.02 &&
                 x->verdict == IB_RG_SLOWER && r.count[IB_RG_SLOWER] == 1 && r.shift == 0,
             "processes 10%% apart, all benchmarks alike: between-process noise %.2f%% once "
             "their speeds are divided out; the planted +20%% is SLOWER (%s), nothing else",
             y ? 100 * y->spread_proc : NAN, x ? ib_rg_verdict_name(x->verdict) : "-");
    ib_check(r.drift_noise > 0.10 && r.drift_noise < 0.25,
             "the common change's own noise, from the process speeds (sd 7.9%%, t(6) 2.45, "
             "sqrt(1/5 + 1/3)): %.1f%%",
             100 * r.drift_noise);
    ib_rg_report_free(&r);

    /* The check's processes all 8% slower than the baseline's: inside the spread of the
     * process speeds, so not "everything slower". */
    const double slow[3] = {1.08 * 1.08, 0.92 * 1.08, 1.00 * 1.08};
    ok = compare_json(processes(base, 5, one), processes(slow, 3, one), &defaults, &r);
    ib_check(ok && r.count[IB_RG_SLOWER] == 0 && r.shift == 0 && ib_rg_exit_status(&r) == 0,
             "all +8%% while processes differ by 10%%: no regression (common %+.1f%%, its noise "
             "%.1f%%)",
             100 * r.drift, 100 * r.drift_noise);
    ib_rg_report_free(&r);

    /* The same +8% with processes alike to 0.5%: the whole run is slower, exit 1. */
    const double tight[5] = {0.995, 1.0, 1.005, 1.0, 0.998}, tight_slow[3] = {1.08, 1.085, 1.075};
    ok = compare_json(processes(tight, 5, one), processes(tight_slow, 3, one), &defaults, &r);
    ib_check(ok && r.shift == 1 && ib_rg_exit_status(&r) == 1,
             "all +8%% while processes agree to 0.5%%: everything slower (noise %.1f%%)",
             100 * r.drift_noise);
    ib_rg_report_free(&r);

    /* Processes that disagree benchmark by benchmark (no common speed): the noise stays. */
    static doc d;
    ib_json *a = NULL;
    ib_err e = {{0}};
    ok = 1;
    for (int k = 0; k < 5 && ok; k++) {
        double s[6];
        for (int i = 0; i < 6; i++)
            s[i] = base[(k + i) % 5]; /* each benchmark's processes spread, in another order */
        six(&d, s, 0.004);
        ok = ib_rg_merge(&a, parse(&d), k, &e) == IB_OK;
    }
    if (!ok)
        ib_json_free(a);
    ok = ok && compare_json(a, processes(check, 3, one), &defaults, &r);
    y = ok ? row(&r, "conv/a/avx2") : NULL;
    ib_check(y && y->spread_proc > 0.10,
             "benchmarks whose processes disagree each their own way keep their between-process "
             "noise: %.1f%%",
             y ? 100 * y->spread_proc : NAN);
    ib_rg_report_free(&r);
}

/* ---- the command: refusals before any timing, a 3-process record ----------------------- */

/* Runs the built incbench with args; its exit status, its output in out. */
static int incbench(const char *exe, const char *args, char *out, size_t len, double *secs)
{
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", exe, args);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    FILE *p = popen(cmd, "r");
    size_t n = p ? fread(out, 1, len - 1, p) : 0;
    out[n] = 0;
    const int st = p ? pclose(p) : -1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_command(void)
{
    char exe[1024], self[1024], path[1200], args[2600];
    static char out[1 << 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    snprintf(exe, sizeof exe, "%s/incbench", dirname(dirname(self)));
    if (n <= 0 || access(exe, X_OK) != 0) {
        printf("skipped: no incbench beside the tests (%s)\n", exe);
        return;
    }
    char key[128];
    ib_rg_cpu_key(ib_cpu_get(), key, sizeof key);
    static doc b;
    begin(&b, key, "1"); /* 3 processes x 9 repetitions */
    reps(&b, "concat/Mixed_5b.concat/avx2", 27, 80000, 0.04, "ns");
    end(&b);
    snprintf(path, sizeof path, "%s/base.json", dir);
    write_file(path, b.text, (size_t)b.len);
    double secs;

    /* 27 against 9 reach 9.8e-6: not below 1e-4 over the Mixed_5b benchmarks (17 or more),
     * below it for one. */
    snprintf(args, sizeof args,
             "regress --baseline %s --reps 9 --procs 1 --alpha 1e-4 --layer Mixed_5b --no-pin",
             path);
    int rc = incbench(exe, args, out, sizeof out, &secs);
    ib_check(rc == 2 && strstr(out, "refused") && strstr(out, "--reps") &&
                 !strstr(out, "verified and registered"),
             "an underpowered check is refused before timing (exit %d, %.1f s): %s", rc, secs, out);
    snprintf(
        args, sizeof args,
        "regress --baseline %s --reps 9 --procs 1 --alpha 1e-4 --layer Mixed_5b.concat --impl avx2 "
        "--no-pin --min-time 0.001",
        path);
    rc = incbench(exe, args, out, sizeof out, &secs);
    ib_check(rc != 2 || !strstr(out, "refused"),
             "one benchmark at the same alpha can detect: not refused (exit %d)", rc);
    snprintf(args, sizeof args, "regress --baseline %s.new --record --procs 2 --no-pin", path);
    rc = incbench(exe, args, out, sizeof out, &secs);
    ib_check(rc == 2 && strstr(out, "at least 3 processes"),
             "--record with 2 processes is refused (exit %d): %s", rc, out);
    snprintf(args, sizeof args,
             "regress --baseline %s.new --record --procs 3 --reps 9 --alpha 1e-9 --no-pin "
             "--layer Mixed",
             path);
    rc = incbench(exe, args, out, sizeof out, &secs);
    ib_check(rc == 2 && strstr(out, "refused") && !ib_rg_file_exists(strcat(path, ".new")),
             "an underpowered record is refused, nothing written (exit %d): %s", rc, out);

    /* A real record: 3 processes merged into one baseline. */
    snprintf(args, sizeof args,
             "regress --baseline %s --record --procs 3 --reps 9 --min-time 0.001 --layer "
             "Mixed_5b.concat --impl avx2 --no-pin",
             path);
    rc = incbench(exe, args, out, sizeof out, &secs);
    ib_json *got = NULL;
    ib_rg_set s = {0};
    ib_err e = {{0}};
    int ok = rc == 0 && ib_rg_baseline_load(path, key, &got, &e) == IB_OK &&
             ib_rg_samples(got, 0, &s, &e) == IB_OK && s.n == 1 && s.b[0].n == 27;
    int procs[3] = {0};
    for (int i = 0; ok && i < s.b[0].n; i++)
        if (s.b[0].proc[i] >= 0 && s.b[0].proc[i] < 3)
            procs[s.b[0].proc[i]]++;
    ib_check(ok && ib_rg_procs_of(got) == 3 && procs[0] == 9 && procs[1] == 9 && procs[2] == 9,
             "--record: 3 processes of 9 repetitions in one baseline (exit %d, %.1f s): %s", rc,
             secs, ok ? "" : out);
    ib_rg_set_free(&s);
    ib_json_free(got);
    unlink(path);
    path[strlen(path) - 4] = 0;
    unlink(path);
}

/* ---- CPU key ---------------------------------------------------------------------------- */

static int file_name_safe(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

static void test_key(void)
{
    ib_cpu c = {.arch = "x86_64",
                .vendor = "GenuineIntel",
                .model = "Intel(R) Xeon(R) Platinum 8480+",
                .has_avx2 = 1,
                .has_fma = 1,
                .has_avx512f = 1,
                .has_avx512bw = 1,
                .has_avx512vl = 1,
                .has_avx512dq = 1,
                .cores = 2,
                .l1d = 48 << 10,
                .l2 = 2 << 20,
                .best = IB_ISA_AVX512};
    char k1[128], k2[128], k3[128];
    ib_rg_cpu_key(&c, k1, sizeof k1);
    ib_rg_cpu_key(&c, k2, sizeof k2);
    ib_check(!strcmp(k1, k2) && file_name_safe(k1) &&
                 !strncmp(k1, "intel-xeon-platinum-8480p-avx512-2c-", 36) && strlen(k1) == 44,
             "Intel key: %s", k1);
    c.l2 = 1 << 20;
    ib_rg_cpu_key(&c, k3, sizeof k3);
    ib_check(strncmp(k1, k3, 36) == 0 && strcmp(k1, k3) != 0, "another L2 size, another hash: %s",
             k3);
    ib_cpu amd = {.arch = "x86_64",
                  .vendor = "AuthenticAMD",
                  .model = "AMD EPYC 7B13 64-Core Processor",
                  .has_avx2 = 1,
                  .has_fma = 1,
                  .cores = 2,
                  .best = IB_ISA_AVX2};
    ib_rg_cpu_key(&amd, k3, sizeof k3);
    ib_check(!strncmp(k3, "amd-epyc-7b13-avx2-2c-", 22) && file_name_safe(k3), "AMD key: %s", k3);
    ib_cpu odd = {.arch = "aarch64", .vendor = "", .model = "", .cores = 4, .best = IB_ISA_NEON};
    ib_rg_cpu_key(&odd, k3, sizeof k3);
    ib_check(!strncmp(k3, "unknown-neon-4c-", 16) && file_name_safe(k3), "no names: %s", k3);
    ib_rg_cpu_key(ib_cpu_get(), k3, sizeof k3);
    ib_check(file_name_safe(k3), "this CPU: %s", k3);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_json();
    test_stats();
    test_verdicts();
    test_drift();
    test_power();
    test_min_detectable();
    test_processes();
    test_process_speed();
    test_files();
    test_command();
    test_key();
    rmdir(dir);
    return ib_check_done();
}
