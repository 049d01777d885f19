/* Numbers and text as the report shows them: 3 significant figures, never scientific
 * notation, a dash for a missing value, HTML-escaped text. */
#ifndef IB_BENCH_REPORT_FMT_H
#define IB_BENCH_REPORT_FMT_H

#include <stddef.h>
#include <stdio.h>

enum { IB_FMT_LEN = 48 };

/* v with 3 significant figures ("1.05", "0.0123", "1230"); "–" when not finite. */
const char *ib_fmt_sig(char *buf, double v);
/* A fraction as a percentage with 3 significant figures ("12.3%", "0.512%"). */
const char *ib_fmt_pct(char *buf, double frac);
/* An estimate with its interval, "est <small>[lo, hi]</small>" (est in bold when bold), each
 * written through fmt (ib_fmt_sig or ib_fmt_pct). */
void ib_html_interval(FILE *f, const char *(*fmt)(char *, double), double est, double lo, double hi,
                      int bold);
/* HTML text: <, >, & and quotes escaped, control characters dropped. */
void ib_html(FILE *f, const char *s);
/* The same, with "->" shown as an arrow (pair and case names: "3x3->3x3" reads as a chain). */
void ib_html_arrows(FILE *f, const char *s);

#endif
