/* Partitions cover [0, n) with no gap and no overlap, n = 0 included. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "../runners/chunks.h"

static void check_cover(uint64_t items, unsigned workers)
{
	uint64_t next = 0;
	for (unsigned w = 0; w < workers; w++) {
		uint64_t b, e;
		pb_block(items, workers, w, &b, &e);
		cr_assert_eq(b, next, "items=%llu workers=%u w=%u: gap or overlap",
			     (unsigned long long)items, workers, w);
		cr_assert_geq(e, b);
		/* Balanced: sizes differ by at most one. */
		cr_assert_leq(e - b, items / workers + 1);
		cr_assert_geq(e - b, items / workers);
		next = e;
	}
	cr_assert_eq(next, items);
}

Test(partition, static_blocks_cover_exactly)
{
	static const uint64_t sizes[] = {0, 1, 2, 3, 7, 8, 100, 1000003};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (unsigned w = 1; w <= 41; w++)
			check_cover(sizes[i], w);
	check_cover(UINT64_MAX, 7); /* no overflow in items * w */
	check_cover(UINT64_C(1) << 40, 4096);
}

/* Claims all chunks and checks each item is claimed exactly once. */
static void check_chunks(enum pb_sched_kind kind, uint64_t items, uint64_t chunk,
			 unsigned workers)
{
	struct pb_job job = {.items = items, .sched = {kind, chunk}};
	_Atomic uint64_t next = 0;
	unsigned char *seen = calloc(items ? items : 1, 1);
	uint64_t b, e, claimed = 0, last_end = 0;

	while (pb_chunk_claim(&next, &job, workers, &b, &e)) {
		cr_assert_eq(b, last_end, "chunks are handed out in order");
		cr_assert_lt(b, e);
		cr_assert_leq(e, items);
		if (kind == PB_SCHED_DYNAMIC)
			cr_assert(e - b == chunk || e == items);
		else
			cr_assert(e - b >= chunk || e == items);
		for (uint64_t i = b; i < e; i++)
			seen[i]++;
		claimed += e - b;
		last_end = e;
	}
	cr_assert_eq(claimed, items);
	for (uint64_t i = 0; i < items; i++)
		cr_assert_eq(seen[i], 1, "item %llu", (unsigned long long)i);
	cr_assert_eq(pb_chunk_claim(&next, &job, workers, &b, &e), 0, "stays empty");
	free(seen);
}

Test(partition, dynamic_and_guided_chunks_cover_exactly)
{
	static const uint64_t sizes[] = {0, 1, 5, 64, 1000, 4099};
	static const uint64_t chunks[] = {1, 3, 64, 5000};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++)
			for (unsigned w = 1; w <= 8; w += 3) {
				check_chunks(PB_SCHED_DYNAMIC, sizes[i], chunks[c], w);
				check_chunks(PB_SCHED_GUIDED, sizes[i], chunks[c], w);
			}
}

Test(partition, guided_chunks_shrink)
{
	struct pb_job job = {.items = 10000, .sched = {PB_SCHED_GUIDED, 4}};
	_Atomic uint64_t next = 0;
	uint64_t b, e, prev = UINT64_MAX;
	while (pb_chunk_claim(&next, &job, 4, &b, &e)) {
		cr_assert_leq(e - b, prev);
		prev = e - b;
	}
	cr_expect_leq(prev, 4);
}

Test(partition, default_chunk_is_positive)
{
	cr_expect_eq(pb_default_chunk(0, 4), 1);
	cr_expect_eq(pb_default_chunk(10, 4), 1);
	cr_expect_eq(pb_default_chunk(1 << 20, 4), 1024);
}
