/* What a factorization pair's timings say: each form's time with its interval and %peak, the
 * measured saving with its interval, its decomposition into work saved x the efficiency ratio
 * of the two forms' kernels, and a verdict. Pure arithmetic on samples, kept apart from the
 * timing so that tests can feed it synthetic pairs. */
#ifndef IB_BENCH_FACTOR_VERDICT_H
#define IB_BENCH_FACTOR_VERDICT_H

/* The verdict answers "does the factorization save time here?"; how much of the theory the
 * saving realizes is the realized fraction, printed beside it with its interval, and no word is
 * cut from it: a realized fraction near any cut lands on either side of it from run to run
 * (three runs in a row put the same pairs at 74.7%, 76.5% and 75.9% of a line at 75%). The one
 * line left, 2% of the time, is known only to the precision at which runs repeat: a saving
 * within that margin of it ("on the line") gets a verdict naming both sides. */
typedef enum ib_fverdict {
    IB_FV_NONE,            /* not measured */
    IB_FV_PAYS,            /* significant, B faster by 3% or more */
    IB_FV_NEGLIGIBLE,      /* the saving, either way, under 1% of the time: too small to act
                              on, whether or not its interval holds 0 */
    IB_FV_DOES_NOT_PAY,    /* significantly slower than the base form, by 3% or more */
    IB_FV_NOT_SIGNIFICANT, /* the interval of the saving contains 0, the saving 3% or more */
    IB_FV_LINE_PAYS,       /* a saving within 1 point of the 2% line: "negligible or pays" */
    IB_FV_LINE_SLOWER,     /* B slower by 1-3%: "negligible or does not pay here" */
} ib_fverdict;

const char *ib_fverdict_name(ib_fverdict v); /* "pays", "negligible", ... */

/* A kernel artefact: one form's kernels run below 80% of the other's efficiency, so the
 * measured saving says more about the kernels than about the factorization. */
typedef enum ib_fartefact {
    IB_FA_NONE,
    IB_FA_BASE_SLOW,     /* form A (the big kernel) is the slow one: saving overstated */
    IB_FA_FACTORED_SLOW, /* form B's kernels are the slow ones: saving understated */
} ib_fartefact;

typedef struct ib_fpair_in {
    const double *ta, *tb; /* seconds per call of forms A and B, one per repetition */
    int na, nb;
    double work_a, work_b;         /* executed (non-padding) MACs of each form */
    double work_nom_a, work_nom_b; /* nominal MACs, padding taps included */
    double peak;                   /* FMA peak in FLOP/s for the ISA and threads used; 0: unknown */
    /* MACs that %peak counts where they are not work_a/b (an algorithm's real multiply-adds,
     * Winograd's); 0: work_a/b */
    double peak_work_a, peak_work_b;
    /* The repetitions in rounds (fresh buffers, another CPU): ends_a[i] is one past round i's
     * last sample in ta, ends_b the same in tb. With 6 or more rounds the saving is
     * ib_ratio_ci_rounds's (each round's Hodges-Lehmann ratio, their Hodges-Lehmann centre
     * and signed-rank interval); with fewer, the Hodges-Lehmann ratio and Moses interval of
     * the repetitions pooled. */
    const int *ends_a, *ends_b;
    int rounds;
    /* Multiply-adds of the algorithms each form runs, where one differs from the direct count
     * (a layer on Winograd executes its element-wise products): the work saving's base, so
     * that a form on a cheaper algorithm is not read as a more efficient kernel; 0: work_a/b.
     * Pools, batch-norm and ReLU count none, as in work_a/b. */
    double algo_work_a, algo_work_b;
} ib_fpair_in;

typedef struct ib_fpair {
    double med_a, lo_a, hi_a; /* form A: median time and its 95% interval, seconds */
    double med_b, lo_b, hi_b;
    double peak_a, peak_b;  /* fraction of the peak on executed work, or on peak_work_a/b
                               (NaN: no peak) */
    double work_saving;     /* 1 - work_b / work_a, executed MACs, on algo_work_a/b where given:
                               negative when B's algorithms execute more */
    double work_saving_nom; /* 1 - work_nom_b / work_nom_a, nominal MACs */
    int work_on_algo;       /* 1 when algo_work_a/b gave the work saving a base other than the
                               direct executed MACs */
    double saving, saving_lo, saving_hi; /* 1 - time(B)/time(A) and its 95% interval, as
                                            ib_fpair_in's rounds say */
    double eff_ratio;                    /* efficiency of A's kernels over B's: saving =
                                            1 - (1 - work_saving) x eff_ratio */
    double realized; /* saving / work_saving (NaN when no work is saved); with a negative
                        work saving, the part of the extra work that shows as extra time */
    ib_fverdict verdict;
    ib_fartefact artefact;
} ib_fpair;

/* 0, or -1 when the samples are unusable (empty, not positive and finite, an empty round). */
int ib_fpair_analyze(const ib_fpair_in *in, ib_fpair *r);

/* A pair's realized fraction is settled when its interval spans at most this many percent of
 * the work saving (+-0.05 realized): two runs, each within +-0.05 of the truth at 95%, then
 * differ by less than 0.10 (at 95%, 1.96 x sqrt(2) x 0.05 / 1.96 = 0.07). At +-0.10 the 35x35
 * module's 5x5 -> 3x3 chains (a 7% work saving) on AVX2 realized 1.19, 1.17, 1.02 in three runs
 * in a row. */
enum { IB_FPAIR_PRECISION_PCT = 10 };

/* 1 when the pair needs more rounds: its verdict is 'not significant', or the interval of its
 * realized fraction is wider than IB_FPAIR_PRECISION_PCT allows, too wide for a realized
 * fraction that a second run would repeat. */
int ib_fpair_open(const ib_fpair *p);

/* The saving when each form runs its fastest algorithm: form A on the fast algorithm's samples
 * (fast->ta) when fast_ok_a and their median is below the direct one's (direct->ta), else on
 * direct's (with the rounds of the samples chosen); B likewise. The chosen samples are analysed as
 * ib_fpair_analyze does (the saving's Hodges-Lehmann ratio, Moses interval and verdict, on the
 * direct work counts); %peak is left out (NaN), the two forms' algorithms counting different work.
 * fast_a/fast_b say which algorithm each form used (1: the fast one). 0, or -1 when the chosen
 * samples are unusable. */
typedef struct ib_ffast {
    int fast_a, fast_b;
    ib_fpair p;
} ib_ffast;
int ib_ffast_analyze(const ib_fpair_in *direct, const ib_fpair_in *fast, int fast_ok_a,
                     int fast_ok_b, ib_ffast *r);

#endif
