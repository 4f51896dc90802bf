/* Strict parsing of counts and worker lists. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "../bench/base/parse.h"

Test(parse, counts)
{
	uint64_t v;
	cr_expect_eq(pb_parse_count("42", 100, &v), 0);
	cr_expect_eq(v, 42);
	cr_expect_eq(pb_parse_count("2^27", UINT64_MAX, &v), 0);
	cr_expect_eq(v, UINT64_C(1) << 27);
	cr_expect_eq(pb_parse_count("10^3", UINT64_MAX, &v), 0);
	cr_expect_eq(v, 1000);
	cr_expect_eq(pb_parse_count("18446744073709551615", UINT64_MAX, &v), 0);
	cr_expect_eq(v, UINT64_MAX);
	cr_expect_eq(pb_parse_count("18446744073709551616", UINT64_MAX, &v), -ERANGE);
	cr_expect_eq(pb_parse_count("2^64", UINT64_MAX, &v), -ERANGE);
	cr_expect_eq(pb_parse_count("101", 100, &v), -ERANGE);
	static const char *const bad[] = {"", "0", "-1", "+1", " 1", "1 ", "1e6", "0x10",
					   "2^", "^3", "2^-1", "0^5", "1.5", "abc"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(pb_parse_count(bad[i], UINT64_MAX, &v), -EINVAL, "'%s'", bad[i]);
}

Test(parse, worker_lists)
{
	unsigned w[16];
	cr_expect_eq(pb_parse_count_list("1,2,4", 64, w, 16), 3);
	cr_expect(w[0] == 1 && w[1] == 2 && w[2] == 4);
	cr_expect_eq(pb_parse_count_list("1-4,8", 64, w, 16), 5);
	cr_expect(w[3] == 4 && w[4] == 8);
	cr_expect_eq(pb_parse_count_list("2,2,1-2", 64, w, 16), 2, "duplicates dropped");
	cr_expect_eq(pb_parse_count_list("1-100", 1000, w, 16), -E2BIG);
	cr_expect_eq(pb_parse_count_list("65", 64, w, 16), -ERANGE);
	static const char *const bad[] = {"", ",", "1,", ",1", "0", "-1", "4-2", "1-", "a-b",
					   "1;2", "1--2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_lt(pb_parse_count_list(bad[i], 64, w, 16), 0, "'%s'", bad[i]);
}

/* One kernel's sizes: a count or a range in every form, each bad form. */
Test(parse, size_ranges)
{
	uint64_t v[64];
	const char *why;
	cr_expect_eq(pb_parse_sizes("2^20", UINT64_MAX, v, 64, &why), 1);
	cr_expect_eq(v[0], UINT64_C(1) << 20);

	cr_assert_eq(pb_parse_sizes("2^10..2^16", UINT64_MAX, v, 64, &why), 7, "x2 by default");
	for (int i = 0; i < 7; i++)
		cr_expect_eq(v[i], UINT64_C(1) << (10 + i));
	cr_assert_eq(pb_parse_sizes("2^10..2^16:x4", UINT64_MAX, v, 64, &why), 4);
	cr_expect(v[0] == 1024 && v[1] == 4096 && v[3] == 65536);
	cr_assert_eq(pb_parse_sizes("100..1000:x3", UINT64_MAX, v, 64, &why), 3,
		     "a factor that misses HI stops below it");
	cr_expect(v[0] == 100 && v[1] == 300 && v[2] == 900);
	cr_assert_eq(pb_parse_sizes("10..20:x1.5", UINT64_MAX, v, 64, &why), 2);
	cr_expect(v[0] == 10 && v[1] == 15);
	cr_assert_eq(pb_parse_sizes("1..4:x1.1", UINT64_MAX, v, 64, &why), 4,
		     "rounded repeats collapse");
	cr_expect(v[0] == 1 && v[1] == 2 && v[2] == 3 && v[3] == 4);

	cr_assert_eq(pb_parse_sizes("20..36:+2", UINT64_MAX, v, 64, &why), 9);
	cr_expect(v[0] == 20 && v[1] == 22 && v[8] == 36);
	cr_assert_eq(pb_parse_sizes("20..25:+2", UINT64_MAX, v, 64, &why), 3);
	cr_expect_eq(v[2], 24);

	cr_assert_eq(pb_parse_sizes("1000..10^6:4", UINT64_MAX, v, 64, &why), 4);
	cr_expect(v[0] == 1000 && v[1] == 10000 && v[2] == 100000 && v[3] == 1000000);
	cr_assert_eq(pb_parse_sizes("1..3:10", UINT64_MAX, v, 64, &why), 3,
		     "points that round alike collapse");
	cr_assert_eq(pb_parse_sizes("7..7", UINT64_MAX, v, 64, &why), 1);
	cr_expect_eq(v[0], 7);

	cr_expect_eq(pb_parse_sizes("10..2^40", UINT64_C(1) << 36, v, 64, &why), -ERANGE);
	cr_expect_eq(pb_parse_sizes("2^40", UINT64_C(1) << 36, v, 64, &why), -ERANGE);
	cr_expect_eq(pb_parse_sizes("1..1000:+1", UINT64_MAX, v, 64, &why), -E2BIG);
	cr_expect_eq(pb_parse_sizes("1..1000:65", UINT64_MAX, v, 64, &why), -E2BIG);
	static const char *const bad[] = {
		"", "0", "-5", "5..3", "..5", "3..", "0..5", "1...5", "1..5:", "1..5:x",
		"1..5:x1", "1..5:x0.5", "1..5:x-2", "1..5:+0", "1..5:+", "1..5:1", "1..5:0",
		"1..5:y", "1..5:x2:x2", "20..36:x2", "2^..5", "1..5 "};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		cr_expect_eq(pb_parse_sizes(bad[i], UINT64_MAX, v, 64, &why), -EINVAL, "'%s'",
			     bad[i]);
		cr_expect(why && *why, "'%s' says why", bad[i]);
	}
}

/* Bases that never grow: 1^E was once E rounds of a loop (1e14 for this
 * one), so the test is bounded in time; each such power is settled at
 * once, a huge exponent refused with a reason, and real powers unchanged. */
Test(parse, powers_that_cannot_grow, .timeout = 5)
{
	uint64_t v[4], n;
	const char *why;
	cr_expect_eq(pb_parse_count("1^99999999999999", UINT64_MAX, &n), -EINVAL);
	cr_expect_eq(pb_parse_count("1^18446744073709551615", UINT64_MAX, &n), -EINVAL);
	cr_expect_eq(pb_parse_count("0^99999999999999", UINT64_MAX, &n), -EINVAL);
	cr_expect_eq(pb_parse_count("0^0", UINT64_MAX, &n), -EINVAL, "0^0 has no value");
	cr_expect_eq(pb_parse_count("2^99999999999999", UINT64_MAX, &n), -ERANGE);
	cr_expect_eq(pb_parse_count("1^64", UINT64_MAX, &n), 0);
	cr_expect_eq(n, 1);
	cr_expect_eq(pb_parse_count("1^0", UINT64_MAX, &n), 0);
	cr_expect_eq(n, 1);
	cr_expect_eq(pb_parse_count("7^0", UINT64_MAX, &n), 0);
	cr_expect_eq(n, 1);
	cr_expect_eq(pb_parse_count("2^63", UINT64_MAX, &n), 0);
	cr_expect_eq(n, UINT64_C(1) << 63);
	cr_expect_eq(pb_parse_count("3^40", UINT64_MAX, &n), 0);
	cr_expect_eq(n, UINT64_C(12157665459056928801));
	cr_expect_eq(pb_parse_count("3^41", UINT64_MAX, &n), -ERANGE);

	cr_expect_eq(pb_parse_sizes("1^99999999999999", UINT64_MAX, v, 4, &why), -EINVAL);
	cr_expect(strstr(why, "exponent above 64"), "says why: %s", why);
	cr_expect_eq(pb_parse_sizes("1^65..2^10", UINT64_MAX, v, 4, &why), -EINVAL);
	cr_expect(strstr(why, "exponent above 64"), "says why: %s", why);
	cr_expect_eq(pb_parse_sizes("2^99", UINT64_MAX, v, 4, &why), -ERANGE);
	cr_expect(strstr(why, "too large"), "%s", why);
	cr_expect_eq(pb_parse_sizes("1..1^99999999999999", UINT64_MAX, v, 4, &why), -EINVAL);
	cr_expect_eq(pb_parse_sizes("1..10:+1^99999999999999", UINT64_MAX, v, 4, &why), -EINVAL);
}
