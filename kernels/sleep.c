/*
 * sleep: latency-bound work.  Each of n tasks first waits (the job's wait
 * time, --latency-us: a disk, a network, a remote service), then computes
 * a small step: (STEP + i % SPREAD)! mod 2^61-1, the factorial kernel's
 * arithmetic, about a microsecond or two.  The waiting is the runner's to
 * do (pb_job_range blocks, the async runner keeps many waits in flight);
 * run() is the compute step only, so every runner verifies the same sum.
 *
 * The expected value comes from one running product with the compiler's
 * 128-bit remainder, as factorial's does.
 */
#include "arith.h"
#include "kernel.h"

#define STEP 100   /* multiplications per task: the compute step, well under a microsecond */
#define SPREAD 16  /* tasks differ a little, so a skipped one shows */

static uint64_t sleep_items(uint64_t n) { return n; }

static uint64_t sleep_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	uint64_t s = 0;
	(void)mem, (void)n;
	for (uint64_t i = begin; i < end; i++) {
		uint64_t f = 1, k = STEP + i % SPREAD;
		for (uint64_t j = 2; j <= k; j++)
			f = mulmod61(f, j);
		s += f;
	}
	return s;
}

static uint64_t sleep_expect(uint64_t n)
{
	uint64_t fact[STEP + SPREAD], f = 1;
	for (uint64_t k = 0; k < STEP + SPREAD; k++) {
		if (k >= 2)
			f = (uint64_t)(((unsigned __int128)f * k) % MERSENNE61);
		fact[k] = f;
	}
	uint64_t round = 0, s = 0;
	for (uint64_t r = 0; r < SPREAD; r++)
		round += fact[STEP + r];
	s = (n / SPREAD) * round; /* whole rounds of SPREAD tasks */
	for (uint64_t r = 0; r < n % SPREAD; r++)
		s += fact[STEP + r];
	return s;
}

static double sleep_work(uint64_t n) { return (double)n; }

const struct pb_kernel pb_kernel_sleep = {
	.name = "sleep",
	.shape = "latency-bound: each task waits (--latency-us), then computes a little",
	.n_means = "tasks",
	.default_n = 200,  /* 40 ms of waiting for seq at the default 200 us */
	.quick_n = 50,
	.max_n = 10000000,
	.waits = 1,
	.items = sleep_items,
	.run = sleep_run,
	.expect = sleep_expect,
	.work = sleep_work,
};
