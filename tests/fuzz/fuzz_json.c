/* libFuzzer target: the JSON reader behind baselines and results (report/json.h). Malformed
 * input must be refused with a message; accepted input must write out, read back and write
 * out again to the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json.h"

/* Writes v into a heap string; NULL when the writer fails. */
static char *dump(const ib_json *v, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    ib_err e;
    ib_status st = ib_json_write(f, v, &e);
    fclose(f);
    if (st != IB_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Touches the lookups the baseline code uses, on whatever shape the document has. */
static void walk(const ib_json *v, int depth)
{
    if (!v || depth > 80)
        return;
    (void)ib_json_get(v, "context");
    (void)ib_json_get_str(v, "name");
    (void)ib_json_get_num(v, "real_time", 0.0);
    for (int i = 0; i < v->count; i++)
        walk(v->items[i], depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ib_json *doc = NULL;
    ib_err e;
    memset(&e, 0, sizeof e);
    if (ib_json_parse((const char *)data, size, &doc, &e) != IB_OK) {
        if (doc || !e.msg[0])
            abort();
        return 0;
    }
    walk(doc, 0);
    size_t n1 = 0, n2 = 0;
    char *a = dump(doc, &n1);
    ib_json_free(doc);
    if (!a)
        abort();
    ib_json *back = NULL;
    if (ib_json_parse(a, n1, &back, &e) != IB_OK) {
        fprintf(stderr, "written JSON does not read back: %s\n%s\n", e.msg, a);
        abort();
    }
    char *b = dump(back, &n2);
    ib_json_free(back);
    if (!b || n1 != n2 || memcmp(a, b, n1)) {
        fprintf(stderr, "write(read(write(x))) differs from write(x)\n");
        abort();
    }
    free(a);
    free(b);
    return 0;
}
