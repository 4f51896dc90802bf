/*
 * The kernel interface: a kernel describes work over an index space
 * [0, items(n)); a runner decides how that space is spread over workers.
 *
 * Partial results combine by unsigned wrapping addition, which is exact and
 * associative, so any partition of the index space, in any order, must give
 * exactly expect(n).  Returning the result (and checking it) is also what
 * keeps the compiler from deleting the work.
 */
#ifndef PB_KERNEL_H
#define PB_KERNEL_H

#include <stddef.h>
#include <stdint.h>

struct pb_kernel {
	const char *name;
	const char *shape;     /* the workload shape it stands for */
	uint64_t default_n;
	uint64_t quick_n;      /* a smaller default for --quick */
	uint64_t max_n;        /* largest n it accepts */
	const char *n_means;   /* what n counts, for --list */

	uint64_t (*items)(uint64_t n);
	/* Shared memory it needs (0: none).  Fails with 0 and no memory only
	 * when items is 0, so runners may always pass what alloc returned. */
	size_t (*bytes)(uint64_t n);
	/* Initialise the part of memory that items [begin, end) touch; run by
	 * the worker that will later run those items (first touch). */
	void (*init)(void *mem, uint64_t n, uint64_t begin, uint64_t end);
	uint64_t (*run)(void *mem, uint64_t n, uint64_t begin, uint64_t end);
	/* The exact answer, by an independent method (closed form or a
	 * different algorithm). */
	uint64_t (*expect)(uint64_t n);
	/* Bytes moved per item by run, for bandwidth figures (0: compute-bound). */
	unsigned bytes_per_item;
	/* Work of size n in arbitrary units proportional to its sequential
	 * time, for scaling a measured time to other sizes (break-even). */
	double (*work)(uint64_t n);
	/* Latency-bound: each item first waits the job's wait time (a device,
	 * a network, a service) and only then runs; n counts tasks.  How the
	 * waits overlap is the runner's business. */
	int waits;
};

/* Optional members are read through these, checked once here: a kernel
 * without bytes needs no memory. */
static inline size_t pb_kernel_bytes(const struct pb_kernel *k, uint64_t n)
{
	return k->bytes ? k->bytes(n) : 0;
}

/* The kernel's own trait: it moves no memory worth counting, so its time
 * is computing (bytes_per_item 0), and parallel efficiency is its figure. */
static inline int pb_kernel_compute_bound(const struct pb_kernel *k)
{
	return k->bytes_per_item == 0;
}

/* NULL-terminated table of the benchmark kernels (what users choose). */
extern const struct pb_kernel *const pb_kernels[];

/* A benchmark kernel by name, or NULL. */
const struct pb_kernel *pb_kernel_find(const char *name);

/* Any kernel by name, the harness's own ones included (for programs that
 * receive a job by name, as the MPI ranks do), or NULL. */
const struct pb_kernel *pb_kernel_lookup(const char *name);

/* The harness's own kernels: no work at all (a runner's fixed cost, EPCC
 * style) and the STREAM-like bandwidth reference. */
extern const struct pb_kernel pb_kernel_empty, pb_kernel_stream_copy,
	pb_kernel_stream_triad, pb_kernel_stream_dot;

#endif
