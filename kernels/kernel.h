/*
 * The harness's side of the kernel interface: struct pb_kernel itself is
 * the installed <parbench/kernel.h>, which users' kernels include too;
 * here are the registry of every kernel this run knows (built-in, and
 * loaded from libraries) and the readers of the optional members.
 */
#ifndef PB_KERNEL_H
#define PB_KERNEL_H

#include "../include/parbench/kernel.h"

/*
 * The members the harness itself calls (the workers call init and run
 * inside the cell's process) are read through these.  A built-in kernel's
 * are called directly.  A user's (pb_kernel_is_user) are answered in a
 * child process (guard.h), once per n and remembered, so that a crash or
 * a hang there fails that kernel's cells instead of the sweep: the kernel
 * is then broken (pb_kernel_broken says which member and how), and these
 * answer 0 without calling it again.  Inside a guard's child, directly.
 */
uint64_t pb_kernel_items(const struct pb_kernel *k, uint64_t n);
/* Shared memory it needs; a kernel without bytes needs none. */
size_t pb_kernel_bytes(const struct pb_kernel *k, uint64_t n);
/* The work model, or items(n) where the kernel has none. */
double pb_kernel_work(const struct pb_kernel *k, uint64_t n);
/* expect(n): 0 with the value, -ENOENT where the kernel has no expect,
 * or -ECHILD where it broke (pb_kernel_broken). */
int pb_kernel_expect(const struct pb_kernel *k, uint64_t n, uint64_t *value);
/* Why a user's kernel cannot be run ("expect-crashed:SIGSEGV",
 * "items-failed:timeout"), or NULL. */
const char *pb_kernel_broken(const struct pb_kernel *k);
/* Marks k broken for the reason (the first one given stays). */
void pb_kernel_set_broken(const struct pb_kernel *k, const char *why);
/* How long one answer (or a library's trial load) may take before the
 * kernel counts as hung: 60 s unless set (the CLI passes --cell-timeout). */
void pb_kernel_set_answer_timeout(double seconds);
double pb_kernel_answer_timeout(void);

/* The kernel's own trait: it moves no memory worth counting, so its time
 * is computing (bytes_per_item 0), and parallel efficiency is its figure. */
static inline int pb_kernel_compute_bound(const struct pb_kernel *k)
{
	return k->bytes_per_item == 0;
}

/* The result of a repetition against the expected one: exactly, or
 * within the kernel's relative tolerance for results that are doubles. */
static inline int pb_result_matches(const struct pb_kernel *k, uint64_t got, uint64_t want)
{
	if (!(k->tolerance > 0))
		return got == want;
	double g = pb_result_to_double(got), w = pb_result_to_double(want);
	double d = g > w ? g - w : w - g, scale = w < 0 ? -w : w;
	return d <= k->tolerance * (scale > 1e-300 ? scale : 1e-300);
}

/* What kind of check a kernel's repetitions get (summary.csv's check):
 * against expect exactly or within the tolerance, or against one
 * sequential run at the same n (seq-reference). */
static inline const char *pb_kernel_check_name(const struct pb_kernel *k)
{
	if (k->tolerance > 0)
		return k->expect ? "tolerance" : "seq-reference-tolerance";
	return k->expect ? "exact" : "seq-reference";
}

/* NULL-terminated table of the benchmark kernels (what users choose):
 * the built-in ones, then those loaded with pb_kernel_register. */
extern const struct pb_kernel *const *pb_kernels;

/* Adds kernels (those a library gave, normalised: every optional member
 * that was left out filled in), all of them or none; the registry keeps
 * the pointers.  0, -EEXIST (a name is known, or given twice) or -ENOMEM. */
int pb_kernel_register(const struct pb_kernel *const *k, size_t count);

/* The libraries the registered kernels came from, in the order they were
 * loaded, each by its absolute path: a program that receives jobs by
 * kernel name (the MPI ranks) loads the same ones. */
size_t pb_kernel_lib_count(void);
const char *pb_kernel_lib_path(size_t i);

/* Whether k came from a library (pb_kernel_register) rather than the build:
 * such code runs sandboxed, a crash or a hang failing its cell only. */
int pb_kernel_is_user(const struct pb_kernel *k);

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
