/* Timing of one factorization case: every layer of both forms verified against the reference
 * on each family, then forms A and B registered with Google Benchmark and their repetitions
 * run interleaved at random, so slow drift of the machine falls on both forms alike. */
#include "studies/factor_measure.h"

#include <stdio.h>
#include <string.h>

#include "core/registry.h"
#include "harness/gbench.h"
#include "harness/verify.h"

enum { MAX_FAM = 8 };

/* The instances of one form on one family, run in order as one timed call. */
typedef struct form_run {
    ib_instance *inst[IB_FORM_MAX];
    int n;
    ib_fform_time *res;
} form_run;

static int run_form(void *p, int64_t iters)
{
    const form_run *f = p;
    for (int64_t it = 0; it < iters; it++)
        for (int i = 0; i < f->n; i++)
            if (ib_instance_run(f->inst[i]) != IB_OK)
                return 1;
    return 0;
}

static void kernel_append(ib_fform_time *r, const ib_impl *im, const ib_desc *d)
{
    char k[96];
    if (!*ib_impl_kernel_name(im, d, k, sizeof k))
        return;
    if (strstr(r->kernel, k)) /* each distinct kernel once */
        return;
    const size_t used = strlen(r->kernel);
    snprintf(r->kernel + used, sizeof r->kernel - used, "%s%s", used ? " + " : "", k);
}

/* Creates inst of im on vc's inputs and, when check, verifies it against vc's reference
 * (into vr); later rounds of a case re-create what round 0 verified, and running the
 * reference again (most of a round's time on the module forms) would check nothing new. */
static ib_status make_instance(ib_vcase *vc, const ib_impl *im, int check, ib_instance **inst,
                               ib_verify_result *vr, ib_err *e)
{
    if (check)
        return ib_vcase_verify_impl(vc, im, inst, vr, e);
    vr->ok = 1;
    return ib_instance_create(im, &vc->desc, &vc->args, inst, e);
}

/* Verifies (when check) every layer of f on every family; fills runs[k] with the
 * instances. */
static int verify_form(const ib_run_opts *o, const ib_form *f, const char **fam, int nfam,
                       int check, form_run *runs)
{
    int rc = 0;
    for (int i = 0; i < f->n; i++) {
        ib_vcase vc;
        ib_err e = {{0}};
        int have = 0;
        for (int k = 0; k < nfam; k++) {
            ib_fform_time *res = runs[k].res;
            if (res->state != 1)
                continue;
            /* an algorithm family runs the layers it does not suit directly */
            const ib_impl *im = ib_registry_family_impl(fam[k], &f->d[i]);
            const char *why = NULL;
            if (!im) {
                const ib_impl *own = ib_registry_lookup(f->d[i].op, fam[k]);
                if (own && ib_impl_usable(own, &why) && own->supports)
                    own->supports(&f->d[i], &why);
                res->state = 0;
                snprintf(res->why, sizeof res->why, "no %s %s%s%s", fam[k], ib_op_name(f->d[i].op),
                         why ? ": " : "", why ? why : "");
                continue;
            }
            if (!have) {
                const uint64_t seed = 0xfac7 + (uint64_t)i;
                if ((check ? ib_vcase_init(&vc, &f->d[i], seed, &e)
                           : ib_vcase_init_inputs(&vc, &f->d[i], seed, &e)) != IB_OK) {
                    fprintf(stderr, "incbench %s: %s\n", o->cmd, e.msg);
                    return 2;
                }
                have = 1;
            }
            ib_verify_result vr;
            ib_status st = make_instance(&vc, im, check, &runs[k].inst[i], &vr, &e);
            runs[k].n = i + 1;
            if (st == IB_UNSUPPORTED) {
                res->state = 0;
                snprintf(res->why, sizeof res->why, "%s", e.msg);
            } else if (st != IB_OK || !vr.ok) {
                res->state = -1;
                snprintf(res->why, sizeof res->why, "verification FAILED: %s",
                         st != IB_OK ? e.msg : vr.msg);
                fprintf(stderr, "incbench %s: %s %s layer %d: %s\n", o->cmd, fam[k], f->name, i,
                        res->why);
                rc = 1;
            } else if (check) {
                kernel_append(res, im, &f->d[i]);
            }
        }
        if (have)
            ib_vcase_free(&vc);
    }
    return rc;
}

/* Each repetition goes to the form's timing; the form is the benchmark's tag. */
static void collect(void *ud, const ib_gb_sample *s)
{
    form_run *f = s->tag;
    if (!f)
        return;
    ib_fform_time *r = f->res;
    const ib_gb_sample at = {.tag = &r->t,
                             .repetition = s->repetition,
                             .iterations = s->iterations,
                             .real_s = s->real_s,
                             .cpu_s = s->cpu_s,
                             .error = s->error};
    ib_gb_collect_timing(ud, &at);
    if (s->error) {
        r->state = -1;
        snprintf(r->why, sizeof r->why, "a run failed while timing: %s", s->error);
    }
}

int ib_factor_measure(const ib_run_opts *o, const char *prefix, const ib_fcase *c, const char **fam,
                      int nfam, int threads, int round, ib_fform_time *ra, ib_fform_time *rb)
{
    form_run runs[2][MAX_FAM];
    memset(runs, 0, sizeof runs);
    for (int k = 0; k < nfam && k < MAX_FAM; k++) {
        if (round == 0) {
            memset(&ra[k], 0, sizeof ra[k]);
            memset(&rb[k], 0, sizeof rb[k]);
            ra[k].state = rb[k].state = 1;
        }
        runs[0][k].res = &ra[k];
        runs[1][k].res = &rb[k];
    }
    const ib_form *forms[2] = {&c->a, &c->b};
    int rc = 0;
    for (int s = 0; s < 2 && rc != 2; s++) {
        int r = verify_form(o, forms[s], fam, nfam, round == 0, runs[s]);
        rc = r > rc ? r : rc;
    }
    if (rc != 2) {
        ib_gb_init_interleaved();
        int registered = 0;
        for (int k = 0; k < nfam; k++) {
            if (ra[k].state != 1 || rb[k].state != 1)
                continue; /* a pair is timed only when both forms run */
            for (int s = 0; s < 2; s++) {
                ib_fform_time *res = runs[s][k].res;
                snprintf(res->name, sizeof res->name, "%s/%d/%s/%s/%s", prefix, c->pair, c->name,
                         forms[s]->name, fam[k]);
                res->on_cpu = threads == 1; /* else wall time: OpenMP threads */
                const ib_gb_bench b = {.name = res->name,
                                       .fn = run_form,
                                       .ctx = &runs[s][k],
                                       .use_real_time = threads > 1,
                                       .repetitions = (int)o->reps,
                                       .min_time = o->min_time,
                                       .tag = &runs[s][k]};
                if (ib_gb_register(&b) == 0)
                    registered++;
                const ib_impl *im = ib_registry_lookup(forms[s]->d[0].op, fam[k]);
                res->peak = im ? ib_impl_peak(im, threads) : 0;
            }
        }
        if (registered)
            ib_gb_run_collect(collect, NULL);
        ib_gb_clear();
        for (int k = 0; k < nfam; k++)
            for (int s = 0; s < 2; s++) {
                ib_fform_time *res = runs[s][k].res, *other = runs[1 - s][k].res;
                if (res->state == 1 && other->state == 0) { /* the pair is n/a, not failed */
                    res->state = 0;
                    snprintf(res->why, sizeof res->why, "%s", other->why);
                } else if (res->state == 1 && res->t.reps < 1) {
                    res->state = -1;
                    snprintf(res->why, sizeof res->why, "no repetition was timed");
                }
                if (res->state == 1 && round < IB_MAX_ROUNDS) {
                    ib_timing_summarize(&res->t);
                    res->ends[round] = res->t.reps;
                    res->rounds = round + 1;
                } else if (res->state < 0)
                    rc = rc ? rc : 1;
            }
    }
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < nfam; k++)
            for (int i = 0; i < runs[s][k].n; i++)
                ib_instance_destroy(runs[s][k].inst[i]);
    return rc;
}
