/* gnuplot as the report's plotting tool: it draws axes, ticks and legends properly, and its
 * SVG terminal gives vector charts that inline into HTML and open offline. */
#include "report/report_plot.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int find_in_path(const char *prog, char *out, size_t len)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    while (*path) {
        const size_t n = strcspn(path, ":");
        snprintf(out, len, "%.*s/%s", (int)n, path, prog);
        if (n && access(out, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

int ib_plot_begin(ib_plot *p)
{
    memset(p, 0, sizeof *p);
    const char *env = getenv("INCBENCH_GNUPLOT");
    if (env && *env) {
        if (!strcmp(env, "none") || access(env, X_OK) != 0) {
            snprintf(p->why, sizeof p->why, "gnuplot is not available (INCBENCH_GNUPLOT=%.60s)",
                     env);
            return 0;
        }
        snprintf(p->gnuplot, sizeof p->gnuplot, "%s", env);
    } else if (!find_in_path("gnuplot", p->gnuplot, sizeof p->gnuplot)) {
        snprintf(p->why, sizeof p->why,
                 "gnuplot is not installed (apt-get install gnuplot-nox; make bench installs it)");
        return 0;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(p->dir, sizeof p->dir, "%.40s/incbench-plot-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(p->dir)) {
        snprintf(p->why, sizeof p->why, "no temporary folder for gnuplot's files");
        p->dir[0] = 0;
        return 0;
    }
    return 1;
}

FILE *ib_plot_data(ib_plot *p, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", p->dir, name);
    return p->dir[0] ? fopen(path, "w") : NULL;
}

/* gnuplot in the temporary folder, its messages into gnuplot.err there; 0 on success. */
static int run_gnuplot(ib_plot *p, const char *script)
{
    const pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        char err[128];
        snprintf(err, sizeof err, "%s/gnuplot.err", p->dir);
        if (chdir(p->dir) != 0 || !freopen(err, "w", stderr) || !freopen("/dev/null", "r", stdin))
            _exit(127);
        execl(p->gnuplot, "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int ib_plot_render(ib_plot *p, const char *script, int width, int height, FILE *out)
{
    char gp[128], svg[128], name[32];
    snprintf(name, sizeof name, "chart%d", p->n++);
    snprintf(gp, sizeof gp, "%s/%s.gp", p->dir, name);
    snprintf(svg, sizeof svg, "%s/%s.svg", p->dir, name);
    FILE *f = fopen(gp, "w");
    if (!f)
        return -1;
    /* noenhanced: layer names such as Mixed_5b must not turn into subscripts */
    fprintf(f,
            "set terminal svg size %d,%d noenhanced font 'sans,11' background '#ffffff'\n"
            "set output '%s.svg'\nset decimalsign '.'\nset format x '%%g'\nset format y '%%g'\n"
            "%s\nunset output\n",
            width, height, name, script);
    if (fclose(f) != 0)
        return -1;
    char base[40];
    snprintf(base, sizeof base, "%s.gp", name);
    if (run_gnuplot(p, base) != 0) {
        snprintf(p->why, sizeof p->why, "gnuplot failed on %s (see %s/gnuplot.err)", name, p->dir);
        return -1;
    }
    f = fopen(svg, "r");
    if (!f)
        return -1;
    /* the prolog (<?xml?>, DOCTYPE) is not allowed inside HTML: start at <svg */
    char line[4096];
    int in = 0;
    while (fgets(line, sizeof line, f)) {
        char *s = in ? line : strstr(line, "<svg");
        if (!s)
            continue;
        in = 1;
        fputs(s, out);
    }
    fclose(f);
    return in ? 0 : -1;
}

void ib_plot_end(ib_plot *p)
{
    if (!p->dir[0])
        return;
    DIR *d = opendir(p->dir);
    struct dirent *de;
    char path[400];
    while (d && (de = readdir(d)))
        if (de->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", p->dir, de->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(p->dir);
    p->dir[0] = 0;
}

void ib_plot_str(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        if ((unsigned char)*s >= 0x20)
            fputc(*s, f);
    }
}
