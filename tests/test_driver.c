/* The driver's own checks: the descriptor parser (good and malformed descriptors, exact
 * messages), the results folder never overwriting, and the incbench binary's bad command
 * lines (exit status 2 and a message). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/shapes_parse.h"
#include "report/results.h"
#include "tests/check.h"

static void check(int ok, const char *what, const char *detail)
{
    ib_check(ok, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
}

/* A descriptor that parses into the given benchdnn-like text (ib_desc_str). */
static void good(const char *text, const char *want)
{
    ib_desc d;
    ib_err e = {{0}};
    char name[64], got[200];
    ib_status st = ib_parse_desc(text, &d, name, sizeof name, &e);
    if (st != IB_OK) {
        check(0, text, e.msg);
        return;
    }
    ib_desc_str(&d, got, sizeof got);
    char detail[600];
    snprintf(detail, sizeof detail, "got %s, want %s", got, want);
    check(!strcmp(got, want), text, detail);
}

static void bad(const char *text, const char *want_msg)
{
    ib_desc d;
    ib_err e = {{0}};
    ib_status st = ib_parse_desc(text, &d, NULL, 0, &e);
    char detail[600];
    snprintf(detail, sizeof detail, "status %d, message '%s', want '%s'", (int)st, e.msg, want_msg);
    check(st == IB_INVALID && !strcmp(e.msg, want_msg), text, detail);
}

static void parser(void)
{
    good("mb1ic192ih35iw35oc64oh35ow35kh1kw1ph0pw0sh1sw1",
         "mb1ic192ih35iw35oc64oh35ow35kh1kw1sh1sw1pt0pb0pl0pr0");
    good("ic192ih35oc64kh1", "mb1ic192ih35iw35oc64oh35ow35kh1kw1sh1sw1pt0pb0pl0pr0");
    good("mb2ic48ih35oc64kh5ph2", "mb2ic48ih35iw35oc64oh35ow35kh5kw5sh1sw1pt2pb2pl2pr2");
    good("ic288ih35oc384kh3sh2", "mb1ic288ih35iw35oc384oh17ow17kh3kw3sh2sw2pt0pb0pl0pr0");
    /* padding derived from a given oh (SAME, the odd pixel at the bottom) */
    good("ic8ih8oc8oh4kh3sh2", "mb1ic8ih8iw8oc8oh4ow4kh3kw3sh2sw2pt0pb1pl0pr1");
    good("ic128ih17oc128kh1kw7pw3", "mb1ic128ih17iw17oc128oh17ow17kh1kw7sh1sw1pt0pb0pl3pr3");
    good("ic64ih35oc96kh3ph1_bn_relu_nMixed_5b.x",
         "mb1ic64ih35iw35oc96oh35ow35kh3kw3sh1sw1pt1pb1pl1pr1_bn_relu");
    good("g1mb1ic3ih299oc32kh3sh2dh0", "mb1ic3ih299iw299oc32oh149ow149kh3kw3sh2sw2pt0pb0pl0pr0");
    good("maxpool:mb1ic288ih35kh3sh2", "mb1ic288ih35iw35oh17ow17kh3kw3sh2sw2pt0pb0pl0pr0");
    good("avgpool:ic192ih35kh3ph1_excl", "mb1ic192ih35iw35oh35ow35kh3kw3sh1sw1pt1pb1pl1pr1_excl");
    /* the round trip of the library's own text */
    good("mb1ic192ih35iw35oc64oh35ow35kh1kw1sh1sw1pt0pb0pl0pr0_bn_relu",
         "mb1ic192ih35iw35oc64oh35ow35kh1kw1sh1sw1pt0pb0pl0pr0_bn_relu");
    ib_desc d;
    char name[64];
    ib_err e;
    ib_parse_desc("ic8ih8oc8kh1nlayer_one", &d, name, sizeof name, &e);
    check(!strcmp(name, "layer_one"), "name field", name);

    bad("", "descriptor '': empty");
    bad("mb1ic192ihxxoc64kh1", "descriptor 'mb1ic192ihxxoc64kh1': field 'ih' needs a number "
                               "(offset 8)");
    bad("mb1ic192ih35zz64kh1", "descriptor 'mb1ic192ih35zz64kh1': unknown field 'zz' (offset 12)");
    bad("ic192ih35oc64", "descriptor 'ic192ih35oc64': field 'kh' is missing");
    bad("ih35oc64kh1", "descriptor 'ih35oc64kh1': field 'ic' is missing");
    bad("ic192ih35kh1", "descriptor 'ic192ih35kh1': field 'oc' is missing");
    bad("ic192ih35oc64oh36kh1", "descriptor 'ic192ih35oc64oh36kh1': oh=36 disagrees with the "
                                "oh=35 computed from the input, kernel, stride and padding");
    bad("ic192ih35oc64kh1ow30", "descriptor 'ic192ih35oc64kh1ow30': ow=30 disagrees with the "
                                "ow=35 computed from the input, kernel, stride and padding");
    bad("ic8ic9ih8oc8kh1", "descriptor 'ic8ic9ih8oc8kh1': field 'ic' given twice (offset 3)");
    bad("g2ic8ih8oc8kh1", "descriptor 'g2ic8ih8oc8kh1': g: groups are not supported (g must be 1)");
    bad("ic8ih8oc8kh3dh1", "descriptor 'ic8ih8oc8kh3dh1': dh: dilation is not supported (dh must "
                           "be 0)");
    bad("ic8ih8oc8kh1sh0", "descriptor 'ic8ih8oc8kh1sh0': sh: stride must be positive");
    bad("ic8ih8oc8kh1_foo", "descriptor 'ic8ih8oc8kh1_foo': unknown suffix '_foo' (offset 12; "
                            "expected _bias, _bn, _relu or _excl)");
    bad("pool:ic8ih8kh1", "descriptor 'pool:ic8ih8kh1': unknown operation 'pool' (expected conv, "
                          "maxpool or avgpool)");
    bad("maxpool:ic8ih8oc8kh1", "descriptor 'maxpool:ic8ih8oc8kh1': oc: a pooling has no oc (its "
                                "channels are ic)");
    bad("ic8ih99999999999oc8kh1", "descriptor 'ic8ih99999999999oc8kh1': field 'ih' is too large "
                                  "(offset 3)");
    /* the library's validation message is passed through, naming its field */
    ib_status st = ib_parse_desc("ic8ih4oc8kh9", &d, NULL, 0, &e);
    check(st == IB_INVALID && strstr(e.msg, "descriptor 'ic8ih4oc8kh9': ") == e.msg &&
              strstr(e.msg, "kh"),
          "kernel larger than input", e.msg);

    /* shapes files: comments, blank lines, a bad line named by number */
    char path[] = "/tmp/ib_shapesXXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f) {
        fprintf(f, "# two good, then a bad one\nic8ih8oc8kh1\n\n  maxpool:ic8ih9kh3sh2  # x\n"
                   "ic8ih8oc8\n");
        fclose(f);
        ib_user_shape us[4];
        int n = 0;
        st = ib_parse_shapes_file(path, us, 4, &n, &e);
        char want[300];
        snprintf(want, sizeof want, "%s:5: descriptor 'ic8ih8oc8': field 'kh' is missing", path);
        check(st == IB_INVALID && n == 2 && !strcmp(e.msg, want), "shapes file", e.msg);
        unlink(path);
    }
}

static void results_folder(void)
{
    char base[] = "/tmp/ib_resultsXXXXXX";
    if (!mkdtemp(base)) {
        check(0, "mkdtemp", NULL);
        return;
    }
    char p1[512], p2[512], p3[512];
    ib_err e;
    int ok = ib_results_mkdir(base, "2024-01-01-cpu", p1, sizeof p1, &e) == IB_OK &&
             ib_results_mkdir(base, "2024-01-01-cpu", p2, sizeof p2, &e) == IB_OK &&
             ib_results_mkdir(base, "2024-01-01-cpu", p3, sizeof p3, &e) == IB_OK;
    char w1[600], w2[600], w3[600];
    snprintf(w1, sizeof w1, "%s/2024-01-01-cpu", base);
    snprintf(w2, sizeof w2, "%s/2024-01-01-cpu-2", base);
    snprintf(w3, sizeof w3, "%s/2024-01-01-cpu-3", base);
    check(ok && !strcmp(p1, w1) && !strcmp(p2, w2) && !strcmp(p3, w3),
          "results folders get -2, -3 suffixes", p3);
    /* a file an earlier run left stays untouched */
    char marker[700];
    snprintf(marker, sizeof marker, "%s/keep", p1);
    FILE *f = fopen(marker, "w");
    if (f)
        fclose(f);
    char p4[512];
    ok = ib_results_mkdir(base, "2024-01-01-cpu", p4, sizeof p4, &e) == IB_OK;
    struct stat sb;
    check(ok && strcmp(p4, p1) && stat(marker, &sb) == 0, "never reuses a folder", p4);
    char slug[64];
    ib_results_cpu_slug(slug, sizeof slug);
    int clean = slug[0] != 0;
    for (const char *s = slug; *s; s++)
        clean &= (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
                 *s == '.';
    check(clean, "cpu slug is file-name safe", slug);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (system(cmd) != 0)
        check(0, "cleanup", base);
}

/* Runs incbench with args; returns its exit status and the first line of stderr. */
static int run_incbench(const char *exe, const char *args, char *err, int len)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1 >/dev/null | head -n 1", exe, args);
    /* the status of the pipeline is head's: run twice, once for the status */
    FILE *p = popen(cmd, "r");
    err[0] = 0;
    if (p) {
        if (!fgets(err, len, p))
            err[0] = 0;
        pclose(p);
    }
    err[strcspn(err, "\n")] = 0;
    snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>&1", exe, args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void bad_cli(const char *exe, const char *args, const char *want)
{
    char err[512], detail[3072];
    int st = run_incbench(exe, args, err, sizeof err);
    snprintf(detail, sizeof detail, "exit %d, stderr '%s', want 2 and '%s'", st, err, want);
    check(st == 2 && !strcmp(err, want), args, detail);
}

/* 1 when the file holds the text. */
static int file_has(const char *path, const char *text)
{
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "grep -q '%s' '%s'", text, path);
    return system(cmd) == 0;
}

/* The options every command that runs kernels shares come from one table: the same names,
 * the same limits and the same messages everywhere. */
static void common_options(const char *exe)
{
    const char *cmds[] = {"verify", "bench", "regress", "factor", "net", "all"};
    for (int i = 0; i < 6; i++) {
        char args[200], want[200];
        snprintf(args, sizeof args, "%s --quiet --threads 1025", cmds[i]);
        snprintf(want, sizeof want, "incbench %s: --threads: 1025 is out of range [1, 1024]",
                 cmds[i]);
        bad_cli(exe, args, want);
        snprintf(args, sizeof args, "%s --quiet --impl nosuch", cmds[i]);
        snprintf(want, sizeof want,
                 "incbench %s: --impl: unknown implementation 'nosuch' (see 'incbench list')",
                 cmds[i]);
        bad_cli(exe, args, want);
        snprintf(args, sizeof args, "%s --out /nonexistent/x --threads 1", cmds[i]);
        snprintf(want, sizeof want, "incbench %s: --out: /nonexistent/x: No such file or %s",
                 cmds[i], "directory (it must be an existing folder)");
        if (strcmp(cmds[i], "all") != 0) /* all makes its folder, one level */
            bad_cli(exe, args, want);
        snprintf(args, sizeof args, "%s --batch 0", cmds[i]);
        snprintf(want, sizeof want, "incbench %s: --batch: 0 is out of range [1, 1024]", cmds[i]);
        bad_cli(exe, args, want);
    }
    for (int i = 0; i < 4; i++) { /* the commands that take problems of the user's */
        const char *shape_cmds[] = {"verify", "bench", "regress", "factor"};
        char args[200], want[300];
        snprintf(args, sizeof args, "%s --shape mb1ic19xih35oc64kh1", shape_cmds[i]);
        snprintf(want, sizeof want,
                 "incbench %s: --shape: descriptor 'mb1ic19xih35oc64kh1': unknown field 'xi' "
                 "(offset 7)",
                 shape_cmds[i]);
        bad_cli(exe, args, want);
    }
    bad_cli(exe, "bench --bogus",
            "incbench bench: unknown option '--bogus' (see 'incbench bench --help')");
    bad_cli(exe, "bench --benchmark_bogus=1",
            "incbench bench: unknown option '--benchmark_bogus=1' (not one of Google "
            "Benchmark's; see 'incbench bench --help')");
    bad_cli(exe, "regress --benchmark_repetitions=3",
            "incbench regress: unknown option '--benchmark_repetitions=3' (see 'incbench "
            "regress --help')");
    bad_cli(exe, "list --threads 2",
            "incbench list: unknown option '--threads' (see 'incbench list --help')");
    char runs[200] = "compare"; /* one file per run, 32 at most */
    for (int i = 0; i < 33; i++)
        snprintf(runs + strlen(runs), sizeof runs - strlen(runs), " %c", i < 32 ? 'a' : 'b');
    bad_cli(exe, runs, "incbench compare: 32 operands at most ('b' is one more)");
    /* regress hands every option on to its measuring processes: too many is refused, never
     * cut short */
    char many[1600] = "regress";
    for (int i = 0; i < 129; i++)
        strcat(many, " --quiet");
    bad_cli(exe, many, "incbench regress: more than 128 options");

    /* bench times the user's own layer through Google Benchmark, into --out */
    char dir[] = "/tmp/incbench-options-XXXXXX", args[600], err[512], path[700];
    if (!mkdtemp(dir)) {
        check(0, "mkdtemp", dir);
        return;
    }
    snprintf(args, sizeof args,
             "bench --quiet --threads 1 --impl ref --shape ic8ih8oc8kh3ph1nmine --out %s "
             "--benchmark_min_time=0.001",
             dir);
    check(run_incbench(exe, args, err, sizeof err) == 0, args, err);
    snprintf(path, sizeof path, "%s/bench.json", dir);
    check(file_has(path, "\"conv/mine/ref\""), "bench --shape: conv/mine/ref in bench.json", path);
    /* regress hands its selection (shape, implementation) to its measuring processes */
    snprintf(args, sizeof args,
             "regress --quiet --record --baseline %s/base.json --shape ic8ih8oc8kh3ph1nmine "
             "--impl ref --reps 9 --procs 3 --min-time 0.001 --out %s",
             dir, dir);
    check(run_incbench(exe, args, err, sizeof err) == 0, args, err);
    snprintf(path, sizeof path, "%s/base.json", dir);
    check(file_has(path, "\"conv/mine/ref\"") && !file_has(path, "Conv2d"),
          "regress --shape: only conv/mine/ref in the baseline", path);
    snprintf(path, sizeof path, "%s/regress.json", dir);
    check(file_has(path, "\"conv/mine/ref\""), "regress --out: regress.json", path);
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    if (system(args) != 0)
        check(0, "cleanup", dir);
}

static void command_lines(void)
{
    char self[1024];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        check(0, "readlink /proc/self/exe", NULL);
        return;
    }
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = 0;
    char exe[1100];
    snprintf(exe, sizeof exe, "%s/../incbench", self);
    if (access(exe, X_OK) != 0) {
        check(0, "the incbench binary beside the tests", exe);
        return;
    }
    bad_cli(exe, "frobnicate", "incbench: unknown command 'frobnicate' (see 'incbench --help')");
    bad_cli(exe, "verify --bogus",
            "incbench verify: unknown option '--bogus' (see 'incbench verify --help')");
    bad_cli(exe, "factor --repetitions x", "incbench factor: --repetitions: 'x' is not an integer");
    bad_cli(exe, "net --batch 0", "incbench net: --batch: 0 is out of range [1, 1024]");
    bad_cli(exe, "factor --min-time 1e999", "incbench factor: --min-time: '1e999' is not a number");
    bad_cli(exe, "net --threads", "incbench net: --threads needs a value");
    bad_cli(exe, "verify --impl avx9",
            "incbench verify: --impl: unknown implementation 'avx9' (see 'incbench list')");
    bad_cli(exe, "verify --shape mb1ic19xih35oc64kh1",
            "incbench verify: --shape: descriptor 'mb1ic19xih35oc64kh1': unknown field 'xi' "
            "(offset 7)");
    bad_cli(exe, "factor --shape ic8ih8oc8kh1oh9",
            "incbench factor: --shape: descriptor 'ic8ih8oc8kh1oh9': oh=9 disagrees with the "
            "oh=8 computed from the input, kernel, stride and padding");
    bad_cli(exe, "verify --shapes /nonexistent/x",
            "incbench verify: --shapes: /nonexistent/x: cannot open");
    bad_cli(exe, "report a b", "incbench report: report: 'a' is not a results folder");
    common_options(exe);
    /* --help of every command: exit 0 with a usage line */
    const char *cmds[] = {"verify", "factor", "net", "peak", "report", "all"};
    for (int i = 0; i < 6; i++) {
        char args[64], cmd[1300];
        snprintf(args, sizeof args, "%s --help", cmds[i]);
        snprintf(cmd, sizeof cmd, "%s %s | grep -q '^usage: incbench %s'", exe, args, cmds[i]);
        check(system(cmd) == 0, args, "no usage line");
    }
    /* a user shape runs through verify end to end */
    char err[512];
    int st =
        run_incbench(exe, "verify --quiet --impl avx2 --shape ic16ih9oc16kh3ph1", err, sizeof err);
    check(st == 0, "verify --shape runs", err);
}

int main(void)
{
    parser();
    results_folder();
    command_lines();
    return ib_check_done();
}
