/*
 * What the tests that run the parbench program share: where the binary
 * is, starting it with its output in files, and the status a command
 * ends with; and writing a fixture's files.
 */
#ifndef PB_TEST_SUPPORT_H
#define PB_TEST_SUPPORT_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* The program under test: PARBENCH_BIN, as make test sets it. */
static inline const char *pb_test_binary(void)
{
	const char *b = getenv("PARBENCH_BIN");
	return b && *b ? b : "build/parbench";
}

/* Starts parbench with args (NULL-terminated, at most 38), its stdout and
 * stderr into the files out and err. */
static inline pid_t pb_test_start(const char *out, const char *err, const char *const *args)
{
	const char *argv[40] = {pb_test_binary()};
	for (int i = 0; args[i] && i < 38; i++)
		argv[i + 1] = args[i];
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (o < 0 || e < 0)
			_exit(126);
		dup2(o, 1);
		dup2(e, 2);
		execv(argv[0], (char *const *)argv);
		_exit(126);
	}
	return pid;
}

/* The status pid ends with: its exit status, or 128 + its signal. */
static inline int pb_test_finish(pid_t pid)
{
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The exit status of a shell command, -1 when it did not exit. */
static inline int pb_test_system(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A file's text (its first 128 KiB), NUL-terminated, in a buffer the
 * next call reuses; NULL when it cannot be read. */
static inline char *pb_test_slurp(const char *path)
{
	static char buf[1 << 17];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Writes text to dir/name, failing the test where it cannot. */
static inline void pb_test_write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f, "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0, "%s", path);
}

#endif
