/* machine.csv: the CPU, the build and the peers' versions, recorded by the run itself so the
 * report states what produced the numbers, not what the report's binary happens to be. */
#include "harness/run_info.h"

#include <stdio.h>
#include <time.h>

#include "core/cpu.h"
#include "harness/build_info.h"
#include "report/csv.h"
#include "report/results.h"

#if IB_HAVE_ONEDNN
#include <dnnl.h>
#endif
#if IB_HAVE_XSMM
#include <libxsmm.h>
#endif

#ifndef IB_GBENCH_VERSION
#define IB_GBENCH_VERSION "unknown" /* the Makefile passes pkg-config's answer */
#endif

static void kv(FILE *f, const char *k, const char *v)
{
    ib_csv_put(f, k, ',');
    ib_csv_put(f, v, '\n');
}

static void bytes(char *buf, size_t len, long long b)
{
    if (b <= 0)
        snprintf(buf, len, "unknown");
    else if (b % (1 << 20) == 0)
        snprintf(buf, len, "%lld MiB", b >> 20);
    else
        snprintf(buf, len, "%lld KiB", b >> 10);
}

int ib_run_info_write(const char *dir, int threads)
{
    FILE *f = ib_results_open(dir, "machine.csv");
    if (!f)
        return 2;
    const ib_cpu *c = ib_cpu_get();
    char buf[256], l1[32], l2[32], l3[32];
    fprintf(f, "key,value\n");
    kv(f, "cpu", c->model);
    kv(f, "arch", c->arch);
    snprintf(buf, sizeof buf, "%d", c->cores);
    kv(f, "logical_cpus", buf);
    snprintf(buf, sizeof buf, "%s%s%s", ib_isa_name(c->best),
             c->cap != c->best ? ", capped at " : "", c->cap != c->best ? ib_isa_name(c->cap) : "");
    kv(f, "isa", buf);
    bytes(l1, sizeof l1, c->l1d), bytes(l2, sizeof l2, c->l2), bytes(l3, sizeof l3, c->l3);
    snprintf(buf, sizeof buf, "L1d %s, L2 %s, L3 %s", l1, l2, l3);
    kv(f, "caches", buf);
    snprintf(buf, sizeof buf, "%d", threads);
    kv(f, "threads", buf);
    kv(f, "compiler", ib_build_compiler());
    kv(f, "flags", ib_build_flags());
    kv(f, "google_benchmark", IB_GBENCH_VERSION);
#if IB_HAVE_ONEDNN
    const dnnl_version_t *v = dnnl_version();
    snprintf(buf, sizeof buf, "%d.%d.%d", v->major, v->minor, v->patch);
    kv(f, "onednn", buf);
#else
    kv(f, "onednn", "not built");
#endif
#if IB_HAVE_XSMM
    kv(f, "libxsmm", LIBXSMM_VERSION);
#else
    kv(f, "libxsmm", "not built");
#endif
    time_t now = time(NULL);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    kv(f, "date", buf);
    return fclose(f) ? 2 : 0;
}
