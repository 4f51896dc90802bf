#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gnuplot.h"
#include "rundir.h"

int pb_gnuplot_script(const char *name, char *path, size_t len)
{
	const char *env = getenv("PARBENCH_DATADIR");
	char exe[PB_PATH_MAX];

	if (env && *env) {
		snprintf(path, len, "%s/%s", env, name);
		return access(path, R_OK) == 0 ? 0 : -ENOENT;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -ENOENT;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	static const char *const rel[] = {"../plots", "../share/parbench"};
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(path, len, "%s/%s/%s", exe, rel[i], name);
		if (access(path, R_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

int pb_gnuplot_run(const char *script, const char *vars, char *err, size_t errlen)
{
	pid_t pid = fork();
	if (pid < 0)
		return fail(err, errlen, "cannot start gnuplot: %s", strerror(errno));
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(err, errlen, "waiting for gnuplot: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return fail(err, errlen, "gnuplot not found: install gnuplot (gnuplot-nox) "
			    "or run 'parbench plot RUN_DIR' where it is");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fail(err, errlen, "gnuplot failed on %s", script);
	return 0;
}
