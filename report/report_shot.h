/* report-summary.png: the summary section rendered by headless Chromium, when it is there. */
#ifndef IB_BENCH_REPORT_SHOT_H
#define IB_BENCH_REPORT_SHOT_H

/* Renders html_path (an absolute path) at 1280 x height pixels into png_path. Chromium is
 * found on PATH (INCBENCH_CHROMIUM overrides; "none" skips). Returns 1 when the PNG was
 * written, 0 when there is no Chromium or it failed (never fatal: the report stands alone). */
int ib_report_screenshot(const char *html_path, const char *png_path, int height);

#endif
