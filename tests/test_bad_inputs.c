/* The bad-inputs table: every public API entry and every incbench command given bad input
 * (sizes 0, negative or overflowing, a kernel larger than the input, stride 0, unknown names,
 * unreadable or corrupt files, unwritable folders). Each must be refused with an error that
 * says what is wrong; nothing may crash, and a refused command leaves no file behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/registry.h"
#include "harness/shapes_parse.h"
#include "report/json.h"
#include "report/results.h"
#include "tests/check.h"

static int known, tried; /* the summary line; passes and failures count through check.c */

/* A row may name a known bug in code under other owners: printed, counted apart, not a
 * failure. When the bug is fixed the row passes and the note should go (none today). */
static void result(int ok, const char *known_bug, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void result(int ok, const char *known_bug, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tried++;
    known += !ok && known_bug;
    printf(ok ? "  ok      " : known_bug ? "  KNOWN   " : "  FAILED  ");
    vprintf(fmt, ap);
    if (!ok && known_bug)
        printf("\n          known bug: %s", known_bug);
    printf("\n");
    va_end(ap);
    ib_check(ok || known_bug, "the row above");
}

/* ---- API ---- */

/* A refusal must have the expected status and a message holding `names` (the bad field). */
static void api(const char *entry, const char *input, ib_status got, ib_status want,
                const char *msg, const char *names)
{
    int ok = got == want && msg[0] && strstr(msg, names);
    result(ok, NULL, "%-22s %-34s -> %-11s %s", entry, input, ib_status_name(got), msg);
}

static ib_conv_desc conv_ok(void)
{
    return (ib_conv_desc){.n = 1,
                          .ic = 8,
                          .ih = 8,
                          .iw = 8,
                          .oc = 8,
                          .kh = 3,
                          .kw = 3,
                          .sh = 1,
                          .sw = 1,
                          .pt = 1,
                          .pb = 1,
                          .pl = 1,
                          .pr = 1};
}

static ib_pool_desc pool_ok(void)
{
    return (ib_pool_desc){.n = 1,
                          .c = 8,
                          .ih = 8,
                          .iw = 8,
                          .kh = 3,
                          .kw = 3,
                          .sh = 2,
                          .sw = 2,
                          .count_include_pad = 1};
}

#define BAD(entry, type, init, change, call, want, names)                                          \
    do {                                                                                           \
        type d = init;                                                                             \
        change;                                                                                    \
        ib_err e = {{0}};                                                                          \
        ib_status st = call(&d, &e);                                                               \
        api(entry, #change, st, want, e.msg, names);                                               \
    } while (0)

#define CONV(change, want, names)                                                                  \
    BAD("ib_conv_validate", ib_conv_desc, conv_ok(), change, ib_conv_validate, want, names)
#define POOL(change, want, names)                                                                  \
    BAD("ib_pool_validate", ib_pool_desc, pool_ok(), change, ib_pool_validate, want, names)

static void api_validate(void)
{
    const int64_t BIG = INT64_MAX;
    CONV(d.n = 0, IB_INVALID, "n must be > 0");
    CONV(d.ic = -1, IB_INVALID, "ic must be > 0");
    CONV(d.ih = 0, IB_INVALID, "ih");
    CONV(d.iw = -7, IB_INVALID, "iw");
    CONV(d.oc = 0, IB_INVALID, "oc");
    CONV(d.kh = 0, IB_INVALID, "kh");
    CONV(d.kw = -3, IB_INVALID, "kw");
    CONV(d.sh = 0, IB_INVALID, "sh");
    CONV(d.sw = 0, IB_INVALID, "sw");
    CONV(d.pt = -1, IB_INVALID, "pt");
    CONV(d.pr = -1, IB_INVALID, "pr");
    CONV(d.kh = 11, IB_INVALID, "kh=11 larger than padded input height");
    CONV((d.kw = 9, d.pl = 0, d.pr = 0), IB_INVALID, "kw=9 larger than padded input width");
    CONV(d.n = BIG, IB_OVERFLOW, "src");
    CONV((d.ic = 1 << 20, d.ih = 1 << 20, d.iw = 1 << 20), IB_OVERFLOW, "src");
    CONV((d.oc = BIG / 2, d.ic = 4), IB_OVERFLOW, "weights");
    CONV(d.pt = BIG, IB_OVERFLOW, "padded input height");
    CONV((d.pl = BIG - 8, d.pr = 8), IB_OVERFLOW, "padded input width");
    CONV((d.ih = 1 << 24, d.iw = 1 << 24, d.n = 1, d.ic = 1, d.kh = 1, d.kw = 1), IB_OVERFLOW,
         "too large");
    POOL(d.c = 0, IB_INVALID, "c must be > 0");
    POOL(d.n = -2, IB_INVALID, "n");
    POOL(d.sh = 0, IB_INVALID, "sh");
    POOL(d.kw = 0, IB_INVALID, "kw");
    POOL(d.kh = 9, IB_INVALID, "kh=9 larger");
    POOL(d.pt = 3, IB_INVALID, "pt=3 must be < kh=3");
    POOL(d.pr = -1, IB_INVALID, "pr");
    POOL((d.n = 1 << 30, d.c = 1 << 30, d.ih = 1 << 30), IB_OVERFLOW, "src");
    BAD("ib_bn_validate", ib_bn_desc, ((ib_bn_desc){1, 8, 4, 4, 0.001f}), d.eps = -1.0f,
        ib_bn_validate, IB_INVALID, "eps");
    BAD("ib_bn_validate", ib_bn_desc, ((ib_bn_desc){1, 8, 4, 4, 0.001f}), d.eps = NAN,
        ib_bn_validate, IB_INVALID, "eps");
    BAD("ib_bn_validate", ib_bn_desc, ((ib_bn_desc){1, 8, 4, 4, 0.001f}), d.h = 0, ib_bn_validate,
        IB_INVALID, "h");
    BAD("ib_relu_validate", ib_eltwise_desc, ((ib_eltwise_desc){1, 8, 4, 4}), d.w = -1,
        ib_relu_validate, IB_INVALID, "w");
    BAD("ib_relu_validate", ib_eltwise_desc, ((ib_eltwise_desc){1, 8, 4, 4}),
        (d.n = BIG, d.c = BIG), ib_relu_validate, IB_OVERFLOW, "overflow");
    BAD("ib_gap_validate", ib_eltwise_desc, ((ib_eltwise_desc){1, 8, 4, 4}), d.c = 0,
        ib_gap_validate, IB_INVALID, "c");
    ib_concat_desc cat = {.n = 1, .ninputs = 2, .in = {{8, 4, 4}, {8, 4, 4}}};
    BAD("ib_concat_validate", ib_concat_desc, cat, d.ninputs = 0, ib_concat_validate, IB_INVALID,
        "ninputs");
    BAD("ib_concat_validate", ib_concat_desc, cat, d.ninputs = IB_CONCAT_MAX + 1,
        ib_concat_validate, IB_INVALID, "ninputs");
    BAD("ib_concat_validate", ib_concat_desc, cat, d.in[1].c = 0, ib_concat_validate, IB_INVALID,
        "input 1 c");
    BAD("ib_concat_validate", ib_concat_desc, cat, d.in[1].h = 5, ib_concat_validate, IB_INVALID,
        "height");
    BAD("ib_concat_validate", ib_concat_desc, cat, (d.in[0].c = BIG, d.in[1].c = BIG),
        ib_concat_validate, IB_OVERFLOW, "overflow");
    BAD("ib_fc_validate", ib_fc_desc, ((ib_fc_desc){1, 8, 8, 1}), d.ic = 0, ib_fc_validate,
        IB_INVALID, "ic");
    BAD("ib_fc_validate", ib_fc_desc, ((ib_fc_desc){1, 8, 8, 1}), (d.oc = BIG / 2, d.ic = 8),
        ib_fc_validate, IB_OVERFLOW, "weights");
    BAD("ib_softmax_validate", ib_softmax_desc, ((ib_softmax_desc){1, 8}), d.c = 0,
        ib_softmax_validate, IB_INVALID, "c");
    BAD("ib_softmax_validate", ib_softmax_desc, ((ib_softmax_desc){1, 8}), d.n = -1,
        ib_softmax_validate, IB_INVALID, "n");
    BAD("ib_lsloss_validate", ib_lsloss_desc, ((ib_lsloss_desc){1, 8, 0.1f}), d.eps = 1.5f,
        ib_lsloss_validate, IB_INVALID, "eps");
    BAD("ib_lsloss_validate", ib_lsloss_desc, ((ib_lsloss_desc){1, 8, 0.1f}), d.eps = NAN,
        ib_lsloss_validate, IB_INVALID, "eps");
    BAD("ib_lsloss_validate", ib_lsloss_desc, ((ib_lsloss_desc){1, 8, 0.1f}), d.c = 0,
        ib_lsloss_validate, IB_INVALID, "c");
    BAD("ib_desc_validate", ib_desc, ((ib_desc){.op = IB_OP_RELU}), d.op = IB_OP_COUNT,
        ib_desc_validate, IB_INVALID, "unknown op");
    BAD("ib_desc_validate", ib_desc, ((ib_desc){.op = IB_OP_RELU}), d.op = (ib_op)-1,
        ib_desc_validate, IB_INVALID, "unknown op");
}

static int never_supports(const ib_desc *d, const char **why)
{
    (void)d;
    *why = "test: this implementation supports nothing";
    return 0;
}

static const ib_native *no_native(const ib_desc *d)
{
    (void)d;
    return NULL;
}

static void api_registry(void)
{
    ib_err e = {{0}};
    ib_status st = ib_registry_add(NULL, &e);
    api("ib_registry_add", "NULL", st, IB_INVALID, e.msg, "NULL");
    static const ib_impl unnamed = {.op = IB_OP_RELU};
    st = ib_registry_add(&unnamed, &e);
    api("ib_registry_add", "name NULL", st, IB_INVALID, e.msg, "NULL");
    static const ib_impl bad_op = {.name = "test_bad_op", .op = (ib_op)99};
    st = ib_registry_add(&bad_op, &e);
    api("ib_registry_add", "op 99", st, IB_INVALID, e.msg, "unknown op");
    static const ib_impl dup_ref = {.name = "ref", .op = IB_OP_CONV};
    st = ib_registry_add(&dup_ref, &e);
    api("ib_registry_add", "a second conv 'ref'", st, IB_INVALID, e.msg, "already registered");
    static const ib_impl extra = {.name = "test_bad_inputs_extra",
                                  .op = IB_OP_RELU,
                                  .test_only = 1,
                                  .supports = never_supports};
    ib_registry_add(&extra, &e);
    st = ib_registry_add(&extra, &e);
    api("ib_registry_add", "the same extra twice", st, IB_INVALID, e.msg, "already registered");

    /* instances */
    ib_desc relu = {.op = IB_OP_RELU, .relu = {1, 8, 2, 2}};
    ib_desc conv = {.op = IB_OP_CONV, .conv = conv_ok()};
    ib_desc_validate(&relu, NULL);
    ib_desc_validate(&conv, NULL);
    float x[32] = {0}, y[32];
    ib_args a = {.in = {x}, .out = {y}};
    ib_instance *inst = NULL;
    const ib_impl *ref_relu = ib_registry_lookup(IB_OP_RELU, "ref");
    st = ib_instance_create(NULL, &relu, &a, &inst, &e);
    api("ib_instance_create", "implementation NULL", st, IB_INVALID, e.msg, "NULL");
    st = ib_instance_create(ref_relu, &conv, &a, &inst, &e);
    api("ib_instance_create", "relu impl, conv descriptor", st, IB_INVALID, e.msg,
        "given a conv descriptor");
    st = ib_instance_create(&extra, &relu, &a, &inst, &e);
    api("ib_instance_create", "unsupported descriptor", st, IB_UNSUPPORTED, e.msg,
        "supports nothing");
    static const ib_impl neither = {.name = "test_neither", .op = IB_OP_RELU};
    st = ib_instance_create(&neither, &relu, &a, &inst, &e);
    api("ib_instance_create", "no kernel, no prepare/run", st, IB_UNSUPPORTED, e.msg, "neither");
    static const ib_impl no_kernel = {
        .name = "test_no_kernel", .op = IB_OP_RELU, .native = no_native};
    st = ib_instance_create(&no_kernel, &relu, &a, &inst, &e);
    api("ib_instance_create", "chooser returns no kernel", st, IB_UNSUPPORTED, e.msg,
        "no native kernel");
    ib_args no_src = {.out = {y}};
    st = ib_instance_create(ref_relu, &relu, &no_src, &inst, &e);
    api("ib_instance_create", "data input NULL", st, IB_INVALID, e.msg, "NULL");
    const ib_isa foreign = ib_cpu_get()->best == IB_ISA_NEON ? IB_ISA_AVX2 : IB_ISA_NEON;
    const ib_impl other_isa = {
        .name = "test_other_isa", .op = IB_OP_RELU, .isa = foreign, .native = no_native};
    st = ib_instance_create(&other_isa, &relu, &a, &inst, &e);
    api("ib_instance_create", "ISA absent here", st, IB_UNSUPPORTED, e.msg, "not present");
    result(inst == NULL, NULL, "%-22s %-34s -> no instance left after the refusals",
           "ib_instance_create", "(all of the above)");
    result(ib_instance_run(NULL) == IB_INVALID && ib_instance_fetch(NULL, &a) == IB_INVALID, NULL,
           "%-22s %-34s -> IB_INVALID", "ib_instance_run/fetch", "NULL instance");
    ib_instance_destroy(NULL);

    /* the ISA cap */
    ib_cpu hw = *ib_cpu_get();
    static const char *const junk[] = {"avx3",
                                       "AVX2 ",
                                       "avx2,avx512",
                                       "-1",
                                       "\x01\x7f",
                                       "avx512avx512avx512avx512avx512avx512avx512avx512avx512"
                                       "avx512avx512avx512avx512avx512avx512avx512avx512avx512"
                                       "avx512avx512avx512avx512avx512avx512avx512avx512"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        char err[160] = "";
        ib_isa cap = IB_ISA_AVX512;
        int ok = ib_cpu_parse_cap(junk[i], &hw, &cap, err, sizeof err);
        char in[48];
        snprintf(in, sizeof in, "'%.30s'%s", junk[i], strlen(junk[i]) > 30 ? "..." : "");
        /* a long value is cut: the explanation must still fit in the buffer */
        result(!ok && !strncmp(err, "INCBENCH_ISA=", 13) && strstr(err, "not understood") &&
                   cap == IB_ISA_SCALAR,
               NULL, "%-22s %-34s -> %s", "ib_cpu_parse_cap", in, err);
    }
}

static void api_parse(const char *tmp)
{
    static const struct {
        const char *text, *names;
    } descs[] = {
        {"", "empty"},
        {"mb0ic8ih8oc8kh1", "n must be > 0"},
        {"mb1ic-8ih8oc8kh1", "ic"},
        {"ic8ih8oc8kh9", "kh=9 larger"},
        {"ic8ih8oc8kh3sh0", "stride"},
        {"ic99999999999999999999ih8oc8kh1", "ic"},
        {"ic1000000000ih1000000000oc1000000000kh1", "overflow"},
        {"ic8ih8oc8kh3oh5", "oh"},
        /* an output size computed past the largest a field may hold could not be written back
         * as a descriptor that parses (ow = 1 + 2 x 999999999) */
        {"ic999999999pw999999999ih1oc1kh1", "ow=1999999999"},
        {"g2ic8ih8oc8kh1", "g"},
        {"dh1ic8ih8oc8kh3", "dh"},
        {"bogus:ic8ih8kh3", "bogus"},
        {"maxpool:ic8ih8kh3pt3", "pt"},
        {"maxpool:ic8ih8oc8kh3", "oc"},
        {"ic8ih8oc8kh1_relu_bogus", "bogus"},
    };
    for (size_t i = 0; i < sizeof descs / sizeof descs[0]; i++) {
        ib_desc d;
        ib_err e = {{0}};
        char name[64], in[44];
        ib_status st = ib_parse_desc(descs[i].text, &d, name, sizeof name, &e);
        snprintf(in, sizeof in, "'%.36s'%s", descs[i].text, strlen(descs[i].text) > 36 ? ".." : "");
        api("ib_parse_desc", in, st, IB_INVALID, e.msg, descs[i].names);
    }
    ib_user_shape shapes[4];
    char path[512];
    ib_err e = {{0}};
    int n = 0;
    ib_status st = ib_parse_shapes_file("/nonexistent/shapes.txt", shapes, 4, &n, &e);
    api("ib_parse_shapes_file", "missing file", st, IB_IO, e.msg, "cannot open");
    snprintf(path, sizeof path, "%s/corrupt.txt", tmp);
    n = 0;
    st = ib_parse_shapes_file(path, shapes, 4, &n, &e);
    api("ib_parse_shapes_file", "binary junk on line 2", st, IB_INVALID, e.msg, ":2:");
    snprintf(path, sizeof path, "%s/many.txt", tmp);
    n = 0;
    st = ib_parse_shapes_file(path, shapes, 4, &n, &e);
    api("ib_parse_shapes_file", "more descriptors than room", st, IB_INVALID, e.msg, "more than");
    n = 0;
    e.msg[0] = 0;
    st = ib_parse_shapes_file(tmp, shapes, 4, &n, &e);
    api("ib_parse_shapes_file", "a directory (a read error)", st, IB_IO, e.msg, "cannot read");
    result(n == 0, NULL, "%-22s %-34s -> %d descriptors read", "ib_parse_shapes_file",
           "(a directory)", n);
    snprintf(path, sizeof path, "%s/long.txt", tmp);
    n = 0;
    st = ib_parse_shapes_file(path, shapes, 4, &n, &e);
    api("ib_parse_shapes_file", "a 600-character line", st, IB_INVALID, e.msg, ":1: line too long");
    result(n == 0, NULL, "%-22s %-34s -> %d descriptors read (not split in two)",
           "ib_parse_shapes_file", "(a 600-character line)", n);
    char longpath[400];
    memset(longpath, 'p', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = 0;
    st = ib_parse_shapes_file(longpath, shapes, 4, &n, &e);
    api("ib_parse_shapes_file", "a 399-character missing path", st, IB_IO, e.msg, "cannot open");

    static const struct {
        const char *text, *names;
    } jsons[] = {
        {"", "unexpected end"}, {"{", "line 1"},           {"{\"a\": [1, 2,, 3]}", "line 1"},
        {"[1] x", "line 1"},    {"\"\\ud800\"", "line 1"}, {"{\"a\" 1}", "line 1"},
        {"[01]", "line 1"},     {"\"\x01\"", "line 1"},    {"nul", "line 1"},
    };
    for (size_t i = 0; i < sizeof jsons / sizeof jsons[0]; i++) {
        ib_json *doc = (ib_json *)1;
        ib_err je = {{0}};
        char in[44];
        st = ib_json_parse(jsons[i].text, strlen(jsons[i].text), &doc, &je);
        snprintf(in, sizeof in, "'%s'", jsons[i].text[0] == 1 ? "\\x01" : jsons[i].text);
        api("ib_json_parse", in, doc == NULL ? st : IB_OK, IB_INVALID, je.msg, jsons[i].names);
    }
    char deep[400];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = 0;
    ib_json *doc = NULL;
    st = ib_json_parse(deep, strlen(deep), &doc, &e);
    api("ib_json_parse", "399 nested arrays", doc == NULL ? st : IB_OK, IB_INVALID, e.msg, "deep");
    st = ib_json_read_file("/nonexistent.json", &doc, &e);
    api("ib_json_read_file", "missing file", st, IB_IO, e.msg, "/nonexistent.json");
    st = ib_json_read_file(tmp, &doc, &e);
    api("ib_json_read_file", "a directory", st, IB_IO, e.msg, tmp);
    snprintf(path, sizeof path, "%s/corrupt.json", tmp);
    st = ib_json_read_file(path, &doc, &e);
    api("ib_json_read_file", "corrupt file", st, IB_INVALID, e.msg, "corrupt.json");

    /* results folders: never reused, refused where they cannot be made */
    char made[600], again[600], base[560];
    snprintf(base, sizeof base, "%s/results", tmp);
    ib_status s1 = ib_results_mkdir(base, "run", made, sizeof made, &e);
    ib_status s2 = ib_results_mkdir(base, "run", again, sizeof again, &e);
    result(s1 == IB_OK && s2 == IB_OK && strcmp(made, again) && strstr(again, "run-2"), NULL,
           "%-22s %-34s -> %s (not reused)", "ib_results_mkdir", "the folder exists", again);
    snprintf(base, sizeof base, "%s/afile", tmp);
    st = ib_results_mkdir(base, "run", made, sizeof made, &e);
    api("ib_results_mkdir", "base is a regular file", st, IB_IO, e.msg, "Not a directory");
    st = ib_results_mkdir("/proc/incbench-results", "run", made, sizeof made, &e);
    api("ib_results_mkdir", "base under /proc (no write)", st, IB_IO, e.msg, "cannot create");
    char longstem[700];
    memset(longstem, 'x', sizeof longstem - 1);
    longstem[sizeof longstem - 1] = 0;
    st = ib_results_mkdir(tmp, longstem, made, sizeof made, &e);
    api("ib_results_mkdir", "stem longer than the path", st, IB_INVALID, e.msg, "too long");
}

/* ---- the incbench binary ---- */

/* Every path under dir (recursively), sorted by the walk; the snapshot of "what exists". */
static void listing(const char *dir, char *out, size_t len)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        size_t k = strlen(out);
        snprintf(out + k, len - k, "%s\n", p);
        struct stat st;
        if (!lstat(p, &st) && S_ISDIR(st.st_mode))
            listing(p, out, len);
    }
    closedir(d);
}

typedef struct cli_case {
    const char *args[16];
    int want_rc;
    const char *known_bug;
    const char *env;  /* NAME=value, or NULL */
    const char *want; /* a substring the error line must hold, or NULL (any message) */
} cli_case;

enum { CLI_TIMEOUT_S = 120 };

/* Runs incbench in dir with args; returns the wait status (-1: could not run, -2: timed out)
 * and the first line of its stderr in err. */
static int run_incbench(const char *bin, const char *dir, const cli_case *c, char *err, int len)
{
    char errpath[600];
    snprintf(errpath, sizeof errpath, "%s/../stderr.txt", dir);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_WRONLY);
        if (fd < 0 || null < 0 || chdir(dir) != 0)
            _exit(127);
        dup2(null, 1);
        dup2(fd, 2);
        if (c->env)
            putenv((char *)c->env);
        const char *argv[20] = {bin};
        for (int i = 0; c->args[i] && i < 16; i++)
            argv[i + 1] = c->args[i];
        execv(bin, (char **)argv);
        _exit(127);
    }
    int status = 0;
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (r < 0 || now.tv_sec - t0.tv_sec > CLI_TIMEOUT_S) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            status = -2;
            break;
        }
        struct timespec nap = {0, 20 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    err[0] = 0;
    FILE *f = fopen(errpath, "r");
    if (f) {
        /* the last "incbench ...:" line (the error follows any banner), else the first
         * line that is not progress ("[verify 1/3] ...") */
        char line[512];
        int have_first = 0;
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            if (!strncmp(line, "incbench", 8) || (!have_first && line[0] && line[0] != '[')) {
                snprintf(err, (size_t)len, "%s", line);
                have_first = 1;
            }
        }
        fclose(f);
    }
    return status;
}

/* Whole small file into buf ("" when unreadable). */
static const char *read_small(const char *dir, const char *name, char *buf, size_t len)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    buf[0] = 0;
    FILE *f = fopen(p, "r");
    if (f) {
        size_t n = fread(buf, 1, len - 1, f);
        buf[n] = 0;
        fclose(f);
    }
    return buf;
}

#define VERIFY_CSV_OK                                                                              \
    "op,layer,impl,status,max_abs_err,max_rel_err,why\nconv,x,ref,PASSED,0,0,exact\n"
#define EARLIER_REPORT "an earlier report\n"

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void cli(const char *bin, const char *work)
{
    /* Fixtures inside the working folder of every run; outputs must not appear beside them. */
    static const cli_case cases[] = {
        {{NULL}, 2, NULL, NULL, NULL},
        {{"bogus"}, 2, NULL, NULL, NULL},
        {{"list"}, 2, NULL, "INCBENCH_ISA=avx3", "INCBENCH_ISA=avx3 not understood"},
        {{"list", "extra"}, 2, NULL, NULL, NULL},
        {{"model", "--batch", "0"}, 2, NULL, NULL, NULL},
        {{"model", "--batch", "-1"}, 2, NULL, NULL, NULL},
        {{"model", "--batch", "99999999999999999999"}, 2, NULL, NULL, NULL},
        {{"model", "--bogus"}, 2, NULL, NULL, NULL},
        {{"verify", "--bogus"}, 2, NULL, NULL, NULL},
        {{"verify", "--batch"}, 2, NULL, NULL, NULL},
        {{"verify", "--batch", "1x"}, 2, NULL, NULL, NULL},
        {{"verify", "--batch", "0x10"}, 2, NULL, NULL, NULL},
        {{"verify", "--min-time", "0.1"}, 2, NULL, NULL, NULL},
        {{"verify", "--shape", "mb1ic0ih8oc8kh1"}, 2, NULL, NULL, NULL},
        {{"verify", "--shape", "ic-8ih8oc8kh1"}, 2, NULL, NULL, NULL},
        {{"verify", "--shape", "ic8ih8oc8kh9"}, 2, NULL, NULL, NULL},
        {{"verify", "--shape", "ic8ih8oc8kh3sh0"}, 2, NULL, NULL, NULL},
        {{"verify", "--shape", "ic99999999999ih8oc8kh1"}, 2, NULL, NULL, NULL},
        {{"verify", "--shape", "ic1000000000ih1000000000oc1000000000kh1"}, 2, NULL, NULL, NULL},
        {{"verify", "--shape", "maxpool:ic8ih8kh3pt3"}, 2, NULL, NULL, NULL},
        {{"verify", "--impl", "nosuch"}, 2, NULL, NULL, NULL},
        {{"verify", "--impl", ","}, 2, NULL, NULL, NULL},
        {{"verify", "--layer", "NoSuchLayer"}, 2, NULL, NULL, NULL},
        {{"verify", "--shapes", "/nonexistent/shapes.txt"}, 2, NULL, NULL, NULL},
        {{"verify", "--shapes", "corrupt.txt"}, 2, NULL, NULL, NULL},
        {{"verify", "--shapes", "emptydir", "--impl", "avx2", "--layer", "Conv2d_1a"},
         2,
         NULL,
         NULL,
         "emptydir: cannot read"},
        {{"verify", "--shapes", "comments.txt"}, 2, NULL, NULL, "holds no descriptors"},
        {{"verify", "--shapes", "long.txt"}, 2, NULL, NULL, "long.txt:1: line too long"},
        {{"verify", "--impl", "avx2,"}, 2, NULL, NULL, "empty name"},
        {{"verify", "--shape", "ic8ih8oc8kh1", "--impl", "ref", "--out", "/proc/incbench"},
         2,
         NULL,
         NULL,
         "--out: /proc/incbench"},
        {{"verify", "--shape", "ic8ih8oc8kh1", "--impl", "ref", "--out", "afile"},
         2,
         NULL,
         NULL,
         "--out: afile is not a folder"},
        /* refused by the option check, or (as root, who may write anywhere) when verify.csv
         * fails to open: either way before any work, with exit status 2 */
        {{"verify", "--shape", "ic8ih8oc8kh1", "--impl", "ref", "--out", "/proc"},
         2,
         NULL,
         NULL,
         "cannot write"},
        {{"factor", "--out", "afile"}, 2, NULL, NULL, "--out: afile is not a folder"},
        {{"factor", "--quick", "--impl", "ref", "--out", "/proc"}, 2, NULL, NULL, "cannot write"},
        {{"net", "--out", "afile"}, 2, NULL, NULL, "--out: afile is not a folder"},
        {{"net", "--impl", "ref", "--out", "/proc"}, 2, NULL, NULL, "cannot write"},
        {{"peak", "--out", "afile"}, 2, NULL, NULL, "--out: afile is not a folder"},
        {{"peak", "--out", "/proc/incbench"}, 2, NULL, NULL, "--out: /proc/incbench"},
        {{"peak", "--out", "/proc"}, 2, NULL, NULL, "cannot write"},
        {{"bench", "--threads", "0"}, 2, NULL, NULL, NULL},
        /* refused by the option check (it lists the known names), before the peak probe */
        {{"bench", "--impl", "nosuch"}, 2, NULL, NULL, "known implementations: ref"},
        {{"bench", "--impl", "best"}, 2, NULL, NULL, "known implementations: ref"},
        {{"bench", "--layer", "NoSuchLayer"}, 2, NULL, NULL, NULL},
        {{"peak", "--threads", "abc"}, 2, NULL, NULL, NULL},
        {{"factor", "--shape", "bogus"}, 2, NULL, NULL, NULL},
        {{"factor", "--repetitions", "0"}, 2, NULL, NULL, NULL},
        {{"factor", "--min-time", "-1"}, 2, NULL, NULL, NULL},
        {{"factor", "--min-time", "nan"}, 2, NULL, NULL, NULL},
        {{"factor", "--rounds", "0"}, 2, NULL, NULL, "--rounds: 0 is out of range [1, 96]"},
        {{"factor", "--rounds", "97"}, 2, NULL, NULL, "--rounds: 97 is out of range [1, 96]"},
        {{"factor", "--max-rounds", "0"}, 2, NULL, NULL, "--max-rounds: 0 is out of range [1, 96]"},
        {{"factor", "--repetitions", "5", "--rounds", "1"}, 2, NULL, NULL, "is too few"},
        {{"factor", "--repetitions", "40", "--rounds", "3"}, 2, NULL, NULL, "can hold"},
        {{"factor", "--pair", "8"}, 2, NULL, NULL, "--pair: 8 is out of range [1, 7]"},
        {{"factor", "--case", "no such case", "--impl", "ref"}, 2, NULL, NULL, "no case matches"},
        {{"net", "--rounds", "2"}, 2, NULL, NULL, "--rounds"},
        {{"net", "--impl", "nosuch"}, 2, NULL, NULL, "known implementations: ref"},
        {{"list"},
         2,
         NULL,
         "INCBENCH_ISA=avx512avx512avx512avx512avx512avx512avx512avx512avx512avx512avx512avx512"
         "avx512avx512avx512avx512avx512avx512avx512avx512avx512avx512avx512avx512avx512",
         "not understood"},
        {{"net", "--batch", "0"}, 2, NULL, NULL, NULL},
        {{"regress", "--baseline", "missing.json"}, 2, NULL, NULL, NULL},
        {{"regress", "--baseline", "corrupt.json"}, 2, NULL, NULL, NULL},
        {{"regress", "--baseline", "empty.json"}, 2, NULL, NULL, NULL},
        {{"regress", "--baseline", "other.json"}, 2, NULL, NULL, NULL},
        {{"regress", "--baseline", "emptydir"}, 2, NULL, NULL, NULL},
        {{"regress", "--record", "--baseline", "corrupt.json"}, 2, NULL, NULL, NULL},
        {{"regress", "--record", "--baseline", "afile/base.json", "--layer", "Conv2d_1a_3x3",
          "--impl", "ref", "--reps", "9", "--min-time", "0.001"},
         2,
         NULL,
         NULL,
         NULL},
        {{"regress", "--threshold", "-5"}, 2, NULL, NULL, NULL},
        {{"regress", "--alpha", "2"}, 2, NULL, NULL, NULL},
        {{"regress", "--reps", "3"}, 2, NULL, NULL, NULL},
        {{"regress", "--cpu", "99999"}, 2, NULL, NULL, NULL},
        {{"regress", "--procs", "0"}, 2, NULL, NULL, NULL},
        {{"regress", "--record", "--procs", "2"}, 2, NULL, NULL, "at least 3 processes"},
        {{"report", "/nonexistent"}, 2, NULL, NULL, NULL},
        {{"report", "emptydir"}, 2, NULL, NULL, NULL},
        {{"report", "afile"}, 2, NULL, NULL, NULL},
        {{"report", "badcsv"}, 2, NULL, NULL, "badcsv/verify.csv: a quoted field is never closed"},
        {{"report", "nostatus"}, 2, NULL, NULL, "nostatus/verify.csv: no 'status' column"},
        {{"report", "csvdir"}, 2, NULL, NULL, "cannot read csvdir/verify.csv"},
        {{"report", "hasreport"}, 2, NULL, NULL, "report.html exists: not replaced"},
        {{"all", "--out", "/proc/incbench", "--quick"}, 2, NULL, NULL, NULL},
        {{"all", "--out", "afile", "--quick"}, 2, NULL, NULL, "--out: afile is not a folder"},
        {{"all", "--threads", "0"}, 2, NULL, NULL, NULL},
    };
    char err[512], before[16384], after[16384];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const cli_case *c = &cases[i];
        char line[300] = "";
        if (c->env)
            snprintf(line, sizeof line, "%s ", c->env);
        for (int k = 0; c->args[k]; k++) {
            size_t n = strlen(line);
            snprintf(line + n, sizeof line - n, "%s%s", k ? " " : "", c->args[k]);
        }
        before[0] = after[0] = 0;
        listing(work, before, sizeof before);
        int ws = run_incbench(bin, work, c, err, sizeof err);
        listing(work, after, sizeof after);
        const int exited = ws >= 0 && WIFEXITED(ws), rc = exited ? WEXITSTATUS(ws) : -1;
        const int clean = !strcmp(before, after);
        char got[96];
        if (ws == -2)
            snprintf(got, sizeof got, "timed out");
        else if (ws >= 0 && WIFSIGNALED(ws))
            snprintf(got, sizeof got, "signal %d", WTERMSIG(ws));
        else
            snprintf(got, sizeof got, "exit %d%s", rc, clean ? "" : ", left files");
        const int said = err[0] && (!c->want || strstr(err, c->want));
        result(exited && rc == c->want_rc && said && clean, c->known_bug,
               "incbench %-58.58s -> %-8s %s", line[0] ? line : "(no command)", got, err);
    }
}

/* Small good runs: the commands do their work (under the sanitizers in the ASan build). */
static void cli_good(const char *bin, const char *work)
{
    static const cli_case cases[] = {
        {{"list"}, 0, NULL, NULL, NULL},
        {{"model"}, 0, NULL, NULL, NULL},
        {{"verify", "--shape", "ic13ih9oc17kh3ph1_bias_bn_relu", "--shape", "maxpool:ic13ih9kh3sh2",
          "--shape", "avgpool:ic19ih7kh3ph1_excl", "--out", "out"},
         0,
         NULL,
         NULL,
         NULL},
        {{"verify", "--layer", "Mixed_5b.branch5x5_2", "--impl", "avx2"}, 0, NULL, NULL, NULL},
        {{"factor", "--shape", "ic8ih9oc8kh5ph2", "--impl", "ref", "--min-time", "0.001",
          "--repetitions", "3", "--rounds", "2", "--max-rounds", "3", "--out", "out"},
         0,
         NULL,
         NULL,
         NULL},
        {{"factor", "--shape", "ic8ih9oc8kh5ph2", "--impl", "ref", "--case", "1x5->5x1",
          "--repetitions", "3", "--rounds", "2", "--max-rounds", "2", "--out", "out/case"},
         0,
         NULL,
         NULL,
         NULL},
    };
    char err[512], p[600];
    snprintf(p, sizeof p, "%s/out", work);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/out/case", work);
    mkdir(p, 0755);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const cli_case *c = &cases[i];
        int ws = run_incbench(bin, work, c, err, sizeof err);
        const int rc = ws >= 0 && WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
        char line[300] = "";
        for (int k = 0; c->args[k]; k++) {
            size_t n = strlen(line);
            snprintf(line + n, sizeof line - n, "%s%s", k ? " " : "", c->args[k]);
        }
        result(rc == 0, NULL, "incbench %-58.58s -> exit %d (a good run)", line, rc);
    }
    snprintf(p, sizeof p, "%s/out/verify.csv", work);
    FILE *f = fopen(p, "r");
    char head[128] = "";
    if (f) {
        if (!fgets(head, sizeof head, f))
            head[0] = 0;
        fclose(f);
    }
    result(!strncmp(head, "op,layer,impl,status", 20), NULL,
           "incbench verify --out out                     -> out/verify.csv written");
    /* factor: both work bases, the interval of the saving and the verdict per row */
    static char fcsv[1 << 14];
    read_small(work, "out/factor.csv", fcsv, sizeof fcsv);
    result(strstr(fcsv, ",theory,theory_exec,") && strstr(fcsv, ",measured_lo,measured_hi,") &&
               strstr(fcsv, ",verdict,") &&
               (strstr(fcsv, ",pays") || strstr(fcsv, ",not significant") ||
                strstr(fcsv, ",negligible") || strstr(fcsv, ",does not pay here")),
           NULL,
           "incbench factor --out out                     -> out/factor.csv has both work "
           "bases, intervals and verdicts");
    /* each row: its repetitions and rounds; a pair whose verdict stayed open took the cap.
     * The thread count is whatever OMP_NUM_THREADS gives the run, so any is accepted. */
    const char *row = strstr(fcsv, ",ref,");
    int threads = 0, reps = 0, rounds = 0;
    if (row)
        sscanf(row, ",ref,%d,%d,%d,", &threads, &reps, &rounds);
    result(strstr(fcsv, ",threads,reps,rounds,") && threads >= 1 && (rounds == 2 || rounds == 3) &&
               reps == 3 * rounds,
           NULL,
           "incbench factor --repetitions 3 --rounds 2 --max-rounds 3 -> %d repetitions in %d "
           "rounds",
           reps, rounds);

    /* --case keeps the matching case of the two a 5x5 gets (3x3 chain, 1x5->5x1) */
    static char ccsv[1 << 13];
    read_small(work, "out/case/factor.csv", ccsv, sizeof ccsv);
    int lines = 0;
    for (const char *q = ccsv; (q = strchr(q, '\n')) != NULL; q++)
        lines++;
    result(lines == 2 && strstr(ccsv, "1x5->5x1") && !strstr(ccsv, "2x(3x3)"), NULL,
           "incbench factor --case 1x5->5x1                -> only that case (%d lines)", lines);

    /* report: an unknown status counts as failed; an earlier report is kept unless --force,
     * and the page reaches its name whole (no temporary file left beside it) */
    static char page[1 << 16];
    static const cli_case odd = {{"report", "oddstatus"}, 0, NULL, NULL, NULL};
    int ws = run_incbench(bin, work, &odd, err, sizeof err);
    snprintf(p, sizeof p, "%s/oddstatus", work);
    read_small(p, "report.html", page, sizeof page);
    result(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0 &&
               strstr(page, "3 (layer, implementation) checks against the scalar reference, "
                            "<b>2 failed</b> (1 of them with a status other than"),
           NULL, "incbench %-58s -> report says '2 FAILED' (status 'Passed' unknown)",
           "report oddstatus");
    snprintf(p, sizeof p, "%s/hasreport", work);
    result(!strcmp(read_small(p, "report.html", page, sizeof page), EARLIER_REPORT), NULL,
           "incbench %-58s -> the earlier report.html is untouched", "report hasreport");
    static const cli_case force = {{"report", "--force", "hasreport"}, 0, NULL, NULL, NULL};
    ws = run_incbench(bin, work, &force, err, sizeof err);
    read_small(p, "report.html", page, sizeof page);
    char names[4096] = "";
    listing(p, names, sizeof names);
    result(ws >= 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0 &&
               !strncmp(page, "<!DOCTYPE html>", 15) && strstr(page, "</html>") &&
               !strstr(names, ".tmp"),
           NULL, "incbench %-58s -> replaced, whole, no temporary file left",
           "report --force hasreport");
}

/* The incbench binary beside this program's folder: build/tests/x -> build/incbench. */
static int find_incbench(char *out, size_t len)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return 0;
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (!slash)
        return 0;
    *slash = 0;
    snprintf(out, len, "%s/../incbench", self);
    return access(out, X_OK) == 0;
}

int main(void)
{
    char tmp[] = "/tmp/incbench-bad-inputs.XXXXXX";
    if (!mkdtemp(tmp)) {
        ib_check(0, "cannot make a temporary folder: %s", strerror(errno));
        return ib_check_done();
    }
    char work[128];
    snprintf(work, sizeof work, "%s/work", tmp);
    mkdir(work, 0755);
    const char *dirs[] = {tmp, work};
    for (int i = 0; i < 2; i++) {
        write_file(dirs[i], "corrupt.txt", "ic8ih8oc8kh1\n\x01\x02garbage\n");
        write_file(dirs[i], "many.txt",
                   "ic8ih8oc8kh1\nic8ih8oc8kh1\nic8ih8oc8kh1\n"
                   "ic8ih8oc8kh1\nic8ih8oc8kh1\n");
        write_file(dirs[i], "corrupt.json", "{\"context\": {\"x\": [1, 2,\n");
        write_file(dirs[i], "empty.json", "");
        write_file(dirs[i], "other.json", "{\"benchmarks\": []}\n");
        write_file(dirs[i], "afile", "a regular file\n");
        write_file(dirs[i], "comments.txt", "# only a comment\n\n   # and another\n");
        char longline[700];
        memset(longline, ' ', sizeof longline);
        memcpy(longline, "ic8ih8oc8kh1", 12);
        snprintf(longline + 600, sizeof longline - 600, "# x\nic8ih8oc8kh1\n");
        write_file(dirs[i], "long.txt", longline);
    }
    char p[256];
    snprintf(p, sizeof p, "%s/emptydir", work);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/badcsv", work);
    mkdir(p, 0755);
    write_file(p, "verify.csv", "op,layer\n\"unterminated,\x01\nconv,x,y,FAILED\n");
    snprintf(p, sizeof p, "%s/nostatus", work);
    mkdir(p, 0755);
    write_file(p, "verify.csv", "op,layer,impl,max_abs_err\nconv,x,y,0\n");
    snprintf(p, sizeof p, "%s/csvdir", work);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/csvdir/verify.csv", work); /* a folder where a CSV should be */
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/hasreport", work);
    mkdir(p, 0755);
    write_file(p, "verify.csv", VERIFY_CSV_OK);
    write_file(p, "report.html", EARLIER_REPORT);
    snprintf(p, sizeof p, "%s/oddstatus", work);
    mkdir(p, 0755);
    write_file(p, "verify.csv", VERIFY_CSV_OK "conv,x,y,FAILED,1,1,\nconv,x,z,Passed,0,0,\n");

    printf("bad inputs: each refused with an error naming what is wrong; no crash, no file "
           "left behind\n");
    printf("API entries\n");
    api_validate();
    api_registry();
    api_parse(tmp);
    char bin[PATH_MAX + 16];
    if (find_incbench(bin, sizeof bin)) {
        printf("incbench commands (working folder %s)\n", work);
        cli(bin, work);
        cli_good(bin, work);
    } else {
        ib_check(0, "no incbench beside this program (%s): command-line table not run", bin);
    }
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        printf("  (could not remove %s)\n", tmp);
    int passed, failed;
    ib_check_counts(&passed, &failed, NULL);
    printf("%d bad inputs tried: %d refused as expected, %d failed, %d known bugs "
           "(reported, not counted)\n",
           tried, passed, failed, known);
    return ib_check_done();
}
