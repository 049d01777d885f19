/* Reads a whole CSV file and splits it into records (a line break inside quotes belongs to the
 * field) and fields (ib_csv_split, the inverse of the driver's writer). */
#include "report/report_csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/csv.h"

void ib_rcsv_free(ib_rcsv *c)
{
    for (int r = 0; r < c->nrows; r++) {
        free(c->text[r]);
        free(c->rows[r]);
    }
    free(c->text);
    free(c->rows);
    memset(c, 0, sizeof *c);
}

static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *nb = realloc(b, cap *= 2);
        if (!nb)
            free(b);
        b = nb;
    }
    if (b)
        b[n] = 0;
    *len = n;
    return b;
}

static ib_status add_record(ib_rcsv *c, const char *s, size_t n, ib_err *e)
{
    char *t = malloc(n + 1), **row = calloc(IB_RCSV_MAX_COLS, sizeof *row);
    char **texts = realloc(c->text, (size_t)(c->nrows + 1) * sizeof *texts);
    if (texts)
        c->text = texts;
    char ***rows = realloc(c->rows, (size_t)(c->nrows + 1) * sizeof *rows);
    if (rows)
        c->rows = rows;
    if (!t || !row || !texts || !rows) {
        free(t), free(row);
        return ib_fail(e, IB_NOMEM, "report: out of memory reading a CSV");
    }
    memcpy(t, s, n);
    t[n] = 0;
    const int k = ib_csv_split(t, row, IB_RCSV_MAX_COLS - 1);
    for (int i = k; i < IB_RCSV_MAX_COLS; i++)
        row[i] = t + n; /* "" for missing fields */
    c->text[c->nrows] = t;
    c->rows[c->nrows++] = row;
    return IB_OK;
}

ib_status ib_rcsv_read_path(const char *path, ib_rcsv *c, int *found, ib_err *e)
{
    memset(c, 0, sizeof *c);
    *found = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return IB_OK;
        return ib_fail(e, IB_IO, "report: cannot read %s%s: %s", IB_SHOWN(path), strerror(errno));
    }
    size_t len;
    char *b = slurp(f, &len);
    const int bad = ferror(f); /* a folder by that name must not pass as an empty file */
    fclose(f);
    if (!b || bad) {
        free(b);
        return ib_fail(e, bad ? IB_IO : IB_NOMEM, "report: cannot read %s%s", IB_SHOWN(path));
    }
    ib_status st = IB_OK;
    size_t start = 0;
    int quoted = 0;
    for (size_t i = 0; i <= len && st == IB_OK; i++) {
        if (i < len && b[i] == '"')
            quoted = !quoted; /* a doubled quote toggles twice */
        if (i < len && (b[i] != '\n' || quoted))
            continue;
        if (i == len && quoted) {
            st = ib_fail(e, IB_INVALID, "report: %s%s: a quoted field is never closed",
                         IB_SHOWN(path));
            break;
        }
        size_t end = i;
        if (end > start && b[end - 1] == '\r')
            end--;
        if (end > start || i < len) /* no record after the final line break */
            st = add_record(c, b + start, end - start, e);
        start = i + 1;
    }
    free(b);
    if (st != IB_OK) {
        ib_rcsv_free(c);
        return st;
    }
    if (c->nrows)
        for (c->ncols = 0; c->ncols < IB_RCSV_MAX_COLS - 1 && c->rows[0][c->ncols][0]; c->ncols++)
            ;
    *found = 1;
    return IB_OK;
}

ib_status ib_rcsv_read(const char *dir, const char *name, ib_rcsv *c, int *found, ib_err *e)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return ib_rcsv_read_path(path, c, found, e);
}

int ib_rcsv_col(const ib_rcsv *c, const char *name)
{
    for (int k = 0; k < c->ncols; k++)
        if (!strcmp(c->rows[0][k], name))
            return k;
    return -1;
}

const char *ib_rcsv_get(const ib_rcsv *c, int r, const char *name)
{
    const int k = ib_rcsv_col(c, name);
    return k < 0 || r < 0 || r >= c->nrows ? "" : c->rows[r][k];
}

double ib_rnum(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || end == s)
        return NAN;
    return *end == '%' ? v / 100 : v;
}

double ib_rcsv_num(const ib_rcsv *c, int r, const char *name)
{
    return ib_rnum(ib_rcsv_get(c, r, name));
}
