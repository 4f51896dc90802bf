/*
 * What the tests that run the parbench program share: where the binary
 * is, starting it with its output in files, and the status a command
 * ends with; and writing a fixture's files.
 */
#ifndef PB_TEST_SUPPORT_H
#define PB_TEST_SUPPORT_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
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

/* Seconds on the monotonic clock. */
static inline double pb_test_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The polling interval of pb_test_await: short against what the tests
 * wait for, long enough not to load a busy machine. */
static inline void pb_test_nap(void)
{
	nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL);
}

/*
 * Polls the expression cond until it holds, at most limit_s seconds, and
 * fails the test with the message (a format and its arguments) where it
 * never does.  What a test must see happen before it acts (a file, a
 * line, a process's state): a fixed sleep only guesses how long that
 * takes, and guesses short on a loaded machine.  cond's last value
 * decides, so a condition that holds only briefly is not read twice.
 */
#define pb_test_await(cond, limit_s, ...)                                       \
	do {                                                                    \
		double pb_await_end_ = pb_test_now() + (limit_s);               \
		int pb_await_ok_;                                               \
		while (!(pb_await_ok_ = !!(cond)) && pb_test_now() < pb_await_end_) \
			pb_test_nap();                                          \
		cr_assert(pb_await_ok_, __VA_ARGS__);                           \
	} while (0)

/* Whether the file at path holds text in its first 128 KiB (through
 * pb_test_slurp, whose buffer it reuses). */
static inline int pb_test_file_has(const char *path, const char *text)
{
	const char *s = pb_test_slurp(path);
	return s && strstr(s, text);
}

/* The fields of /proc/PID/stat (or /proc/PID/task/TID/stat) after the
 * command name, which may hold spaces and parentheses: from the state on.
 * 0, or -1 where the process is gone. */
static inline int pb_test_proc_fields(pid_t pid, pid_t tid, char *buf, size_t len)
{
	char path[96];
	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[1024];
	size_t n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	const char *p = strrchr(line, ')');
	if (!p || p[1] != ' ')
		return -1;
	snprintf(buf, len, "%s", p + 2);
	return 0;
}

/* A process's state letter (R, S, D, T, t, Z, ...), 0 where it is gone. */
static inline char pb_test_proc_state(pid_t pid)
{
	char f[1024];
	return pb_test_proc_fields(pid, 0, f, sizeof(f)) ? 0 : f[0];
}

/* The CPU time (user and system) that process pid has used, or its
 * thread tid where tid is not 0, in seconds; -1 where it is gone.  That
 * it grows shows the process working, where its output says nothing
 * yet: a fork worker in a cell's repetitions, a kernel on the main
 * thread. */
static inline double pb_test_cpu_s(pid_t pid, pid_t tid)
{
	char f[1024];
	unsigned long long user, sys;
	if (pb_test_proc_fields(pid, tid, f, sizeof(f)) ||
	    sscanf(f, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &user,
		   &sys) != 2)
		return -1;
	return (double)(user + sys) / (double)sysconf(_SC_CLK_TCK);
}

/* Whether signal sig was sent to process pid and no thread of it has
 * taken it yet (ShdPnd in /proc/PID/status); -1 where it is gone.  Once
 * it is 0 after a kill(), the process's handler has the signal: two
 * signals sent that way are two deliveries, not one that merged. */
static inline int pb_test_signal_pending(pid_t pid, int sig)
{
	char path[64], line[256];
	unsigned long long set = 0;
	int found = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "ShdPnd: %llx", &set) == 1;
	fclose(f);
	return found ? (int)((set >> (sig - 1)) & 1) : -1;
}

#endif
