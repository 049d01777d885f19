/* Command-line helpers: strict number parsing with messages naming the option (the options
 * table, cli/options.inc, is parsed by cli/options.c). */
#ifndef IB_CLI_H
#define IB_CLI_H

#include <stdint.h>

/* Parses a whole decimal integer in [lo, hi]; 1 on success, else 0 with a message on stderr
 * naming the option ("incbench bench: --threads: 'x' is not an integer"). */
int ib_cli_int(const char *cmd, const char *opt, const char *text, int64_t lo, int64_t hi,
               int64_t *out);
/* Parses a whole finite decimal number in [lo, hi]; as above. */
int ib_cli_double(const char *cmd, const char *opt, const char *text, double lo, double hi,
                  double *out);
/* 1 when arg is -h or --help. */
int ib_cli_is_help(const char *arg);

/* A user's path in a fixed-size message (ib_err): its last IB_SHOWN_MAX characters, after
 * "..." when cut, so the explanation that follows always fits. Use with "%s%s". */
enum { IB_SHOWN_MAX = 40 };
#define IB_SHOWN(p)                                                                                \
    strlen(p) > IB_SHOWN_MAX ? "..." : "",                                                         \
        (p) + (strlen(p) > IB_SHOWN_MAX ? strlen(p) - IB_SHOWN_MAX : 0)

#endif
