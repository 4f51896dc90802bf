/* Kernels that misbehave, for the suite: each must fail its own cells
 * only, under every runner. */
#include <parbench/kernel.h>

static uint64_t items(uint64_t n) { return n; }
static uint64_t count(uint64_t n) { return n; }

static uint64_t crash_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	(void)mem, (void)n;
	if (begin == 0 && end > begin) {
		volatile int *nowhere = (volatile int *)(uintptr_t)8;
		return (uint64_t)*nowhere; /* SIGSEGV on whichever worker has item 0 */
	}
	return end - begin;
}

static uint64_t hang_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	(void)mem, (void)n;
	volatile uint64_t spin = 0;
	if (begin == 0 && end > begin)
		for (;;)
			spin++;
	return end - begin;
}

static const struct pb_kernel crashes = {
	.name = "crashes", .default_n = 1000, .items = items, .run = crash_run, .expect = count,
};
static const struct pb_kernel hangs = {
	.name = "hangs", .default_n = 1000, .items = items, .run = hang_run, .expect = count,
};

PB_KERNEL_EXPORT(&crashes, &hangs);
