/* The command line of every incbench command: one table of options (cli/options.inc: name,
 * value, limits, help line, the commands that accept it) parsed with getopt_long into one
 * struct, so that an option means the same and has the same limits wherever it is accepted. */
#ifndef IB_BENCH_OPTIONS_H
#define IB_BENCH_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "harness/shapes_parse.h"

/* IB_MAX_ARGS operands and as many --benchmark_* flags; IB_MAX_GIVEN options in all (every
 * --shape of IB_MAX_USER_SHAPES among them). */
enum {
    IB_MAX_USER_SHAPES = 64,
    IB_MAX_REPS = 960,
    IB_MAX_ROUNDS = 96,
    IB_MAX_ARGS = 64,
    IB_MAX_GIVEN = 128
};

/* One bit per command of cli/commands.inc. */
enum {
#define IB_CMD(name, summary) IB_CMD_INDEX_##name,
#include "cli/commands.inc"
#undef IB_CMD
};
#define IB_CMD_BIT(name) (1u << IB_CMD_INDEX_##name)
/* The commands that run kernels, and the groups that share an option. */
#define IB_CMDS_EVERY (~0u)
#define IB_CMDS_RUN                                                                                \
    (IB_CMD_BIT(verify) | IB_CMD_BIT(bench) | IB_CMD_BIT(regress) | IB_CMD_BIT(factor) |           \
     IB_CMD_BIT(net) | IB_CMD_BIT(all))
#define IB_CMDS_LAYERS (IB_CMD_BIT(verify) | IB_CMD_BIT(bench) | IB_CMD_BIT(regress))
#define IB_CMDS_SHAPES (IB_CMDS_LAYERS | IB_CMD_BIT(factor))
#define IB_CMDS_TIMED (IB_CMD_BIT(factor) | IB_CMD_BIT(net) | IB_CMD_BIT(all))

/* The options' ids, in table order. */
typedef enum ib_option_id {
#define IB_OPTION(id, name, kind, lo, hi, metavar, commands, field, help) IB_OPTION_##id,
#include "cli/options.inc"
#undef IB_OPTION
    IB_OPTION_COUNT
} ib_option_id;

/* An option as the user gave it (after parsing and checks): what is handed on when a command
 * runs another (regress's measuring processes). */
typedef struct ib_given {
    ib_option_id id;
    const char *value; /* NULL for a flag */
} ib_given;

/* Every option's value; a command sets its defaults between ib_run_opts_init and the parse. */
typedef struct ib_run_opts {
    const char *cmd;    /* "factor", ... for messages */
    int64_t threads;    /* 0: OpenMP's default */
    int64_t batch;      /* default 1 */
    double min_time;    /* seconds per repetition, at least (default 0.02) */
    int64_t reps;       /* repetitions (default 9) */
    int64_t rounds;     /* factor: passes over the cases, each with fresh instances (default 10) */
    int64_t max_rounds; /* factor: rounds a pair may take while it is open (default 48) */
    int64_t pair;       /* factor: only this pair (0: all) */
    const char *fcase;  /* factor: only cases whose "pair | case" matches */
    int quiet;          /* no progress */
    int quick;          /* fewer problems and shorter timing */
    int verbose;        /* bench: each benchmark's kernel and plan on stderr */
    const char *impls;  /* comma list; NULL: every implementation but ref */
    const char *layer;  /* substring or glob of layer names */
    const char *out;    /* results folder: write CSV and JSON there (NULL: none) */
    int sweep, aux, json, force;
    const char *base, *op;       /* compare */
    const char *baseline;        /* regress */
    int record, no_pin;          /* regress */
    double threshold_pct, alpha; /* regress */
    int64_t rg_reps, procs, cpu; /* regress */
    ib_user_shape shapes[IB_MAX_USER_SHAPES];
    int nshapes;
    const char *args[IB_MAX_ARGS]; /* the operands (not options), in order */
    int nargs;
    const char *gb_args[IB_MAX_ARGS]; /* --benchmark_* flags, for Google Benchmark */
    int ngb;
    ib_given given[IB_MAX_GIVEN]; /* every option given, in order */
    int ngiven;
} ib_run_opts;

/* How a command takes its command line. */
enum {
    IB_SPEC_GBENCH = 1 << 0,    /* passes --benchmark_* flags on to Google Benchmark */
    IB_SPEC_GB_FILTER = 1 << 1, /* of those, only --benchmark_filter= */
    IB_SPEC_OUT_BASE = 1 << 2,  /* a missing --out folder is made later */
    IB_SPEC_NO_BEST = 1 << 3,   /* --impl refuses 'best' (a per-layer pick of the network) */
    IB_SPEC_ANY_IMPL = 1 << 4,  /* --impl names come from a file, not this build's registry */
};
typedef struct ib_cmd_spec {
    const char *name;
    unsigned bit;          /* IB_CMD_BIT(name) */
    unsigned how;          /* IB_SPEC_* */
    int max_args;          /* operands accepted */
    void (*usage)(FILE *); /* --help: prints the command's text, then ib_run_opts_help */
} ib_cmd_spec;
#define IB_CMD_SPEC(name, how, max_args, usage)                                                    \
    {                                                                                              \
#name, IB_CMD_BIT(name), how, max_args, usage                                              \
    }

void ib_run_opts_init(ib_run_opts *o, const char *cmd);
/* Parses argv[1..] (argv[0] the command's name) with getopt_long over the options spec
 * accepts. Returns -1 to go on, else the exit status: 0 after --help, 2 on bad usage with a
 * message on stderr naming the option and, for a number, its limits. Checked before any
 * work: --out is an existing folder this user can write into (or missing, with
 * IB_SPEC_OUT_BASE), --shapes holds at least one descriptor, every --impl name is known. */
int ib_run_opts_parse(ib_run_opts *o, const ib_cmd_spec *spec, int argc, char **argv);
/* The lines of --help for the options the command accepts. */
void ib_run_opts_help(FILE *f, unsigned cmd_bit);
/* Appends "--name" (and its value) of each option given that the command cmd_bit accepts,
 * except those whose bit (1ull << id) is in skip, in the order given, to argv[*argc...], up to
 * max entries in all; returns 0 when they do not fit. */
int ib_run_opts_argv(const ib_run_opts *o, unsigned cmd_bit, unsigned long long skip, char **argv,
                     int *argc, int max);
/* 1 when option id is accepted by the command cmd_bit. */
int ib_option_accepted(ib_option_id id, unsigned cmd_bit);

#endif
