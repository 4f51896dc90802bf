/* provenance.txt read back: key=value lines, the rest skipped. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../bench/store/keyvalues.h"

Test(keyvalues, reads_pairs_and_skips_other_lines)
{
	char path[] = "/tmp/pb-kv-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs("host=node1\nnot a pair\n=no key\ncommand_line=parbench --size sum=2^20\n"
	      "empty=\nlast=no newline", f);
	fclose(f);

	struct pb_keyvalues kv;
	cr_assert_eq(pb_keyvalues_read(path, &kv), 0);
	cr_expect_eq(kv.count, 4);
	cr_expect_str_eq(pb_keyvalues_get(&kv, "host"), "node1");
	cr_expect_str_eq(pb_keyvalues_get(&kv, "command_line"), "parbench --size sum=2^20",
			 "the first '=' splits");
	cr_expect_str_eq(pb_keyvalues_get(&kv, "empty"), "");
	cr_expect_str_eq(pb_keyvalues_get(&kv, "last"), "no newline");
	cr_expect_null(pb_keyvalues_get(&kv, "not a pair"));
	cr_expect_null(pb_keyvalues_get(&kv, "absent"));
	pb_keyvalues_free(&kv);
	unlink(path);

	cr_expect_eq(pb_keyvalues_read(path, &kv), -ENOENT);
	cr_expect_eq(kv.count, 0);
	pb_keyvalues_free(&kv);
}
