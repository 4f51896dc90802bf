#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../base/fail.h"
#include "gnuplot.h"
#include "../store/rundir.h"

/* Absolute, because gnuplot runs in the plots folder. */
static int usable(const char *candidate, char *path, size_t len)
{
	char full[PATH_MAX];
	if (access(candidate, R_OK) != 0 || !realpath(candidate, full))
		return -ENOENT;
	if ((size_t)snprintf(path, len, "%s", full) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int pb_gnuplot_script(const char *name, char *path, size_t len)
{
	const char *env = getenv("PARBENCH_DATADIR");
	char exe[PB_PATH_MAX], candidate[PB_PATH_MAX + 64];

	if (env && *env) {
		snprintf(candidate, sizeof(candidate), "%s/%s", env, name);
		return usable(candidate, path, len);
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
		snprintf(candidate, sizeof(candidate), "%s/%s/%s", exe, rel[i], name);
		if (usable(candidate, path, len) == 0)
			return 0;
	}
	return -ENOENT;
}

void pb_gnuplot_quote_safe(char *s)
{
	/* A double quote would end the string, a backslash start an escape
	 * and a backquote run a shell command; a single quote is plain text. */
	for (; *s; s++)
		if (*s == '"')
			*s = '\'';
		else if (*s == '\\')
			*s = '/';
		else if (*s == '`' || (unsigned char)*s < ' ')
			*s = ' ';
}

int pb_gnuplot_run(const char *script, const char *cwd, const char *vars, char *err,
		   size_t errlen)
{
	pid_t pid = fork();
	if (pid < 0)
		return pb_fail(err, errlen, -EIO, "cannot start gnuplot: %s", strerror(errno));
	if (pid == 0) {
		if (chdir(cwd) != 0)
			_exit(126);
		execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return pb_fail(err, errlen, -EIO, "waiting for gnuplot: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return pb_fail(err, errlen, -ENOENT, "gnuplot not found: install gnuplot (gnuplot-nox) "
			    "or run 'parbench plot RUN_DIR' where it is");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
		return pb_fail(err, errlen, -EIO, "cannot enter %s to run gnuplot", cwd);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		const char *base = strrchr(script, '/');
		return pb_fail(err, errlen, -EIO, "gnuplot failed on %s", base ? base + 1 : script);
	}
	return 0;
}
