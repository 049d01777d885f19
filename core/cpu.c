/* CPU detection (ISA flags with OS state support, model, cores, caches) and the INCBENCH_ISA cap.
 */
#include "core/cpu.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <cpuid.h>
#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#endif

static const char *const isa_names[IB_ISA_COUNT] = {"scalar", "avx2", "avx512", "neon"};

const char *ib_isa_name(ib_isa isa)
{
    return (unsigned)isa < IB_ISA_COUNT ? isa_names[isa] : "unknown";
}

int ib_isa_from_name(const char *s, ib_isa *isa)
{
    if (!s)
        return 0;
    if (strcasecmp(s, "ref") == 0) {
        *isa = IB_ISA_SCALAR;
        return 1;
    }
    for (int i = 0; i < IB_ISA_COUNT; i++) {
        if (strcasecmp(s, isa_names[i]) == 0) {
            *isa = (ib_isa)i;
            return 1;
        }
    }
    return 0;
}

/* Copies the value of the first "key : value" line of /proc/cpuinfo; 1 when found. */
static int cpuinfo_field(const char *key, char *out, size_t len)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    int found = 0;
    if (!f)
        return 0;
    const size_t klen = strlen(key);
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0 ||
            (line[klen] != ' ' && line[klen] != '\t' && line[klen] != ':'))
            continue;
        char *v = strchr(line, ':');
        if (!v)
            continue;
        for (v++; *v == ' ' || *v == '\t'; v++)
            ;
        v[strcspn(v, "\n")] = '\0';
        snprintf(out, len, "%s", v);
        found = 1;
    }
    fclose(f);
    return found;
}

/* "32K", "512K", "32768K", "1M" -> bytes; 0 when not understood. */
static int64_t parse_size(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || v < 0)
        return 0;
    switch (toupper((unsigned char)*end)) {
    case 'K':
        return (int64_t)v << 10;
    case 'M':
        return (int64_t)v << 20;
    case 'G':
        return (int64_t)v << 30;
    default:
        return (int64_t)v;
    }
}

static int read_line(const char *path, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int ok = fgets(out, (int)len, f) != NULL;
    fclose(f);
    if (ok)
        out[strcspn(out, "\n")] = '\0';
    return ok;
}

static void detect_caches(ib_cpu *c)
{
    for (int i = 0; i < 16; i++) {
        char path[128], level[16], type[32], size[32];
        const char *dir = "/sys/devices/system/cpu/cpu0/cache/index";
        snprintf(path, sizeof path, "%s%d/level", dir, i);
        if (!read_line(path, level, sizeof level))
            break;
        snprintf(path, sizeof path, "%s%d/type", dir, i);
        if (!read_line(path, type, sizeof type))
            continue;
        snprintf(path, sizeof path, "%s%d/size", dir, i);
        if (!read_line(path, size, sizeof size))
            continue;
        if (strcmp(type, "Instruction") == 0)
            continue;
        const int64_t bytes = parse_size(size);
        switch (atoi(level)) {
        case 1:
            c->l1d = bytes;
            break;
        case 2:
            c->l2 = bytes;
            break;
        case 3:
            c->l3 = bytes;
            break;
        default:
            break;
        }
    }
}

#if defined(__x86_64__)
/* Cache sizes from CPUID's deterministic cache parameters (leaf 4 on Intel, 0x8000001D on
 * AMD, the same layout), for the levels sysfs did not give (some containers and VMs hide
 * /sys/devices/system/cpu/cpu0/cache). */
static void detect_caches_cpuid(ib_cpu *c)
{
    unsigned a, b, cx, d;
    const unsigned leaf = strcmp(c->vendor, "AuthenticAMD") == 0 ? 0x8000001du : 4u;
    if (!__get_cpuid(leaf & 0x80000000u, &a, &b, &cx, &d) || a < leaf)
        return;
    for (unsigned i = 0; i < 16; i++) {
        __cpuid_count(leaf, i, a, b, cx, d);
        const unsigned type = a & 0x1f, level = (a >> 5) & 0x7;
        if (type == 0)
            break;
        if (type == 2) /* instruction cache */
            continue;
        const int64_t bytes = (int64_t)((b >> 22) + 1) * (((b >> 12) & 0x3ff) + 1) *
                              ((b & 0xfff) + 1) * ((int64_t)cx + 1);
        int64_t *slot = level == 1 ? &c->l1d : level == 2 ? &c->l2 : level == 3 ? &c->l3 : NULL;
        if (slot && *slot == 0)
            *slot = bytes;
    }
}

/* XGETBV by its encoding-independent mnemonic: portable code is built without ISA flags. */
static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static void detect_arch(ib_cpu *c)
{
    unsigned a, b, cx, d;
    snprintf(c->arch, sizeof c->arch, "x86_64");
    if (!__get_cpuid(0, &a, &b, &cx, &d))
        return;
    const unsigned maxleaf = a;
    memcpy(c->vendor, &b, 4);
    memcpy(c->vendor + 4, &d, 4);
    memcpy(c->vendor + 8, &cx, 4);
    c->vendor[12] = '\0';
    if (!__get_cpuid(1, &a, &b, &cx, &d))
        return;
    const int osxsave = (cx >> 27) & 1, avx = (cx >> 28) & 1, fma = (cx >> 12) & 1;
    const uint64_t xcr0 = osxsave ? xgetbv0() : 0;
    const int ymm_ok = avx && (xcr0 & 0x6) == 0x6;      /* SSE and AVX state */
    const int zmm_ok = ymm_ok && (xcr0 & 0xe0) == 0xe0; /* opmask, ZMM0-15 hi, ZMM16-31 */
    if (maxleaf >= 7 && __get_cpuid_count(7, 0, &a, &b, &cx, &d)) {
        c->has_avx2 = ymm_ok && ((b >> 5) & 1);
        c->has_avx512f = zmm_ok && ((b >> 16) & 1);
        c->has_avx512dq = zmm_ok && ((b >> 17) & 1);
        c->has_avx512bw = zmm_ok && ((b >> 30) & 1);
        c->has_avx512vl = zmm_ok && ((b >> 31) & 1);
    }
    c->has_fma = ymm_ok && fma;
    if (!cpuinfo_field("model name", c->model, sizeof c->model))
        snprintf(c->model, sizeof c->model, "unknown x86_64");
    if (c->has_avx2 && c->has_fma && c->has_avx512f && c->has_avx512bw && c->has_avx512vl &&
        c->has_avx512dq)
        c->best = IB_ISA_AVX512;
    else if (c->has_avx2 && c->has_fma)
        c->best = IB_ISA_AVX2;
}
#elif defined(__aarch64__)
static void detect_arch(ib_cpu *c)
{
    char impl[32] = "", part[32] = "";
    snprintf(c->arch, sizeof c->arch, "aarch64");
    c->has_neon = (getauxval(AT_HWCAP) & HWCAP_ASIMD) != 0;
    if (cpuinfo_field("CPU implementer", impl, sizeof impl))
        snprintf(c->vendor, sizeof c->vendor, "%s", strtol(impl, NULL, 0) == 0x41 ? "ARM" : impl);
    else
        snprintf(c->vendor, sizeof c->vendor, "unknown");
    if (!cpuinfo_field("model name", c->model, sizeof c->model)) {
        if (cpuinfo_field("CPU part", part, sizeof part))
            snprintf(c->model, sizeof c->model, "aarch64 part %s", part);
        else
            snprintf(c->model, sizeof c->model, "aarch64");
    }
    if (c->has_neon)
        c->best = IB_ISA_NEON;
}
#else
static void detect_arch(ib_cpu *c)
{
    snprintf(c->arch, sizeof c->arch, "other");
    snprintf(c->vendor, sizeof c->vendor, "unknown");
    snprintf(c->model, sizeof c->model, "unknown");
}
#endif

/* A cap never exceeds the hardware: a higher or other-architecture value means "best here",
 * except that "neon" on a machine without NEON means no SIMD at all. */
int ib_cpu_parse_cap(const char *value, const ib_cpu *hw, ib_isa *cap, char *err, int errlen)
{
    ib_isa want;
    if (err && errlen > 0)
        err[0] = '\0';
    if (!value || !*value) {
        *cap = hw->best;
        return 1;
    }
    if (!ib_isa_from_name(value, &want)) {
        /* the value is the user's: cut so that the explanation always fits */
        if (err && errlen > 0)
            snprintf(err, (size_t)errlen,
                     "INCBENCH_ISA=%.40s%s not understood (accepted: scalar, ref, avx2, avx512, "
                     "neon)",
                     value, strlen(value) > 40 ? "..." : "");
        *cap = IB_ISA_SCALAR;
        return 0;
    }
    if (want == IB_ISA_SCALAR)
        *cap = IB_ISA_SCALAR;
    else if (hw->best == IB_ISA_NEON)
        *cap = IB_ISA_NEON;
    else if (want == IB_ISA_NEON)
        *cap = IB_ISA_SCALAR;
    else
        *cap = want < hw->best ? want : hw->best;
    return 1;
}

void ib_cpu_features(const ib_cpu *c, char *buf, int len)
{
    snprintf(buf, (size_t)len, "%s%s%s%s%s%s%s", c->has_avx2 ? " avx2" : "",
             c->has_fma ? " fma" : "", c->has_avx512f ? " avx512f" : "",
             c->has_avx512bw ? " avx512bw" : "", c->has_avx512vl ? " avx512vl" : "",
             c->has_avx512dq ? " avx512dq" : "", c->has_neon ? " neon" : "");
}

static ib_cpu cpu;
static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;

static void cpu_init(void)
{
    memset(&cpu, 0, sizeof cpu);
    cpu.best = IB_ISA_SCALAR;
    detect_arch(&cpu);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    cpu.cores = n > 0 ? (int)n : 1;
    detect_caches(&cpu);
#if defined(__x86_64__)
    detect_caches_cpuid(&cpu);
#endif
    ib_cpu_parse_cap(getenv("INCBENCH_ISA"), &cpu, &cpu.cap, cpu.cap_error,
                     (int)sizeof cpu.cap_error);
}

const ib_cpu *ib_cpu_get(void)
{
    pthread_once(&cpu_once, cpu_init);
    return &cpu;
}
