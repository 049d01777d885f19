/* A small JSON reader and writer for the files Google Benchmark writes (and the baselines made
 * from them): bounds-checked, depth-limited, refuses malformed input with line and column. */
#ifndef IB_BENCH_JSON_H
#define IB_BENCH_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "core/status.h"

typedef enum ib_json_type {
    IB_JSON_NULL,
    IB_JSON_BOOL,
    IB_JSON_NUMBER,
    IB_JSON_STRING,
    IB_JSON_ARRAY,
    IB_JSON_OBJECT
} ib_json_type;

/* One value. Arrays and objects keep their children in document order; an object's children
 * carry their member name in key. Numbers keep the literal they were read from, so that
 * writing a parsed document back loses nothing (64-bit iteration counts included). */
typedef struct ib_json ib_json;
struct ib_json {
    ib_json_type type;
    int boolean;
    double number; /* NaN, Infinity and -Infinity are accepted, as Python and Google
                      Benchmark write them */
    char *text;    /* STRING: the decoded text; NUMBER: the literal (NULL when built) */
    char *key;     /* member name when this value sits in an object, else NULL */
    ib_json **items;
    int count, cap;
};

/* Parses len bytes (no NUL needed). On error *out is NULL and e says where and why:
 * "line 3, column 17: expected ',' or '}' in object". */
ib_status ib_json_parse(const char *text, size_t len, ib_json **out, ib_err *e);
/* Reads and parses a whole file; messages start with the path. IB_IO when it cannot be read,
 * IB_INVALID when it is not JSON. */
ib_status ib_json_read_file(const char *path, ib_json **out, ib_err *e);
void ib_json_free(ib_json *v);

/* The first member called key of an object; NULL when v is not an object or has none. */
const ib_json *ib_json_get(const ib_json *v, const char *key);
/* The member's string / number, or NULL / fallback when absent or of another type. */
const char *ib_json_get_str(const ib_json *v, const char *key);
double ib_json_get_num(const ib_json *v, const char *key, double fallback);

/* Builders for the few values a baseline adds. NULL when out of memory. */
ib_json *ib_json_new_object(void);
ib_json *ib_json_new_string(const char *s);
/* Sets obj[key] to a string (replacing the first member of that name, else appending). */
ib_status ib_json_set_str(ib_json *obj, const char *key, const char *value, ib_err *e);
/* Sets obj[key] to a number (finite: written with full precision). */
ib_status ib_json_set_num(ib_json *obj, const char *key, double value, ib_err *e);

/* Writes v as indented JSON with a final newline; IB_IO when the stream fails. */
ib_status ib_json_write(FILE *f, const ib_json *v, ib_err *e);

#endif
