/* libFuzzer target: the command line's text parsers. The first byte picks one:
 *   0: a descriptor (harness/shapes_parse.h); an accepted one must be valid and read back from
 *      its own text (ib_desc_str) to the same text;
 *   1: a shapes file (the bytes as a file's contents, through a memfd);
 *   2: the strict integer parser with bounds from the input (cli/cli.h);
 *   3: the strict number parser, likewise.
 * Refusals must carry a message; nothing may crash or trip a sanitizer. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/cli.h"
#include "harness/shapes_parse.h"

enum { MAX_TEXT = 4096, MAX_SHAPES = 64 };

static void parse_desc(const char *text)
{
    ib_desc d;
    ib_err e;
    char name[64];
    memset(&e, 0, sizeof e);
    if (ib_parse_desc(text, &d, name, sizeof name, &e) != IB_OK) {
        if (!e.msg[0])
            abort();
        return;
    }
    if (!memchr(name, '\0', sizeof name))
        abort();
    ib_desc v = d;
    if (ib_desc_validate(&v, &e) != IB_OK)
        abort(); /* the parser promises a validated descriptor */
    char s1[512], s2[512], again[600];
    ib_desc_str(&d, s1, sizeof s1);
    snprintf(again, sizeof again, "%s%s%s", d.op == IB_OP_CONV ? "" : ib_op_name(d.op),
             d.op == IB_OP_CONV ? "" : ":", s1);
    ib_desc d2;
    if (ib_parse_desc(again, &d2, NULL, 0, &e) != IB_OK) {
        fprintf(stderr, "round trip refused: '%s' -> '%s': %s\n", text, again, e.msg);
        abort();
    }
    ib_desc_str(&d2, s2, sizeof s2);
    if (d2.op != d.op || strcmp(s1, s2)) {
        fprintf(stderr, "round trip differs: '%s' -> '%s' -> '%s'\n", text, s1, s2);
        abort();
    }
}

static void parse_file(const uint8_t *data, size_t size)
{
    int fd = memfd_create("shapes", 0);
    if (fd < 0)
        return;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    static ib_user_shape shapes[MAX_SHAPES];
    int n = 0;
    ib_err e;
    memset(&e, 0, sizeof e);
    ib_status st = ib_parse_shapes_file(path, shapes, MAX_SHAPES, &n, &e);
    if ((st != IB_OK && !e.msg[0]) || n < 0 || n > MAX_SHAPES)
        abort();
    for (int i = 0; i < n; i++) {
        ib_desc v = shapes[i].desc;
        if (ib_desc_validate(&v, &e) != IB_OK || !memchr(shapes[i].name, '\0', 64))
            abort();
    }
    close(fd);
}

/* Bounds from the first 16 bytes, the text from the rest. */
static void parse_numbers(int kind, const uint8_t *data, size_t size)
{
    int64_t b[2] = {0, 0};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 8; i++)
            b[k] = (int64_t)((uint64_t)b[k] << 8 | (size ? (size--, *data++) : 0));
    char text[MAX_TEXT + 1];
    size_t n = size < MAX_TEXT ? size : MAX_TEXT;
    memcpy(text, data, n);
    text[n] = '\0';
    const int64_t lo = b[0] < b[1] ? b[0] : b[1], hi = b[0] < b[1] ? b[1] : b[0];
    if (kind == 2) {
        int64_t v = 0;
        if (ib_cli_int("fuzz", "--n", text, lo, hi, &v) && (v < lo || v > hi))
            abort();
        ib_cli_int("fuzz", "--n", n & 1 ? NULL : text, INT64_MIN, INT64_MAX, &v);
    } else {
        double v = 0, dlo = (double)lo / 1e6, dhi = (double)hi / 1e6;
        if (ib_cli_double("fuzz", "--x", text, dlo, dhi, &v) &&
            (!isfinite(v) || v < dlo || v > dhi))
            abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* The parsers' messages go to stderr: silence them (the fuzzer's own output and the
     * sanitizers' reports do not go through this FILE). */
    FILE *null = fopen("/dev/null", "w");
    if (null)
        stderr = null;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const int kind = data[0] % 4;
    data++, size--;
    if (kind == 1) {
        parse_file(data, size);
        return 0;
    }
    if (kind >= 2) {
        parse_numbers(kind, data, size);
        return 0;
    }
    char text[MAX_TEXT + 1];
    size_t n = size < MAX_TEXT ? size : MAX_TEXT;
    memcpy(text, data, n);
    text[n] = '\0';
    parse_desc(text);
    return 0;
}
