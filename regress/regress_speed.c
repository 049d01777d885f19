/* Each process's common speed on one side of a comparison (regress/regress_speed.h). */
#include "regress/regress_speed.h"

#include <math.h>
#include <stdlib.h>

#include "harness/stats.h"

void ib_rg_process_medians(const ib_rg_bench *b, const ib_rg_speed *sp, int *proc, double *med,
                           int *k, double *tmp)
{
    *k = 0;
    for (int i = 0; i < b->n; i++) {
        int first = 1; /* the first repetition of its process: that process not seen yet */
        for (int j = 0; j < i && first; j++)
            first = b->proc[j] != b->proc[i];
        if (!first)
            continue;
        int n = 0;
        for (int j = i; j < b->n; j++)
            if (b->proc[j] == b->proc[i])
                tmp[b->n + n++] = b->ns[j];
        if (proc)
            proc[*k] = b->proc[i];
        med[(*k)++] = ib_median(tmp + b->n, n, tmp) / ib_rg_speed_factor(sp, b->proc[i]);
    }
}

static int usable(const ib_rg_bench *b)
{
    return !b->problem[0] && b->n > 0;
}

ib_status ib_rg_speed_of(const ib_rg_set *side, const ib_rg_set *other, ib_rg_speed *sp, ib_err *e)
{
    sp->factor = NULL;
    sp->nproc = sp->nbench = sp->k = 0;
    sp->ss = 0;
    int maxn = 0;
    for (int i = 0; i < side->n; i++) {
        const ib_rg_bench *b = &side->b[i];
        maxn = b->n > maxn ? b->n : maxn;
        for (int j = 0; j < b->n; j++)
            sp->nproc = b->proc[j] >= sp->nproc ? b->proc[j] + 1 : sp->nproc;
    }
    const size_t np = (size_t)(sp->nproc > 0 ? sp->nproc : 1), nb = (size_t)side->n + 1;
    sp->factor = malloc(np * sizeof *sp->factor);
    double *dev = malloc(np * nb * sizeof *dev); /* [process][benchmark], NaN where absent */
    double *tmp = malloc((4 * (size_t)maxn + nb + 1) * sizeof *tmp);
    int *proc = malloc(((size_t)maxn + 1) * sizeof *proc);
    if (!sp->factor || !dev || !tmp || !proc) {
        free(dev), free(tmp), free(proc);
        ib_rg_speed_free(sp);
        return ib_fail(e, IB_NOMEM, "regress: out of memory");
    }
    for (size_t i = 0; i < np * nb; i++)
        dev[i] = NAN;
    double *med = tmp + 2 * (size_t)maxn, *logs = med + maxn;
    for (int i = 0; i < side->n; i++) {
        const ib_rg_bench *b = &side->b[i], *c = ib_rg_find(other, b->name);
        int k = 0;
        if (!usable(b) || !c || !usable(c))
            continue;
        ib_rg_process_medians(b, NULL, proc, med, &k, tmp);
        if (k < 2)
            continue;
        for (int j = 0; j < k; j++)
            logs[j] = log(med[j]);
        const double centre = ib_median(logs, k, tmp);
        for (int j = 0; j < k; j++)
            dev[(size_t)proc[j] * nb + (size_t)sp->nbench] = logs[j] - centre;
        sp->nbench++;
    }
    const int enough = sp->nbench >= IB_RG_SPEED_MIN_BENCH;
    double sum = 0, sum2 = 0; /* over the processes that ran a compared benchmark */
    for (int p = 0; p < sp->nproc; p++) {
        int n = 0;
        for (int i = 0; i < sp->nbench; i++)
            if (!isnan(dev[(size_t)p * nb + (size_t)i]))
                logs[n++] = dev[(size_t)p * nb + (size_t)i];
        sp->factor[p] = 1;
        if (!enough || n == 0)
            continue;
        const double f = ib_median(logs, n, tmp);
        sp->factor[p] = exp(f);
        sum += f, sum2 += f * f;
        sp->k++;
    }
    if (!enough)
        sp->nbench = 0;
    sp->ss = sp->k > 1 ? fmax(0, sum2 - sum * sum / sp->k) : 0;
    free(dev), free(tmp), free(proc);
    return IB_OK;
}

double ib_rg_speed_factor(const ib_rg_speed *sp, int proc)
{
    return sp && proc >= 0 && proc < sp->nproc && sp->factor ? sp->factor[proc] : 1;
}

void ib_rg_speed_free(ib_rg_speed *sp)
{
    free(sp->factor);
    sp->factor = NULL;
    sp->nproc = sp->nbench = sp->k = 0;
    sp->ss = 0;
}
