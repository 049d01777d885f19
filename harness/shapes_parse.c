/* benchdnn-style descriptor parsing with deduction of missing fields and pointed messages. */
#include "harness/shapes_parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Field slots; the order is the order of the names below. */
enum {
    F_MB,
    F_G,
    F_IC,
    F_ID,
    F_IH,
    F_IW,
    F_OC,
    F_OD,
    F_OH,
    F_OW,
    F_KD,
    F_KH,
    F_KW,
    F_SD,
    F_SH,
    F_SW,
    F_PD,
    F_PH,
    F_PW,
    F_PT,
    F_PB,
    F_PL,
    F_PR,
    F_DD,
    F_DH,
    F_DW,
    F_COUNT
};
static const char *const field_names[F_COUNT] = {
    "mb", "g",  "ic", "id", "ih", "iw", "oc", "od", "oh", "ow", "kd", "kh", "kw",
    "sd", "sh", "sw", "pd", "ph", "pw", "pt", "pb", "pl", "pr", "dd", "dh", "dw"};

enum { MAX_VALUE = 1000000000 };

typedef struct fields {
    int64_t v[F_COUNT];
    int has[F_COUNT];
} fields;

/* Longest field name at s (names are 1 or 2 letters; "n" is the name field). */
static int match_field(const char *s)
{
    for (int f = 0; f < F_COUNT; f++) {
        size_t k = strlen(field_names[f]);
        if (k == 2 && !strncmp(s, field_names[f], 2))
            return f;
    }
    for (int f = 0; f < F_COUNT; f++)
        if (strlen(field_names[f]) == 1 && s[0] == field_names[f][0])
            return f;
    return -1;
}

static ib_status bad(ib_err *e, const char *text, const char *fmt, const char *what, long off)
{
    char m[160];
    snprintf(m, sizeof m, fmt, what, off);
    return ib_fail(e, IB_INVALID, "descriptor '%.60s': %s", text, m);
}

/* Padding along one axis: explicit pt/pb, else 'ph' on both sides, else derived from a given
 * output size, else 0. */
static void pad_axis(const fields *f, int fi, int fo, int fk, int fs, int fp, int fa, int fb,
                     int64_t *a, int64_t *b)
{
    if (f->has[fp]) {
        *a = *b = f->v[fp];
    } else if (f->has[fo]) {
        /* only a padding a kernel can have (0 .. k-1 in all); else none, and the given
         * output size is then reported as disagreeing */
        int64_t total = (f->v[fo] - 1) * f->v[fs] + f->v[fk] - f->v[fi];
        if (total < 0 || total > f->v[fk] - 1)
            total = 0;
        *a = total / 2;
        *b = total - total / 2;
    } else {
        *a = *b = 0;
    }
    if (f->has[fa])
        *a = f->v[fa];
    if (f->has[fb])
        *b = f->v[fb];
}

/* Copies x to y when only x is given (benchdnn's "w from h"); both ways when both. */
static void mirror(fields *f, int x, int y, int both_ways)
{
    if (f->has[x] && !f->has[y])
        f->v[y] = f->v[x], f->has[y] = 2;
    else if (both_ways && f->has[y] && !f->has[x])
        f->v[x] = f->v[y], f->has[x] = 2;
}

/* An output size computed from the other fields: it must agree with the one given, and fit
 * in a field, so that the descriptor written back (ib_desc_str) parses again. */
static ib_status check_out(const char *text, const fields *f, int fo, int64_t got, ib_err *e)
{
    if (got > MAX_VALUE)
        return ib_fail(e, IB_INVALID,
                       "descriptor '%.60s': %s=%lld, computed from the input, kernel, stride and "
                       "padding, is larger than a field may be (%d)",
                       text, field_names[fo], (long long)got, MAX_VALUE);
    if (f->has[fo] == 1 && f->v[fo] != got)
        return ib_fail(e, IB_INVALID,
                       "descriptor '%.60s': %s=%lld disagrees with the %s=%lld computed from the "
                       "input, kernel, stride and padding",
                       text, field_names[fo], (long long)f->v[fo], field_names[fo], (long long)got);
    return IB_OK;
}

ib_status ib_parse_desc(const char *text, ib_desc *d, char *name, int namelen, ib_err *e)
{
    fields f;
    memset(&f, 0, sizeof f);
    memset(d, 0, sizeof *d);
    if (name && namelen > 0)
        snprintf(name, (size_t)namelen, "%s", text);
    if (!text || !*text)
        return ib_fail(e, IB_INVALID, "descriptor '': empty");
    ib_op op = IB_OP_CONV;
    const char *s = text;
    const char *colon = strchr(text, ':');
    if (colon) {
        size_t k = (size_t)(colon - text);
        if (k == 4 && !strncmp(text, "conv", 4))
            op = IB_OP_CONV;
        else if (k == 7 && !strncmp(text, "maxpool", 7))
            op = IB_OP_MAXPOOL;
        else if (k == 7 && !strncmp(text, "avgpool", 7))
            op = IB_OP_AVGPOOL;
        else
            return ib_fail(e, IB_INVALID,
                           "descriptor '%.60s': unknown operation '%.*s' (expected conv, maxpool "
                           "or avgpool)",
                           text, (int)k, text);
        s = colon + 1;
    }
    int bias = 0, bn = 0, relu = 0, excl = 0;
    while (*s) {
        const long off = (long)(s - text);
        if (*s == '_') { /* a suffix, or benchdnn's "_n" name separator */
            const char *suf[] = {"_bias", "_bn", "_relu", "_excl"};
            int *flag[] = {&bias, &bn, &relu, &excl};
            int hit = 0;
            for (int i = 0; i < 4 && !hit; i++) {
                size_t k = strlen(suf[i]);
                if (!strncmp(s, suf[i], k) && (s[k] == 0 || s[k] == '_')) {
                    *flag[i] = 1;
                    s += k;
                    hit = 1;
                }
            }
            if (hit)
                continue;
            if (s[1] == 'n') {
                s++;
                continue;
            }
            return bad(e, text,
                       "unknown suffix '%s' (offset %ld; expected _bias, _bn, _relu "
                       "or _excl)",
                       s, off);
        }
        if (*s == 'n' && !isdigit((unsigned char)s[1]) && s[1] != 0) {
            /* the name: the rest of the text */
            const char *nm = s + 1;
            if (*nm == '"')
                nm++;
            size_t k = strcspn(nm, "\"");
            for (size_t i = 0; i < k; i++)
                if (!isalnum((unsigned char)nm[i]) && !strchr("._-", nm[i]))
                    return bad(e, text,
                               "name '%s' holds a character other than letters, "
                               "digits, '.', '-', '_' (offset %ld)",
                               nm, off);
            if (name && namelen > 0)
                snprintf(name, (size_t)namelen, "%.*s", (int)k, nm);
            break;
        }
        int fi = match_field(s);
        if (fi < 0) {
            char what[8];
            snprintf(what, sizeof what, "%.2s", s);
            return bad(e, text, "unknown field '%s' (offset %ld)", what, off);
        }
        const char *fn = field_names[fi];
        s += strlen(fn);
        if (!isdigit((unsigned char)*s))
            return bad(e, text, "field '%s' needs a number (offset %ld)", fn, off);
        errno = 0;
        char *end;
        long long v = strtoll(s, &end, 10);
        if (errno == ERANGE || v > MAX_VALUE)
            return bad(e, text, "field '%s' is too large (offset %ld)", fn, off);
        if (f.has[fi])
            return bad(e, text, "field '%s' given twice (offset %ld)", fn, off);
        f.v[fi] = v;
        f.has[fi] = 1;
        s = end;
    }

    /* What this library does not model: groups, 3-D, dilation. */
    static const struct {
        int f;
        int64_t ok;
        const char *why;
    } fixed[] = {
        {F_G, 1, "groups are not supported (g must be 1)"},
        {F_ID, 1, "3-D problems are not supported (id must be 1)"},
        {F_OD, 1, "3-D problems are not supported (od must be 1)"},
        {F_KD, 1, "3-D problems are not supported (kd must be 1)"},
        {F_SD, 1, "3-D problems are not supported (sd must be 1)"},
        {F_PD, 0, "3-D problems are not supported (pd must be 0)"},
        {F_DD, 0, "dilation is not supported (dd must be 0)"},
        {F_DH, 0, "dilation is not supported (dh must be 0)"},
        {F_DW, 0, "dilation is not supported (dw must be 0)"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (f.has[fixed[i].f] && f.v[fixed[i].f] != fixed[i].ok)
            return ib_fail(e, IB_INVALID, "descriptor '%.60s': %s: %s", text,
                           field_names[fixed[i].f], fixed[i].why);
    const int is_conv = op == IB_OP_CONV;
    if (!is_conv && f.has[F_OC])
        return ib_fail(e, IB_INVALID,
                       "descriptor '%.60s': oc: a pooling has no oc (its "
                       "channels are ic)",
                       text);
    if (!is_conv && (bias || bn || relu))
        return ib_fail(e, IB_INVALID,
                       "descriptor '%.60s': _bias, _bn and _relu apply to "
                       "convolutions only",
                       text);
    if (op != IB_OP_AVGPOOL && excl)
        return ib_fail(e, IB_INVALID, "descriptor '%.60s': _excl applies to avgpool only", text);
    mirror(&f, F_IH, F_IW, 1);
    mirror(&f, F_KH, F_KW, 1);
    mirror(&f, F_SH, F_SW, 0);
    mirror(&f, F_PH, F_PW, 0);
    if (f.v[F_IH] == f.v[F_IW] && f.v[F_KH] == f.v[F_KW])
        mirror(&f, F_OH, F_OW, 0); /* square: the width's padding derives as the height's */
    const int need[] = {F_IC, F_IH, F_KH, F_OC};
    for (int i = 0; i < (is_conv ? 4 : 3); i++)
        if (!f.has[need[i]])
            return ib_fail(e, IB_INVALID, "descriptor '%.60s': field '%s' is missing", text,
                           field_names[need[i]]);
    if (!f.has[F_MB])
        f.v[F_MB] = 1;
    if (!f.has[F_SH])
        f.v[F_SH] = 1;
    if (!f.has[F_SW])
        f.v[F_SW] = f.v[F_SH];
    int64_t pt, pb, pl, pr;
    if (f.v[F_SH] == 0 || f.v[F_SW] == 0)
        return ib_fail(e, IB_INVALID, "descriptor '%.60s': %s: stride must be positive", text,
                       f.v[F_SH] == 0 ? "sh" : "sw");
    pad_axis(&f, F_IH, F_OH, F_KH, F_SH, F_PH, F_PT, F_PB, &pt, &pb);
    pad_axis(&f, F_IW, F_OW, F_KW, F_SW, F_PW, F_PL, F_PR, &pl, &pr);

    ib_err ve;
    ib_status st;
    if (is_conv) {
        d->op = IB_OP_CONV;
        d->conv = (ib_conv_desc){.n = f.v[F_MB],
                                 .ic = f.v[F_IC],
                                 .ih = f.v[F_IH],
                                 .iw = f.v[F_IW],
                                 .oc = f.v[F_OC],
                                 .kh = f.v[F_KH],
                                 .kw = f.v[F_KW],
                                 .sh = f.v[F_SH],
                                 .sw = f.v[F_SW],
                                 .pt = pt,
                                 .pb = pb,
                                 .pl = pl,
                                 .pr = pr,
                                 .has_bias = bias,
                                 .has_scale_shift = bn,
                                 .relu = relu};
        st = ib_conv_validate(&d->conv, &ve);
    } else {
        d->op = op;
        d->pool = (ib_pool_desc){.n = f.v[F_MB],
                                 .c = f.v[F_IC],
                                 .ih = f.v[F_IH],
                                 .iw = f.v[F_IW],
                                 .kh = f.v[F_KH],
                                 .kw = f.v[F_KW],
                                 .sh = f.v[F_SH],
                                 .sw = f.v[F_SW],
                                 .pt = pt,
                                 .pb = pb,
                                 .pl = pl,
                                 .pr = pr,
                                 .count_include_pad = !excl};
        st = ib_pool_validate(&d->pool, &ve);
    }
    if (st != IB_OK)
        return ib_fail(e, IB_INVALID, "descriptor '%.60s': %s", text, ve.msg);
    const int64_t oh = is_conv ? d->conv.oh : d->pool.oh, ow = is_conv ? d->conv.ow : d->pool.ow;
    if ((st = check_out(text, &f, F_OH, oh, e)) != IB_OK ||
        (st = check_out(text, &f, F_OW, ow, e)) != IB_OK)
        return st;
    return IB_OK;
}

ib_status ib_parse_shapes_file(const char *path, ib_user_shape *out, int max, int *n, ib_err *e)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return ib_fail(e, IB_IO, "%s%s: cannot open", IB_SHOWN(path));
    char line[512];
    int lineno = 0;
    ib_status st = IB_OK;
    while (st == IB_OK && fgets(line, sizeof line, fp)) {
        lineno++;
        /* a full buffer without its newline: refuse rather than read one line as two */
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            int next = fgetc(fp);
            if (next != EOF) {
                st = ib_fail(e, IB_INVALID, "%s%s:%d: line too long (more than %d characters)",
                             IB_SHOWN(path), lineno, (int)sizeof line - 2);
                break;
            }
        }
        char *h = strchr(line, '#');
        if (h)
            *h = 0;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        char *q = p + strlen(p);
        while (q > p && isspace((unsigned char)q[-1]))
            *--q = 0;
        if (!*p)
            continue;
        if (*n >= max) {
            st = ib_fail(e, IB_INVALID, "%s%s:%d: more than %d descriptors", IB_SHOWN(path), lineno,
                         max);
            break;
        }
        ib_err pe;
        if (ib_parse_desc(p, &out[*n].desc, out[*n].name, sizeof out[*n].name, &pe) != IB_OK)
            st = ib_fail(e, IB_INVALID, "%s%s:%d: %s", IB_SHOWN(path), lineno, pe.msg);
        else
            (*n)++;
    }
    /* fgets() returns NULL on a read error as at the end (a folder reads as EISDIR): without
     * this check an unreadable file would pass as an empty one */
    if (st == IB_OK && ferror(fp))
        st = ib_fail(e, IB_IO, "%s%s: cannot read: %s", IB_SHOWN(path), strerror(errno));
    fclose(fp);
    return st;
}
