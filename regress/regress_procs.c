/* incbench regress's measurement in separate processes and the merge of their reports. */
#include "regress/regress_procs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "regress/regress.h"
#include "regress/regress_io.h"

enum { MAX_ARGS = 512 }; /* incbench regress hands on up to 4 + 2 x 128 + 64 */

/* Runs exe with argv and the flags writing JSON to json; IB_OK when it exits with 0. */
static ib_status run_one(const char *exe, char *const *argv, int argc, int reps, double min_time,
                         const char *json, int k, int nprocs, ib_err *e)
{
    char bufs[IB_RG_GB_ARGS][1100];
    char *args[MAX_ARGS + IB_RG_GB_ARGS + 1];
    if (argc < 1 || argc > MAX_ARGS)
        return ib_fail(e, IB_INVALID, "regress: %d arguments for a measuring process", argc);
    memcpy(args, argv, (size_t)argc * sizeof *args);
    const int n = argc + ib_rg_gb_flags(reps, min_time, json, bufs, args + argc);
    args[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    const pid_t pid = fork();
    if (pid == 0) {
        execv(exe, args);
        perror("incbench regress: cannot run the measuring process");
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return ib_fail(e, IB_IO, "regress: cannot start measuring process %d of %d", k + 1, nprocs);
    if (WIFSIGNALED(status))
        return ib_fail(e, IB_INVALID, "regress: measuring process %d of %d died of signal %d",
                       k + 1, nprocs, WTERMSIG(status));
    if (WEXITSTATUS(status) != 0)
        return ib_fail(e, IB_INVALID,
                       "regress: measuring process %d of %d failed with exit status %d (a "
                       "failed verification or a benchmark error, see above)",
                       k + 1, nprocs, WEXITSTATUS(status));
    return IB_OK;
}

ib_status ib_rg_run_procs(const char *exe, char *const *argv, int argc, int nprocs, int reps,
                          double min_time, ib_json **out, ib_err *e)
{
    *out = NULL;
    if (nprocs < 1)
        return ib_fail(e, IB_INVALID, "regress: %d processes", nprocs);
    ib_status st = IB_OK;
    for (int k = 0; k < nprocs && st == IB_OK; k++) {
        char json[] = "/tmp/incbench-regress-XXXXXX";
        const int fd = mkstemp(json);
        if (fd < 0) {
            st = ib_fail(e, IB_IO, "regress: cannot create a temporary file in /tmp");
            break;
        }
        close(fd);
        if (nprocs > 1)
            printf("incbench regress: process %d of %d\n", k + 1, nprocs);
        ib_json *doc = NULL;
        st = run_one(exe, argv, argc, reps, min_time, json, k, nprocs, e);
        if (st == IB_OK && (st = ib_json_read_file(json, &doc, e)) == IB_OK)
            st = ib_rg_merge(out, doc, k, e);
        unlink(json);
    }
    char n[16];
    snprintf(n, sizeof n, "%d", nprocs);
    ib_json *ctx = *out ? (ib_json *)ib_json_get(*out, "context") : NULL;
    if (st == IB_OK && !ctx)
        st = ib_fail(e, IB_INVALID, "regress: the measuring process wrote no \"context\"");
    if (st == IB_OK)
        st = ib_json_set_str(ctx, "incbench_processes", n, e);
    if (st != IB_OK) {
        ib_json_free(*out);
        *out = NULL;
    }
    return st;
}

int ib_rg_procs_of(const ib_json *doc)
{
    const char *n = ib_json_get_str(ib_json_get(doc, "context"), "incbench_processes");
    return n && atoi(n) > 0 ? atoi(n) : 1;
}
