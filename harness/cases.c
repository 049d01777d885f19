/* The Inception-v3 case list (harness/cases.h). */
#include "harness/cases.h"

#include <stdio.h>
#include <string.h>

#include "cli/options.h"
#include "core/inception_v3.h"

int ib_case_add(ib_problem *cases, int *n, int max, const char *layer, const ib_desc *d)
{
    char a[200], b[200];
    ib_desc_str(d, a, sizeof a);
    for (int i = 0; i < *n; i++)
        if (cases[i].desc.op == d->op && !strcmp(ib_desc_str(&cases[i].desc, b, sizeof b), a))
            return 0;
    if (*n == max)
        return 0;
    snprintf(cases[*n].layer, sizeof cases[*n].layer, "%s", layer);
    cases[*n].desc = *d;
    (*n)++;
    return 1;
}

void ib_conv_output_problems(const ib_conv_desc *c, ib_desc *bn, ib_desc *relu)
{
    *bn = (ib_desc){.op = IB_OP_BN, .bn = {c->n, c->oc, c->oh, c->ow, 0.001f}};
    *relu = (ib_desc){.op = IB_OP_RELU, .relu = {c->n, c->oc, c->oh, c->ow}};
}

int ib_inception_cases(int64_t batch, ib_problem *cases, int max, ib_err *e)
{
    ib_net net;
    if (ib_inception_v3_build(batch, &net, e) != IB_OK)
        return -1;
    int n = 0;
    for (int i = 0; i < net.count; i++)
        if (!net.layers[i].identity)
            ib_case_add(cases, &n, max, net.layers[i].name, &net.layers[i].desc);
    for (int i = 0; i < net.count; i++) {
        const ib_layer *l = &net.layers[i];
        if (l->identity || l->desc.op != IB_OP_CONV)
            continue;
        ib_desc bn, relu;
        ib_conv_output_problems(&l->desc.conv, &bn, &relu);
        if (ib_desc_validate(&bn, NULL) == IB_OK)
            ib_case_add(cases, &n, max, l->name, &bn);
        if (ib_desc_validate(&relu, NULL) == IB_OK)
            ib_case_add(cases, &n, max, l->name, &relu);
    }
    for (int i = 0; i < net.count; i++) {
        const ib_layer *l = &net.layers[i];
        if (l->aux || l->identity || l->desc.op != IB_OP_FC)
            continue;
        ib_desc ls = {.op = IB_OP_LSLOSS,
                      .lsloss = {l->desc.fc.n, l->desc.fc.oc, IB_LSLOSS_DEFAULT_EPS}};
        if (ib_desc_validate(&ls, NULL) == IB_OK)
            ib_case_add(cases, &n, max, l->name, &ls);
    }
    ib_net_free(&net);
    return n;
}

int ib_run_cases(const ib_run_opts *o, ib_problem *cases, int max, ib_err *e)
{
    if (!o->nshapes)
        return ib_inception_cases(o->batch, cases, max, e);
    int n = 0;
    for (int i = 0; i < o->nshapes; i++)
        ib_case_add(cases, &n, max, o->shapes[i].name, &o->shapes[i].desc);
    return n;
}
