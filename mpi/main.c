/*
 * parbench-mpi: the MPI side of the mpi and mpi-scatter runners.  Started by
 * a launcher on behalf of the driver (which links no MPI), it lives for one
 * cell: rank 0 reads commands on stdin, broadcasts them, and answers on
 * stdout (protocol.h); the other ranks never write to stdout.
 *
 *   parbench-mpi [--scatter] [--spin]   serve the driver
 *   parbench-mpi --latency [reps]       print MPI's fixed costs, then exit
 *   parbench-mpi --sha256 PATH          print a file's SHA-256, without MPI
 * --kernel-lib PATH [--kernel-lib-sha256 HEX] (repeatable): load a library,
 * refused on a rank whose file at PATH has another digest than HEX.
 *
 * PARBENCH_MPI_TEST_FAIL=abort|hang makes the last rank crash or hang at the
 * first timed run: the hook the runner's tests use.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../bench/base/sha256.h"
#include "../kernels/library.h"
#include "../runners/affinity.h"
#include "../kernels/guard.h"
#include "rank.h"

#define LINE_MAX_ 512

/*
 * Read by AddressSanitizer in sanitizer builds (make test-sanitize), unused
 * otherwise: Open MPI leaves its components' allocations to the end of the
 * process, and a leak report would turn every rank's exit status into 1.
 * Our own code is still checked for every other kind of error.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

static int parse_cmd(char *line, struct pb_cmd *cmd)
{
	char phase[8], kernel[PB_MPI_NAME_MAX], sched[16];
	unsigned long long n, chunk, bytes, wait_ns = 0;
	int cpus;
	enum pb_sched_kind kind;

	memset(cmd, 0, sizeof(*cmd));
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, "quit") == 0) {
		cmd->op = PB_CMD_QUIT;
		return 0;
	}
	if (strcmp(line, "free") == 0) {
		cmd->op = PB_CMD_FREE;
		return 0;
	}
	if (sscanf(line, "alloc %llu", &bytes) == 1) {
		cmd->op = PB_CMD_ALLOC;
		cmd->bytes = bytes;
		return 0;
	}
	/* The wait of kernels that wait comes last; a driver without it
	 * sends none. */
	if (sscanf(line, "run %7s %31s %llu %15s %llu %d %llu", phase, kernel, &n, sched,
		   &chunk, &cpus, &wait_ns) >= 6 && pb_sched_parse(sched, &kind) == 0 &&
	    (strcmp(phase, "init") == 0 || strcmp(phase, "run") == 0)) {
		cmd->op = PB_CMD_RUN;
		cmd->phase = strcmp(phase, "init") == 0 ? PB_PHASE_INIT : PB_PHASE_RUN;
		cmd->sched = kind;
		cmd->n = n;
		cmd->chunk = chunk;
		cmd->wait_ns = wait_ns;
		cmd->want_cpus = cpus != 0;
		snprintf(cmd->kernel, sizeof(cmd->kernel), "%s", kernel);
		return 0;
	}
	return -1;
}

static void reply_run(const struct pb_rank *st, const struct pb_cmd *cmd,
		      const struct pb_run_result *r)
{
	if (r->why[0]) {
		printf(PB_MPI_TAG " err %s\n", r->why);
		return;
	}
	printf(PB_MPI_TAG " ok %llu %.9e %.9e", (unsigned long long)r->result,
	       r->seconds, r->comm_seconds);
	for (int i = 0; cmd->want_cpus && i < 3 * st->size; i++)
		printf(" %d", r->cpus[i]);
	putchar('\n');
}

/* Rank 0: the next command from the driver; end of input means quit. */
static void next_command(struct pb_cmd *cmd)
{
	static char line[LINE_MAX_];

	for (;;) {
		if (!fgets(line, sizeof(line), stdin)) {
			memset(cmd, 0, sizeof(*cmd));
			cmd->op = PB_CMD_QUIT;
			return;
		}
		if (parse_cmd(line, cmd) == 0)
			return;
		printf(PB_MPI_TAG " err bad-command\n");
		fflush(stdout);
	}
}

/* A library the driver's kernels came from (--kernel-lib), and the
 * driver's digest of it (--kernel-lib-sha256; NULL: none given, nothing
 * to check). */
struct lib_arg {
	const char *path, *sha256;
};

/*
 * Whether the file this rank would load is the one the driver loaded: a
 * path names a file on this node only, and another build at the same path
 * on another node would run unnoticed.  0, or 1 with the reason in why
 * (this file's digest, "not" the driver's: their first 12 digits, short
 * enough for a cell's status, to hold against the provenance's
 * kernel_lib_N_sha256) and both digests whole on stderr, once a machine.
 */
static int lib_differs(const struct pb_rank *st, const struct lib_arg *lib, char *why,
		       size_t len)
{
	char hex[65], host[64] = "unknown-node";
	uint64_t size;
	if (!lib->sha256)
		return 0;
	/* A file this rank cannot read it cannot load either: the load
	 * that follows says so, as without a digest. */
	if (pb_sha256_file(lib->path, hex, &size) || strcmp(hex, lib->sha256) == 0)
		return 0; /* (both digests pb_sha256_hex's lowercase) */
	gethostname(host, sizeof(host) - 1);
	snprintf(why, len, "sha256-%.12s-not-%.12s:%s", hex, lib->sha256, lib->path);
	if (st->machine_rank == 0) /* once a machine, not once a rank */
		fprintf(stderr, "parbench-mpi: rank %d on %s: %s has SHA-256 %s, the driver "
			"loaded %s: another build, refused\n", st->rank, host, lib->path, hex,
			lib->sha256);
	return 1;
}

/* --sha256 PATH: the digest the driver passes back as --kernel-lib-sha256,
 * by this program's code on the driver's node (the runners sit below
 * bench/ and cannot call bench/base/sha256.c), before and without MPI. */
static int print_sha256(const char *path)
{
	char hex[65];
	uint64_t size;
	int err = pb_sha256_file(path, hex, &size);
	if (err) {
		fprintf(stderr, "parbench-mpi: %s: %s\n", path, strerror(-err));
		return 1;
	}
	printf("%s\n", hex);
	return fflush(stdout) != 0;
}

/*
 * Every rank loads the driver's kernel libraries, each only if it is the
 * driver's very file (lib_differs).  One that cannot (the path not visible
 * on its node, another build there) is named to the driver in place of
 * "ready", with its node: 0, or 1 after that reply.
 */
static int load_libs(const struct pb_rank *st, const struct lib_arg *libs, int count)
{
	char why[240] = "", host[64] = "unknown-node";
	const char *what = "kernel-lib-not-loaded";
	int first_bad, bad = 0;
	for (int i = 0; i < count && !bad; i++) {
		if ((bad = lib_differs(st, &libs[i], why, sizeof(why))))
			what = "kernel-lib-differs";
		else
			bad = pb_kernel_lib_load(libs[i].path, why, sizeof(why)) != 0;
	}
	/* The test suite's stand-in for a node that cannot see the path. */
	if (st->fail == 'l' && st->rank == st->size - 1 && count && !bad) {
		snprintf(why, sizeof(why), "%s: No such file or directory", libs[0].path);
		bad = 1;
	}
	MPI_Allreduce((int[]){bad ? st->rank : st->size}, &first_bad, 1, MPI_INT, MPI_MIN,
		      MPI_COMM_WORLD);
	if (first_bad == st->size)
		return 0;
	char msg[340];
	if (st->rank == first_bad) {
		gethostname(host, sizeof(host) - 1);
		snprintf(msg, sizeof(msg), "%s-on-%s(rank-%d):%s", what, host, st->rank, why);
		for (char *p = msg; *p; p++) /* one token, as a cell's status is */
			if (*p == ' ' || *p == ',' || *p == '\n')
				*p = '-';
		if (first_bad != 0)
			MPI_Send(msg, sizeof(msg), MPI_CHAR, 0, 0, MPI_COMM_WORLD);
	}
	if (st->rank == 0) {
		if (first_bad != 0)
			MPI_Recv(msg, sizeof(msg), MPI_CHAR, first_bad, 0, MPI_COMM_WORLD,
				 MPI_STATUS_IGNORE);
		printf(PB_MPI_TAG " err %s\n", msg);
		fflush(stdout);
	}
	return 1;
}

static int serve(struct pb_rank *st)
{
	struct pb_cmd cmd;
	struct pb_run_result r = {0};

	if (st->rank == 0) {
		r.cpus = malloc(3 * sizeof(int) * (size_t)st->size);
		if (!r.cpus)
			MPI_Abort(MPI_COMM_WORLD, 1);
		/* Whole lines: the watcher (watch.c) writes on stdout too. */
		flockfile(stdout);
		printf(PB_MPI_TAG " ready %d", st->size);
		for (int i = 0; i < st->size; i++)
			printf(" %s", st->nodes[i]);
		putchar('\n');
		fflush(stdout);
		funlockfile(stdout);
	}
	for (;;) {
		if (st->rank == 0)
			next_command(&cmd);
		if (st->rank == 0 && cmd.op == PB_CMD_QUIT)
			pb_watch_quiet(); /* the others leave now, on purpose */
		pb_coll_bcast_idle(st, &cmd, sizeof(cmd));
		if (cmd.op == PB_CMD_QUIT)
			break;
		if (cmd.op == PB_CMD_ALLOC || cmd.op == PB_CMD_FREE) {
			int bad = cmd.op == PB_CMD_ALLOC ? pb_rank_alloc(st, cmd.bytes) != 0 : 0;
			if (cmd.op == PB_CMD_FREE)
				pb_rank_free(st);
			/* All ranks hold memory, or none does. */
			MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
			if (bad)
				pb_rank_free(st);
			if (st->rank == 0)
				printf(PB_MPI_TAG " %s\n", bad ? "err out-of-memory" : "ok");
		} else {
			pb_rank_run(st, &cmd, &r);
			if (st->rank == 0) {
				/* A whole line, not interleaved with the watcher's;
				 * held only while writing, never during the work. */
				flockfile(stdout);
				reply_run(st, &cmd, &r);
				funlockfile(stdout);
			}
		}
		if (st->rank == 0)
			fflush(stdout);
	}
	free(r.cpus);
	return 0;
}

/*
 * Binds this rank to the CPU of its index among the ranks on its machine
 * (nodes.c) in the list: the placement policy applies per machine, as the
 * launcher's own binding would per node, so ranks spread over several
 * nodes each get the policy's CPUs of their node, and nodes that share a
 * machine do not stack their first ranks on one core.
 */
static int bind_machine_rank(const struct pb_rank *st, const char *list)
{
	int count = 0;

	for (const char *p = list; *p; p++)
		count += *p == ';';
	count++;
	const char *p = list;
	for (int i = 0; i < st->machine_rank % count; i++)
		p = strchr(p, ';') + 1;
	return pb_bind_self(atoi(p));
}

int main(int argc, char **argv)
{
	struct pb_rank st = {0};
	int latency = 0, reps = 100000;
	const char *cpus = NULL; /* "0;1;...": the CPU of each rank on a machine */
	struct lib_arg libs[16] = {{0}}; /* --kernel-lib: the driver's kernel libraries */
	int lib_count = 0;

	/* Ranks die with their launcher (or local daemon): a driver that
	 * kills a stuck job must not leave ranks behind.  Open MPI puts each
	 * rank in a process group of its own, out of reach of the driver's
	 * kill of the launcher's group. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--scatter") == 0)
			st.scatter = 1;
		else if (strcmp(argv[i], "--spin") == 0)
			st.spin = 1;
		else if (strcmp(argv[i], "--latency") == 0)
			latency = 1;
		else if (strcmp(argv[i], "--cpus") == 0 && i + 1 < argc)
			cpus = argv[++i];
		else if (strcmp(argv[i], "--kernel-lib") == 0 && i + 1 < argc && lib_count < 16)
			libs[lib_count++].path = argv[++i];
		else if (strcmp(argv[i], "--kernel-lib-sha256") == 0 && i + 1 < argc && lib_count)
			libs[lib_count - 1].sha256 = argv[++i]; /* of the library just named */
		else if (strcmp(argv[i], "--sha256") == 0 && i + 1 < argc)
			return print_sha256(argv[i + 1]);
		else if (latency && atoi(argv[i]) > 0)
			reps = atoi(argv[i]);
		else {
			fprintf(stderr, "parbench-mpi: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	const char *fail = getenv("PARBENCH_MPI_TEST_FAIL");
	if (fail && strcmp(fail, "abort") == 0)
		st.fail = 'a';
	else if (fail && strcmp(fail, "hang") == 0)
		st.fail = 'h';
	else if (fail && strcmp(fail, "no-lib") == 0)
		st.fail = 'l';
	st.mark = getenv("PARBENCH_MPI_TEST_MARK");
	if (st.mark && !*st.mark)
		st.mark = NULL;

	/* A rank is a process of its own: a user's kernel is called here
	 * directly, its crash the rank's (kernels/guard.h). */
	pb_guard_enter();
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &st.rank);
	MPI_Comm_size(MPI_COMM_WORLD, &st.size);
	if (pb_rank_locate(&st) != 0)
		MPI_Abort(MPI_COMM_WORLD, 4);
	if (cpus && bind_machine_rank(&st, cpus) != 0) {
		fprintf(stderr, "parbench-mpi: rank %d cannot bind as asked (%s)\n", st.rank, cpus);
		MPI_Abort(MPI_COMM_WORLD, 3);
	}
	MPI_Win_allocate(st.rank == 0 ? sizeof(uint64_t) : 0, sizeof(uint64_t),
			 MPI_INFO_NULL, MPI_COMM_WORLD, &st.counter, &st.win);
	MPI_Win_lock_all(MPI_MODE_NOCHECK, st.win);

	/* A library a rank cannot load was reported to the driver, which
	 * ends the job: a clean exit keeps the launcher quiet about it. */
	int status = 0;
	if (!load_libs(&st, libs, lib_count)) {
		if (latency) {
			status = pb_latency_main(&st, reps);
		} else {
			if (pb_watch_start(&st) != 0)
				MPI_Abort(MPI_COMM_WORLD, 4);
			status = serve(&st);
			pb_watch_stop();
		}
	}
	pb_kernel_libs_close();

	MPI_Win_unlock_all(st.win);
	MPI_Win_free(&st.win);
	pb_rank_free(&st);
	free(st.nodes);
	MPI_Finalize();
	return status;
}
