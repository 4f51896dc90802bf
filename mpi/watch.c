/*
 * Rank 0 watches the other ranks, outside MPI, so that a rank that dies
 * (its node lost, its process killed) is named to the driver at once.
 *
 * MPI cannot say it: a rank blocked in a collective with a dead peer over
 * TCP waits for ever, and the driver would see only its timeout.  So
 * every other rank holds a TCP connection to rank 0, opened at start, that
 * carries nothing.  A process that dies has its socket closed by its
 * kernel (rank 0 reads the end of the stream); a node that vanishes
 * without a word is found by TCP keepalive within about WATCH_IDLE_S +
 * WATCH_PROBES x WATCH_INTERVAL_S seconds.  Rank 0's watcher thread then
 * writes "@pb lost <rank> <node>" on the channel, and the driver fails
 * the cell with that node in its reason.
 *
 * Rank 0's addresses come from getifaddrs (IPv4, loopback last); each
 * rank takes the first that connects.  A rank that reaches none is not
 * watched (said on stderr); the MPI timeout still covers it.  The thread
 * makes no MPI call.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rank.h"

#define WATCH_ADDRS 16
#define WATCH_IDLE_S 2
#define WATCH_INTERVAL_S 1
#define WATCH_PROBES 3
#define CONNECT_TIMEOUT_MS 1000

struct watch_addrs {
	uint32_t addr[WATCH_ADDRS]; /* network order */
	int32_t count;
	int32_t port;               /* host order; 0: rank 0 cannot listen */
};

static struct {
	int *fds;        /* rank 0: the socket of each rank, -1: not watched */
	int size;
	int wake[2];     /* a pipe that ends the thread */
	pthread_t thread;
	int running;
	atomic_int quiet; /* the job is ending: peers leave on purpose */
	const struct pb_rank *st;
	int own;         /* another rank: its socket to rank 0, or -1 */
} w = {.wake = {-1, -1}, .own = -1};

/* Rank 0's IPv4 addresses, loopback last. */
static void own_addresses(struct watch_addrs *a)
{
	struct ifaddrs *list, *i;
	uint32_t loop[WATCH_ADDRS];
	int loops = 0;

	a->count = 0;
	if (getifaddrs(&list) != 0)
		return;
	for (i = list; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		uint32_t addr = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
		if (ntohl(addr) >> 24 == 127) {
			if (loops < WATCH_ADDRS)
				loop[loops++] = addr;
		} else if (a->count < WATCH_ADDRS) {
			a->addr[a->count++] = addr;
		}
	}
	for (int k = 0; k < loops && a->count < WATCH_ADDRS; k++)
		a->addr[a->count++] = loop[k];
	freeifaddrs(list);
}

static int listen_any(int *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 64) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A connection to addr:port within CONNECT_TIMEOUT_MS, or -1. */
static int connect_within(uint32_t addr, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = addr};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	int err = 0;
	socklen_t len = sizeof(err);
	if (poll(&p, 1, CONNECT_TIMEOUT_MS) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void keepalive(int fd)
{
	int on = 1, idle = WATCH_IDLE_S, interval = WATCH_INTERVAL_S, probes = WATCH_PROBES;
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof(probes));
}

static void *watcher(void *unused)
{
	struct pollfd *p = calloc((size_t)w.size + 1, sizeof(*p));
	(void)unused;
	if (!p)
		return NULL;
	for (;;) {
		int n = 0;
		p[n++] = (struct pollfd){.fd = w.wake[0], .events = POLLIN};
		for (int r = 1; r < w.size; r++)
			p[n++] = (struct pollfd){.fd = w.fds[r], .events = POLLIN};
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;
		for (int r = 1; r < w.size; r++) {
			char byte;
			if (w.fds[r] < 0 || !p[r].revents)
				continue;
			/* Nothing is ever sent: anything readable is the end. */
			if (recv(w.fds[r], &byte, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN)
				continue;
			close(w.fds[r]);
			w.fds[r] = -1;
			if (!atomic_load(&w.quiet)) {
				/* One stdio call: glibc locks the stream for it. */
				fprintf(stdout, PB_MPI_TAG " lost %d %s\n", r, w.st->nodes[r]);
				fflush(stdout);
			}
		}
	}
	free(p);
	return NULL;
}

int pb_watch_start(const struct pb_rank *st)
{
	struct watch_addrs a = {0};
	int listener = -1;

	w.st = st;
	w.size = st->size;
	if (st->rank == 0) {
		listener = listen_any(&a.port);
		if (listener < 0)
			a.port = 0;
		own_addresses(&a);
	}
	MPI_Bcast(&a, sizeof(a), MPI_BYTE, 0, MPI_COMM_WORLD);
	if (st->rank != 0) {
		for (int k = 0; a.port && k < a.count && w.own < 0; k++)
			w.own = connect_within(a.addr[k], a.port);
		int32_t me = st->rank;
		if (w.own >= 0 && send(w.own, &me, sizeof(me), MSG_NOSIGNAL) != sizeof(me)) {
			close(w.own);
			w.own = -1;
		}
		if (a.port && w.own < 0)
			fprintf(stderr, "parbench-mpi: rank %d on %s cannot reach rank 0 outside "
				"MPI: its loss will show as a timeout\n", st->rank, st->nodes[st->rank]);
	}
	int connected = w.own >= 0, expected = 0;
	MPI_Reduce(&connected, &expected, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
	if (st->rank != 0)
		return 0;

	w.fds = malloc(sizeof(int) * (size_t)st->size);
	if (!w.fds || pipe2(w.wake, O_CLOEXEC) != 0) {
		if (listener >= 0)
			close(listener);
		return -1;
	}
	for (int r = 0; r < st->size; r++)
		w.fds[r] = -1;
	/* Each connected rank says who it is; a peer that takes longer than
	 * CONNECT_TIMEOUT_MS to do so is not watched. */
	for (int k = 0; k < expected; k++) {
		struct pollfd p = {.fd = listener, .events = POLLIN};
		if (poll(&p, 1, CONNECT_TIMEOUT_MS) != 1)
			break;
		int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
		int32_t who = -1;
		if (fd < 0)
			continue;
		struct pollfd q = {.fd = fd, .events = POLLIN};
		if (poll(&q, 1, CONNECT_TIMEOUT_MS) != 1 ||
		    recv(fd, &who, sizeof(who), MSG_WAITALL) != sizeof(who) || who <= 0 ||
		    who >= st->size || w.fds[who] >= 0) {
			close(fd);
			continue;
		}
		keepalive(fd);
		w.fds[who] = fd;
	}
	if (listener >= 0)
		close(listener);
	w.running = pthread_create(&w.thread, NULL, watcher, NULL) == 0;
	return 0;
}

void pb_watch_quiet(void)
{
	atomic_store(&w.quiet, 1);
}

void pb_watch_stop(void)
{
	atomic_store(&w.quiet, 1);
	if (w.running) {
		ssize_t ignored = write(w.wake[1], "x", 1);
		(void)ignored;
		pthread_join(w.thread, NULL);
		w.running = 0;
	}
	for (int r = 0; w.fds && r < w.size; r++)
		if (w.fds[r] >= 0)
			close(w.fds[r]);
	free(w.fds);
	w.fds = NULL;
	for (int k = 0; k < 2; k++)
		if (w.wake[k] >= 0) {
			close(w.wake[k]);
			w.wake[k] = -1;
		}
	if (w.own >= 0) {
		close(w.own);
		w.own = -1;
	}
}
