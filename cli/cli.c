/* Command-line helpers shared by the incbench commands. */
#include "cli/cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ib_cli_int(const char *cmd, const char *opt, const char *text, int64_t lo, int64_t hi,
               int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (!text || !*text || *end || end == text) {
        fprintf(stderr, "incbench %s: %s: '%s' is not an integer\n", cmd, opt, text ? text : "");
        return 0;
    }
    if (errno == ERANGE || v < lo || v > hi) {
        fprintf(stderr, "incbench %s: %s: %s is out of range [%lld, %lld]\n", cmd, opt, text,
                (long long)lo, (long long)hi);
        return 0;
    }
    *out = v;
    return 1;
}

int ib_cli_double(const char *cmd, const char *opt, const char *text, double lo, double hi,
                  double *out)
{
    char *end = NULL;
    errno = 0;
    double v = text ? strtod(text, &end) : 0;
    if (!text || !*text || *end || end == text || !isfinite(v)) {
        fprintf(stderr, "incbench %s: %s: '%s' is not a number\n", cmd, opt, text ? text : "");
        return 0;
    }
    if (errno == ERANGE || v < lo || v > hi) {
        fprintf(stderr, "incbench %s: %s: %s is out of range [%g, %g]\n", cmd, opt, text, lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

int ib_cli_is_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}
