#!/usr/bin/python3
"""tools/mca.py: on-paper throughput of the conv micro-kernels (llvm-mca) on cores we don't have.

Compiles each ISA's conv source to assembly with -DIB_MCA_MARKERS (into a temp dir), cuts the
marked tile regions, feeds them to llvm-mca (LLVM 14) for several core models and prints, per
tile and model, predicted cycles per iteration and FMA utilisation. Installs nothing.

    /usr/bin/python3 tools/mca.py [--tiles main|full|all] [--isa avx2,avx512,neon]
                                  [--models NAME,...] [--llvm-map]
                                  [--iterations N] [--keep DIR]

How the numbers are computed (also printed in the output's header):
  region       a marked inner-loop body. When the marked code holds a loop (a backward branch
               to a label inside the marks), only that loop, label to branch, is analysed.
  cycles/iter  llvm-mca's Total Cycles / Iterations for the region, repeated --iterations times.
  FMAs/iter    vector FMA instructions in the region (x86 vfmadd/vfnmadd...ps, AArch64 fmla/fmls).
  peak         the model's own FMA issue rate: llvm-mca on a block of 28 (ymm: 14) independent
               FMAs of the same form (width; AArch64 by-element or not) for the same -mcpu.
  FMA util     FMAs/iter / (peak * cycles/iter): the share of the modelled FMA issue slots used.
  port busy    the pressure definition: the FMA instructions' summed resource pressure on the
               FMA units (the units the peak block loads) / (those units * cycles/iter). It
               equals FMA util when each FMA takes one unit-cycle on one of the units, as in every
               model used here; it differs (is lower) when an FMA holds two kinds of unit at once
               (e.g. Cyclone's non-indexed fmla: a V and a VM unit).
  bottleneck   llvm-mca's -bottleneck-analysis summary (resources and dependencies that delayed
               dispatch, % of cycles), then the busiest units (pressure / cycles, * = FMA unit).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = 85.0  # % FMA utilisation the main tiles should reach

# Core asked for -> (-mcpu given to llvm-mca, note). LLVM 14 accepts every name below, but maps
# some to an older core's scheduling model; those get the closest model LLVM 14 has (by FMA
# pipes, FMA latency, load ports), and the note says so. --llvm-map uses the names as they are.
MODELS = {
    "skylake-avx512": ("skylake-avx512", "SKX model: 2 FMA ports (ymm p0/p1, zmm p0/p5), 2 loads"),
    "icelake-server": ("icelake-server", "ICX model: 2 FMA ports (ymm p0/p1, zmm p0/p5), 2 loads"),
    "sapphirerapids": ("icelake-server", "LLVM 14 has no Golden Cove model (it maps "
                       "sapphirerapids to the Skylake-server model): icelake-server used; the "
                       "real core has the same 2 FMA ports but 3 load ports"),
    "znver3": ("znver3", "Zen 3 model: 2 x 256-bit FMA pipes, 3 loads; AVX2 only (Zen 4 runs "
               "AVX-512 on the same two 256-bit pipes, one zmm FMA a cycle; LLVM 14 has no Zen 4 "
               "model)"),
    "neoverse-n1": ("tsv110", "LLVM 14 maps neoverse-n1 to the Cortex-A57 model (1 fmla.4s/cycle, "
                    "1 load); tsv110 (Kunpeng 920) used: 2 x 128-bit FMA, latency 4, 2 loads, "
                    "as N1"),
    "neoverse-v1": ("exynos-m5", "LLVM 14 maps neoverse-v1 to the Cortex-A57 model; no model has "
                    "V1's 4 x 128-bit FMA pipes: exynos-m5 used (3 FMA pipes, latency 3, 2 "
                    "loads; V1: 4 pipes, latency 4, 3 loads)"),
    "apple-m1": ("apple-m1", "LLVM 14 models apple-m1 with the Cyclone model: 3 vector pipes, "
                 "2 loads (M1: 4 FMA pipes, 3 loads)"),
}

# Per ISA: sources (flags: arch/<isa>/rules.mk), compilers, models, and how region names map
# to (kernel, J, P, mask ok). J = output-channel blocks, P = pixels of the register tile.
ISAS = {
    "avx2": {
        "srcs": ["arch/avx2/conv_tiles.c"],
        "arch": "x86",
        "models": ["skylake-avx512", "icelake-server", "sapphirerapids", "znver3"],
        "full_p": lambda j: avx2_tiles()[j],
        "jmax": None,  # the main tile's J, from the tile list (avx2_main_j)
    },
    "avx512": {
        "srcs": ["arch/avx512/conv.c"],
        "arch": "x86",
        "models": ["skylake-avx512", "icelake-server", "sapphirerapids"],
        "full_p": None,  # the main tiles come from arch/avx512/conv_tiles.h
        "jmax": 4,
    },
    "neon": {
        "srcs": ["arch/neon/conv_nchw4c.c", "arch/neon/conv_nchw.c"],
        "arch": "aarch64",
        "models": ["neoverse-n1", "neoverse-v1", "apple-m1"],
        "full_p": None,  # per kernel, below
        "jmax": 4,
    },
}
ISA_NOTES = {
    "avx2": ["region = one tap of 8 input channels (the unrolled-by-4 loop inside it). The "
             "stem (conv_nchw_to_nchw8c) runs the kernel width's taps (3) through the same "
             "code, entered by a switch; its 8-tap line stands for it."],
    "avx512": ["region = one tap of a 16-channel block (blocked, straight line; _unpadded: "
               "no bounds checks, tiles may run across rows; _flat_rowpad: across rows, tap rows "
               "checked; _flat_line: unpadded with the pixels' inputs one pixel apart, one pointer; _flat_line_short: the same, its channels in a loop of 2 (a short reduction); _rows_line: rows at stride 1, one pointer; _pointwise: 1x1 at stride 1 unpadded, one pointer stepping a block per row; _columns_line: columns without padding rows, one pointer and a stride; _rows_strided: rows at stride 2 or more without padding columns, the same), or the loop over the input channels of one tap (NCHW stem). "
               "Main tiles: IB512_CONV_MAIN_TILES in arch/avx512/conv_tiles.h."],
    "neon": ["region = one tap: 4 channels (nChw4c) or 1 channel (NCHW stem). The NCHW tile "
             "has a contiguous copy (stride 1) and a strided one (lane loads; the stride-2 "
             "stem uses it)."],
}
NEON_FULL_P = {"conv_nchw4c__neon": 6, "conv_nchw__neon": 4}


def avx2_tile_list():
    """[(J, P)] of IB_AVX2_CONV_TILES in arch/avx2/conv_plan.h, the main tile first: the one
    list of the AVX2 register tiles."""
    with open(os.path.join(ROOT, "arch/avx2/conv_plan.h")) as f:
        text = f.read()
    main = re.search(r"#define IB_AVX2_CONV_TILE_MAIN\(X\)\s*X\((\d+),\s*(\d+)\)", text)
    rest = re.search(r"#define IB_AVX2_CONV_TILES\(X\)\s*IB_AVX2_CONV_TILE_MAIN\(X\)(.*)", text)
    if not main or not rest:
        die("cannot read the tile list (IB_AVX2_CONV_TILES) in arch/avx2/conv_plan.h")
    tiles = [(int(main.group(1)), int(main.group(2)))]
    tiles += [(int(j), int(p)) for j, p in re.findall(r"X\((\d+),\s*(\d+)\)", rest.group(1))]
    return tiles


def avx2_tiles():
    return dict(avx2_tile_list())


def jmax_of(isa):
    return avx2_tile_list()[0][0] if isa == "avx2" else ISAS[isa]["jmax"]


def avx512_main_tiles():
    """{(G, P)} of IB512_CONV_MAIN_TILES, the one list the kernel and its plan use."""
    with open(os.path.join(ROOT, "arch/avx512/conv_tiles.h")) as f:
        m = re.search(r"#define IB512_CONV_MAIN_TILES\(X\)(.*)", f.read())
    if not m:
        die("arch/avx512/conv_tiles.h: IB512_CONV_MAIN_TILES not found")
    return {(int(g), int(p)) for g, p in re.findall(r"X\((\d+),\s*(\d+)\)", m.group(1))}


def is_main(isa, kern, j, p):
    """A main tile (not a row or oc tail) of its kernel."""
    if isa == "avx512":
        return (j, p) in avx512_main_tiles()
    if isa == "avx2" and kern.startswith("conv_nchw8c_1x1_"):
        # the 1x1 plan picks its largest group (a tile's J) per layer, 3x4 on 8x8, among the
        # tiles with enough accumulators to hide the FMA latency (conv_plan.c's step_slots)
        return p == full_p(isa, kern, j) and j * p >= avx2_fma_inflight()
    return j == jmax_of(isa) and p == full_p(isa, kern, j)


def avx2_fma_inflight():
    """IB_AVX2_FMA_INFLIGHT of arch/avx2/conv_plan.h: the FMAs in flight the AVX2 plan counts."""
    with open(os.path.join(ROOT, "arch/avx2/conv_plan.h")) as f:
        m = re.search(r"IB_AVX2_FMA_INFLIGHT\s*=\s*(\d+)", f.read())
    if not m:
        die("arch/avx2/conv_plan.h: IB_AVX2_FMA_INFLIGHT not found")
    return int(m.group(1))


def die(msg):
    sys.stderr.write("mca: " + msg + "\n")
    sys.exit(1)


def which(*names):
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    return None


def isa_flags(isa):
    """The ISA's flags as its own arch/<isa>/rules.mk gives them (FLAGS_<isa> := ...), so both
    stay in step."""
    path = os.path.join(ROOT, "arch", isa, "rules.mk")
    try:
        with open(path) as f:
            for line in f:
                m = re.match(r"\s*FLAGS_%s\s*:?=(.*)$" % isa, line)
                if m:
                    return m.group(1).split()
    except OSError as e:
        die("cannot read %s: %s" % (path, e))
    die("%s states no FLAGS_%s" % (path, isa))


def compilers():
    """gcc, the compiler the Makefile builds with. (clang-14 moves instructions across the
    markers' asm statements, so its regions do not hold the loop: not usable here.)"""
    x86 = which("gcc")
    arm = which("aarch64-linux-gnu-gcc")
    if not x86 or not arm:
        die("gcc and aarch64-linux-gnu-gcc are needed (Debian: gcc gcc-aarch64-linux-gnu)")
    return [x86], [arm]


def compile_asm(cc, flags, src, out):
    """Starts the compiler (the sources compile in parallel); wait with finish()."""
    cmd = cc + ["-std=c11", "-O2", "-I.", "-D_GNU_SOURCE", "-ffp-contract=off", "-fopenmp",
                "-Wno-unknown-pragmas", "-DIB_MCA_MARKERS", "-S", src, "-o", out] + flags
    return cmd, subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)


def finish(job):
    cmd, proc = job
    _, err = proc.communicate()
    if proc.returncode != 0:
        die("compile failed: %s\n%s" % (" ".join(cmd), err[-3000:]))


FUNC_RE = re.compile(r"^([A-Za-z_][\w$]*):")
LABEL_RE = re.compile(r"^\s*(\.?[\w$.]+):\s*$")
MARK_RE = re.compile(r"(?:#|//)\s*LLVM-MCA-(BEGIN|END)\s+(\S+)")
BRANCH_RE = re.compile(r"^\s*(j\w+|b\.\w+|b|cbn?z|tbn?z)\s+(?:.*,\s*)?(\.?[\w$.]+)\s*$")


def cut_regions(path):
    """[(function, marker name, [asm lines])] for every marked region of one .s file."""
    regions, func, cur = [], None, None
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            m = MARK_RE.search(line)
            if m:
                if m.group(1) == "BEGIN":
                    cur = (func, m.group(2), [])
                elif cur:
                    regions.append(cur)
                    cur = None
                continue
            fm = FUNC_RE.match(line)
            if fm and not line.startswith(".L"):
                func = fm.group(1)
            if cur is None:
                continue
            s = line.strip()
            if not s or s.startswith(("#", "//", "@")):
                continue  # comments, #APP / #NO_APP
            if s.startswith(".") and not LABEL_RE.match(s):
                continue  # directives (.p2align, .cfi_*, .loc)
            cur[2].append(s)
    return regions


def loop_body(lines):
    """The loop inside a region (label .. backward branch), or the region itself."""
    labels = {}
    for i, s in enumerate(lines):
        m = LABEL_RE.match(s)
        if m:
            labels[m.group(1)] = i
    for i, s in enumerate(lines):
        b = BRANCH_RE.match(s)
        if b and b.group(2) in labels and labels[b.group(2)] < i:
            return lines[labels[b.group(2)]:i + 1], "loop"
    return lines, "block"


def is_fma(s, arch):
    op = s.split()[0] if s.split() else ""
    if arch == "x86":
        return re.match(r"^vf(n?)m(add|sub)(132|213|231)p[sd]$", op) is not None
    return op in ("fmla", "fmls")


def tile_of(isa, func, name):
    """(kernel, J, P, wanted) for a region, or None when it is not a conv tile region."""
    if isa == "avx2":
        # conv_tap_<J>x<P>_m<mask> inside conv_<layout>_<J>x<P>[_tail<t>]__avx2 (conv_tiles.c)
        m = re.match(r"conv_tap_(\d)x(\d)_m(\d+)$", name)
        f = re.match(r"conv_(nchw8c|nchw8c_1x1|nchw_to_nchw8c)_\d+x\d+(?:_tail\d+)?__avx2",
                     func or "")
        if not m or not f:
            return None
        j, p, mask = (int(x) for x in m.groups())
        main = "%dx%d" % avx2_tile_list()[0]
        kern = "conv_%s_%s__avx2" % (f.group(1), main)
        return kern, j, p, mask == (1 << p) - 1  # masked taps occur only at image borders
    if isa == "avx512":
        m = re.match(r"conv_tile_(\d+)$", name)  # id W*10000 + B*1000 + G*100 + P
        if not m:
            return None
        i = int(m.group(1))
        w, b = i // 10000, i // 1000 % 10  # w: KIND_ROWS, _FLAT, _COLS, _FLAT_ROWS, _FLAT_LINE(2), _ROWS_LINE, _FLAT_LINE_SHORT, _POINTWISE
        g, p = i // 100 % 10, i % 100
        kern = ("conv_nchw16c" if b else "conv_nchw_to_nchw16c") + \
            ("", "_unpadded", "_columns", "_flat_rowpad", "_flat_line", "_flat_line2", "_rows_line",
             "_flat_line_short", "_pointwise", "_columns_line", "_rows_strided")[w] + "__avx512"
        return kern, g, p, True
    m = re.match(r"tile_(\d)x(\d)$", func or "")
    if not m or name not in NEON_FULL_P:
        return None
    return name, int(m.group(1)), int(m.group(2)), True


def full_p(isa, kern, j):
    if isa == "avx512":
        return max(p for g, p in avx512_main_tiles() if g == j) if any(
            g == j for g, _ in avx512_main_tiles()) else None
    return NEON_FULL_P[kern] if isa == "neon" else ISAS[isa]["full_p"](j)


def variant(lines):
    """What tells two same-named regions of one function apart: the NEON NCHW tile has a
    contiguous-pixel copy (stride 1: one vector load) and a strided one (lane loads)."""
    return " strided" if any(re.match(r"ld1\s+\{v\d+\.s\}\[", s) for s in lines) else ""


def select(isa, regions, mode):
    """Unique tiles (kernel, J, P, variant) -> (lines, kind), filtered by --tiles. Copies of
    one tile (AVX2: the interior's and the border's full-mask tap) are analysed once."""
    seen = {}
    for func, name, lines in regions:
        t = tile_of(isa, func, name)
        if not t or not t[3]:
            continue
        kern, j, p, _ = t
        if mode == "main" and not is_main(isa, kern, j, p):
            continue
        if mode == "full" and p != full_p(isa, kern, j):
            continue
        body, kind = loop_body(lines)
        seen.setdefault((kern, j, p, variant(body)), (body, kind))
    return seen


def run_mca(mca, cpu, triple, text, iterations, extra=()):
    cmd = [mca, "-mtriple=" + triple, "-mcpu=" + cpu, "-iterations=%d" % iterations,
           "-resource-pressure", "-instruction-info=false", "-timeline=false"] + list(extra) + ["-"]
    r = subprocess.run(cmd, input=text, capture_output=True, text=True)
    if r.returncode != 0:
        die("llvm-mca -mcpu=%s failed:\n%s" % (cpu, r.stderr[-3000:]))
    return r.stdout


def parse_mca(out):
    """{region name: {cycles, resources, pressure_by_insn, bottleneck}} from llvm-mca's report."""
    res = {}
    parts = re.split(r"^\[\d+\] Code Region - (\S*)\s*$", out, flags=re.M)
    chunks = list(zip(parts[1::2], parts[2::2])) if len(parts) > 1 else [("", out)]
    for name, body in chunks:
        it = int(re.search(r"^Iterations:\s+(\d+)", body, re.M).group(1))
        cyc = int(re.search(r"^Total Cycles:\s+(\d+)", body, re.M).group(1))
        units = re.findall(r"^\[([\d.]+)\]\s+-\s+(\S+)", body, re.M)
        rows = []
        m = re.search(r"Resource pressure by instruction:\n[^\n]*Instructions:\n(.*?)(?:\n\n|\Z)",
                      body, re.S)
        if m:
            n = len(units)
            for line in m.group(1).splitlines():
                cols = line.split(None, n)
                if len(cols) < n + 1:
                    continue
                vals = [0.0 if c == "-" else float(c) for c in cols[:n]]
                rows.append((cols[n].strip(), vals))
        res[name] = {"cpi": cyc / it, "units": [u for _, u in units], "rows": rows,
                     "bneck": parse_bottleneck(body)}
    return res


def parse_bottleneck(body):
    if "No resource or data dependency bottlenecks" in body:
        return "none found"
    m = re.search(r"Throughput Bottlenecks:\s*\n(.*?)\n\n", body, re.S)
    if not m:
        return "-"
    items, kind = [], None
    for line in m.group(1).splitlines():
        h = re.match(r"\s+(Resource Pressure|Data Dependencies):\s+\[\s*([\d.]+)%", line)
        u = re.match(r"\s+-\s+(.+?)\s+\[\s*([\d.]+)%", line)
        if h:
            kind = h.group(1)
            if kind == "Data Dependencies" and float(h.group(2)) >= 5:
                items.append("deps %.0f%%" % float(h.group(2)))
        elif u and float(u.group(2)) >= 5:
            what = u.group(1).replace(" Dependencies", "")
            if kind == "Data Dependencies":
                what = what.lower() + " deps"
            items.append("%s %.0f%%" % (what, float(u.group(2))))
    return ", ".join(items) or "none >= 5%"


def fma_form(lines, arch):
    """A representative FMA of the region: (x86 width prefix | AArch64 by-element flag)."""
    for s in lines:
        if is_fma(s, arch):
            if arch == "x86":
                w = re.search(r"%([xyz])mm", s)
                return w.group(1) if w else "y"
            return "lane" if re.search(r"\.s\[\d\]", s) else "vec"
    return None


def peak_block(form, arch):
    if arch == "x86":
        n = 28 if form == "z" else 14
        return "".join("vfmadd231ps %%%smm%d, %%%smm%d, %%%smm%d\n" % (form, n, form, n + 1, form, i)
                       for i in range(n))
    src = "v31.s[1]" if form == "lane" else "v31.4s"
    return "".join("fmla v%d.4s, v30.4s, %s\n" % (i, src) for i in range(28))


def fma_peak(mca, cpu, triple, form, arch, cache):
    """(FMAs per cycle, FMA unit indices) of the model, from llvm-mca itself."""
    key = (cpu, form)
    if key not in cache:
        text = peak_block(form, arch)
        r = parse_mca(run_mca(mca, cpu, triple, text, 1000))[""]
        n = text.count("\n")
        used = set()
        for _, vals in r["rows"]:
            used |= {i for i, v in enumerate(vals) if v > 0}
        cache[key] = (n / r["cpi"], sorted(used))
    return cache[key]


def busiest(r, fma_units, k=3):
    load = []
    cols = list(zip(*[v for _, v in r["rows"]])) if r["rows"] else []
    for i, col in enumerate(cols):
        busy = sum(col) / r["cpi"]
        if busy > 0.05:
            load.append((busy, r["units"][i] + ("*" if i in fma_units else "")))
    load.sort(reverse=True)
    return " ".join("%s %.0f%%" % (u, 100 * b) for b, u in load[:k])


HEADER = """\
# make mca: llvm-mca (LLVM 14) estimates of the conv micro-kernels' inner loops, per core model.
# region: the marked tile body (-DIB_MCA_MARKERS), or the loop inside it; run %(it)d times.
# cycles/iter = Total Cycles / Iterations.  FMAs/iter = vector FMA instructions in the region.
# FMA util = FMAs/iter / (peak * cycles/iter), peak = the model's FMAs/cycle, measured by llvm-mca
#   on a block of independent FMAs of the same form for the same -mcpu.
# port busy = FMA instructions' pressure on the FMA units / (FMA units * cycles/iter): the same
#   number whenever an FMA takes one unit-cycle on one FMA unit (lower if it holds two units).
# bottleneck = llvm-mca -bottleneck-analysis (share of cycles dispatch was delayed by each cause)
#   | busiest units: pressure / cycles, * = an FMA unit.
# Target: >= %(target).0f%% FMA util for the main tiles. Model used for each core:"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tiles", choices=["main", "full", "all"], default="main",
                    help="main: the widest tile of each kernel; full: every J at full width; "
                    "all: every tile (row and oc tails too)")
    ap.add_argument("--isa", default="avx2,avx512,neon")
    ap.add_argument("--models", default="", help="comma list (default: each ISA's own)")
    ap.add_argument("--llvm-map", action="store_true",
                    help="pass the core names to llvm-mca as they are (LLVM 14's own mapping)")
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--keep", help="write the .s files and llvm-mca inputs here")
    a = ap.parse_args()

    mca = which("llvm-mca-14", "llvm-mca")
    if not mca:
        die("llvm-mca not found: it comes with Debian's llvm-14 package (apt-get install llvm-14)")
    cc_x86, cc_arm = compilers()
    tmp = a.keep or tempfile.mkdtemp(prefix="incbench-mca-")
    os.makedirs(tmp, exist_ok=True)
    wanted = [m for m in a.models.split(",") if m]
    unknown = [m for m in wanted if m not in MODELS]
    if unknown:
        die("unknown model(s) %s; known: %s" % (",".join(unknown), ",".join(MODELS)))

    rows, used_models, peaks = [], [], {}
    try:
        isas = a.isa.split(",")
        for isa in isas:
            if isa not in ISAS:
                die("unknown ISA %s" % isa)
        asm, jobs = {}, []
        for isa in isas:
            spec = ISAS[isa]
            cc = cc_x86 if spec["arch"] == "x86" else cc_arm
            asm[isa] = [os.path.join(tmp, isa + "_" + os.path.basename(s)[:-2] + ".s")
                        for s in spec["srcs"]]
            jobs += [compile_asm(cc, isa_flags(isa), s, o)
                     for s, o in zip(spec["srcs"], asm[isa])]
        for job in jobs:
            finish(job)
        for isa in isas:
            spec = ISAS[isa]
            arch = spec["arch"]
            triple = "x86_64-unknown-linux-gnu" if arch == "x86" else "aarch64-unknown-linux-gnu"
            regions = [r for out in asm[isa] for r in cut_regions(out)]
            tiles = select(isa, regions, a.tiles)
            if not tiles:
                die("%s: no marked conv regions found (built with -DIB_MCA_MARKERS?)" % isa)
            keys = sorted(tiles, key=lambda t: (t[0], -t[1], -t[2]))
            text = ""
            for i, k in enumerate(keys):
                text += "# LLVM-MCA-BEGIN r%d\n%s\n# LLVM-MCA-END r%d\n" % (
                    i, "\n".join(tiles[k][0]), i)
            # "#" markers on AArch64 too: LLVM 14's llvm-mca ignores "// LLVM-MCA-BEGIN" there.
            with open(os.path.join(tmp, isa + "_mca_input.s"), "w") as f:
                f.write(text)
            for model in [m for m in spec["models"] if not wanted or m in wanted]:
                cpu = model if a.llvm_map else MODELS[model][0]
                if model not in used_models:
                    used_models.append(model)
                res = parse_mca(run_mca(mca, cpu, triple, text, a.iterations,
                                        ["-bottleneck-analysis"]))
                for i, k in enumerate(keys):
                    body, kind = tiles[k]
                    r = res["r%d" % i]
                    nfma = sum(is_fma(s, arch) for s in body)
                    form = fma_form(body, arch)
                    peak, funits = fma_peak(mca, cpu, triple, form, arch, peaks) if form else (0, [])
                    util = 100 * nfma / (peak * r["cpi"]) if peak else 0.0
                    fp = sum(sum(v[u] for u in funits) for s, v in r["rows"] if is_fma(s, arch))
                    busy = 100 * fp / (len(funits) * r["cpi"]) if funits else 0.0
                    main_tile = is_main(isa, k[0], k[1], k[2])
                    rows.append(("%s %dx%d%s" % k, isa, model, cpu, kind, r["cpi"],
                                 nfma, peak, util, busy, r["bneck"], busiest(r, funits), main_tile))
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    print(HEADER % {"it": a.iterations, "target": TARGET})
    for m in used_models:
        cpu = m if a.llvm_map else MODELS[m][0]
        note = "LLVM 14's own mapping of the name (--llvm-map)" if a.llvm_map else MODELS[m][1]
        print("#   %-15s -mcpu=%-15s %s" % (m, cpu, note))
    print("# Compiler: gcc / aarch64-linux-gnu-gcc -O2, the Makefile's ISA flags, "
          "-DIB_MCA_MARKERS -S.")
    for isa in isas:
        for note in ISA_NOTES.get(isa, []):
            print("# %s: %s" % (isa, note))
    hdr = ("kernel tile (J oc blocks x P px)", "ISA", "model", "kind", "cyc/iter", "FMAs/iter",
           "peak/cyc", "FMA util%", "port busy%", "bottleneck | busiest units")
    fmt = "%-38s %-6s %-15s %-5s %9s %9s %8s %9s %10s  %s"
    print(fmt % hdr)
    below = []
    for (name, isa, model, cpu, kind, cpi, nfma, peak, util, busy, bn, bu, main_tile) in rows:
        flag = "" if util >= TARGET or not main_tile else " <"
        print(fmt % (name, isa, model, kind, "%.2f" % cpi, nfma, "%.2f" % peak,
                     "%.1f" % util + flag, "%.1f" % busy, bn + " | " + bu))
        if main_tile and util < TARGET:
            below.append("%s on %s (%.1f%%)" % (name, model, util))
    nmain = sum(r[-1] for r in rows)
    print("# main tiles at >= %.0f%% FMA util: %d of %d%s" % (
        TARGET, nmain - len(below), nmain, (" (below, marked <: " + "; ".join(below) + ")")
        if below else ""))


if __name__ == "__main__":
    main()
