/* Status names and the error-message formatter. */
#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>

ib_status ib_fail(ib_err *e, ib_status s, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return s;
}

const char *ib_status_name(ib_status s)
{
    switch (s) {
    case IB_OK:
        return "ok";
    case IB_INVALID:
        return "invalid";
    case IB_OVERFLOW:
        return "overflow";
    case IB_UNSUPPORTED:
        return "unsupported";
    case IB_NOMEM:
        return "out of memory";
    case IB_IO:
        return "i/o error";
    case IB_FAILED:
        return "failed";
    }
    return "unknown status";
}
