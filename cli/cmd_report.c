/* incbench report: the HTML report of a results folder (default: the newest under results/). */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "report/report.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench report [--force] [RESULTS]\n"
               "       incbench report [--force] RUN_A RUN_B\n\n"
               "Writes RESULTS/report.html: one self-contained HTML file that opens with the\n"
               "answers (factorization verdicts per pair and family, the whole network's\n"
               "fastest family, the machine and build), then gnuplot charts inlined as SVG\n"
               "(savings with 95%% intervals against theory, the sweep, the network stacked by\n"
               "layer type, per-layer efficiency against each family's own peak) and tables in\n"
               "ms and %%. Without gnuplot the page says so and holds the tables only. With\n"
               "headless Chromium, RESULTS/report-summary.png shows the summary. RESULTS\n"
               "defaults to the newest folder under results/. A CSV missing a column the report\n"
               "uses is refused; a verification status other than PASSED or SKIPPED counts as\n"
               "failed.\n\n"
               "With two folders, writes RUN_B/compare.html instead: per factorization case\n"
               "and family the saving in each run and the change (clear where the 95%%\n"
               "intervals are apart), the whole network per family, and the layers whose\n"
               "median time changed most.\n\n");
    ib_run_opts_help(f, IB_CMD_BIT(report));
}

static const ib_cmd_spec spec = IB_CMD_SPEC(report, 0, 2, usage);

int ib_cmd_report(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "report");
    const int rc = ib_run_opts_parse(&o, &spec, argc, argv);
    if (rc >= 0)
        return rc;
    const char *dir = o.nargs > 0 ? o.args[0] : NULL, *dir_b = o.nargs > 1 ? o.args[1] : NULL;
    const int force = o.force;
    char newest[512] = "";
    if (!dir) {
        /* Folder names start with the date, so the greatest name is the newest run. */
        DIR *d = opendir("results");
        struct dirent *de;
        while (d && (de = readdir(d)))
            if (de->d_name[0] != '.' && strcmp(de->d_name, newest + 8) > 0)
                snprintf(newest, sizeof newest, "results/%s", de->d_name);
        if (d)
            closedir(d);
        if (!newest[0]) {
            fprintf(stderr, "incbench report: no results folder given and none under results/\n");
            return 2;
        }
        dir = newest;
    }
    ib_err e;
    if (dir_b) {
        if (ib_report_compare(dir, dir_b, force, &e) != IB_OK) {
            fprintf(stderr, "incbench report: %s\n", e.msg);
            return 2;
        }
        printf("%s/compare.html\n", dir_b);
        return 0;
    }
    if (ib_report_write(dir, force, &e) != IB_OK) {
        fprintf(stderr, "incbench report: %s\n", e.msg);
        return 2;
    }
    printf("%s/report.html\n", dir);
    return 0;
}
