/* incbench model: the Inception-v3 layer table with its totals, as text or JSON. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "core/inception_v3.h"
#include "ops/op_traits.h"

/* The geometry a row shows, whatever the layer type. */
typedef struct row {
    const char *type;
    int64_t ic, ih, iw, oc, oh, ow, kh, kw, sh, sw, pt, pb, pl, pr;
    ib_work work;
} row;

static row row_of(const ib_net *net, int i)
{
    const ib_layer *ly = &net->layers[i];
    row r = {.type = ly->identity ? "dropout" : ib_op_name(ly->desc.op)};
    if (ly->identity) { /* the shape of what it passes through */
        row src = row_of(net, ly->src[0]);
        r.ic = r.oc = src.oc;
        r.ih = r.oh = src.oh;
        r.iw = r.ow = src.ow;
        return r;
    }
    /* In: the data inputs' channels together (a concat's are its output's), the first one's
     * grid; out: the first output; the window where the layer type has one. */
    const ib_desc *d = &ly->desc;
    const ib_op_traits *t = ib_op_traits_of(d->op);
    ib_arg_shapes s;
    ib_desc_work(d, &r.work);
    ib_arg_shapes_of(d, &s);
    for (int k = 0; k < s.nin; k++)
        r.ic += s.in_is_data[k] ? s.in[k].c : 0;
    r.ih = s.in[0].h;
    r.iw = s.in[0].w;
    r.oc = s.out[0].c;
    r.oh = s.out[0].h;
    r.ow = s.out[0].w;
    if (t->window) {
        ib_window w;
        t->window(d, &w);
        r.kh = w.kh, r.kw = w.kw, r.sh = w.sh, r.sw = w.sw;
        r.pt = w.pt, r.pb = w.pb, r.pl = w.pl, r.pr = w.pr;
    }
    return r;
}

static void print_text(const ib_net *net)
{
    printf("Inception-v3 (torchvision inception_v3, eval mode), 299x299 input, batch %lld\n",
           (long long)net->batch);
    printf("%-3s %-36s %-7s %-3s %14s %14s %5s %5s %9s %13s %10s\n", "#", "layer", "type", "aux",
           "in (c,h,w)", "out (c,h,w)", "k", "s", "pad tblr", "MACs", "params");
    for (int i = 0; i < net->count; i++) {
        row r = row_of(net, i);
        char in[32], out[32], k[16] = "", s[16] = "", pad[24] = "";
        snprintf(in, sizeof in, "%lld,%lld,%lld", (long long)r.ic, (long long)r.ih,
                 (long long)r.iw);
        snprintf(out, sizeof out, "%lld,%lld,%lld", (long long)r.oc, (long long)r.oh,
                 (long long)r.ow);
        if (r.kh) {
            snprintf(k, sizeof k, "%lldx%lld", (long long)r.kh, (long long)r.kw);
            snprintf(s, sizeof s, "%lld", (long long)r.sh);
            snprintf(pad, sizeof pad, "%lld%lld%lld%lld", (long long)r.pt, (long long)r.pb,
                     (long long)r.pl, (long long)r.pr);
        }
        printf("%-3d %-36s %-7s %-3s %14s %14s %5s %5s %9s %13lld %10lld\n", i, net->layers[i].name,
               r.type, net->layers[i].aux ? "aux" : "", in, out, k, s, pad, (long long)r.work.macs,
               (long long)r.work.params);
    }
    ib_net_totals with, without;
    ib_net_totals_of(net, 1, &with);
    ib_net_totals_of(net, 0, &without);
    printf("\ntotals without the auxiliary classifier: %lld convolutions, %lld MACs (%.2f G), "
           "%lld parameters\n",
           (long long)without.convs, (long long)without.macs, without.macs / 1e9,
           (long long)without.params);
    printf("totals with the auxiliary classifier:    %lld convolutions, %lld MACs (%.2f G), "
           "%lld parameters\n",
           (long long)with.convs, (long long)with.macs, with.macs / 1e9, (long long)with.params);
    printf("torchvision publishes %lld parameters (with the auxiliary classifier): %s\n",
           IB_TORCHVISION_PARAMS_WITH_AUX,
           with.params == IB_TORCHVISION_PARAMS_WITH_AUX ? "equal" : "DIFFERENT");
}

static void print_json(const ib_net *net)
{
    printf("{\n  \"model\": \"inception_v3\",\n  \"input\": [%lld, 3, 299, 299],\n"
           "  \"layers\": [\n",
           (long long)net->batch);
    for (int i = 0; i < net->count; i++) {
        row r = row_of(net, i);
        const ib_layer *ly = &net->layers[i];
        printf("    {\"index\": %d, \"name\": \"%s\", \"type\": \"%s\", \"aux\": %s, "
               "\"in_c\": %lld, \"in_h\": %lld, \"in_w\": %lld, "
               "\"out_c\": %lld, \"out_h\": %lld, \"out_w\": %lld, "
               "\"kernel_h\": %lld, \"kernel_w\": %lld, \"stride_h\": %lld, \"stride_w\": %lld, "
               "\"pad_top\": %lld, \"pad_bottom\": %lld, \"pad_left\": %lld, \"pad_right\": %lld, "
               "\"macs\": %lld, \"params\": %lld, \"inputs\": [",
               i, ly->name, r.type, ly->aux ? "true" : "false", (long long)r.ic, (long long)r.ih,
               (long long)r.iw, (long long)r.oc, (long long)r.oh, (long long)r.ow, (long long)r.kh,
               (long long)r.kw, (long long)r.sh, (long long)r.sw, (long long)r.pt, (long long)r.pb,
               (long long)r.pl, (long long)r.pr, (long long)r.work.macs, (long long)r.work.params);
        for (int k = 0; k < ly->nsrc; k++)
            printf("%s%d", k ? ", " : "", ly->src[k]);
        printf("]}%s\n", i + 1 < net->count ? "," : "");
    }
    ib_net_totals with, without;
    ib_net_totals_of(net, 1, &with);
    ib_net_totals_of(net, 0, &without);
    printf("  ],\n  \"totals\": {\n"
           "    \"without_aux\": {\"convs\": %lld, \"macs\": %lld, \"params\": %lld},\n"
           "    \"with_aux\": {\"convs\": %lld, \"macs\": %lld, \"params\": %lld}\n  }\n}\n",
           (long long)without.convs, (long long)without.macs, (long long)without.params,
           (long long)with.convs, (long long)with.macs, (long long)with.params);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench model [--json] [--batch N]\n"
               "Prints every layer of Inception-v3 (torchvision, eval mode, 299x299) in\n"
               "forward order with its geometry, MACs and parameters, and the totals with\n"
               "and without the auxiliary classifier.\n\n");
    ib_run_opts_help(f, IB_CMD_BIT(model));
}

static const ib_cmd_spec spec = IB_CMD_SPEC(model, 0, 0, usage);

int ib_cmd_model(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "model");
    const int rc = ib_run_opts_parse(&o, &spec, argc, argv);
    if (rc >= 0)
        return rc;
    ib_net net;
    ib_err e = {{0}};
    if (ib_inception_v3_build(o.batch, &net, &e) != IB_OK) {
        fprintf(stderr, "incbench model: %s\n", e.msg);
        return 2;
    }
    if (o.json)
        print_json(&net);
    else
        print_text(&net);
    ib_net_free(&net);
    return 0;
}
