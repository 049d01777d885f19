/* incbench report: the HTML report of a results folder (default: the newest under results/). */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "bench/cli.h"
#include "bench/commands.h"
#include "bench/report.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench report [--force] [RESULTS]\n\n"
               "Writes RESULTS/report.html: one self-contained HTML file with SVG plots\n"
               "(per-layer GFLOP/s against the measured peak, theoretical vs measured savings\n"
               "of each factorization pair, the sweep as lines, net's per-layer breakdown) and\n"
               "the tables, from the CSV files a run left there. RESULTS defaults to the newest\n"
               "folder under results/. A CSV missing a column the report uses is refused; a\n"
               "verification status other than PASSED or SKIPPED counts as failed.\n\n"
               "  --force   replace an existing report.html (by default it is kept and the\n"
               "            command fails)\n");
}

int ib_cmd_report(int argc, char **argv)
{
    const char *dir = NULL;
    int force = 0;
    for (int i = 1; i < argc; i++) {
        if (ib_cli_is_help(argv[i])) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--force")) {
            force = 1;
            continue;
        }
        if (argv[i][0] == '-')
            return ib_cli_unknown("report", argv[i]);
        if (dir) {
            fprintf(stderr, "incbench report: one results folder only ('%s' and '%s')\n", dir,
                    argv[i]);
            return 2;
        }
        dir = argv[i];
    }
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
    if (ib_report_write(dir, force, &e) != IB_OK) {
        fprintf(stderr, "incbench report: %s\n", e.msg);
        return 2;
    }
    printf("%s/report.html\n", dir);
    return 0;
}
