/*
 * parbench's kernel interface, installed as <parbench/kernel.h>: the
 * built-in kernels are written against it, and so is yours.
 *
 * A kernel describes work over an index space [0, items(n)); a runner
 * decides how that space is spread over workers (threads, processes, MPI
 * ranks).  run() computes the partial result of a range of items; the
 * partials of any partition of the space, combined by unsigned wrapping
 * addition (exact and associative), must give the whole space's result.
 * Returning the result, and parbench checking it every repetition, is
 * also what keeps the compiler from deleting the work.
 *
 * Build a library of your own kernels with
 *   cc -O3 -march=native -fPIC -shared $(pkg-config --cflags parbench) \
 *      mykernel.c -o mykernel.so
 * and run it with  parbench --kernel-lib ./mykernel.so --kernels NAME.
 */
#ifndef PARBENCH_KERNEL_H
#define PARBENCH_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* C++ kernels see the same names parbench looks up with dlsym: no
 * mangling, whatever the language of the library. */
#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever struct pb_kernel changes in a way that breaks a library
 * built against an older header; parbench refuses a library built
 * against another. */
#define PB_KERNEL_ABI_VERSION 1

struct pb_kernel {
	/* Required: name, default_n, items, run.  Every other member may be
	 * left out of a designated initializer. */
	const char *name;      /* what --kernels and --size call it */
	const char *shape;     /* the workload shape it stands for (--list) */
	uint64_t default_n;
	uint64_t quick_n;      /* a smaller size for --quick (0: default_n) */
	uint64_t max_n;        /* largest n it accepts (0: no bound but items) */
	const char *n_means;   /* what n counts, for --list (NULL: "n") */

	uint64_t (*items)(uint64_t n);
	/* Shared memory it needs (NULL or 0: none).  Fails with 0 and no
	 * memory only when items is 0, so runners may always pass what
	 * alloc returned. */
	size_t (*bytes)(uint64_t n);
	/* Initialise the part of memory that items [begin, end) touch; run by
	 * the worker that will later run those items (first touch).  NULL:
	 * nothing to initialise. */
	void (*init)(void *mem, uint64_t n, uint64_t begin, uint64_t end);
	uint64_t (*run)(void *mem, uint64_t n, uint64_t begin, uint64_t end);
	/* The exact answer, by an independent method (closed form or a
	 * different algorithm).  NULL: the sequential runner's result at the
	 * same n is the reference every other runner is checked against. */
	uint64_t (*expect)(uint64_t n);
	/* Bytes moved per item by run, for bandwidth figures (0: compute-bound). */
	unsigned bytes_per_item;
	/* Work of size n in arbitrary units proportional to its sequential
	 * time, for scaling a measured time to other sizes (break-even, weak
	 * scaling).  NULL: proportional to items(n). */
	double (*work)(uint64_t n);
	/* Latency-bound: each item first waits the job's wait time (a device,
	 * a network, a service) and only then runs; n counts tasks.  How the
	 * waits overlap is the runner's business. */
	int waits;
	/* Results that are not integers (most real kernels): with tolerance
	 * > 0, run() (and expect, if any) return pb_result_from_double(x),
	 * and a result passes when it is within this relative tolerance of
	 * the expected one.  See pb_result_from_double for why the check
	 * still catches a lost or repeated item. */
	double tolerance;
};

/*
 * A double as a kernel's result: a signed fixed-point number with
 * PB_RESULT_FRAC_BITS fractional bits, in the two's complement of a
 * uint64_t.  Partials in this form add exactly, in any order and any
 * partition, by the same wrapping addition as integer results, so the
 * runners combine them without knowing they are doubles.  Each partial is
 * rounded once, by at most 2^-25: a run over P ranges is off by at most
 * P x 2^-25 beside the rounding inside run() itself, far below any
 * sensible tolerance, while a lost or repeated item moves the sum by that
 * item's whole value.  Magnitudes up to 2^38 (about 2.7e11) fit.
 */
#define PB_RESULT_FRAC_BITS 24

/* What pb_result_from_double gives for NaN, an infinity or a magnitude
 * past 2^38: no number this form holds.  A result whose magnitude reaches
 * 2^62 in this form is reported as "not-a-number", not as a wrong one. */
#define PB_RESULT_NOT_A_NUMBER ((uint64_t)1 << 63)

static inline uint64_t pb_result_from_double(double x)
{
	double scaled = x * (double)(1u << PB_RESULT_FRAC_BITS);
	/* NaN fails both comparisons; past 2^62 the cast to int64_t would be
	 * undefined, or the partials' sum could wrap. */
	if (!(scaled > -4611686018427387904.0 && scaled < 4611686018427387904.0))
		return PB_RESULT_NOT_A_NUMBER;
	int64_t r = scaled >= 0 ? (int64_t)(scaled + 0.5) : -(int64_t)(-scaled + 0.5);
	return (uint64_t)r;
}

/* Whether a result (in the form above) is no number: a NaN, an infinity
 * or a magnitude beyond 2^38 in one of its partials. */
static inline int pb_result_is_not_a_number(uint64_t r)
{
	int64_t v = (int64_t)r;
	return v <= -((int64_t)1 << 62) || v >= ((int64_t)1 << 62);
}

static inline double pb_result_to_double(uint64_t r)
{
	return (double)(int64_t)r / (double)(1u << PB_RESULT_FRAC_BITS);
}

/*
 * What PB_KERNEL_EXPORT defines, declared first: in C++ a const object at
 * namespace scope has internal linkage unless declared extern, and would
 * never reach dlsym; declared here, inside extern "C", both languages
 * export the same two unmangled symbols, visible under
 * -fvisibility=hidden too.
 */
#define PB_KERNEL_VISIBLE __attribute__((visibility("default")))
PB_KERNEL_VISIBLE extern const unsigned pb_kernel_abi_version;
PB_KERNEL_VISIBLE extern const struct pb_kernel *const pb_kernel_exports[];

#ifdef __cplusplus
}
/* extern again on the definitions, so they keep external linkage even
 * where this header's declarations are not in view; C warns of an
 * initialised extern and needs none. */
#define PB_KERNEL_DEFINE PB_KERNEL_VISIBLE extern
#else
#define PB_KERNEL_DEFINE PB_KERNEL_VISIBLE
#endif

/*
 * Exports a library's kernels, once per library, at file (global
 * namespace) scope:
 *   PB_KERNEL_EXPORT(&my_kernel, &my_other_kernel);
 * together with the ABI version the library was built against.
 */
#define PB_KERNEL_EXPORT(...)                                                             \
	PB_KERNEL_DEFINE const unsigned pb_kernel_abi_version = PB_KERNEL_ABI_VERSION;  \
	PB_KERNEL_DEFINE const struct pb_kernel *const pb_kernel_exports[] = {__VA_ARGS__, NULL}

#endif
