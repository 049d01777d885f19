/* The options table (cli/options.inc) parsed with getopt_long for every command. */
#include "cli/options.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "harness/run_common.h"
#include "regress/regress_io.h"

/* getopt_long's value for option i is FIRST_VAL + i, clear of 'h', ':' and '?'. */
enum { FIRST_VAL = 256 };

typedef enum kind { FLAG, INT, NUM, TEXT, IMPLS, DIR, SHAPE, SHAPES } kind;

typedef struct option_row {
    const char *name;
    kind kind;
    double lo, hi;
    const char *metavar;
    unsigned commands;
    size_t field; /* offset in ib_run_opts */
    const char *help;
} option_row;

static const option_row table[IB_OPTION_COUNT] = {
#define IB_OPTION(id, name, kind, lo, hi, metavar, commands, field, help)                          \
    {name, kind, lo, hi, metavar, commands, offsetof(ib_run_opts, field), help},
#include "cli/options.inc"
#undef IB_OPTION
};

void ib_run_opts_init(ib_run_opts *o, const char *cmd)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->batch = 1;
    o->min_time = 0.02;
    o->reps = 9;
    o->rounds = 10;
    o->max_rounds = IB_MAX_ROUNDS;
}

int ib_option_accepted(ib_option_id id, unsigned cmd_bit)
{
    return (table[id].commands & cmd_bit) != 0;
}

void ib_run_opts_help(FILE *f, unsigned cmd_bit)
{
    for (int i = 0; i < IB_OPTION_COUNT; i++) {
        const option_row *r = &table[i];
        if (!(r->commands & cmd_bit))
            continue;
        char head[40];
        snprintf(head, sizeof head, "--%s %s", r->name, r->metavar);
        fprintf(f, "  %-17s ", head);
        for (const char *p = r->help; *p; p++) /* continuation lines under the first */
            fprintf(f, *p == '\n' ? "\n                    " : "%c", *p);
        fputc('\n', f);
    }
    fprintf(f, "  %-17s this text\n", "--help, -h");
}

static int add_shape(ib_run_opts *o, const char *text)
{
    if (o->nshapes == IB_MAX_USER_SHAPES) {
        fprintf(stderr, "incbench %s: --shape: more than %d shapes\n", o->cmd, IB_MAX_USER_SHAPES);
        return 0;
    }
    ib_err e;
    ib_user_shape *u = &o->shapes[o->nshapes];
    if (ib_parse_desc(text, &u->desc, u->name, sizeof u->name, &e) != IB_OK) {
        fprintf(stderr, "incbench %s: --shape: %s\n", o->cmd, e.msg);
        return 0;
    }
    o->nshapes++;
    return 1;
}

static int add_shapes_file(ib_run_opts *o, const char *path)
{
    ib_err e;
    const int before = o->nshapes;
    if (ib_parse_shapes_file(path, o->shapes, IB_MAX_USER_SHAPES, &o->nshapes, &e) != IB_OK) {
        fprintf(stderr, "incbench %s: --shapes: %s\n", o->cmd, e.msg);
        return 0;
    }
    if (o->nshapes == before) { /* else the command would run its default problems */
        fprintf(stderr, "incbench %s: --shapes: %s holds no descriptors\n", o->cmd, path);
        return 0;
    }
    return 1;
}

/* --out is checked before any work: a folder that cannot take the results would otherwise
 * be found only when the first file fails to open, after the run. may_create: a missing
 * folder is fine (the caller makes it). */
static int out_ok(const char *cmd, const char *dir, int may_create)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT && may_create)
            return 1;
        fprintf(stderr, "incbench %s: --out: %s: %s (it must be an existing folder)\n", cmd, dir,
                strerror(errno));
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "incbench %s: --out: %s is not a folder\n", cmd, dir);
        return 0;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "incbench %s: --out: cannot write into %s: %s\n", cmd, dir,
                strerror(errno));
        return 0;
    }
    return 1;
}

/* Stores one option's value; 0 with a message when it is refused. */
static int take(ib_run_opts *o, const ib_cmd_spec *spec, ib_option_id id, const char *v)
{
    const option_row *r = &table[id];
    char opt[40];
    snprintf(opt, sizeof opt, "--%s", r->name);
    void *field = (char *)o + r->field;
    switch (r->kind) {
    case FLAG:
        *(int *)field = 1;
        return 1;
    case INT:
        return ib_cli_int(o->cmd, opt, v, (int64_t)r->lo, (int64_t)r->hi, (int64_t *)field);
    case NUM:
        return ib_cli_double(o->cmd, opt, v, r->lo, r->hi, (double *)field);
    case DIR:
        if (!out_ok(o->cmd, v, (spec->how & IB_SPEC_OUT_BASE) != 0))
            return 0;
        *(const char **)field = v;
        return 1;
    case TEXT:
    case IMPLS: /* checked once all are read, against the registry */
        *(const char **)field = v;
        return 1;
    case SHAPE:
        return add_shape(o, v);
    case SHAPES:
        return add_shapes_file(o, v);
    }
    return 0;
}

/* "incbench CMD: unknown option 'X' (see 'incbench CMD --help')", returns 2. */
static int unknown(const ib_run_opts *o, const char *arg)
{
    fprintf(stderr, "incbench %s: unknown option '%s' (see 'incbench %s --help')\n", o->cmd, arg,
            o->cmd);
    return 2;
}

/* Moves the --benchmark_* flags the command passes on into o->gb_args; the rest into rest. */
static int split_gbench(ib_run_opts *o, const ib_cmd_spec *spec, int argc, char **argv, char **rest,
                        int *nrest)
{
    *nrest = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const int gb = i > 0 && (spec->how & IB_SPEC_GBENCH) && !strncmp(a, "--benchmark_", 12);
        if (!gb) {
            rest[(*nrest)++] = argv[i];
            continue;
        }
        if ((spec->how & IB_SPEC_GB_FILTER) && strncmp(a, "--benchmark_filter=", 19))
            return unknown(o, a);
        if (o->ngb == IB_MAX_ARGS) {
            fprintf(stderr, "incbench %s: more than %d Google Benchmark flags\n", o->cmd,
                    IB_MAX_ARGS);
            return 2;
        }
        o->gb_args[o->ngb++] = a;
    }
    rest[*nrest] = NULL;
    return -1;
}

int ib_run_opts_parse(ib_run_opts *o, const ib_cmd_spec *spec, int argc, char **argv)
{
    char *rest[argc + 1];
    int nrest, rc = split_gbench(o, spec, argc, argv, rest, &nrest);
    if (rc >= 0)
        return rc;
    struct option longopts[IB_OPTION_COUNT + 2];
    int n = 0;
    for (int i = 0; i < IB_OPTION_COUNT; i++)
        if (table[i].commands & spec->bit)
            longopts[n++] = (struct option){table[i].name,
                                            table[i].kind == FLAG ? no_argument : required_argument,
                                            NULL, FIRST_VAL + i};
    longopts[n++] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[n] = (struct option){0};
    optind = 0; /* glibc: start afresh (a command may parse twice in one process) */
    opterr = 0;
    for (;;) {
        int idx = -1;
        const int c = getopt_long(nrest, rest, ":h", longopts, &idx);
        if (c == -1)
            break;
        if (c == 'h') {
            spec->usage(stdout);
            return 0;
        }
        const char *arg = rest[optind - 1];
        if (c == ':') {
            fprintf(stderr, "incbench %s: %.40s needs a value\n", o->cmd, arg);
            return 2;
        }
        if (c == '?')
            return unknown(o, arg);
        const ib_option_id id = (ib_option_id)(c - FIRST_VAL);
        if (!take(o, spec, id, optarg))
            return 2;
        if (o->ngiven == IB_MAX_GIVEN) { /* regress hands them on: none may be lost */
            fprintf(stderr, "incbench %s: more than %d options\n", o->cmd, IB_MAX_GIVEN);
            return 2;
        }
        o->given[o->ngiven++] = (ib_given){id, optarg};
    }
    for (int i = optind; i < nrest; i++) {
        if (o->nargs == spec->max_args || o->nargs == IB_MAX_ARGS) {
            if (spec->max_args == 0)
                return unknown(o, rest[i]);
            fprintf(stderr, "incbench %s: %d operand%s at most ('%.40s' is one more)\n", o->cmd,
                    spec->max_args, spec->max_args > 1 ? "s" : "", rest[i]);
            return 2;
        }
        o->args[o->nargs++] = rest[i];
    }
    if (o->impls && !(spec->how & IB_SPEC_ANY_IMPL) &&
        !ib_impls_check(o->cmd, o->impls, !(spec->how & IB_SPEC_NO_BEST)))
        return 2;
    return -1;
}

int ib_run_opts_argv(const ib_run_opts *o, unsigned cmd_bit, unsigned long long skip, char **argv,
                     int *argc, int max)
{
    _Static_assert(IB_OPTION_COUNT <= 64, "skip holds one bit per option");
    static char names[IB_OPTION_COUNT][40];
    for (int i = 0; i < o->ngiven; i++) {
        const ib_given *g = &o->given[i];
        if (!ib_option_accepted(g->id, cmd_bit) || (skip >> g->id & 1))
            continue;
        if (*argc + 2 > max)
            return 0;
        snprintf(names[g->id], sizeof names[g->id], "--%s", table[g->id].name);
        argv[(*argc)++] = names[g->id];
        if (g->value)
            argv[(*argc)++] = (char *)g->value;
    }
    return 1;
}
