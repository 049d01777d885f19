/* The report's first screen: the answers in sentences, the factorization verdicts per family,
 * the whole network per family with its winner, and the machine and build that produced them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/stats.h"
#include "report/report_fmt.h"
#include "report/report_page.h"

static const char *verdict_class(const char *v)
{
    return !strcmp(v, "pays")                ? "v-pays"
           : !strcmp(v, "does not pay here") ? "v-no"
           : !strcmp(v, "not significant")   ? "v-ns"
           : !strcmp(v, "negligible")        ? "v-neg"
           : strstr(v, " or ")               ? "v-line" /* on a line: both sides named */
                                             : "v-none";
}

/* A string value of the JSON context block (first match of "key": "value" or a number). */
static int ctx_get(const char *ctx, const char *key, char *buf, size_t len)
{
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(ctx, pat);
    if (!p)
        return 0;
    p += strlen(pat);
    p += strspn(p, " ");
    const int quoted = *p == '"';
    p += quoted;
    const size_t n = quoted ? strcspn(p, "\"") : strcspn(p, ",\n}");
    snprintf(buf, len, "%.*s", (int)n, p);
    return n > 0;
}

/* A machine fact: machine.csv first, else the JSON context, else "". */
static const char *fact(ib_report *r, const char *key, const char *ctx_key, char *buf, size_t len)
{
    const ib_rcsv *m = &r->t[IB_R_MACHINE];
    for (int row = 1; r->have[IB_R_MACHINE] && row < m->nrows; row++)
        if (!strcmp(ib_rcsv_get(m, row, "key"), key)) {
            snprintf(buf, len, "%s", ib_rcsv_get(m, row, "value"));
            size_t n = strlen(buf);
            while (n && buf[n - 1] == ' ')
                buf[--n] = 0;
            return buf;
        }
    if (!ctx_key || !ctx_get(r->json_ctx, ctx_key, buf, len))
        buf[0] = 0;
    return buf;
}

/* The peak.csv value of probe at threads t, in G(FLOP|B)/s; NaN when absent. */
static double peak_of(ib_report *r, const char *probe, const char *t)
{
    const ib_rcsv *p = &r->t[IB_R_PEAK];
    for (int row = 1; r->have[IB_R_PEAK] && row < p->nrows; row++)
        if (!strcmp(ib_rcsv_get(p, row, "probe"), probe) &&
            (!t || !strcmp(ib_rcsv_get(p, row, "threads"), t)))
            return ib_rcsv_num(p, row, "value") * 1e-9;
    return NAN;
}

static void machine_table(FILE *f, ib_report *r)
{
    char b[512], th[16];
    static const char *const rows[][3] = {
        {"CPU", "cpu", "incbench_cpu"},
        {"Logical CPUs", "logical_cpus", "num_cpus"},
        {"ISA (best; cap)", "isa", "incbench_isa_cap"},
        {"Caches", "caches", NULL},
        {"Threads timed", "threads", "incbench_threads"},
        {"Compiler", "compiler", NULL},
        {"Flags", "flags", NULL},
        {"oneDNN", "onednn", NULL},
        {"libxsmm", "libxsmm", NULL},
        {"Google Benchmark", "google_benchmark", NULL},
        {"Date", "date", "date"},
    };
    fprintf(f, "<table class='kv'>\n");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fact(r, rows[i][1], rows[i][2], b, sizeof b);
        fprintf(f, "<tr><th>%s</th><td>", rows[i][0]);
        ib_html(f, b[0] ? b : "not recorded in this results folder");
        fprintf(f, "</td></tr>\n");
    }
    fact(r, "threads", "incbench_threads", th, sizeof th);
    /* the peaks: one row per probe, 1 thread and the timed thread count */
    const ib_rcsv *p = &r->t[IB_R_PEAK];
    for (int row = 1; r->have[IB_R_PEAK] && row < p->nrows; row++) {
        const char *probe = ib_rcsv_get(p, row, "probe");
        if (strcmp(ib_rcsv_get(p, row, "threads"), "1"))
            continue;
        const int bw = !strcmp(ib_rcsv_get(p, row, "unit"), "B/s");
        char a[IB_FMT_LEN], n[IB_FMT_LEN];
        fprintf(f, "<tr><th>%s</th><td>", bw ? "Memory (STREAM triad)" : "FMA peak");
        ib_html(f, probe);
        fprintf(f, ": %s %s (1 thread)", ib_fmt_sig(a, ib_rcsv_num(p, row, "value") * 1e-9),
                bw ? "GB/s" : "GFLOP/s");
        const double pn = th[0] && strcmp(th, "1") ? peak_of(r, probe, th) : NAN;
        if (isfinite(pn)) {
            fprintf(f, ", %s (", ib_fmt_sig(n, pn));
            ib_html(f, th);
            fprintf(f, " threads)");
        }
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n");
}

enum { V_PAYS, V_NEGLIGIBLE, V_NS, V_NO, V_LINE, V_NONE, V_COUNT };

static int verdict_index(const char *v)
{
    return !strcmp(v, "pays")                ? V_PAYS
           : !strcmp(v, "negligible")        ? V_NEGLIGIBLE
           : !strcmp(v, "not significant")   ? V_NS
           : !strcmp(v, "does not pay here") ? V_NO
           : strstr(v, " or ")               ? V_LINE
                                             : V_NONE;
}

static void pairs_table(FILE *f, ib_report *r, int *counts)
{
    const ib_rcsv *c = &r->t[IB_R_FACTOR];
    const char *fam[IB_R_MAX_FAMILIES];
    const int nf = ib_r_families(c, fam, 0);
    fprintf(f, "<table class='pairs'><tr><th>Pair (A &rarr; B)</th><th>Case</th>"
               "<th>Theory: work saved, nominal / executed</th>");
    for (int k = 0; k < nf; k++) {
        fprintf(f, "<th>");
        ib_html(f, fam[k]);
        fprintf(f, "<br><small>saving [95%% CI]</small></th>");
    }
    fprintf(f, "</tr>\n");
    for (int row = 1; row < c->nrows; row++) {
        /* one table row per case: its first CSV row */
        const char *pair = ib_rcsv_get(c, row, "pair"), *cs = ib_rcsv_get(c, row, "case");
        int first = 1;
        for (int q = 1; q < row && first; q++)
            first =
                strcmp(ib_rcsv_get(c, q, "pair"), pair) || strcmp(ib_rcsv_get(c, q, "case"), cs);
        if (!first)
            continue;
        char a[IB_FMT_LEN], b[IB_FMT_LEN];
        fprintf(f, "<tr><td>");
        ib_html(f, pair);
        fprintf(f, ". ");
        ib_html_arrows(f, ib_rcsv_get(c, row, "pair_name"));
        fprintf(f, "</td><td class='case'>");
        ib_html_arrows(f, cs);
        fprintf(f, "</td><td class='num'>%s / %s</td>",
                ib_fmt_pct(a, ib_rcsv_num(c, row, "theory")),
                ib_fmt_pct(b, ib_rcsv_num(c, row, "theory_exec")));
        for (int k = 0; k < nf; k++) {
            int hit = 0;
            for (int q = row; q < c->nrows && !hit; q++) {
                if (strcmp(ib_rcsv_get(c, q, "pair"), pair) ||
                    strcmp(ib_rcsv_get(c, q, "case"), cs) ||
                    strcmp(ib_rcsv_get(c, q, "impl"), fam[k]))
                    continue;
                hit = 1;
                const double m = ib_rcsv_num(c, q, "measured");
                const char *v = ib_rcsv_get(c, q, "verdict");
                if (!isfinite(m)) {
                    fprintf(f, "<td class='v-none'>not run</td>");
                    counts[V_NONE]++;
                    continue;
                }
                counts[verdict_index(v)]++;
                fprintf(f, "<td class='num'>");
                ib_html_interval(f, ib_fmt_pct, m, ib_rcsv_num(c, q, "measured_lo"),
                                 ib_rcsv_num(c, q, "measured_hi"), 1);
                fprintf(f, "<br><span class='tag %s'>", verdict_class(v));
                ib_html(f, *v ? v : "no verdict");
                fprintf(f, "</span>");
                if (*ib_rcsv_get(c, q, "artefact")) {
                    fprintf(f, " <span class='warn' title='kernel artefact'>&#9888; ");
                    ib_html(f, ib_rcsv_get(c, q, "artefact"));
                    fprintf(f, "</span>");
                }
                fprintf(f, "</td>");
            }
            if (!hit)
                fprintf(f, "<td class='v-none'>not run</td>");
        }
        fprintf(f, "</tr>\n");
    }
    fprintf(f, "</table>\n");
}

typedef struct net_row {
    int row;
    double med;
} net_row;

static int by_med(const void *a, const void *b)
{
    const double x = ((const net_row *)a)->med, y = ((const net_row *)b)->med;
    return isnan(x) - isnan(y) ? isnan(x) - isnan(y) : (x > y) - (x < y);
}

/* A row's ratio to the family timed beside it (NaN when none). */
static ib_ratio_ci beside_ratio(const ib_rcsv *c, int row)
{
    return (ib_ratio_ci){.est = ib_rcsv_num(c, row, "beside_ratio"),
                         .lo = ib_rcsv_num(c, row, "beside_lo"),
                         .hi = ib_rcsv_num(c, row, "beside_hi"),
                         .conf = 0.95};
}

/* The net table, fastest first; *winner gets the fastest row of a real family (not "best"). */
static void net_table(FILE *f, ib_report *r, net_row *rows, int *n)
{
    const ib_rcsv *c = &r->t[IB_R_NET];
    *n = 0;
    for (int row = 1; row < c->nrows && *n < 64; row++) {
        rows[*n].row = row;
        rows[(*n)++].med = ib_rcsv_num(c, row, "total_med_s");
    }
    qsort(rows, (size_t)*n, sizeof rows[0], by_med);
    fprintf(f, "<table class='net'><tr><th>Family</th><th>Forward pass, ms<br><small>median "
               "[min, max]</small></th><th>GFLOP/s</th><th>%% of peak</th><th>Sum of steps "
               "alone, ms</th><th>Sum of steps in the pass, ms</th><th>Layers on a "
               "fallback</th><th>Logits rel. error</th>"
               "<th>Status</th></tr>\n");
    for (int i = 0; i < *n; i++) {
        const int row = rows[i].row;
        char a[IB_FMT_LEN];
        const char *impl = ib_rcsv_get(c, row, "impl");
        fprintf(f, "<tr%s><td>", i == 0 ? " class='winner'" : "");
        ib_html(f, impl);
        const int best = !strcmp(impl, "best");
        const ib_ratio_ci vs = beside_ratio(c, row);
        const char *verdict = ib_ratio_ci_verdict(&vs);
        if (best || verdict)
            fprintf(f, " <small>(%s", best ? "a family per layer" : "");
        if (verdict) { /* timed beside: best against its start, the others against the peer */
            fprintf(f, "%sagainst ", best ? "; " : "");
            ib_html(f, ib_rcsv_get(c, row, "beside"));
            fprintf(f, " timed beside it %.3f [%.3f, %.3f], %s", vs.est, vs.lo, vs.hi, verdict);
        }
        if (best || verdict)
            fprintf(f, ")</small>");
        fprintf(f, "</td><td class='num'>");
        ib_html_interval(f, ib_fmt_sig, rows[i].med * 1e3, ib_rcsv_num(c, row, "total_min_s") * 1e3,
                         ib_rcsv_num(c, row, "total_max_s") * 1e3, 1);
        fprintf(f, "</td>");
        fprintf(f, "<td class='num'>%s</td>", ib_fmt_sig(a, ib_rcsv_num(c, row, "gflops")));
        fprintf(f, "<td class='num'>%s</td>", ib_fmt_pct(a, ib_rcsv_num(c, row, "pct_peak") / 100));
        fprintf(f, "<td class='num'>%s</td>",
                ib_fmt_sig(a, ib_rcsv_num(c, row, "sum_steps_s") * 1e3));
        fprintf(f, "<td class='num'>%s</td>",
                ib_fmt_sig(a, ib_rcsv_num(c, row, "sum_in_pass_s") * 1e3));
        fprintf(f, "<td class='num'>");
        ib_html(f, ib_rcsv_get(c, row, "fallback_layers"));
        fprintf(f, "</td><td class='num'>%s</td><td>",
                ib_fmt_sig(a, ib_rcsv_num(c, row, "logits_rel_err")));
        ib_html(f, ib_rcsv_get(c, row, "status"));
        if (*ib_rcsv_get(c, row, "why")) { /* why a family was skipped */
            fprintf(f, " <small>");
            ib_html(f, ib_rcsv_get(c, row, "why"));
            fprintf(f, "</small>");
        }
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n");
}

static void net_sentence(FILE *f, ib_report *r, const net_row *rows, int n)
{
    const ib_rcsv *c = &r->t[IB_R_NET];
    int w = -1, s = -1; /* the fastest and second fastest real families */
    for (int i = 0; i < n; i++) {
        const char *impl = ib_rcsv_get(c, rows[i].row, "impl");
        if (!strcmp(impl, "best") || !isfinite(rows[i].med) ||
            strcmp(ib_rcsv_get(c, rows[i].row, "status"), "PASSED"))
            continue;
        if (w < 0)
            w = i;
        else if (s < 0)
            s = i;
    }
    if (w < 0) {
        fprintf(f, "<li>No family completed the whole network.</li>\n");
        return;
    }
    char a[IB_FMT_LEN], b[IB_FMT_LEN], p[IB_FMT_LEN];
    fprintf(f, "<li><b>Whole network: ");
    ib_html(f, ib_rcsv_get(c, rows[w].row, "impl"));
    fprintf(f, " is fastest</b>, %s ms per forward pass (median)",
            ib_fmt_sig(a, rows[w].med * 1e3));
    /* Against the peer, their passes timed beside each other in rounds: the comparison the
     * run made, rather than two families timed minutes apart. */
    const ib_ratio_ci vs = beside_ratio(c, rows[w].row);
    const char *verdict = ib_ratio_ci_verdict(&vs);
    if (verdict) {
        fprintf(f, "; against ");
        ib_html(f, ib_rcsv_get(c, rows[w].row, "beside"));
        fprintf(f, ", their passes timed beside each other, %.3f [%.3f, %.3f] of its time: %s",
                vs.est, vs.lo, vs.hi, verdict);
    } else if (s >= 0) {
        fprintf(f, ", %s less time than ", ib_fmt_pct(p, 1 - rows[w].med / rows[s].med));
        ib_html(f, ib_rcsv_get(c, rows[s].row, "impl"));
        fprintf(f, " (%s ms)", ib_fmt_sig(b, rows[s].med * 1e3));
        /* overlapping min-max ranges: the order of the two is not established */
        if (ib_rcsv_num(c, rows[w].row, "total_max_s") >=
            ib_rcsv_num(c, rows[s].row, "total_min_s"))
            fprintf(f, "; their min&ndash;max ranges overlap, so this order is not certain");
    }
    fprintf(f, ".</li>\n");
}

static void verify_sentence(FILE *f, ib_report *r)
{
    const ib_rcsv *v = &r->t[IB_R_VERIFY];
    int failed = 0, skipped = 0, odd = 0; /* odd: a status verify never writes, counted failed */
    for (int row = 1; row < v->nrows; row++) {
        const char *st = ib_rcsv_get(v, row, "status");
        skipped += !strcmp(st, "SKIPPED");
        failed += strcmp(st, "PASSED") && strcmp(st, "SKIPPED");
        odd += strcmp(st, "PASSED") && strcmp(st, "SKIPPED") && strcmp(st, "FAILED");
    }
    fprintf(f,
            "<li>%s: %d (layer, implementation) checks against the scalar reference, "
            "<b>%d failed</b>",
            failed ? "<b class='bad'>Verification FAILED</b>" : "Verification", v->nrows - 1,
            failed);
    if (odd)
        fprintf(f, " (%d of them with a status other than PASSED, FAILED or SKIPPED)", odd);
    fprintf(f, ", %d skipped.</li>\n", skipped);
}

/* Per pair, what every family agrees on: the pairs that pay in every family that ran them,
 * the ones significant in none, and the rest (the verdict depends on the family). */
static void pair_sentence(FILE *f, ib_report *r)
{
    const ib_rcsv *c = &r->t[IB_R_FACTOR];
    static const char *const heads[3] = {"Pays in every family", "Not significant in any family",
                                         "Depends on the family"};
    for (int kind = 0; kind < 3; kind++) {
        int listed = 0;
        for (int row = 1; row < c->nrows; row++) {
            const char *name = ib_rcsv_get(c, row, "pair_name");
            int first = 1, pays = 1, ns = 1, any = 0;
            for (int q = 1; q < c->nrows; q++) {
                if (strcmp(ib_rcsv_get(c, q, "pair_name"), name))
                    continue;
                first &= q >= row;
                const int v = verdict_index(ib_rcsv_get(c, q, "verdict"));
                if (v == V_NONE)
                    continue;
                any = 1;
                pays &= v == V_PAYS;
                ns &= v == V_NS;
            }
            const int k = pays ? 0 : ns ? 1 : 2;
            if (!first || !any || k != kind)
                continue;
            fprintf(f, "%s", listed++ ? "; " : "<br>");
            if (listed == 1)
                fprintf(f, "<i>%s:</i> ", heads[kind]);
            ib_html_arrows(f, name);
        }
        if (listed)
            fprintf(f, ".");
    }
}

void ib_r_summary(FILE *f, ib_report *r)
{
    char cpu[256], th[16], isa[64];
    fact(r, "cpu", "incbench_cpu", cpu, sizeof cpu);
    fact(r, "threads", "incbench_threads", th, sizeof th);
    fact(r, "isa", "incbench_isa_cap", isa, sizeof isa);
    fprintf(f, "<section id='summary'>\n<h2>Summary</h2>\n<p class='lead'>Measured on ");
    ib_html(f, cpu[0] ? cpu : "an unrecorded CPU");
    if (isa[0]) {
        fprintf(f, " (");
        ib_html(f, isa);
        fprintf(f, ")");
    }
    /* the factorization pairs default to one pinned thread whatever the run's count */
    const char *fth = r->have[IB_R_FACTOR] ? ib_rcsv_get(&r->t[IB_R_FACTOR], 1, "threads") : "";
    if (th[0]) {
        fprintf(f, " with ");
        ib_html(f, th);
        fprintf(f, " thread%s", strcmp(th, "1") ? "s" : "");
    }
    if (*fth && strcmp(fth, th)) {
        fprintf(f, " (the factorization pairs on ");
        ib_html(f, fth);
        fprintf(f, " thread%s)", strcmp(fth, "1") ? "s" : "");
    }
    fprintf(f, ". Every kernel was verified against the scalar reference before it was timed; "
               "each time is a median of repetitions with its 95%% interval.</p>\n<ul>\n");
    if (r->have[IB_R_VERIFY])
        verify_sentence(f, r);
    int counts[V_COUNT] = {0};
    char *tbl = NULL;
    size_t tlen = 0;
    if (r->have[IB_R_FACTOR]) {
        FILE *t = open_memstream(&tbl, &tlen);
        pairs_table(t, r, counts);
        fclose(t);
        const int sum =
            counts[V_PAYS] + counts[V_NEGLIGIBLE] + counts[V_NS] + counts[V_NO] + counts[V_LINE];
        fprintf(f,
                "<li><b>Factorizations:</b> of %d measured (case, family) pairs: "
                "<span class='tag v-pays'>pays: %d</span> (B faster by 3%% or more, the 95%% "
                "interval clear of 0; how much of the work saved shows as time saved is each "
                "pair's realized fraction), <span class='tag v-neg'>negligible: %d</span> "
                "(under 1%% either way), "
                "<span class='tag v-ns'>not significant: %d</span> (the "
                "95%% interval holds 0), <span class='tag v-no'>does not pay here: %d</span> "
                "(B slower by 3%% or more) and <span class='tag v-line'>on a line: %d</span> "
                "(within 1 point of the 2%% line: the verdict names both sides)%s.",
                sum, counts[V_PAYS], counts[V_NEGLIGIBLE], counts[V_NS], counts[V_NO],
                counts[V_LINE],
                counts[V_NONE] ? "; the others were not run (no kernel for that form)" : "");
        pair_sentence(f, r);
        fprintf(f, "</li>\n");
    }
    net_row rows[64];
    int n = 0;
    char *ntbl = NULL;
    size_t nlen = 0;
    if (r->have[IB_R_NET]) {
        FILE *t = open_memstream(&ntbl, &nlen);
        net_table(t, r, rows, &n);
        fclose(t);
        net_sentence(f, r, rows, n);
    }
    fprintf(f, "</ul>\n");
    if (tbl) {
        fprintf(f, "<h3>Do the factorizations pay? (B is the factorized form)</h3>\n");
        fputs(tbl, f);
    }
    if (ntbl) {
        fprintf(f, "<h3>Whole Inception-v3 forward pass, fastest first</h3>\n");
        fputs(ntbl, f);
    }
    free(tbl);
    free(ntbl);
    fprintf(f, "<h3>Machine and build</h3>\n");
    machine_table(f, r);
    fprintf(f, "</section>\n");
}
