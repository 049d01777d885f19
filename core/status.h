/* Status codes and error messages: errors are values, never exit() in the library. */
#ifndef IB_STATUS_H
#define IB_STATUS_H

typedef enum ib_status {
    IB_OK = 0,
    IB_INVALID,     /* a descriptor field or argument is out of range */
    IB_OVERFLOW,    /* a size computation would overflow */
    IB_UNSUPPORTED, /* valid, but this implementation cannot run it */
    IB_NOMEM,       /* allocation failed */
    IB_IO,          /* a file could not be read or written */
    IB_FAILED       /* anything else (a library call failed) */
} ib_status;

/* The message names the bad field, e.g. "conv: kh=9 larger than padded input height 7". */
typedef struct ib_err {
    char msg[256];
} ib_err;

/* Formats the message into e (when e is not NULL) and returns s. */
ib_status ib_fail(ib_err *e, ib_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *ib_status_name(ib_status s);

#endif
