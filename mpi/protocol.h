/*
 * The line protocol between the driver's mpi runner (runners/mpi_runner.c,
 * no MPI in it) and rank 0 of parbench-mpi, carried by the launcher's
 * stdin/stdout forwarding so that rank 0 may live on another node.
 *
 * One command per line from the driver, one reply line per command from
 * rank 0, flushed at once.  Replies start with PB_MPI_TAG; any other line
 * on the channel (a library's notice) is ignored by the driver.
 *
 *   (at start)                         -> @pb ready <ranks> [<node> per rank]
 *   alloc <bytes>                      -> @pb ok | @pb err <why>
 *   free                               -> @pb ok
 *   run <init|run> <kernel> <n> <static|dynamic|guided> <chunk> <cpus 0|1> [<wait ns>]
 *                                      -> @pb ok <result> <seconds> <comm_seconds>
 *                                  [<cpu_bound> <cpu_start> <cpu_end> per rank]
 *                                       | @pb err <why>
 *   quit (or end of input)             -> (ranks finalise and exit 0)
 *
 * seconds is the slowest rank's MPI_Wtime from the barrier to its part of
 * the reduced result;
 * comm_seconds is -1 when the mode has no separate communication phases.
 */
#ifndef PB_MPI_PROTOCOL_H
#define PB_MPI_PROTOCOL_H

#define PB_MPI_TAG "@pb"
#define PB_MPI_PROGRAM "parbench-mpi"
/* Longest kernel name a command may carry, terminator included. */
#define PB_MPI_NAME_MAX 32
/* Longest node name (hostname) a ready line carries, terminator included. */
#define PB_MPI_NODE_MAX 64

#endif
