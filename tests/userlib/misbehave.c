/*
 * One kernel, "bad", that misbehaves in the member MISBEHAVE names, by
 * crashing (SIGSEGV), or by hanging where HANG is defined; or that
 * returns NaN from run (MISBEHAVE nan).  Built once per member by
 * tests/test_members.c; every one must fail its own cells only, with the
 * member named, while a good kernel in the same sweep passes.
 *   cc -fPIC -shared -Iinclude -DMISBEHAVE=MEMBER_ITEMS misbehave.c
 */
#include <math.h>
#include <parbench/kernel.h>

#define MEMBER_ITEMS 1
#define MEMBER_BYTES 2
#define MEMBER_INIT 3
#define MEMBER_RUN 4
#define MEMBER_EXPECT 5
#define MEMBER_WORK 6
#define MEMBER_CONSTRUCTOR 7
#define MEMBER_NAN 8

static void misbehave(int member)
{
	if (member != MISBEHAVE)
		return;
#ifdef HANG
	for (volatile unsigned long spin = 0;; spin++)
		;
#else
	volatile int *nowhere = (volatile int *)(unsigned long)8;
	*nowhere = 1;
#endif
}

__attribute__((constructor)) static void loaded(void)
{
	misbehave(MEMBER_CONSTRUCTOR);
}

static uint64_t items(uint64_t n)
{
	misbehave(MEMBER_ITEMS);
	return n;
}

static size_t bytes(uint64_t n)
{
	misbehave(MEMBER_BYTES);
	return n * sizeof(uint64_t);
}

static void init(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	(void)n;
	misbehave(MEMBER_INIT);
	for (uint64_t i = begin; i < end; i++)
		((uint64_t *)mem)[i] = 1;
}

static uint64_t run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	(void)n;
	misbehave(MEMBER_RUN);
	double s = 0;
	for (uint64_t i = begin; i < end; i++)
		s += (double)((uint64_t *)mem)[i];
	return pb_result_from_double(MISBEHAVE == MEMBER_NAN ? NAN : s);
}

static uint64_t expect(uint64_t n)
{
	misbehave(MEMBER_EXPECT);
	return pb_result_from_double((double)n);
}

static double work(uint64_t n)
{
	misbehave(MEMBER_WORK);
	return (double)n;
}

static const struct pb_kernel bad = {
	.name = "bad", .default_n = 4096, .items = items, .bytes = bytes, .init = init,
	.run = run, .expect = expect, .work = work, .bytes_per_item = 8, .tolerance = 1e-9,
};

PB_KERNEL_EXPORT(&bad);
