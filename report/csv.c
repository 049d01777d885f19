/* RFC 4180 fields: the writer quotes what needs it, the reader splits quoted lines. */
#include "report/csv.h"

#include <math.h>
#include <string.h>

void ib_csv_put(FILE *f, const char *s, char sep)
{
    if (s[strcspn(s, ",\"\r\n")]) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(sep, f);
}

void ib_csv_num(FILE *f, double v, int digits, char sep)
{
    if (isfinite(v))
        fprintf(f, "%.*g", digits, v);
    fputc(sep, f);
}

int ib_csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        char *out = p;
        fields[n++] = p;
        if (*p == '"') { /* quoted: copy down, "" is one quote, ends at the closing quote */
            char *q = p + 1;
            for (;;) {
                if (!*q)
                    break;
                if (*q == '"' && q[1] == '"') {
                    *out++ = '"';
                    q += 2;
                } else if (*q == '"') {
                    q++;
                    break;
                } else {
                    *out++ = *q++;
                }
            }
            q += strcspn(q, ","); /* anything between the closing quote and the comma is dropped */
            const int more = *q == ',';
            *out = 0;
            if (!more)
                break;
            p = q + 1;
        } else {
            char *q = strchr(p, ',');
            if (!q)
                break;
            *q = 0;
            p = q + 1;
        }
    }
    return n;
}
