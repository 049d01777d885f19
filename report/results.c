/* Results folder creation (never overwriting) and Google Benchmark JSON output. */
#include "report/results.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/cpu.h"
#include "harness/stats.h"

void ib_results_cpu_slug(char *buf, int len)
{
    const ib_cpu *cpu = ib_cpu_get();
    static const char *const drop[] = {"(r)", "(tm)", "processor", "cpu", "core"};
    char low[128];
    size_t n = 0;
    for (const char *p = cpu->model; *p && n + 1 < sizeof low; p++)
        low[n++] = (char)tolower((unsigned char)*p);
    low[n] = 0;
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        for (char *q; (q = strstr(low, drop[i]));)
            memset(q, ' ', strlen(drop[i]));
    int k = 0, dash = 1;
    for (const char *p = low; *p && k + 1 < len && k < 40; p++) {
        if (isalnum((unsigned char)*p)) {
            buf[k++] = *p;
            dash = 0;
        } else if (!dash) {
            buf[k++] = '-';
            dash = 1;
        }
    }
    while (k > 0 && buf[k - 1] == '-')
        k--;
    if (k == 0)
        k = snprintf(buf, (size_t)len, "%s", cpu->arch[0] ? cpu->arch : "cpu");
    buf[k < len ? k : len - 1] = 0;
}

void ib_results_default_stem(char *buf, int len)
{
    char slug[64], date[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    ib_results_cpu_slug(slug, sizeof slug);
    snprintf(buf, (size_t)len, "%s-%s", date, slug);
}

ib_status ib_results_mkdir(const char *base, const char *stem, char *path, int len, ib_err *e)
{
    if (mkdir(base, 0777) != 0 && errno != EEXIST)
        return ib_fail(e, IB_IO, "results: cannot create %s%s: %s", IB_SHOWN(base),
                       strerror(errno));
    for (int k = 1; k <= 999; k++) {
        int w = k == 1 ? snprintf(path, (size_t)len, "%s/%s", base, stem)
                       : snprintf(path, (size_t)len, "%s/%s-%d", base, stem, k);
        if (w < 0 || w >= len)
            return ib_fail(e, IB_INVALID,
                           "results: path %s%s/%s%s too long (%d characters "
                           "at most)",
                           IB_SHOWN(base), IB_SHOWN(stem), len - 1);
        if (mkdir(path, 0777) == 0)
            return IB_OK; /* made by us: no earlier run's folder */
        if (errno != EEXIST)
            return ib_fail(e, IB_IO, "results: cannot create %s%s: %s", IB_SHOWN(path),
                           strerror(errno));
    }
    return ib_fail(e, IB_IO, "results: %s%s/%s%s-2 .. -999 all exist", IB_SHOWN(base),
                   IB_SHOWN(stem));
}

FILE *ib_results_open(const char *dir, const char *name)
{
    char path[1024];
    int w = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (w < 0 || w >= (int)sizeof path) { /* a cut path would open another file */
        fprintf(stderr, "incbench: cannot write %s/%s: path too long\n", dir, name);
        return NULL;
    }
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "incbench: cannot write %s: %s\n", path, strerror(errno));
    return f;
}

/* Names and labels are ours (layer names, kernel names): escape the two JSON specials. */
static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        if ((unsigned char)*s >= 0x20)
            fputc(*s, f);
    }
    fputc('"', f);
}

int ib_gbjson_begin(ib_gbjson *j, const char *dir, const char *name, int threads, int real_time)
{
    j->real_time = real_time;
    j->count = 0;
    j->families = 0;
    j->threads = threads;
    j->f = ib_results_open(dir, name);
    if (!j->f)
        return -1;
    const ib_cpu *cpu = ib_cpu_get();
    char date[64], host[128] = "unknown";
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S%z", &tm);
    gethostname(host, sizeof host - 1);
    FILE *f = j->f;
    fprintf(f, "{\n  \"context\": {\n    \"date\": ");
    put_str(f, date);
    fprintf(f, ",\n    \"host_name\": ");
    put_str(f, host);
    fprintf(f, ",\n    \"executable\": \"incbench\",\n    \"num_cpus\": %d,\n", cpu->cores);
    fprintf(f, "    \"mhz_per_cpu\": 0,\n    \"cpu_scaling_enabled\": false,\n");
    fprintf(f, "    \"caches\": [],\n    \"library_build_type\": \"release\",\n");
    fprintf(f, "    \"incbench_cpu\": ");
    put_str(f, cpu->model);
    fprintf(f, ",\n    \"incbench_isa_cap\": \"%s\",\n    \"incbench_threads\": \"%d\",\n",
            ib_isa_name(cpu->cap), threads);
    fprintf(f, "    \"incbench_timer\": \"real_time: clock_gettime(CLOCK_MONOTONIC), wall time; "
               "cpu_time: clock_gettime(CLOCK_PROCESS_CPUTIME_ID), every thread of the "
               "process; both per call\"\n  },\n");
    fprintf(f, "  \"benchmarks\": [");
    return 0;
}

/* One run as Google Benchmark writes it (see results.h): the name, "threads" 1 (one benchmark
 * thread; the kernel's OpenMP threads are the omp_threads counter, as incbench bench writes
 * it), counters as top-level numbers on the clock the benchmark iterated on. */
static void entry(ib_gbjson *j, const char *bench, const char *agg, int rep, int reps,
                  int64_t iters, double s, double cpu, double flops, double peak, const char *label)
{
    FILE *f = j->f;
    char run[300], nm[320];
    snprintf(run, sizeof run, "%s%s", bench, j->real_time ? "/process_time/real_time" : "");
    snprintf(nm, sizeof nm, "%s%s%s", run, agg ? "_" : "", agg ? agg : "");
    fprintf(f, "%s\n    {\n      \"name\": ", j->count++ ? "," : "");
    put_str(f, nm);
    fprintf(f, ",\n      \"family_index\": %d,\n      \"per_family_instance_index\": 0,\n",
            j->families - 1);
    fprintf(f, "      \"run_name\": ");
    put_str(f, run);
    fprintf(f, ",\n      \"run_type\": \"%s\",\n      \"repetitions\": %d,\n",
            agg ? "aggregate" : "iteration", reps);
    if (agg)
        fprintf(f,
                "      \"threads\": 1,\n      \"aggregate_name\": \"%s\",\n"
                "      \"aggregate_unit\": \"time\",\n",
                agg);
    else
        fprintf(f, "      \"repetition_index\": %d,\n      \"threads\": 1,\n", rep);
    fprintf(f,
            "      \"iterations\": %lld,\n      \"real_time\": %.6e,\n"
            "      \"cpu_time\": %.6e,\n      \"time_unit\": \"ns\"",
            (long long)iters, s * 1e9, cpu * 1e9);
    const double t = j->real_time ? s : cpu; /* the clock rates divide by */
    if (flops > 0 && t > 0) {
        fprintf(f, ",\n      \"FLOPS\": %.6e", flops / t);
        if (peak > 0)
            fprintf(f, ",\n      \"pct_peak\": %.4f", flops / t / peak * 100);
    }
    fprintf(f, ",\n      \"omp_threads\": %d", j->threads);
    if (label && *label) {
        fprintf(f, ",\n      \"label\": ");
        put_str(f, label);
    }
    fprintf(f, "\n    }");
}

/* A percent of peak above this is a wrong probe or a wrong work count, not a measurement. */
#define PEAK_LIMIT 102.0

void ib_gbjson_add(ib_gbjson *j, const char *bench, const ib_timing *t, double flops, double peak,
                   const char *label)
{
    if (!j->f || t->reps < 1)
        return;
    j->families++;
    double cpu[IB_MAX_REPS], sorted[IB_MAX_REPS];
    for (int r = 0; r < t->reps; r++) {
        entry(j, bench, NULL, r, t->reps, t->iters, t->samples[r], t->cpu_samples[r], flops, peak,
              label);
        cpu[r] = t->cpu_samples[r];
    }
    /* each statistic of each field on its own, as Google Benchmark computes aggregates */
    const int n = t->reps;
    const double cmed = ib_median(cpu, n, sorted); /* sorts into sorted */
    const double cmin = sorted[0], cmax = sorted[n - 1];
    entry(j, bench, "median", 0, t->reps, t->reps, t->med, cmed, flops, peak, label);
    entry(j, bench, "min", 0, t->reps, t->reps, t->min, cmin, flops, peak, label);
    entry(j, bench, "max", 0, t->reps, t->reps, t->max, cmax, flops, peak, label);
    const double med = j->real_time ? t->med : cmed;
    if (flops > 0 && peak > 0 && med > 0 && flops / med / peak * 100 > PEAK_LIMIT)
        fprintf(stderr,
                "incbench: WARNING: %s: pct_peak %.1f%% is above %.0f%% of the FMA peak it is "
                "held to (%.1f GFLOP/s): the probe or the work count is wrong\n",
                bench, flops / med / peak * 100, PEAK_LIMIT, peak * 1e-9);
}

void ib_gbjson_end(ib_gbjson *j)
{
    if (!j->f)
        return;
    fprintf(j->f, "\n  ]\n}\n");
    fclose(j->f);
    j->f = NULL;
}
