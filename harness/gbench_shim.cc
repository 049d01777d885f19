// The C interface to Google Benchmark declared in harness/gbench.h.
#include "harness/gbench.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

namespace
{

std::atomic<int> g_errors{0};
std::atomic<int> g_peak_warnings{0};

// Above this a percent of peak is not a measurement but a wrong probe or a wrong work count
// (a little above 100 is clock noise between the probe and the run).
constexpr double kPeakLimit = 102.0;

struct Entry;
std::vector<Entry *> g_entries; // freed by ib_gb_shutdown

struct Entry {
    ib_gb_bench b;
    std::string name, label, error, probe;
    bool warned = false; // one warning per benchmark, not one per repetition
};

double wall_s()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

double thread_cpu_s()
{
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void body(benchmark::State &state, Entry &x)
{
    if (!x.error.empty()) {
        g_errors++;
        state.SkipWithError(x.error.c_str());
        return;
    }
    // pct_peak is a plain percentage, so it needs the loop's time on the clock Google
    // Benchmark uses (wall, or this thread's CPU time); a rate counter would print "/s".
    const double t0 = x.b.use_real_time ? wall_s() : thread_cpu_s();
    for (auto _ : state) {
        if (x.b.fn(x.b.ctx, 1) != 0) {
            g_errors++;
            state.SkipWithError("the kernel returned an error");
            return;
        }
    }
    const double t = (x.b.use_real_time ? wall_s() : thread_cpu_s()) - t0;
    using C = benchmark::Counter;
    // Iteration-invariant rates: value x iterations / time, i.e. per-second rates.
    if (x.b.flops_per_iter > 0)
        state.counters["FLOPS"] = C(x.b.flops_per_iter, C::kIsIterationInvariantRate);
    if (x.b.flops_nominal_per_iter > 0)
        state.counters["FLOPS_nominal"] =
            C(x.b.flops_nominal_per_iter, C::kIsIterationInvariantRate);
    if (x.b.bytes_per_iter > 0)
        state.counters["bytes"] =
            C(x.b.bytes_per_iter, C::kIsIterationInvariantRate, C::OneK::kIs1024);
    if (x.b.omp_threads > 0)
        state.counters["omp_threads"] = x.b.omp_threads;
    if (x.b.alg_flops_per_iter > 0)
        state.counters["FLOPS_alg"] = C(x.b.alg_flops_per_iter, C::kIsIterationInvariantRate);
    if (x.b.transform_flops_per_iter > 0)
        state.counters["FLOPS_transform"] =
            C(x.b.transform_flops_per_iter, C::kIsIterationInvariantRate);
    if (x.b.has_rel_err)
        state.counters["max_rel_err"] = x.b.max_rel_err;
    // pct_peak counts the multiply-adds that run: an algorithm's own where it has them.
    const double peak_work =
        x.b.alg_flops_per_iter > 0 ? x.b.alg_flops_per_iter : x.b.flops_per_iter;
    if (peak_work > 0 && x.b.peak_flops > 0 && t > 0) {
        const double pct =
            peak_work * static_cast<double>(state.iterations()) / t / x.b.peak_flops * 100.0;
        state.counters["pct_peak"] = pct;
        if (pct > kPeakLimit && !x.warned) {
            x.warned = true;
            g_peak_warnings++;
            std::fprintf(stderr,
                         "incbench bench: WARNING: %s: pct_peak %.1f%% is above %.0f%% of the "
                         "%s probe (%.1f GFLOP/s): the probe or the work count is wrong\n",
                         x.name.c_str(), pct, kPeakLimit, x.probe.empty() ? "FMA" : x.probe.c_str(),
                         x.b.peak_flops * 1e-9);
        }
    }
    if (x.b.bytes_per_iter > 0 && x.b.triad_bytes > 0 && t > 0)
        state.counters["pct_triad"] = x.b.bytes_per_iter * static_cast<double>(state.iterations()) /
                                      t / x.b.triad_bytes * 100.0;
    if (!x.label.empty())
        state.SetLabel(x.label);
}

// A reporter that prints nothing and hands each repetition to a C callback.
class Collector : public benchmark::BenchmarkReporter
{
  public:
    Collector(ib_gb_sample_fn fn, void *ud) : fn_(fn), ud_(ud)
    {
    }
    bool ReportContext(const Context &) override
    {
        return true;
    }
    void ReportRuns(const std::vector<Run> &runs) override
    {
        for (const Run &r : runs) {
            if (r.run_type != Run::RT_Iteration)
                continue;
            const std::string name = r.benchmark_name();
            ib_gb_sample s{};
            s.name = name.c_str();
            s.tag = tag_of(r.run_name.function_name);
            s.repetition = r.repetition_index < 0 ? 0 : r.repetition_index;
            s.iterations = static_cast<int64_t>(r.iterations);
            const double it = r.iterations > 0 ? static_cast<double>(r.iterations) : 1.0;
            s.real_s = r.real_accumulated_time / it;
            s.cpu_s = r.cpu_accumulated_time / it;
            s.error = r.error_occurred ? r.error_message.c_str() : nullptr;
            fn_(ud_, &s);
        }
    }

  private:
    static void *tag_of(const std::string &fname)
    {
        for (const Entry *x : g_entries)
            if (x->name == fname)
                return x->b.tag;
        return nullptr;
    }
    ib_gb_sample_fn fn_;
    void *ud_;
};

} // namespace

extern "C" void ib_gb_init(int *argc, char **argv)
{
    benchmark::Initialize(argc, argv);
}

extern "C" int ib_gb_register(const ib_gb_bench *b)
{
    if (!b || !b->name || (!b->fn && !b->error))
        return -1;
    // Entries outlive registration: Google Benchmark keeps the lambda until shutdown.
    Entry *x = new Entry{*b, b->name, b->label ? b->label : "", b->error ? b->error : "",
                         b->peak_probe ? b->peak_probe : ""};
    g_entries.push_back(x);
    auto *bm =
        benchmark::RegisterBenchmark(x->name.c_str(), [x](benchmark::State &s) { body(s, *x); });
    // Google Benchmark then names the run NAME/process_time/real_time, as it would for any
    // benchmark of code that starts its own threads.
    if (b->use_real_time)
        bm->MeasureProcessCPUTime()->UseRealTime();
    if (b->repetitions > 0)
        bm->Repetitions(b->repetitions);
    if (b->min_time > 0)
        bm->MinTime(b->min_time);
    return 0;
}

extern "C" void ib_gb_add_context(const char *key, const char *value)
{
    benchmark::AddCustomContext(key, value);
}

extern "C" int ib_gb_run(void)
{
    return static_cast<int>(benchmark::RunSpecifiedBenchmarks());
}

extern "C" int ib_gb_run_collect(ib_gb_sample_fn fn, void *ud)
{
    Collector c(fn, ud);
    return static_cast<int>(benchmark::RunSpecifiedBenchmarks(&c));
}

extern "C" void ib_gb_clear(void)
{
    benchmark::ClearRegisteredBenchmarks();
    for (Entry *x : g_entries)
        delete x;
    g_entries.clear();
}

extern "C" void ib_gb_init_interleaved(void)
{
    static bool done = false;
    if (done)
        return;
    done = true;
    char prog[] = "incbench", flag[] = "--benchmark_enable_random_interleaving=true";
    char *argv[] = {prog, flag, nullptr};
    int argc = 2;
    benchmark::Initialize(&argc, argv);
}

extern "C" int ib_gb_errors(void)
{
    return g_errors.load();
}

extern "C" int ib_gb_peak_warnings(void)
{
    return g_peak_warnings.load();
}

extern "C" void ib_gb_shutdown(void)
{
    benchmark::Shutdown();
    for (Entry *x : g_entries)
        delete x;
    g_entries.clear();
}
