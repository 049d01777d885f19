/* incbench regress's system side: baseline files, the context stamp, CPU pinning, GB flags. */
#include "regress/regress_io.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/build_info.h"
#include "regress/regress.h"
#include "regress/regress_procs.h"

void ib_rg_baseline_path(const char *dir, const char *key, char *buf, int len)
{
    snprintf(buf, (size_t)len, "%s/%s.json", dir, key);
}

int ib_rg_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

ib_status ib_rg_stamp(ib_json *doc, const ib_cpu *c, int use_real_time, ib_err *e)
{
    ib_json *ctx = (ib_json *)ib_json_get(doc, "context");
    if (!ctx || ctx->type != IB_JSON_OBJECT)
        return ib_fail(e, IB_INVALID, "Google Benchmark's report has no \"context\" object");
    char key[128], id[512], isa[16], cores[16], caches[96];
    ib_rg_cpu_key(c, key, sizeof key);
    ib_rg_cpu_identity(c, id, sizeof id);
    snprintf(isa, sizeof isa, "%s", ib_isa_name(c->best));
    snprintf(cores, sizeof cores, "%d", c->cores);
    snprintf(caches, sizeof caches, "l1d=%lld l2=%lld l3=%lld", (long long)c->l1d, (long long)c->l2,
             (long long)c->l3);
    const char *kv[][2] = {
        {"incbench_cpu_key", key},
        {"incbench_cpu_identity", id},
        {"incbench_cpu_vendor", c->vendor},
        {"incbench_cpu_model", c->model},
        {"incbench_cpu_isa", isa},
        {"incbench_cpu_cores", cores},
        {"incbench_cpu_caches", caches},
        {"incbench_compiler", ib_build_compiler()},
        {"incbench_build_flags", ib_build_flags()},
        {"incbench_regress_time", use_real_time ? "real_time" : "cpu_time"},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
        ib_status st = ib_json_set_str(ctx, kv[i][0], kv[i][1], e);
        if (st != IB_OK)
            return st;
    }
    return IB_OK;
}

ib_status ib_rg_baseline_load(const char *path, const char *key, ib_json **doc, ib_err *e)
{
    ib_err pe = {{0}};
    ib_status st = ib_json_read_file(path, doc, &pe);
    if (st != IB_OK)
        return ib_fail(e, st, "baseline %s", pe.msg);
    const ib_json *ctx = ib_json_get(*doc, "context");
    const char *got = ib_json_get_str(ctx, "incbench_cpu_key");
    ib_rg_set s;
    if (!ctx || ctx->type != IB_JSON_OBJECT || !got) {
        st = ib_fail(e, IB_INVALID,
                     "baseline %s is corrupt or not incbench's: no context.incbench_cpu_key "
                     "(record one with 'incbench regress --record')",
                     path);
    } else if (strcmp(got, key) != 0) {
        const char *model = ib_json_get_str(ctx, "incbench_cpu_model");
        st = ib_fail(e, IB_INVALID,
                     "baseline %s is from another CPU: %s (%s), this CPU is %s; record one here "
                     "with 'incbench regress --record'",
                     path, got, model ? model : "model unknown", key);
    } else if (ib_rg_procs_of(*doc) < IB_RG_MIN_BASE_PROCS) {
        /* One process never samples the process-to-process change a check carries. */
        st = ib_fail(e, IB_INVALID,
                     "baseline %s holds %d process%s; a baseline needs at least %d (record it "
                     "again with 'incbench regress --record --force')",
                     path, ib_rg_procs_of(*doc), ib_rg_procs_of(*doc) == 1 ? "" : "es",
                     IB_RG_MIN_BASE_PROCS);
    } else if ((st = ib_rg_samples(*doc, 0, &s, &pe)) != IB_OK) {
        st = ib_fail(e, st, "baseline %s is corrupt: %s", path, pe.msg);
    } else {
        ib_rg_set_free(&s);
    }
    if (st != IB_OK) {
        ib_json_free(*doc);
        *doc = NULL;
    }
    return st;
}

ib_status ib_rg_check_config(const ib_json *base, const ib_json *cur, ib_err *e)
{
    static const char *const keys[] = {"incbench_threads", "incbench_batch", "incbench_isa_cap",
                                       "incbench_regress_time"};
    const ib_json *bc = ib_json_get(base, "context"), *cc = ib_json_get(cur, "context");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *a = ib_json_get_str(bc, keys[i]), *b = ib_json_get_str(cc, keys[i]);
        if ((a || b) && (!a || !b || strcmp(a, b) != 0))
            return ib_fail(e, IB_INVALID,
                           "the baseline was recorded with %s=%s, this run has %s=%s: not "
                           "comparable (run with the same settings, or record a new baseline)",
                           keys[i], a ? a : "(none)", keys[i], b ? b : "(none)");
    }
    return IB_OK;
}

/* Creates path's folder when it is missing. */
static ib_status ensure_dir(const char *path, ib_err *e)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    const char *dir = dirname(tmp);
    if (ib_rg_file_exists(dir) || mkdir(dir, 0755) == 0 || errno == EEXIST)
        return IB_OK;
    return ib_fail(e, IB_IO, "cannot create folder %s: %s", dir, strerror(errno));
}

static void sync_dir(const char *path)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    int fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd); /* best effort: the rename itself is already atomic */
        close(fd);
    }
}

ib_status ib_rg_baseline_save(const char *path, const ib_json *doc, int force, ib_err *e)
{
    char tmp[1100];
    if (strlen(path) > 1000)
        return ib_fail(e, IB_INVALID, "baseline path too long");
    if (!force && ib_rg_file_exists(path))
        return ib_fail(e, IB_INVALID, "%s exists: not replaced (add --force to replace it)", path);
    ib_status st = ensure_dir(path, e);
    if (st != IB_OK)
        return st;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return ib_fail(e, IB_IO, "cannot create %s: %s", tmp, strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        return ib_fail(e, IB_IO, "cannot write %s: %s", tmp, strerror(errno));
    }
    ib_err we = {{0}};
    st = ib_json_write(f, doc, &we);
    if (st == IB_OK && fsync(fileno(f)) != 0)
        st = ib_fail(&we, IB_IO, "fsync: %s", strerror(errno));
    if (fclose(f) != 0 && st == IB_OK)
        st = ib_fail(&we, IB_IO, "close: %s", strerror(errno));
    if (st != IB_OK) {
        unlink(tmp);
        return ib_fail(e, st, "cannot write %s: %s", tmp, we.msg);
    }
    if (force) {
        if (rename(tmp, path) != 0)
            st = ib_fail(e, IB_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    } else if (link(tmp, path) != 0) {
        /* link() is the atomic "create unless it exists"; a file system without hard links
         * falls back to a check and a rename. */
        if (errno == EEXIST)
            st =
                ib_fail(e, IB_INVALID, "%s exists: not replaced (add --force to replace it)", path);
        else if (ib_rg_file_exists(path))
            st = ib_fail(e, IB_INVALID, "%s exists: not replaced (add --force)", path);
        else if (rename(tmp, path) != 0)
            st = ib_fail(e, IB_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    }
    unlink(tmp); /* after link(): the baseline keeps its own name; after rename(): gone */
    if (st == IB_OK)
        sync_dir(path);
    return st;
}

int ib_rg_pin(int want, const char **why)
{
    cpu_set_t allowed, one;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
        *why = "sched_getaffinity failed";
        return -1;
    }
    int cpu = -1;
    if (want >= 0 && want < CPU_SETSIZE && CPU_ISSET(want, &allowed))
        cpu = want;
    for (int i = CPU_SETSIZE - 1; cpu < 0 && i >= 0; i--)
        if (CPU_ISSET(i, &allowed))
            cpu = i;
    if (cpu < 0) {
        *why = "no CPU allowed";
        return -1;
    }
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) {
        *why = "sched_setaffinity refused";
        return -1;
    }
    return cpu;
}

int ib_rg_gb_flags(int reps, double min_time, const char *out_path, char bufs[][1100], char **argv)
{
    int n = 0;
    snprintf(bufs[n++], 1100, "--benchmark_repetitions=%d", reps);
    snprintf(bufs[n++], 1100, "--benchmark_enable_random_interleaving=true");
    snprintf(bufs[n++], 1100, "--benchmark_min_time=%g", min_time);
    snprintf(bufs[n++], 1100, "--benchmark_out=%s", out_path);
    snprintf(bufs[n++], 1100, "--benchmark_out_format=json");
    snprintf(bufs[n++], 1100, "--benchmark_display_aggregates_only=true");
    for (int i = 0; i < n; i++)
        argv[i] = bufs[i];
    return n;
}
