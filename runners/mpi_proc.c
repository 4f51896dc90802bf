/*
 * Launcher process and line channel of the mpi runners.
 *
 * The launcher leads a process group of its own, so that ending a stuck
 * job reaches whatever it forked there.  Open MPI puts each rank in a group
 * of its own, though: ranks are ended by mpirun itself on SIGTERM, and
 * parbench-mpi asks the kernel to kill each rank when its parent (mpirun or
 * the node's daemon) dies, which covers a SIGKILLed launcher.
 *
 * The channel is two socket pairs rather than pipes: send(MSG_NOSIGNAL)
 * turns a write to a dead job into -EPIPE instead of a SIGPIPE that would
 * kill the whole harness.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mpi_proc.h"

#define KILL_GRACE 2.0    /* seconds from SIGTERM to SIGKILL */
#define STDERR_DRAIN 0.3  /* seconds for an ended launcher's last words */
#define READ_CHUNK 4096
#define LINE_LIMIT (1u << 20)

/* The launchers alive, each the leader of its process group, so that a
 * driver that leaves abruptly (its stop watchdog) takes every process of
 * theirs with it, not the launcher alone (PR_SET_PDEATHSIG reaches only
 * the launcher itself). */
#define MAX_LIVE 64
static volatile pid_t live[MAX_LIVE];

static void track(pid_t old, pid_t pid)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] == old) {
			live[i] = pid;
			return;
		}
}

void pb_mpi_kill_all(void)
{
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i] > 0)
			kill(-live[i], SIGKILL);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Milliseconds left until deadline, for poll(), at least 0. */
static int ms_left(double deadline)
{
	double left = (deadline - now()) * 1e3;
	if (left <= 0)
		return 0;
	return left > 1e9 ? 1000000000 : (int)left + 1;
}

int pb_mpi_find_exe(const char *name, char *path, size_t size)
{
	if (strchr(name, '/')) {
		if (snprintf(path, size, "%s", name) >= (int)size)
			return -ENAMETOOLONG;
		return access(path, X_OK) == 0 ? 0 : -ENOENT;
	}
	const char *dirs = getenv("PATH");
	if (!dirs || !*dirs)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	while (*dirs) {
		size_t len = strcspn(dirs, ":");
		if (len && snprintf(path, size, "%.*s/%s", (int)len, dirs, name) < (int)size &&
		    access(path, X_OK) == 0)
			return 0;
		dirs += len + (dirs[len] == ':');
	}
	return -ENOENT;
}

static void close_pair(int pair[2])
{
	close(pair[0]);
	close(pair[1]);
}

int pb_mpi_spawn(struct pb_mpi_proc *p, char *const argv[], char *const envp[])
{
	int in[2], out[2], err_pair[2];

	memset(p, 0, sizeof(*p));
	p->to = p->from = p->err = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in))
		return -errno;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out)) {
		int err = -errno;
		close_pair(in);
		return err;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, err_pair)) {
		int err = -errno;
		close_pair(in);
		close_pair(out);
		return err;
	}
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		/* Only async-signal-safe calls: the driver may have threads. */
		setpgid(0, 0);
		/* A driver that leaves abruptly (its stop watchdog, a kill)
		 * takes the job with it: the launcher gets SIGTERM and ends
		 * its ranks.  Called by the driver's main thread, whose end is
		 * the process's. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
			_exit(127);
		if (dup2(in[1], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0 ||
		    dup2(err_pair[1], STDERR_FILENO) < 0)
			_exit(127);
		/* The harness's other files (result files, other jobs'
		 * channels) are none of the launcher's business. */
		close_range(STDERR_FILENO + 1, ~0u, 0);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	int err = pid < 0 ? -errno : 0;
	close(in[1]);
	close(out[1]);
	close(err_pair[1]);
	if (err) {
		close(in[0]);
		close(out[0]);
		close(err_pair[0]);
		return err;
	}
	setpgid(pid, pid); /* also here: no race with an early kill */
	track(0, pid);
	shutdown(in[0], SHUT_RD);
	shutdown(out[0], SHUT_WR);
	shutdown(err_pair[0], SHUT_WR);
	p->pid = pid;
	p->to = in[0];
	p->from = out[0];
	p->err = err_pair[0];
	return 0;
}

/* Passes what the launcher wrote on stderr to ours and keeps its end;
 * at the end of that stream stops watching it. */
static void relay_stderr(struct pb_mpi_proc *p)
{
	char chunk[READ_CHUNK];
	ssize_t n = recv(p->err, chunk, sizeof(chunk), MSG_DONTWAIT);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(p->err);
		p->err = -1;
		return;
	}
	for (ssize_t done = 0, w; done < n; done += w)
		if ((w = write(STDERR_FILENO, chunk + done, (size_t)(n - done))) <= 0)
			break; /* our stderr gone: the tail is still kept */
	size_t keep = sizeof(p->tail) - 1, add = (size_t)n;
	if (add >= keep) {
		memcpy(p->tail, chunk + add - keep, keep);
		p->tail_len = keep;
	} else {
		if (p->tail_len + add > keep) {
			size_t drop = p->tail_len + add - keep;
			memmove(p->tail, p->tail + drop, p->tail_len - drop);
			p->tail_len -= drop;
		}
		memcpy(p->tail + p->tail_len, chunk, add);
		p->tail_len += add;
	}
	p->tail[p->tail_len] = '\0';
}

/* Relays stderr until it ends or `seconds` pass. */
static void drain_stderr(struct pb_mpi_proc *p, double seconds)
{
	double deadline = now() + seconds;
	while (p->err >= 0) {
		struct pollfd pfd = {.fd = p->err, .events = POLLIN};
		int ready = poll(&pfd, 1, ms_left(deadline));
		if (ready == 0 || (ready < 0 && errno != EINTR))
			break;
		if (ready > 0)
			relay_stderr(p);
	}
}

/* Waits until fd is ready for events: 1, 0 when a signal interrupted the
 * wait, -ETIMEDOUT past the deadline, or a negative errno. */
static int wait_fd(int fd, short events, double deadline)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	int ready = poll(&pfd, 1, ms_left(deadline));

	if (ready < 0)
		return errno == EINTR ? 0 : -errno;
	return ready == 0 ? -ETIMEDOUT : 1;
}

int pb_mpi_send(struct pb_mpi_proc *p, const char *line, double timeout)
{
	double deadline = now() + timeout;
	size_t len = strlen(line), done = 0;

	while (done < len) {
		int ready = wait_fd(p->to, POLLOUT, deadline);
		if (ready <= 0) {
			if (ready == 0)
				continue; /* a signal: poll again */
			return ready;
		}
		ssize_t n = send(p->to, line + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -EPIPE;
		done += (size_t)n;
	}
	return 0;
}

/* Waits for the launcher's stdout, relaying its stderr meanwhile: 1 when
 * stdout is readable, 0 after a signal or some stderr, -ETIMEDOUT past
 * the deadline, or a negative errno. */
static int wait_output(struct pb_mpi_proc *p, double deadline)
{
	struct pollfd pfd[2] = {{.fd = p->from, .events = POLLIN},
				{.fd = p->err, .events = POLLIN}};
	int ready = poll(pfd, p->err >= 0 ? 2 : 1, ms_left(deadline));

	if (ready < 0)
		return errno == EINTR ? 0 : -errno;
	if (ready == 0)
		return -ETIMEDOUT;
	if (p->err >= 0 && pfd[1].revents) {
		relay_stderr(p);
		if (!pfd[0].revents)
			return 0;
	}
	return 1;
}

/* Moves the line returned last out of the buffer. */
static void drop_line(struct pb_mpi_proc *p)
{
	if (!p->line_len)
		return;
	memmove(p->buf, p->buf + p->line_len, p->len - p->line_len);
	p->len -= p->line_len;
	p->line_len = 0;
}

int pb_mpi_recv(struct pb_mpi_proc *p, const char *tag, double timeout, char **line)
{
	double deadline = now() + timeout;
	size_t tag_len = strlen(tag);

	drop_line(p);
	for (;;) {
		char *nl = p->len ? memchr(p->buf, '\n', p->len) : NULL;
		if (nl) {
			*nl = '\0';
			p->line_len = (size_t)(nl - p->buf) + 1;
			if (nl > p->buf && nl[-1] == '\r')
				nl[-1] = '\0'; /* a terminal's line ending */
			if (strncmp(p->buf, tag, tag_len) == 0 &&
			    (p->buf[tag_len] == ' ' || p->buf[tag_len] == '\0')) {
				*line = p->buf;
				return 0;
			}
			drop_line(p);
			continue;
		}
		if (p->cap - p->len < READ_CHUNK) {
			if (p->cap >= LINE_LIMIT)
				return -ENOMEM;
			size_t cap = p->cap ? 2 * p->cap : 2 * READ_CHUNK;
			char *grown = realloc(p->buf, cap);
			if (!grown)
				return -ENOMEM;
			p->buf = grown;
			p->cap = cap;
		}
		int ready = wait_output(p, deadline);
		if (ready <= 0) {
			if (ready == 0)
				continue; /* a signal, or stderr relayed: poll again */
			return ready;
		}
		ssize_t n = recv(p->from, p->buf + p->len, p->cap - p->len, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -EPIPE;
		p->len += (size_t)n;
	}
}

/* Reaps the launcher if it exits within `seconds`; 1 when reaped, with
 * its wait status in *status (-1 when someone else reaped it). */
static int reap_within(pid_t pid, double seconds, int *status)
{
	double deadline = now() + seconds;

	*status = -1;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return 1;
		if (now() >= deadline)
			return 0;
		struct timespec ts = {0, 2000000}; /* 2 ms */
		nanosleep(&ts, NULL);
	}
}

static int blamed_after(const char *text, const char *marker, const char *also, char *node,
			size_t len);

/* The node of the first failed task srun named so far. */
static void task_blame(struct pb_mpi_proc *p)
{
	if (!p->task_blamed[0]) /* the first said stays; none: stays empty */
		blamed_after(p->tail, "srun: error: ", ": task ", p->task_blamed,
			     sizeof(p->task_blamed));
}

int pb_mpi_end(struct pb_mpi_proc *p, double grace)
{
	int status = -1, killed;

	if (p->to >= 0)
		close(p->to); /* end of input: parbench-mpi quits */
	/* What the launcher says while it goes: why a job failed. */
	if (grace > 0)
		drain_stderr(p, grace);
	if (p->pid > 0 && !reap_within(p->pid, grace, &status)) {
		task_blame(p);
		kill(-p->pid, SIGTERM);
		if (!reap_within(p->pid, KILL_GRACE, &killed)) {
			kill(-p->pid, SIGKILL);
			while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
	}
	if (p->pid > 0) {
		kill(-p->pid, SIGKILL); /* what it left behind in its group */
		track(p->pid, 0);
	}
	/* Gone now; a daemon of its group may still hold the stream open. */
	drain_stderr(p, STDERR_DRAIN);
	if (status != -1)
		task_blame(p); /* it ended by itself: all it said counts */
	if (p->from >= 0)
		close(p->from);
	if (p->err >= 0)
		close(p->err);
	free(p->buf);
	p->pid = 0;
	p->to = p->from = p->err = -1;
	p->buf = NULL;
	p->len = p->cap = p->line_len = 0;
	return status;
}

/* The token at s (a node name), without trailing punctuation; 1 if any. */
static int take_name(const char *s, char *node, size_t len)
{
	size_t n = strcspn(s, " \t\n:,;()[]");
	while (n && s[n - 1] == '.')
		n--;
	if (!n || n >= len)
		return 0;
	memcpy(node, s, n);
	node[n] = '\0';
	return 1;
}

/* The node after the first `marker` in a line that has `also` (NULL: any). */
static int blamed_after(const char *text, const char *marker, const char *also, char *node,
			size_t len)
{
	for (const char *line = text; *line; line += strcspn(line, "\n"), line += *line == '\n') {
		size_t line_len = strcspn(line, "\n");
		const char *at = memmem(line, line_len, marker, strlen(marker));
		if (!at || (also && !memmem(line, line_len, also, strlen(also))))
			continue;
		if (take_name(at + strlen(marker), node, len))
			return 1;
	}
	return 0;
}

int pb_mpi_blamed_node(const struct pb_mpi_proc *p, char *node, size_t len)
{
	const char *t = p->tail;
	/* The most specific first: these name the node that failed, while a
	 * task's exit is also reported for every task srun then killed. */
	return blamed_after(t, "failed on node ", NULL, node, len) ||
	       blamed_after(t, "Node failure on ", NULL, node, len) ||
	       blamed_after(t, "on node ", "Remote daemon", node, len) ||
	       blamed_after(t, "on node ", "process rank", node, len) ||
	       (p->task_blamed[0] && snprintf(node, len, "%s", p->task_blamed) < (int)len);
}
