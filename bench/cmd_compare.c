/* incbench compare: ratios of implementations measured in one Google Benchmark run (the JSON
 * that `incbench bench --benchmark_out=FILE` writes): per layer, geometric mean, worst, and
 * for convolutions the whole network's sum (each distinct shape's time x its count). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/cli.h"
#include "bench/commands.h"
#include "bench/json.h"
#include "kernels/inception_v3.h"

enum { MAX_ROWS = 1024, MAX_TIMES = 64 };

/* The repetitions of one benchmark OP/LAYER/IMPL. */
typedef struct series {
    char op[16], layer[64], impl[32];
    double t[MAX_TIMES];
    int n;
} series;

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench compare FILE [--base IMPL] [--impl IMPL] [--op OP]\n\n"
               "Reads the Google Benchmark JSON of one `incbench bench` run and prints, for each\n"
               "layer timed by both, time(IMPL) / time(BASE) from the medians of the\n"
               "repetitions (auxiliary-head layers left out), then the geometric mean, the\n"
               "worst layer, the layers above 1.10, and for convolutions the sum over the\n"
               "network's 94 (each distinct shape's time times how often Inception-v3 has it).\n\n"
               "  --base IMPL  the reference point (default onednn)\n"
               "  --impl IMPL  the implementation compared (default avx2)\n"
               "  --op OP      the layer type (default conv)\n");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(series *s)
{
    qsort(s->t, (size_t)s->n, sizeof s->t[0], cmp_double);
    return s->n % 2 ? s->t[s->n / 2] : 0.5 * (s->t[s->n / 2 - 1] + s->t[s->n / 2]);
}

static series *find_or_add(series *rows, int *n, const char *op, const char *layer,
                           const char *impl)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp(rows[i].op, op) && !strcmp(rows[i].layer, layer) &&
            !strcmp(rows[i].impl, impl))
            return &rows[i];
    if (*n >= MAX_ROWS)
        return NULL;
    series *s = &rows[(*n)++];
    memset(s, 0, sizeof *s);
    snprintf(s->op, sizeof s->op, "%s", op);
    snprintf(s->layer, sizeof s->layer, "%s", layer);
    snprintf(s->impl, sizeof s->impl, "%s", impl);
    return s;
}

/* Collects real_time of every repetition ("run_type": "iteration"), or of the "median"
 * aggregates when the file holds aggregates only. */
static int collect(const ib_json *doc, series *rows, int *n, int aggregates)
{
    const ib_json *list = ib_json_get(doc, "benchmarks");
    if (!list || list->type != IB_JSON_ARRAY)
        return 0;
    int used = 0;
    for (int i = 0; i < list->count; i++) {
        const ib_json *b = list->items[i];
        const char *name = ib_json_get_str(b, "run_name");
        const char *type = ib_json_get_str(b, "run_type");
        const char *agg = ib_json_get_str(b, "aggregate_name");
        double t = ib_json_get_num(b, "real_time", NAN);
        if (!name || !type || !isfinite(t) || ib_json_get_str(b, "error_message"))
            continue;
        if (aggregates ? strcmp(type, "aggregate") || !agg || strcmp(agg, "median")
                       : strcmp(type, "iteration"))
            continue;
        char op[16], layer[64], impl[32];
        if (sscanf(name, "%15[^/]/%63[^/]/%31s", op, layer, impl) != 3)
            continue;
        series *s = find_or_add(rows, n, op, layer, impl);
        if (s && s->n < MAX_TIMES) {
            s->t[s->n++] = t;
            used++;
        }
    }
    return used;
}

/* 1 when name is a layer of the auxiliary classifier (left out of the summary). */
static int is_aux(const ib_net *net, const char *name)
{
    for (int i = 0; i < net->count; i++)
        if (!strcmp(net->layers[i].name, name))
            return net->layers[i].aux;
    return 0;
}

/* Position of layer name in the network (layers the network lacks sort last). */
static int layer_pos(const ib_net *net, const char *name)
{
    for (int i = 0; i < net->count; i++)
        if (!strcmp(net->layers[i].name, name))
            return i;
    return net->count;
}

static const ib_net *sort_net;
static int by_position(const void *x, const void *y)
{
    const series *a = x, *b = y;
    return layer_pos(sort_net, a->layer) - layer_pos(sort_net, b->layer);
}

/* How many non-auxiliary convolutions of the network share the descriptor of layer name. */
static int conv_count(const ib_net *net, const char *name)
{
    char want[160] = "", have[160];
    for (int i = 0; i < net->count; i++)
        if (!strcmp(net->layers[i].name, name) && !net->layers[i].identity)
            ib_desc_str(&net->layers[i].desc, want, sizeof want);
    if (!want[0])
        return 0;
    int count = 0;
    for (int i = 0; i < net->count; i++) {
        const ib_layer *ly = &net->layers[i];
        if (!ly->aux && !ly->identity && ly->desc.op == IB_OP_CONV &&
            !strcmp(want, ib_desc_str(&ly->desc, have, sizeof have)))
            count++;
    }
    return count;
}

int ib_cmd_compare(int argc, char **argv)
{
    const char *file = NULL, *base = "onednn", *impl = "avx2", *op = "conv";
    for (int i = 1; i < argc; i++) {
        if (ib_cli_is_help(argv[i])) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--base") || !strcmp(argv[i], "--impl") ||
                   !strcmp(argv[i], "--op")) {
            const char *v = ib_cli_value("compare", argc, argv, &i);
            if (!v)
                return 2;
            *(argv[i - 1][2] == 'b' ? &base : argv[i - 1][2] == 'i' ? &impl : &op) = v;
        } else if (argv[i][0] == '-') {
            return ib_cli_unknown("compare", argv[i]);
        } else if (!file) {
            file = argv[i];
        } else {
            fprintf(stderr, "incbench compare: one results file only ('%s')\n", argv[i]);
            return 2;
        }
    }
    if (!file) {
        usage(stderr);
        return 2;
    }
    ib_json *doc = NULL;
    ib_err e = {{0}};
    if (ib_json_read_file(file, &doc, &e) != IB_OK) {
        fprintf(stderr, "incbench compare: %s\n", e.msg);
        return 2;
    }
    static series rows[MAX_ROWS];
    int nrows = 0;
    if (!collect(doc, rows, &nrows, 0))
        collect(doc, rows, &nrows, 1);
    ib_json_free(doc);
    if (!nrows) {
        fprintf(stderr, "incbench compare: %s holds no benchmark named OP/LAYER/IMPL\n", file);
        return 2;
    }
    ib_net net;
    if (ib_inception_v3_build(1, &net, &e) != IB_OK) {
        fprintf(stderr, "incbench compare: %s\n", e.msg);
        return 2;
    }
    sort_net = &net; /* rows in forward order, whatever order the run interleaved them in */
    qsort(rows, (size_t)nrows, sizeof rows[0], by_position);
    printf("%s: %s / %s, %s layers, medians of repetitions\n", file, impl, base, op);
    printf("%-34s %5s %12s %12s %7s\n", "layer", "reps", impl, base, "ratio");
    double log_sum = 0, worst = 0, sum_a = 0, sum_b = 0;
    int n = 0, above = 0, weighted = 0;
    const char *worst_layer = "";
    for (int i = 0; i < nrows; i++) {
        series *a = &rows[i];
        if (strcmp(a->op, op) || strcmp(a->impl, impl) || is_aux(&net, a->layer))
            continue;
        series *b = NULL;
        for (int k = 0; k < nrows && !b; k++)
            if (!strcmp(rows[k].op, op) && !strcmp(rows[k].layer, a->layer) &&
                !strcmp(rows[k].impl, base))
                b = &rows[k];
        if (!b)
            continue;
        double ta = median(a), tb = median(b), r = ta / tb;
        printf("%-34s %5d %10.1fus %10.1fus %7.3f%s\n", a->layer, a->n < b->n ? a->n : b->n,
               ta / 1e3, tb / 1e3, r, r > 1.10 ? "  > 1.10" : "");
        log_sum += log(r);
        n++;
        above += r > 1.10;
        if (r > worst) {
            worst = r;
            worst_layer = a->layer;
        }
        int count = !strcmp(op, "conv") ? conv_count(&net, a->layer) : 0;
        sum_a += count * ta;
        sum_b += count * tb;
        weighted += count;
    }
    ib_net_free(&net);
    if (!n) {
        fprintf(stderr, "incbench compare: no %s layer was timed with both %s and %s\n", op,
                impl, base);
        return 2;
    }
    printf("\n%d layers: geometric mean %.3f, worst %.3f (%s), %d above 1.10\n", n,
           exp(log_sum / n), worst, worst_layer, above);
    if (weighted)
        printf("network sum over %d convolutions: %s %.2f ms, %s %.2f ms, ratio %.3f\n",
               weighted, impl, sum_a / 1e6, base, sum_b / 1e6, sum_a / sum_b);
    return 0;
}
