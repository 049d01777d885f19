/* SVG line and bar charts with axes, ticks and a legend. */
#include "bench/report_svg.h"

#include <math.h>

static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                     "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
enum { W = 900, H = 420, L = 70, R = 170, T = 40, B = 90 };

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else
            fputc(*s, f);
    }
}

/* A "nice" tick step covering span in about n steps. */
static double nice_step(double span, int n)
{
    double raw = span / n, p = pow(10, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

typedef struct frame {
    double x0, x1, y0, y1;
} frame;

static double px(const frame *fr, double x)
{
    return L + (x - fr->x0) / (fr->x1 - fr->x0) * (W - L - R);
}
static double py(const frame *fr, double y)
{
    return H - B - (y - fr->y0) / (fr->y1 - fr->y0) * (H - T - B);
}

static void axes(FILE *f, const ib_svg_chart *c, const frame *fr, int numeric_x)
{
    fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
               "font-family='sans-serif' font-size='11'>\n", W, H);
    fprintf(f, "<text x='%d' y='20' font-size='14' font-weight='bold'>", L);
    esc(f, c->title);
    fprintf(f, "</text>\n");
    double st = nice_step(fr->y1 - fr->y0, 6);
    for (double y = ceil(fr->y0 / st) * st; y <= fr->y1 + 1e-9; y += st) {
        fprintf(f, "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#ddd'/>", L, W - R,
                py(fr, y), py(fr, y));
        fprintf(f, "<text x='%d' y='%.1f' text-anchor='end'>%g</text>\n", L - 4, py(fr, y) + 4,
                fabs(y) < st * 1e-6 ? 0 : y);
    }
    if (numeric_x) {
        double sx = nice_step(fr->x1 - fr->x0, 8);
        for (double x = ceil(fr->x0 / sx) * sx; x <= fr->x1 + 1e-9; x += sx)
            fprintf(f, "<text x='%.1f' y='%d' text-anchor='middle'>%g</text>\n", px(fr, x),
                    H - B + 14, x);
    }
    fprintf(f, "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='black'/>", L, W - R,
            py(fr, fr->y0 < 0 && fr->y1 > 0 ? 0 : fr->y0), py(fr, fr->y0 < 0 && fr->y1 > 0 ? 0 : fr->y0));
    fprintf(f, "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='black'/>\n", L, L, T, H - B);
    fprintf(f, "<text x='%d' y='%d' text-anchor='middle'>", (L + W - R) / 2, H - 8);
    esc(f, c->xlabel);
    fprintf(f, "</text><text transform='translate(14,%d) rotate(-90)' text-anchor='middle'>",
            (T + H - B) / 2);
    esc(f, c->ylabel);
    fprintf(f, "</text>\n");
    for (int k = 0; k < c->nseries; k++) {
        const char *col = colors[k % 10];
        fprintf(f, "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='%s' stroke-width='3'%s/>",
                W - R + 10, W - R + 30, T + 14 * k, T + 14 * k, col,
                c->s[k].dashed ? " stroke-dasharray='5,3'" : "");
        fprintf(f, "<text x='%d' y='%d'>", W - R + 34, T + 14 * k + 4);
        esc(f, c->s[k].name);
        fprintf(f, "</text>\n");
    }
}

static void bounds(const ib_svg_chart *c, frame *fr, int bars)
{
    fr->x0 = INFINITY, fr->x1 = -INFINITY, fr->y0 = 0, fr->y1 = -INFINITY;
    for (int k = 0; k < c->nseries; k++)
        for (int i = 0; i < c->s[k].n; i++) {
            if (!isfinite(c->s[k].y[i]))
                continue;
            fr->x0 = fmin(fr->x0, c->s[k].x[i]);
            fr->x1 = fmax(fr->x1, c->s[k].x[i]);
            fr->y0 = fmin(fr->y0, c->s[k].y[i]);
            fr->y1 = fmax(fr->y1, c->s[k].y[i]);
        }
    if (bars)
        fr->x0 = -0.5, fr->x1 = c->ncat - 0.5;
    if (!isfinite(fr->x0) || fr->x1 <= fr->x0)
        fr->x0 = 0, fr->x1 = fr->x0 + 1;
    if (!isfinite(fr->y1) || fr->y1 <= fr->y0)
        fr->y1 = fr->y0 + 1;
    fr->y1 += 0.05 * (fr->y1 - fr->y0);
}

void ib_svg_lines(FILE *f, const ib_svg_chart *c)
{
    frame fr;
    bounds(c, &fr, 0);
    axes(f, c, &fr, 1);
    for (int k = 0; k < c->nseries; k++) {
        const ib_svg_series *s = &c->s[k];
        const char *col = colors[k % 10];
        fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='1.5'%s points='", col,
                s->dashed ? " stroke-dasharray='5,3'" : "");
        for (int i = 0; i < s->n; i++)
            if (isfinite(s->y[i]))
                fprintf(f, "%.1f,%.1f ", px(&fr, s->x[i]), py(&fr, s->y[i]));
        fprintf(f, "'/>\n");
        if (!s->dashed)
            for (int i = 0; i < s->n; i++)
                if (isfinite(s->y[i]))
                    fprintf(f, "<circle cx='%.1f' cy='%.1f' r='2.5' fill='%s'/>", px(&fr, s->x[i]),
                            py(&fr, s->y[i]), col);
        fputc('\n', f);
    }
    fprintf(f, "</svg>\n");
}

void ib_svg_bars(FILE *f, const ib_svg_chart *c)
{
    frame fr;
    bounds(c, &fr, 1);
    axes(f, c, &fr, 0);
    const double slot = (double)(W - L - R) / (c->ncat > 0 ? c->ncat : 1);
    const double bw = slot * 0.8 / (c->nseries > 0 ? c->nseries : 1);
    for (int k = 0; k < c->nseries; k++)
        for (int i = 0; i < c->s[k].n; i++) {
            double y = c->s[k].y[i];
            if (!isfinite(y))
                continue;
            double x = L + slot * c->s[k].x[i] + slot * 0.1 + bw * k;
            double y0 = py(&fr, 0), y1 = py(&fr, y);
            fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'><title>",
                    x, fmin(y0, y1), bw, fabs(y0 - y1), colors[k % 10]);
            esc(f, c->s[k].name);
            fprintf(f, ": %.3g</title></rect>\n", y);
        }
    for (int i = 0; i < c->ncat; i++) {
        fprintf(f, "<text transform='translate(%.1f,%d) rotate(30)' font-size='9'>",
                L + slot * (i + 0.5), H - B + 12);
        esc(f, c->cat[i]);
        fprintf(f, "</text>\n");
    }
    fprintf(f, "</svg>\n");
}
