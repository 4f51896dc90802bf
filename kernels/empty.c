/*
 * empty: no work at all.  Not a benchmark kernel (it is not in the
 * registry): the harness dispatches it to measure a runner's fixed cost of
 * dispatch and join, the way EPCC's syncbench measures OpenMP overheads.
 */
#include "kernel.h"

static uint64_t empty_items(uint64_t n) { return n; }
static size_t empty_bytes(uint64_t n) { (void)n; return 0; }
static void empty_init(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	(void)mem, (void)n, (void)begin, (void)end;
}
static uint64_t empty_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	(void)mem, (void)n;
	return end - begin; /* counts items, so a lost range still shows */
}
static uint64_t empty_expect(uint64_t n) { return n; }
static double empty_work(uint64_t n) { (void)n; return 0; }

const struct pb_kernel pb_kernel_empty = {
	.name = "empty",
	.shape = "no work: measures dispatch and join",
	.n_means = "items (one per worker)",
	.default_n = 1,
	.quick_n = 1,
	.max_n = UINT64_C(1) << 32,
	.items = empty_items,
	.bytes = empty_bytes,
	.init = empty_init,
	.run = empty_run,
	.expect = empty_expect,
	.work = empty_work,
};
