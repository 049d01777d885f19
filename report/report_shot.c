/* Headless Chromium as the screenshot tool: the PNG shows the summary exactly as a browser
 * draws it, which is what a user pastes into a bug report. */
#include "report/report_shot.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int find_chromium(char *out, size_t len)
{
    const char *env = getenv("INCBENCH_CHROMIUM");
    if (env && *env) {
        snprintf(out, len, "%s", env);
        return strcmp(env, "none") && access(env, X_OK) == 0;
    }
    static const char *const names[] = {"chromium", "chromium-browser", "google-chrome"};
    const char *path = getenv("PATH");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        for (const char *p = path ? path : "/usr/bin"; *p;) {
            const size_t n = strcspn(p, ":");
            snprintf(out, len, "%.*s/%s", (int)n, p, names[i]);
            if (n && access(out, X_OK) == 0)
                return 1;
            p += n + (p[n] == ':');
        }
    return 0;
}

int ib_report_screenshot(const char *html_path, const char *png_path, int height)
{
    char prog[512], size[64], shot[1200], url[1200];
    if (!find_chromium(prog, sizeof prog))
        return 0;
    snprintf(size, sizeof size, "--window-size=1280,%d", height);
    snprintf(shot, sizeof shot, "--screenshot=%s", png_path);
    snprintf(url, sizeof url, "file://%s", html_path);
    unlink(png_path);
    const pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        /* its own process group, so a timeout ends its helper processes too */
        setpgid(0, 0);
        const int null = open("/dev/null", O_RDWR);
        dup2(null, 0), dup2(null, 1), dup2(null, 2);
        execl(prog, prog, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", size,
              shot, url, (char *)NULL);
        _exit(127);
    }
    /* Chromium can hang on a machine without what it expects: 60 s at most */
    int status = 0;
    const time_t t0 = time(NULL);
    pid_t w;
    while ((w = waitpid(pid, &status, WNOHANG)) == 0 && time(NULL) - t0 < 60) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (w == 0) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
        return 0;
    }
    struct stat sb;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && stat(png_path, &sb) == 0 &&
           sb.st_size > 0;
}
