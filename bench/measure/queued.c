#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "queued.h"

static void add(struct pb_queued *q, const char *path)
{
	if (q->count == PB_QUEUED_MAX_TASKS)
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		q->fd[q->count++] = fd;
}

/* The child processes of this process's thread tid (a fork pool's
 * workers): their own threads' files. */
static void add_children(struct pb_queued *q, const char *tid)
{
	char path[128], list[4096];
	snprintf(path, sizeof(path), "/proc/self/task/%s/children", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, list, sizeof(list) - 1);
	close(fd);
	list[n > 0 ? n : 0] = '\0';
	for (char *p = strtok(list, " \n"); p; p = strtok(NULL, " \n")) {
		snprintf(path, sizeof(path), "/proc/%s/schedstat", p);
		add(q, path);
	}
}

void pb_queued_open(struct pb_queued *q)
{
	q->count = 0;
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char path[128];
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", e->d_name);
		add(q, path);
		add_children(q, e->d_name);
	}
	closedir(d);
	/* One file that does not read is a system without the counter. */
	if (q->count && (pb_queued_start(q), q->before[0] == UINT64_MAX))
		pb_queued_close(q);
}

/* The run-queue wait of one task so far in ns; UINT64_MAX: unreadable
 * (it ended). */
static uint64_t waited(int fd)
{
	char buf[96];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	unsigned long long run, wait;
	if (n <= 0)
		return UINT64_MAX;
	buf[n] = '\0';
	return sscanf(buf, "%llu %llu", &run, &wait) == 2 ? wait : UINT64_MAX;
}

void pb_queued_start(struct pb_queued *q)
{
	for (unsigned i = 0; i < q->count; i++)
		q->before[i] = waited(q->fd[i]);
}

double pb_queued_stop(struct pb_queued *q)
{
	uint64_t most = 0;
	if (!q->count)
		return NAN;
	for (unsigned i = 0; i < q->count; i++) {
		uint64_t now = waited(q->fd[i]);
		if (now != UINT64_MAX && q->before[i] != UINT64_MAX && now >= q->before[i] &&
		    now - q->before[i] > most)
			most = now - q->before[i];
	}
	return (double)most * 1e-9;
}

void pb_queued_close(struct pb_queued *q)
{
	for (unsigned i = 0; i < q->count; i++)
		close(q->fd[i]);
	q->count = 0;
}
