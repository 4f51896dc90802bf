/*
 * Each kernel's expected value against a brute-force loop written here
 * from the definition, and each kernel's run() over the whole space (one
 * call, as seq does) against its expected value.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "../kernels/kernel.h"

#define P61 ((UINT64_C(1) << 61) - 1)

static uint64_t brute_fib(uint64_t n)
{
	return n < 2 ? n : brute_fib(n - 1) + brute_fib(n - 2);
}

static uint64_t brute_factorial_sum(uint64_t n)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t f = 1;
		for (uint64_t j = 2; j <= i; j++)
			f = (uint64_t)(((unsigned __int128)f * j) % P61);
		s += f;
	}
	return s;
}

/* Runs a kernel as seq would: init then run over all items. */
static uint64_t run_whole(const struct pb_kernel *k, uint64_t n)
{
	size_t bytes = pb_kernel_bytes(k, n);
	void *mem = bytes ? malloc(bytes) : NULL;
	cr_assert(bytes == 0 || mem);
	if (k->init)
		k->init(mem, n, 0, k->items(n));
	uint64_t r = k->run(mem, n, 0, k->items(n));
	free(mem);
	return r;
}

Test(kernels, fib_expected_matches_brute_force)
{
	const struct pb_kernel *k = pb_kernel_find("fib");
	for (uint64_t n = 0; n <= 30; n++) {
		cr_expect_eq(k->expect(n), brute_fib(n), "fib(%llu)", (unsigned long long)n);
		cr_expect_eq(run_whole(k, n), brute_fib(n), "fib leaves(%llu)",
			     (unsigned long long)n);
	}
	cr_expect_eq(k->expect(93), UINT64_C(12200160415121876738));
}

Test(kernels, factorial_expected_matches_brute_force)
{
	const struct pb_kernel *k = pb_kernel_find("factorial");
	for (uint64_t n = 0; n <= 200; n += 7)
		cr_expect_eq(k->expect(n), brute_factorial_sum(n), "n=%llu",
			     (unsigned long long)n);
	/* 66! is divisible by 2^64 but not by 2^61-1: the kernel must not be 0. */
	cr_expect_neq(k->expect(70) - k->expect(69), 0);
	for (uint64_t n = 0; n <= 300; n += 37)
		cr_expect_eq(run_whole(k, n), brute_factorial_sum(n));
}

Test(kernels, sum_expected_matches_brute_force)
{
	const struct pb_kernel *k = pb_kernel_find("sum");
	for (uint64_t n = 1; n <= 5000; n += 499) {
		uint64_t *a = malloc(n * sizeof(*a)), s = 0;
		k->init(a, n, 0, n);
		for (uint64_t i = 0; i < n; i++)
			s += a[i];
		free(a);
		cr_expect_eq(k->expect(n), s, "n=%llu", (unsigned long long)n);
		cr_expect_eq(run_whole(k, n), s);
	}
	/* The closed form stays exact where n(n-1)/2 overflows 64 bits. */
	uint64_t big = UINT64_C(1) << 40;
	unsigned __int128 t = (unsigned __int128)big * (big - 1) / 2;
	uint64_t want = (uint64_t)(t * UINT64_C(0x9E3779B97F4A7C15) + (unsigned __int128)12345 * big);
	cr_expect_eq(k->expect(big), want);
}

Test(kernels, cube_expected_matches_brute_force)
{
	const struct pb_kernel *k = pb_kernel_find("cube");
	for (uint64_t n = 1; n <= 5000; n += 499) {
		uint64_t s = 0;
		for (uint64_t i = 0; i < n; i++)
			s += i * i * i;
		cr_expect_eq(k->expect(n), s, "n=%llu", (unsigned long long)n);
		cr_expect_eq(run_whole(k, n), s);
	}
}

Test(kernels, cube_writes_its_output)
{
	const struct pb_kernel *k = pb_kernel_find("cube");
	uint64_t n = 1000, *mem = malloc(k->bytes(n));
	k->init(mem, n, 0, n);
	k->run(mem, n, 0, n);
	for (uint64_t i = 0; i < n; i++)
		cr_assert_eq(mem[n + i], i * i * i, "b[%llu]", (unsigned long long)i);
	free(mem);
}

/* Splitting anywhere gives the same answer (partials add up exactly). */
Test(kernels, partials_add_up)
{
	for (const struct pb_kernel *const *k = pb_kernels; *k; k++) {
		uint64_t n = (*k)->quick_n < 5000 ? (*k)->quick_n / 4 : 4099;
		if (*k == pb_kernel_find("fib"))
			n = 24;
		uint64_t items = (*k)->items(n);
		size_t bytes = pb_kernel_bytes(*k, n);
		void *mem = bytes ? malloc(bytes) : NULL;
		if ((*k)->init) {
			(*k)->init(mem, n, 0, items / 3);
			(*k)->init(mem, n, items / 3, items);
		}
		uint64_t s = (*k)->run(mem, n, 0, items / 3) + (*k)->run(mem, n, items / 3, items / 2) +
			     (*k)->run(mem, n, items / 2, items) + (*k)->run(mem, n, items, items);
		cr_expect_eq(s, (*k)->expect(n), "%s", (*k)->name);
		free(mem);
	}
}

Test(kernels, registry_is_complete_and_sane)
{
	const char *names[] = {"sum", "cube", "factorial", "fib"};
	for (size_t i = 0; i < 4; i++) {
		const struct pb_kernel *k = pb_kernel_find(names[i]);
		cr_assert(k, "%s missing", names[i]);
		cr_expect(k->default_n >= k->quick_n && k->quick_n > 0 && k->max_n >= k->default_n);
		cr_expect(k->shape && *k->shape);
	}
	cr_expect_null(pb_kernel_find("nope"));
	cr_expect_null(pb_kernel_find("empty"), "the empty job is not a benchmark kernel");
}

Test(kernels, harness_kernels_are_exact)
{
	static const char *const names[] = {"stream-copy", "stream-triad", "stream-dot", "empty"};
	for (size_t i = 0; i < 4; i++) {
		const struct pb_kernel *k = pb_kernel_lookup(names[i]);
		cr_assert(k, "%s", names[i]);
		cr_expect_null(pb_kernel_find(names[i]), "%s is not offered to users", names[i]);
		for (uint64_t n = 0; n < 3000; n += 577) {
			cr_expect_eq(run_whole(k, n), k->expect(n), "%s n=%llu", names[i],
				     (unsigned long long)n);
			cr_expect_eq(run_whole(k, n), k->expect(n), "again");
		}
	}
	/* dot against a plain loop */
	uint64_t s = 0, n = 4321;
	for (uint64_t i = 0; i < n; i++)
		s += i * (2 * i + 1);
	cr_expect_eq(pb_kernel_stream_dot.expect(n), s);
}
