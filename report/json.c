/* A small JSON reader and writer: recursive descent with a depth limit, every read checked
 * against the end of the buffer, every allocation checked. */
#include "report/json.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_DEPTH = 64,      /* Google Benchmark nests 3 deep */
    MAX_ITEMS = 1 << 24, /* children of one array or object */
};
#define MAX_FILE_BYTES ((long)256 << 20) /* a baseline is a few hundred KiB */

typedef struct parser {
    const char *s;
    size_t len, pos;
    ib_err *e;
    ib_status st; /* first error, IB_OK until then */
} parser;

static int fail(parser *p, const char *what)
{
    if (p->st == IB_OK) {
        size_t line = 1, col = 1;
        for (size_t i = 0; i < p->pos && i < p->len; i++) {
            if (p->s[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        p->st = ib_fail(p->e, IB_INVALID, "line %zu, column %zu: %s", line, col, what);
    }
    return 0;
}

static int nomem(parser *p)
{
    if (p->st == IB_OK)
        p->st = ib_fail(p->e, IB_NOMEM, "json: out of memory");
    return 0;
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static int peek(const parser *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

/* Consumes word when the input continues with it. */
static int take(parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return 0;
    p->pos += n;
    return 1;
}

static ib_json *new_value(ib_json_type t)
{
    ib_json *v = calloc(1, sizeof *v);
    if (v)
        v->type = t;
    return v;
}

void ib_json_free(ib_json *v)
{
    if (!v)
        return;
    for (int i = 0; i < v->count; i++)
        ib_json_free(v->items[i]);
    free(v->items);
    free(v->text);
    free(v->key);
    free(v);
}

static int append(ib_json *parent, ib_json *child)
{
    if (parent->count == parent->cap) {
        if (parent->cap >= MAX_ITEMS)
            return 0;
        int cap = parent->cap ? parent->cap * 2 : 8;
        ib_json **items = realloc(parent->items, (size_t)cap * sizeof *items);
        if (!items)
            return 0;
        parent->items = items;
        parent->cap = cap;
    }
    parent->items[parent->count++] = child;
    return 1;
}

static int hex4(parser *p, unsigned *out)
{
    unsigned v = 0;
    if (p->len - p->pos < 4)
        return fail(p, "truncated \\u escape");
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return fail(p, "bad hex digit in \\u escape");
    }
    *out = v;
    return 1;
}

/* Appends code point cp as UTF-8; out has room (a \u escape takes 6 bytes, UTF-8 at most 4). */
static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string starting at the opening quote; *out receives the decoded, NUL-terminated text. */
static int parse_string(parser *p, char **out)
{
    p->pos++; /* opening quote */
    size_t start = p->pos, end = start;
    while (end < p->len && p->s[end] != '"') /* the decoded text is never longer */
        end += p->s[end] == '\\' ? 2 : 1;
    if (end >= p->len)
        return fail(p, "unterminated string");
    char *buf = malloc(end - start + 1);
    size_t n = 0;
    if (!buf)
        return nomem(p);
    while (p->s[p->pos] != '"') {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c < 0x20) {
            free(buf);
            return fail(p, "control character in string");
        }
        if (c != '\\') {
            buf[n++] = (char)c;
            p->pos++;
            continue;
        }
        p->pos++;
        char esc = p->s[p->pos++];
        unsigned cp;
        switch (esc) {
        case '"':
            buf[n++] = '"';
            break;
        case '\\':
            buf[n++] = '\\';
            break;
        case '/':
            buf[n++] = '/';
            break;
        case 'b':
            buf[n++] = '\b';
            break;
        case 'f':
            buf[n++] = '\f';
            break;
        case 'n':
            buf[n++] = '\n';
            break;
        case 'r':
            buf[n++] = '\r';
            break;
        case 't':
            buf[n++] = '\t';
            break;
        case 'u':
            if (!hex4(p, &cp)) {
                free(buf);
                return 0;
            }
            if (cp >= 0xD800 && cp < 0xDC00) { /* a high surrogate needs its low half */
                unsigned lo;
                if (!take(p, "\\u") || !hex4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                    free(buf);
                    return fail(p, "unpaired surrogate in \\u escape");
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                free(buf);
                return fail(p, "unpaired surrogate in \\u escape");
            }
            if (cp == 0) {
                free(buf);
                return fail(p, "\\u0000 in string");
            }
            n += put_utf8(buf + n, cp);
            break;
        default:
            free(buf);
            p->pos--;
            return fail(p, "bad escape in string");
        }
    }
    p->pos++; /* closing quote */
    buf[n] = '\0';
    *out = buf;
    return 1;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* RFC 8259 number grammar, plus NaN / Infinity with an optional minus sign. */
static int parse_number(parser *p, ib_json *v)
{
    size_t start = p->pos;
    int neg = take(p, "-");
    if (take(p, "NaN")) {
        v->number = neg ? -NAN : NAN;
    } else if (take(p, "Infinity")) {
        v->number = neg ? -INFINITY : INFINITY;
    } else {
        if (peek(p) == '0') {
            p->pos++;
        } else if (is_digit(peek(p))) {
            while (is_digit(peek(p)))
                p->pos++;
        } else {
            return fail(p, "expected a value");
        }
        if (peek(p) == '.') {
            p->pos++;
            if (!is_digit(peek(p)))
                return fail(p, "expected a digit after '.'");
            while (is_digit(peek(p)))
                p->pos++;
        }
        if (peek(p) == 'e' || peek(p) == 'E') {
            p->pos++;
            if (peek(p) == '+' || peek(p) == '-')
                p->pos++;
            if (!is_digit(peek(p)))
                return fail(p, "expected a digit in exponent");
            while (is_digit(peek(p)))
                p->pos++;
        }
    }
    size_t n = p->pos - start;
    if (!(v->text = malloc(n + 1)))
        return nomem(p);
    memcpy(v->text, p->s + start, n);
    v->text[n] = '\0';
    if (isfinite(v->number) && v->text[neg] != 'N' && v->text[neg] != 'I') {
        errno = 0;
        v->number = strtod(v->text, NULL); /* the grammar above is a subset of strtod's */
    }
    return 1;
}

static ib_json *parse_value(parser *p, int depth);

static int parse_members(parser *p, ib_json *v, int depth)
{
    const int is_obj = v->type == IB_JSON_OBJECT;
    const char close = is_obj ? '}' : ']';
    p->pos++; /* opening bracket */
    skip_ws(p);
    if (peek(p) == close) {
        p->pos++;
        return 1;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(p);
        if (is_obj) {
            if (peek(p) != '"')
                return fail(p, "expected a member name in object");
            if (!parse_string(p, &key))
                return 0;
            skip_ws(p);
            if (peek(p) != ':') {
                free(key);
                return fail(p, "expected ':' after member name");
            }
            p->pos++;
        }
        ib_json *child = parse_value(p, depth + 1);
        if (!child) {
            free(key);
            return 0;
        }
        child->key = key;
        if (!append(v, child)) {
            ib_json_free(child);
            return nomem(p);
        }
        skip_ws(p);
        int c = peek(p);
        if (c == ',') {
            p->pos++;
            continue;
        }
        if (c == close) {
            p->pos++;
            return 1;
        }
        return fail(p, is_obj ? "expected ',' or '}' in object" : "expected ',' or ']' in array");
    }
}

static ib_json *parse_value(parser *p, int depth)
{
    if (depth > MAX_DEPTH) {
        fail(p, "nested too deeply");
        return NULL;
    }
    skip_ws(p);
    int c = peek(p);
    ib_json *v = NULL;
    int ok = 0;
    if (c < 0) {
        fail(p, "unexpected end of input");
        return NULL;
    }
    if (c == '{' || c == '[') {
        if ((v = new_value(c == '{' ? IB_JSON_OBJECT : IB_JSON_ARRAY)))
            ok = parse_members(p, v, depth);
    } else if (c == '"') {
        if ((v = new_value(IB_JSON_STRING)))
            ok = parse_string(p, &v->text);
    } else if (c == 't' || c == 'f') {
        if ((v = new_value(IB_JSON_BOOL))) {
            v->boolean = c == 't';
            ok = take(p, c == 't' ? "true" : "false") || fail(p, "expected a value");
        }
    } else if (c == 'n') {
        if ((v = new_value(IB_JSON_NULL)))
            ok = take(p, "null") || fail(p, "expected a value");
    } else {
        if ((v = new_value(IB_JSON_NUMBER)))
            ok = parse_number(p, v);
    }
    if (!v)
        nomem(p);
    if (!ok) {
        ib_json_free(v);
        return NULL;
    }
    return v;
}

ib_status ib_json_parse(const char *text, size_t len, ib_json **out, ib_err *e)
{
    parser p = {.s = text, .len = text ? len : 0, .e = e, .st = IB_OK};
    *out = NULL;
    ib_json *v = parse_value(&p, 0);
    if (v) {
        skip_ws(&p);
        if (p.pos != p.len) {
            fail(&p, "unexpected text after the end of the document");
            ib_json_free(v);
            v = NULL;
        }
    }
    *out = v;
    return v ? IB_OK : p.st;
}

ib_status ib_json_read_file(const char *path, ib_json **out, ib_err *e)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ib_fail(e, IB_IO, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    ib_status st = IB_OK;
    for (;;) {
        if (len == cap) {
            if ((long)cap >= MAX_FILE_BYTES) {
                st = ib_fail(e, IB_INVALID, "%s: larger than %ld MiB, not a baseline", path,
                             MAX_FILE_BYTES >> 20);
                break;
            }
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) {
                st = ib_fail(e, IB_NOMEM, "%s: out of memory", path);
                break;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                st = ib_fail(e, IB_IO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (st == IB_OK) {
        ib_err pe = {{0}};
        st = ib_json_parse(buf, len, out, &pe);
        if (st != IB_OK)
            ib_fail(e, st, "%s: not valid JSON: %s", path, pe.msg);
    }
    free(buf);
    return st;
}

const ib_json *ib_json_get(const ib_json *v, const char *key)
{
    if (!v || v->type != IB_JSON_OBJECT)
        return NULL;
    for (int i = 0; i < v->count; i++)
        if (v->items[i]->key && strcmp(v->items[i]->key, key) == 0)
            return v->items[i];
    return NULL;
}

const char *ib_json_get_str(const ib_json *v, const char *key)
{
    const ib_json *m = ib_json_get(v, key);
    return m && m->type == IB_JSON_STRING ? m->text : NULL;
}

double ib_json_get_num(const ib_json *v, const char *key, double fallback)
{
    const ib_json *m = ib_json_get(v, key);
    return m && m->type == IB_JSON_NUMBER ? m->number : fallback;
}

ib_json *ib_json_new_object(void)
{
    return new_value(IB_JSON_OBJECT);
}

ib_json *ib_json_new_string(const char *s)
{
    ib_json *v = new_value(IB_JSON_STRING);
    if (v && !(v->text = strdup(s))) {
        free(v);
        v = NULL;
    }
    return v;
}

/* Sets obj[key] to v (consumed), replacing the first member of that name, else appending. */
static ib_status set_member(ib_json *obj, const char *key, ib_json *v, ib_err *e)
{
    if (!obj || obj->type != IB_JSON_OBJECT) {
        ib_json_free(v);
        return ib_fail(e, IB_INVALID, "json: cannot set '%s' on a value that is not an object",
                       key);
    }
    if (!v || !(v->key = strdup(key))) {
        ib_json_free(v);
        return ib_fail(e, IB_NOMEM, "json: out of memory");
    }
    for (int i = 0; i < obj->count; i++) {
        if (obj->items[i]->key && strcmp(obj->items[i]->key, key) == 0) {
            ib_json_free(obj->items[i]);
            obj->items[i] = v;
            return IB_OK;
        }
    }
    if (!append(obj, v)) {
        ib_json_free(v);
        return ib_fail(e, IB_NOMEM, "json: out of memory");
    }
    return IB_OK;
}

ib_status ib_json_set_str(ib_json *obj, const char *key, const char *value, ib_err *e)
{
    return set_member(obj, key, ib_json_new_string(value), e);
}

ib_status ib_json_set_num(ib_json *obj, const char *key, double value, ib_err *e)
{
    ib_json *v = new_value(IB_JSON_NUMBER);
    if (v)
        v->number = value;
    return set_member(obj, key, v, e);
}

static void write_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void write_value(FILE *f, const ib_json *v, int indent)
{
    switch (v->type) {
    case IB_JSON_NULL:
        fputs("null", f);
        break;
    case IB_JSON_BOOL:
        fputs(v->boolean ? "true" : "false", f);
        break;
    case IB_JSON_NUMBER:
        if (v->text)
            fputs(v->text, f);
        else if (isnan(v->number))
            fputs("NaN", f);
        else if (isinf(v->number))
            fputs(v->number < 0 ? "-Infinity" : "Infinity", f);
        else
            fprintf(f, "%.17g", v->number);
        break;
    case IB_JSON_STRING:
        write_string(f, v->text);
        break;
    case IB_JSON_ARRAY:
    case IB_JSON_OBJECT: {
        const int obj = v->type == IB_JSON_OBJECT;
        fputc(obj ? '{' : '[', f);
        for (int i = 0; i < v->count; i++) {
            fprintf(f, "%s\n%*s", i ? "," : "", 2 * (indent + 1), "");
            if (obj) {
                write_string(f, v->items[i]->key ? v->items[i]->key : "");
                fputs(": ", f);
            }
            write_value(f, v->items[i], indent + 1);
        }
        if (v->count)
            fprintf(f, "\n%*s", 2 * indent, "");
        fputc(obj ? '}' : ']', f);
        break;
    }
    }
}

ib_status ib_json_write(FILE *f, const ib_json *v, ib_err *e)
{
    write_value(f, v, 0);
    fputc('\n', f);
    if (fflush(f) != 0 || ferror(f))
        return ib_fail(e, IB_IO, "json: write failed: %s", strerror(errno));
    return IB_OK;
}
