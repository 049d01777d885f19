/* CSV as RFC 4180 writes it: fields holding a comma, a quote or a line break are quoted,
 * quotes doubled; the reader undoes exactly that. */
#ifndef IB_BENCH_CSV_H
#define IB_BENCH_CSV_H

#include <stdio.h>

/* Writes one field, quoted when needed, followed by sep (',' or '\n'). */
void ib_csv_put(FILE *f, const char *s, char sep);
/* Writes a number field ("%.*g"; "" when not finite), followed by sep. */
void ib_csv_num(FILE *f, double v, int digits, char sep);
/* Splits one line (no line break) in place into at most max fields; returns how many. A
 * quoted field may hold commas and doubled quotes. */
int ib_csv_split(char *line, char **fields, int max);

#endif
