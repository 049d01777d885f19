/* Shared by verify, factor, net and the main job: options, timer, progress, selection, peaks. */
#include "harness/run_common.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/registry.h"
#include "harness/gbench.h"
#include "harness/peak_probes.h"
#include "harness/stats.h"

int ib_impls_check(const char *cmd, const char *list, int allow_best)
{
    /* every listed name must exist: a typo would silently select nothing */
    for (const char *p = list; p;) {
        size_t k = strcspn(p, ",");
        int found = k == 3 && !strncmp(p, "ref", 3);
        found |= allow_best && k == 4 && !strncmp(p, "best", 4);
        for (int r = 0; r < ib_registry_count() && !found; r++) {
            const ib_impl *im = ib_registry_at(r);
            found = !im->test_only && strlen(im->name) == k && !strncmp(p, im->name, k);
        }
        if (!found && k == 0) {
            fprintf(stderr, "incbench %s: --impl: an empty name in '%.40s'\n", cmd, list);
            return 0;
        }
        if (!found) {
            fprintf(stderr,
                    "incbench %s: --impl: unknown implementation '%.*s' (see 'incbench "
                    "list')\nincbench %s: known implementations: ",
                    cmd, (int)(k > 40 ? 40 : k), p, cmd);
            int first = 1;
            for (int r = 0; r < ib_registry_count(); r++) {
                const ib_impl *im = ib_registry_at(r);
                int seen = im->test_only;
                for (int q = 0; q < r && !seen; q++)
                    seen = !strcmp(ib_registry_at(q)->name, im->name);
                if (!seen)
                    fprintf(stderr, "%s%s", first ? "" : ", ", im->name), first = 0;
            }
            fprintf(stderr, "%s\n", allow_best ? ", best" : "");
            return 0;
        }
        p = p[k] ? p + k + 1 : NULL;
    }
    return 1;
}

int ib_run_opts_threads(const ib_run_opts *o)
{
    if (o->threads > 0)
        omp_set_num_threads((int)o->threads);
    return omp_get_max_threads();
}

void ib_run_env_begin(const ib_run_opts *o, ib_run_env *env)
{
    _Static_assert(sizeof env->old_mask >= sizeof(cpu_set_t), "old_mask holds a cpu_set_t");
    ib_run_opts one = *o;
    if (one.threads == 0 && !getenv("OMP_NUM_THREADS"))
        one.threads = 1;
    env->threads = ib_run_opts_threads(&one);
    env->pinned = 0;
    cpu_set_t *old = (cpu_set_t *)(void *)env->old_mask;
    if (env->threads != 1 || sched_getaffinity(0, sizeof *old, old) != 0 || CPU_COUNT(old) < 2)
        return;
    const int cpu = sched_getcpu();
    cpu_set_t here;
    CPU_ZERO(&here);
    if (cpu < 0)
        return;
    CPU_SET(cpu, &here);
    env->pinned = sched_setaffinity(0, sizeof here, &here) == 0;
}

int ib_run_env_round(ib_run_env *env, int round)
{
    if (!env->pinned)
        return -1;
    const cpu_set_t *old = (const cpu_set_t *)(const void *)env->old_mask;
    const int n = CPU_COUNT(old);
    for (int cpu = 0, k = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, old) || k++ != round % n)
            continue;
        cpu_set_t here;
        CPU_ZERO(&here);
        CPU_SET(cpu, &here);
        return sched_setaffinity(0, sizeof here, &here) == 0 ? cpu : -1;
    }
    return -1;
}

void ib_run_env_end(ib_run_env *env)
{
    if (env->pinned)
        sched_setaffinity(0, sizeof(cpu_set_t), (cpu_set_t *)(void *)env->old_mask);
    env->pinned = 0;
}

const char *ib_load_note(int threads, char *buf, int len)
{
    double load[1] = {0};
    if (getloadavg(load, 1) != 1) {
        snprintf(buf, (size_t)len, "load average unknown");
        return buf;
    }
    snprintf(buf, (size_t)len, "load average %.2f%s", load[0],
             load[0] > threads + 0.5 ? " (BUSY: other work competes for the CPUs; figures are "
                                       "less repeatable)"
                                     : "");
    return buf;
}

void ib_progress(const ib_run_opts *o, int i, int n, const char *fmt, ...)
{
    if (o->quiet)
        return;
    fprintf(stderr, "[%s %d/%d] ", o->cmd, i, n);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int ib_impl_listed(const char *list, const char *name)
{
    if (!list)
        return strcmp(name, "ref") != 0;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && !strncmp(p, name, n))
            return 1;
        p += k + (p[k] == ',');
    }
    return 0;
}

int ib_layer_matches(const char *pattern, const char *name)
{
    if (!pattern)
        return 1;
    if (strpbrk(pattern, "*?["))
        return fnmatch(pattern, name, 0) == 0;
    return strstr(name, pattern) != NULL;
}

double ib_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CPU time of every thread of the process, for the cpu_time of the JSON reports. */
static double process_cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int ib_time(ib_timed_fn fn, void *ctx, double min_time, int reps, ib_timing *t)
{
    memset(t, 0, sizeof *t);
    if (reps < 1)
        reps = 1;
    if (reps > IB_MAX_REPS)
        reps = IB_MAX_REPS;
    int rc = fn(ctx); /* warm-up: caches, page faults, lazy initialisation */
    if (rc)
        return rc;
    /* Iterations per repetition: from the warm-up's time, then grown until one lasts. */
    int64_t iters = 1;
    for (;;) {
        double t0 = ib_now();
        for (int64_t k = 0; k < iters; k++)
            if ((rc = fn(ctx)))
                return rc;
        double dt = ib_now() - t0;
        if (dt >= min_time || iters >= ((int64_t)1 << 30))
            break;
        int64_t next = dt > 0 ? (int64_t)(iters * 1.2 * min_time / dt) + 1 : iters * 10;
        iters = next > iters * 10 ? iters * 10 : next < iters + 1 ? iters + 1 : next;
    }
    t->iters = iters;
    for (int r = 0; r < reps; r++)
        if ((rc = ib_time_more(fn, ctx, t)))
            return rc;
    return 0;
}

int ib_time_more(ib_timed_fn fn, void *ctx, ib_timing *t)
{
    if (t->reps >= IB_MAX_REPS || t->iters < 1)
        return 0;
    int rc;
    double t0 = ib_now(), c0 = process_cpu_s();
    for (int64_t k = 0; k < t->iters; k++)
        if ((rc = fn(ctx)))
            return rc;
    t->samples[t->reps] = (ib_now() - t0) / (double)t->iters;
    t->cpu_samples[t->reps] = (process_cpu_s() - c0) / (double)t->iters;
    t->reps++;
    ib_timing_summarize(t);
    return 0;
}

void ib_gb_collect_timing(void *ud, const ib_gb_sample *s)
{
    (void)ud;
    ib_timing *t = s->tag;
    if (!t)
        return;
    if (s->error) {
        t->failed = 1;
        return;
    }
    if (t->reps < IB_MAX_REPS) {
        t->samples[t->reps] = s->real_s;
        t->cpu_samples[t->reps] = s->cpu_s;
        t->iters = s->iterations;
        t->reps++;
    }
}

void ib_timing_summarize(ib_timing *t)
{
    const int reps = t->reps;
    if (reps < 1)
        return;
    double sorted[IB_MAX_REPS];
    t->med = ib_median(t->samples, reps, sorted); /* sorts into sorted */
    t->min = sorted[0];
    t->max = sorted[reps - 1];
    double mean = 0, var = 0;
    for (int r = 0; r < reps; r++)
        mean += sorted[r] / reps;
    for (int r = 0; r < reps; r++)
        var += (sorted[r] - mean) * (sorted[r] - mean) / (reps > 1 ? reps - 1 : 1);
    t->cv = mean > 0 ? sqrt(var) / mean : 0;
}

/* The multiply-adds impl's own algorithm executes for d (ib_impl.work: Winograd's element-wise
 * products) into *products; 0 when it has no count of its own. */
static int own_products(const ib_impl *impl, const ib_desc *d, int64_t *products)
{
    if (!impl || !impl->work)
        return 0;
    int64_t transforms;
    impl->work(d, products, &transforms);
    return 1;
}

double ib_impl_peak_flops(const ib_impl *impl, const ib_desc *d)
{
    int64_t products;
    if (own_products(impl, d, &products))
        return 2.0 * (double)products;
    ib_work w;
    ib_desc_work(d, &w);
    return (double)w.flops_exec;
}

double ib_impl_algo_macs(const ib_impl *impl, const ib_desc *d)
{
    int64_t products;
    if (own_products(impl, d, &products))
        return (double)products;
    ib_work w;
    ib_desc_work(d, &w);
    return (double)w.macs_nonpad;
}

double ib_impl_peak(const ib_impl *impl, int threads)
{
    return ib_peak_fma(ib_impl_peak_isa(impl), threads);
}

const char *ib_impl_kernel_name(const ib_impl *im, const ib_desc *d, char *buf, int len)
{
    buf[0] = 0;
    if (im->native) {
        const ib_native *nat = im->native(d);
        if (nat && nat->kernel)
            snprintf(buf, (size_t)len, "%s", nat->kernel);
    } else if (im->describe) {
        im->describe(im, d, buf, len);
    }
    return buf;
}

int ib_impl_selected(const char *list, const ib_impl *im)
{
    if (!list && im->opt_in)
        return 0;
    return ib_impl_listed(list, im->name);
}

int ib_families(const char *list, const char **names, int max)
{
    int n = 0;
    for (int r = 0; r < ib_registry_count(); r++) {
        const ib_impl *im = ib_registry_at(r);
        if (im->test_only || !ib_impl_usable(im, NULL) || !ib_impl_selected(list, im))
            continue;
        int seen = 0;
        for (int k = 0; k < n && !seen; k++)
            seen = !strcmp(names[k], im->name);
        if (!seen && n < max)
            names[n++] = im->name;
    }
    return n;
}

const char *ib_fmt_time(double s, char *buf, int len)
{
    if (!(s > 0))
        snprintf(buf, (size_t)len, "-");
    else if (s < 1e-3)
        snprintf(buf, (size_t)len, "%.1f us", s * 1e6);
    else if (s < 1)
        snprintf(buf, (size_t)len, "%.3g ms", s * 1e3);
    else
        snprintf(buf, (size_t)len, "%.3g s", s);
    return buf;
}
