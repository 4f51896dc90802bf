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

static inline uint64_t pb_result_from_double(double x)
{
	double scaled = x * (double)(1u << PB_RESULT_FRAC_BITS);
	int64_t r = scaled >= 0 ? (int64_t)(scaled + 0.5) : -(int64_t)(-scaled + 0.5);
	return (uint64_t)r;
}

static inline double pb_result_to_double(uint64_t r)
{
	return (double)(int64_t)r / (double)(1u << PB_RESULT_FRAC_BITS);
}

/*
 * Exports a library's kernels, once per library:
 *   PB_KERNEL_EXPORT(&my_kernel, &my_other_kernel);
 * together with the ABI version the library was built against.
 */
#define PB_KERNEL_EXPORT(...)                                                             \
	__attribute__((visibility("default"))) const unsigned pb_kernel_abi_version =   \
		PB_KERNEL_ABI_VERSION;                                                    \
	__attribute__((visibility("default"))) const struct pb_kernel *const            \
		pb_kernel_exports[] = {__VA_ARGS__, NULL}

#endif
