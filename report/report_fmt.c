/* Number formatting for people: fixed-point with 3 significant figures, so a table never
 * shows 1.050373e-03 or 0.160000, and a missing or infinite value shows as a dash. */
#include "report/report_fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *ib_fmt_sig(char *buf, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, IB_FMT_LEN, "\u2013");
        return buf;
    }
    const double a = fabs(v);
    int d = 0; /* digits after the point so that 3 significant ones show */
    if (a > 0 && a < 100) {
        d = 2 - (int)floor(log10(a));
        d = d > 9 ? 9 : d;
        /* rounding may carry into a new digit (9.996 -> 10.00): one decimal fewer */
        if (d > 0 && round(a * pow(10, d)) / pow(10, d) >= pow(10, 3 - d))
            d--;
    }
    if (round(a * pow(10, d)) == 0)
        v = 0, d = 0; /* "0", not "-0.00" or "0.000000000" */
    snprintf(buf, IB_FMT_LEN, "%.*f", d, v);
    return buf;
}

const char *ib_fmt_pct(char *buf, double frac)
{
    ib_fmt_sig(buf, frac * 100);
    if (isfinite(frac))
        snprintf(buf + strlen(buf), 4, "%%");
    return buf;
}

void ib_html(FILE *f, const char *s)
{
    for (; *s; s++)
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else if (*s == '\'')
            fputs("&#39;", f);
        else if ((unsigned char)*s >= 0x20 || *s == '\n')
            fputc(*s, f);
}

void ib_html_arrows(FILE *f, const char *s)
{
    for (const char *a; (a = strstr(s, "->")); s = a + 2) {
        char part[256];
        snprintf(part, sizeof part, "%.*s", (int)(a - s < 255 ? a - s : 255), s);
        ib_html(f, part);
        fputs("&#8594;", f);
    }
    ib_html(f, s);
}

void ib_html_interval(FILE *f, const char *(*fmt)(char *, double), double est, double lo, double hi,
                      int bold)
{
    char a[IB_FMT_LEN], b[IB_FMT_LEN], c[IB_FMT_LEN];
    fprintf(f, "%s%s%s <small>[%s, %s]</small>", bold ? "<b>" : "", fmt(a, est), bold ? "</b>" : "",
            fmt(b, lo), fmt(c, hi));
}
