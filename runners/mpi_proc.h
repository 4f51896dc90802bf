/*
 * The driver's side of an MPI job: the launcher process (mpirun, srun) in a
 * process group of its own, and the line channel to rank 0 through the
 * launcher's stdin/stdout forwarding.  Every wait has a deadline.  The
 * launcher's stderr passes through the driver's, unchanged; its end is
 * kept to name the node a failed job lost.
 */
#ifndef PB_MPI_PROC_H
#define PB_MPI_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* The last bytes of the launcher's stderr kept, for the node it names. */
#define PB_MPI_TAIL 4096

struct pb_mpi_proc {
	pid_t pid;        /* the launcher, leader of its process group; 0: none */
	int to, from;     /* its stdin and stdout (sockets: no SIGPIPE) */
	int err;          /* its stderr, relayed to ours as it comes; -1: ended */
	char tail[PB_MPI_TAIL]; /* the end of what came on err, NUL-terminated;
				 * kept by pb_mpi_end for pb_mpi_blamed_node */
	size_t tail_len;
	char task_blamed[64]; /* the node of the first task srun said failed,
			       * from before the driver ended the job */
	char *buf;        /* bytes read from `from`, not yet returned */
	size_t len, cap;
	size_t line_len;  /* the line last returned, to drop at the next read */
};

/* Starts argv[0] (an absolute path) with envp.  0 or a negative errno. */
int pb_mpi_spawn(struct pb_mpi_proc *p, char *const argv[], char *const envp[]);

/* Sends one line (text ending in '\n') within `timeout` seconds.
 * 0, -ETIMEDOUT, or -EPIPE when the job is gone. */
int pb_mpi_send(struct pb_mpi_proc *p, const char *line, double timeout);

/* The next line starting with `tag` (others are a library's chatter),
 * NUL-terminated and valid until the next call, within `timeout` seconds.
 * 0, -ETIMEDOUT, -EPIPE (end of output: the job died) or -ENOMEM. */
int pb_mpi_recv(struct pb_mpi_proc *p, const char *tag, double timeout, char **line);

/* Ends the job and reaps the launcher: it first gets `grace` seconds to
 * exit by itself (0 for a job known to be stuck), then SIGTERM, on which
 * mpirun and srun take their ranks down, then SIGKILL for the whole group.
 * Releases everything; safe on a proc that never started.  Returns the
 * launcher's wait status when it exited by itself within the grace, -1
 * otherwise. */
int pb_mpi_end(struct pb_mpi_proc *p, double grace);

/*
 * The node the launcher's messages blame for a failure, from what it wrote
 * on stderr: srun's "failed on node X", "Node failure on X" and
 * "srun: error: X: task N: ...", mpirun's "Remote daemon ... on node X"
 * and "process rank N ... on node X exited".  Copies it into node and
 * returns 1, or returns 0 when no message names one.
 */
int pb_mpi_blamed_node(const struct pb_mpi_proc *p, char *node, size_t len);

/* Kills the process group of every launcher not yet ended (SIGKILL):
 * for a driver that leaves now.  Async-signal-safe. */
void pb_mpi_kill_all(void);

/* Finds an executable: a name with a slash as is, else along PATH.
 * 0 or -ENOENT. */
int pb_mpi_find_exe(const char *name, char *path, size_t size);

#endif
