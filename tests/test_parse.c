/* Strict parsing of counts and worker lists. */
#include <criterion/criterion.h>
#include <errno.h>

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
