/*
 * A sweep stopped by SIGTERM (what Slurm sends at a job's time limit)
 * keeps every finished cell, committed; --resume runs the rest into the
 * same folder, each cell once.  And merge makes one run of several.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../bench/store/table.h"
#include "support.h"

#define CELLS 9 /* seq + {omp, pthread} x {static, dynamic} x {1, 2} */

static int run(const char *root, const char *const *args)
{
	char out[256], err[256];
	snprintf(out, sizeof(out), "%s/out", root);
	snprintf(err, sizeof(err), "%s/err", root);
	return pb_test_finish(pb_test_start(out, err, args));
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *text = calloc(1, 1 << 20);
	size_t n = fread(text, 1, (1 << 20) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static int contains(const char *path, const char *what)
{
	char *text = slurp(path);
	int found = text && strstr(text, what);
	free(text);
	return found;
}

/* Waits until the sweep's log (out) has the line that begins with what:
 * "[  1/" once its first cell is finished and logged.  The log is checked
 * each 5 ms, the signal that follows comes at once: the rest of the sweep
 * (some tenths of a second per cell) is the margin. */
/* Starts parbench so that it stops itself after logging each cell
 * (PARBENCH_TEST_STOP, base/testhook.h). */
static pid_t start_stopping(const char *out, const char *err, const char *const *args)
{
	setenv("PARBENCH_TEST_STOP", "cell-logged", 1);
	pid_t pid = pb_test_start(out, err, args);
	unsetenv("PARBENCH_TEST_STOP");
	return pid;
}

/* Lets a sweep started by start_stopping go on, cell by cell, until it has
 * logged `what`; then sends sig while it is stopped there and lets it go
 * on: the signal lands after that cell, before the next begins. */
static void signal_when_logged(pid_t pid, const char *out, const char *what, int sig)
{
	for (;;) {
		pb_test_await(pb_test_proc_state(pid) == 'T', 60, "the sweep stopped after a cell "
			      "(%s)", out);
		if (contains(out, what))
			break;
		kill(pid, SIGCONT);
		pb_test_await(pb_test_proc_state(pid) != 'T', 10, "the sweep went on");
	}
	kill(pid, sig);
	kill(pid, SIGCONT);
}

/* Distinct cells (kernel..base_n) and rows of a CSV file. */
static size_t cells_of(const char *path, size_t *rows)
{
	struct pb_table t;
	size_t distinct = 0;
	cr_assert_eq(pb_table_load(path, &t), 0, "%s", path);
	int first = pb_table_column(&t, "kernel"), last = pb_table_column(&t, "base_n");
	cr_assert(first >= 0 && last > first);
	for (size_t i = 0; i < t.row_count; i++) {
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++) {
			seen = 1;
			for (int c = first; c <= last && seen; c++)
				seen = !strcmp(t.rows[i][c], t.rows[j][c]);
		}
		distinct += !seen;
	}
	*rows = t.row_count;
	pb_table_free(&t);
	return distinct;
}

static void remove_tree(const char *root)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_expect_eq(system(cmd), 0);
}

/* Resumes results/latest; its raw.csv (at raw) must keep the rows it had,
 * as they were, the new ones appended. */
static void resume_keeping_rows(const char *root, const char *results, const char *raw)
{
	char run_dir[160];
	char *before = slurp(raw);
	cr_assert(before);
	snprintf(run_dir, sizeof(run_dir), "%s/latest", results);
	const char *again[] = {"--resume", run_dir, NULL};
	cr_assert_eq(run(root, again), 0, "the resumed sweep succeeds");
	char *after = slurp(raw);
	cr_assert(after);
	cr_expect_eq(strncmp(before, after, strlen(before)), 0,
		     "the rows done before are kept as they were, the rest appended");
	free(before);
	free(after);
}

Test(resume, sigterm_saves_finished_cells_and_resume_completes_the_sweep, .timeout = 120)
{
	char root[] = "/tmp/pb-resume-XXXXXX", results[128], out[160], err[160], path[256];
	cr_assert(mkdtemp(root));
	snprintf(results, sizeof(results), "%s/results", root);
	snprintf(out, sizeof(out), "%s/sweep.out", root);
	snprintf(err, sizeof(err), "%s/sweep.err", root);
	const char *args[] = {"-k", "fib", "-n", "fib=30", "-r", "omp,pthread", "-w", "1,2",
			      "--reps", "20", "--max-reps", "20", "--repeat-disturbed", "0", "--warmup", "1", "--no-shuffle",
			      "--rounds", "1", "--no-overhead", "--no-plot", "-o", results, NULL};
	pid_t pid = start_stopping(out, err, args);
	/* After the first cell is logged: a stop in the middle of the sweep. */
	signal_when_logged(pid, out, "[  1/", SIGTERM);
	int status = pb_test_finish(pid);
	cr_assert_eq(status, 3, "exit status of a stopped sweep");
	cr_expect(contains(err, "stopped by SIGTERM") && contains(err, "--resume"),
		  "a clear message");

	snprintf(path, sizeof(path), "%s/latest/raw.csv.partial", results);
	cr_expect_neq(access(path, F_OK), 0, "nothing partial is left");
	size_t rows, raw_rows;
	snprintf(path, sizeof(path), "%s/latest/summary.csv", results);
	size_t done = cells_of(path, &rows);
	cr_assert(done >= 1 && done < CELLS, "stopped after %zu of %d cells", done, CELLS);
	cr_expect_eq(rows, done);
	snprintf(path, sizeof(path), "%s/latest/raw.csv", results);
	cr_expect_eq(cells_of(path, &raw_rows), done, "raw.csv: the same finished cells");
	cr_expect_eq(raw_rows, done * 20);
	resume_keeping_rows(root, results, path);
	cr_expect_eq(cells_of(path, &raw_rows), CELLS);
	cr_expect_eq(raw_rows, CELLS * 20, "each cell once");
	snprintf(path, sizeof(path), "%s/latest/summary.csv", results);
	cr_expect_eq(cells_of(path, &rows), CELLS);
	cr_expect_eq(rows, CELLS, "one summary row per cell");
	snprintf(path, sizeof(path), "%s/latest/provenance-resume1.txt", results);
	cr_expect_eq(access(path, R_OK), 0, "the resumption's own provenance");
	remove_tree(root);
}

/* The one run folder under results (a killed sweep links no latest). */
static void only_run(const char *results, char *dir, size_t len)
{
	DIR *d = opendir(results);
	struct dirent *e;
	dir[0] = '\0';
	cr_assert_not_null(d, "%s", results);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strcmp(e->d_name, "latest"))
			snprintf(dir, len, "%s/%s", results, e->d_name);
	closedir(d);
	cr_assert(dir[0], "a run folder in %s", results);
}

static const char *const kill_args[] = {
	"-k", "fib", "-n", "fib=30", "-r", "omp,pthread", "-w", "1,2", "--reps", "20",
	"--max-reps", "20", "--repeat-disturbed", "0", "--warmup", "1", "--no-shuffle", "--rounds", "1", "--no-overhead",
	"--no-plot", "-o", NULL /* results */, NULL};

/* Resumes dir and checks it ends with every cell once, its rows kept. */
static void resume_to_the_end(const char *root, const char *dir)
{
	char raw[300], summary[300];
	snprintf(raw, sizeof(raw), "%s/raw.csv", dir);
	snprintf(summary, sizeof(summary), "%s/summary.csv", dir);
	char *before = slurp(raw);
	const char *again[] = {"--resume", dir, NULL};
	cr_assert_eq(run(root, again), 0, "the killed run resumes");
	char *after = slurp(raw);
	cr_assert(before && after);
	cr_expect_eq(strncmp(before, after, strlen(before)), 0, "the rows measured are kept");
	size_t rows, raw_rows;
	cr_expect_eq(cells_of(summary, &rows), CELLS);
	cr_expect_eq(rows, CELLS, "one summary row per cell");
	cr_expect_eq(cells_of(raw, &raw_rows), CELLS);
	cr_expect_eq(raw_rows, CELLS * 20, "each cell once");
	free(before);
	free(after);
}

/* A SIGKILL after raw.csv is committed and before summary.csv is: the
 * window made reachable by a test-only kill point (base/testhook.h).  The
 * run is resumable from raw.csv alone (it was once refused). */
Test(resume, a_kill_between_raw_and_summary_resumes_from_raw, .timeout = 120)
{
	char root[] = "/tmp/pb-resume-XXXXXX", results[128], dir[300], path[400];
	cr_assert(mkdtemp(root));
	snprintf(results, sizeof(results), "%s/results", root);
	const char *args[sizeof(kill_args) / sizeof(kill_args[0])];
	memcpy(args, kill_args, sizeof(args));
	args[sizeof(args) / sizeof(args[0]) - 2] = results;
	setenv("PARBENCH_TEST_KILL", "raw-committed", 1);
	int status = run(root, args);
	unsetenv("PARBENCH_TEST_KILL");
	cr_assert_eq(status, 128 + SIGKILL, "killed at the point");
	only_run(results, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	cr_assert_neq(access(path, F_OK), 0, "no summary.csv yet");
	snprintf(path, sizeof(path), "%s/raw.csv", dir);
	cr_assert_eq(access(path, R_OK), 0, "raw.csv committed");
	resume_to_the_end(root, dir);
	remove_tree(root);
}

/* A resume of a stopped run killed after it committed raw.csv: the old
 * summary.csv is gone by then (it no longer described the folder), so the
 * folder reads back from raw.csv instead of disagreeing with it. */
Test(resume, a_kill_during_a_resume_leaves_a_resumable_folder, .timeout = 120)
{
	char root[] = "/tmp/pb-resume-XXXXXX", results[128], dir[300], out[200], err[200];
	cr_assert(mkdtemp(root));
	snprintf(results, sizeof(results), "%s/results", root);
	snprintf(out, sizeof(out), "%s/sweep.out", root);
	snprintf(err, sizeof(err), "%s/sweep.err", root);
	const char *args[sizeof(kill_args) / sizeof(kill_args[0])];
	memcpy(args, kill_args, sizeof(args));
	args[sizeof(args) / sizeof(args[0]) - 2] = results;
	pid_t pid = start_stopping(out, err, args);
	signal_when_logged(pid, out, "[  1/", SIGTERM);
	cr_assert_eq(pb_test_finish(pid), 3, "stopped");
	only_run(results, dir, sizeof(dir));
	setenv("PARBENCH_TEST_KILL", "raw-committed", 1);
	const char *again[] = {"--resume", dir, NULL};
	int status = run(root, again);
	unsetenv("PARBENCH_TEST_KILL");
	cr_assert_eq(status, 128 + SIGKILL, "the resume killed at the point");
	char summary[400];
	snprintf(summary, sizeof(summary), "%s/summary.csv", dir);
	cr_expect_neq(access(summary, F_OK), 0, "no stale summary.csv beside the new raw.csv");
	resume_to_the_end(root, dir);
	remove_tree(root);
}

/* A SIGKILL in the middle of the sweep: the rows of the cells measured so
 * far are in raw.csv.partial, and --resume keeps them and runs the rest. */
Test(resume, a_kill_in_the_middle_resumes_from_the_partial_rows, .timeout = 120)
{
	char root[] = "/tmp/pb-resume-XXXXXX", results[128], dir[300], out[200], err[200];
	char partial[400];
	cr_assert(mkdtemp(root));
	snprintf(results, sizeof(results), "%s/results", root);
	snprintf(out, sizeof(out), "%s/sweep.out", root);
	snprintf(err, sizeof(err), "%s/sweep.err", root);
	const char *args[sizeof(kill_args) / sizeof(kill_args[0])];
	memcpy(args, kill_args, sizeof(args));
	args[sizeof(args) / sizeof(args[0]) - 2] = results;
	pid_t pid = start_stopping(out, err, args);
	signal_when_logged(pid, out, "[  2/", SIGKILL);
	cr_assert_eq(pb_test_finish(pid), 128 + SIGKILL);
	only_run(results, dir, sizeof(dir));
	snprintf(partial, sizeof(partial), "%s/raw.csv.partial", dir);
	size_t rows;
	size_t measured = cells_of(partial, &rows);
	cr_assert(measured >= 2 && measured < CELLS, "killed after %zu of %d cells", measured,
		  CELLS);
	const char *again[] = {"--resume", dir, NULL};
	cr_assert_eq(run(root, again), 0, "the killed run resumes");
	char raw[400], summary[400];
	snprintf(raw, sizeof(raw), "%s/raw.csv", dir);
	snprintf(summary, sizeof(summary), "%s/summary.csv", dir);
	size_t raw_rows;
	cr_expect_eq(cells_of(summary, &rows), CELLS);
	cr_expect_eq(rows, CELLS, "one summary row per cell");
	cr_expect_eq(cells_of(raw, &raw_rows), CELLS);
	cr_expect_eq(raw_rows, CELLS * 20, "each cell once, the first ones kept");
	cr_expect_neq(access(partial, F_OK), 0, "nothing partial is left");
	remove_tree(root);
}

/* Rows per cell of a CSV file, and the highest `round` of each, in the
 * file's order of first appearance (cells keyed by runner, schedule and
 * workers: enough for one kernel and size). */
struct cell_rows {
	char key[64];
	unsigned rows, rounds;
};

static size_t rows_per_cell(const char *path, struct cell_rows *cells, size_t max)
{
	struct pb_table t;
	size_t count = 0;
	cr_assert_eq(pb_table_load(path, &t), 0, "%s", path);
	int runner = pb_table_column(&t, "runner"), sched = pb_table_column(&t, "schedule"),
	    workers = pb_table_column(&t, "workers"), round = pb_table_column(&t, "round");
	cr_assert(runner >= 0 && sched >= 0 && workers >= 0 && round >= 0);
	for (size_t i = 0; i < t.row_count; i++) {
		char key[64];
		snprintf(key, sizeof(key), "%s/%s/%s", t.rows[i][runner], t.rows[i][sched],
			 t.rows[i][workers]);
		size_t c = 0;
		while (c < count && strcmp(cells[c].key, key))
			c++;
		if (c == count) {
			cr_assert(count < max);
			snprintf(cells[count].key, sizeof(cells[count].key), "%s", key);
			cells[count].rows = cells[count].rounds = 0;
			count++;
		}
		cells[c].rows++;
		unsigned r = (unsigned)strtoul(t.rows[i][round], NULL, 10) + 1;
		if (r > cells[c].rounds)
			cells[c].rounds = r;
	}
	pb_table_free(&t);
	return count;
}

/* Every round of raw.csv visits the cells in the order of round 0 (the
 * shuffled order), also the rounds a --resume ran. */
static void expect_rounds_in_one_order(const char *raw)
{
	struct cell_rows order[CELLS];
	struct pb_table t;
	size_t known = 0;
	cr_assert_eq(pb_table_load(raw, &t), 0);
	int runner = pb_table_column(&t, "runner"), sched = pb_table_column(&t, "schedule"),
	    workers = pb_table_column(&t, "workers"), round = pb_table_column(&t, "round");
	size_t at[8] = {0}; /* per round: where in round 0's order it is */
	for (size_t i = 0; i < t.row_count; i++) {
		char key[64];
		snprintf(key, sizeof(key), "%s/%s/%s", t.rows[i][runner], t.rows[i][sched],
			 t.rows[i][workers]);
		unsigned r = (unsigned)strtoul(t.rows[i][round], NULL, 10);
		cr_assert_lt(r, 8);
		if (r == 0) {
			if (known == 0 || strcmp(order[known - 1].key, key))
				snprintf(order[known++].key, sizeof(order[0].key), "%s", key);
			continue;
		}
		while (at[r] < known && strcmp(order[at[r]].key, key))
			at[r]++;
		cr_expect_lt(at[r], known, "round %u: %s out of round 0's order", r + 1, key);
	}
	cr_expect_eq(known, CELLS);
	pb_table_free(&t);
}

Test(resume, a_sweep_stopped_between_rounds_resumes_the_missing_rounds, .timeout = 120)
{
	char root[] = "/tmp/pb-rounds-XXXXXX", results[128], out[160], err[160], path[256];
	cr_assert(mkdtemp(root));
	snprintf(results, sizeof(results), "%s/results", root);
	snprintf(out, sizeof(out), "%s/sweep.out", root);
	snprintf(err, sizeof(err), "%s/sweep.err", root);
	const char *args[] = {"-k", "fib", "-n", "fib=30", "-r", "omp,pthread", "-w", "1,2",
			      "--reps", "12", "--max-reps", "12", "--repeat-disturbed", "0", "--warmup", "1", "--seed", "7",
			      "--rounds", "3", "--no-overhead", "--no-plot", "-o", results, NULL};
	pid_t pid = start_stopping(out, err, args);
	/* A cell is logged after its last round: the sweep is then in round 3. */
	signal_when_logged(pid, out, "[  1/", SIGTERM);
	cr_assert_eq(pb_test_finish(pid), 3, "exit status of a stopped sweep");

	struct cell_rows cells[CELLS];
	size_t rows;
	snprintf(path, sizeof(path), "%s/latest/summary.csv", results);
	cr_assert_eq(cells_of(path, &rows), CELLS, "every cell has its first rounds");
	snprintf(path, sizeof(path), "%s/latest/raw.csv", results);
	cr_assert_eq(rows_per_cell(path, cells, CELLS), CELLS);
	unsigned complete = 0;
	for (size_t c = 0; c < CELLS; c++) {
		cr_expect(cells[c].rounds >= 2 && cells[c].rows == cells[c].rounds * 4,
			  "%s: 4 repetitions in each of its %u rounds, not %u", cells[c].key,
			  cells[c].rounds, cells[c].rows);
		complete += cells[c].rounds == 3;
	}
	cr_expect(complete >= 1 && complete < CELLS, "stopped in the last round (%u complete)",
		  complete);
	resume_keeping_rows(root, results, path);
	cr_assert_eq(rows_per_cell(path, cells, CELLS), CELLS);
	for (size_t c = 0; c < CELLS; c++)
		cr_expect(cells[c].rounds == 3 && cells[c].rows == 12,
			  "%s: %u rows in %u rounds", cells[c].key, cells[c].rows,
			  cells[c].rounds);
	expect_rounds_in_one_order(path);
	snprintf(path, sizeof(path), "%s/latest/summary.csv", results);
	cr_expect(contains(path, ",12,12,3,"), "summary: 12 reps, 12 ok, 3 rounds");

	/* A folder written before rounds existed is refused, not appended to. */
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "sed -i '1s/,rounds,/,x,/' %s", path);
	cr_assert_eq(system(cmd), 0);
	char run_dir[160];
	snprintf(run_dir, sizeof(run_dir), "%s/latest", results);
	const char *again[] = {"--resume", run_dir, NULL};
	cr_expect_eq(run(root, again), 2, "an older run folder");
	snprintf(path, sizeof(path), "%s/err", root);
	cr_expect(contains(path, "older parbench"), "says why");
	remove_tree(root);
}

Test(resume, refuses_other_options_and_folders_without_a_sweep)
{
	char root[] = "/tmp/pb-resume-XXXXXX";
	cr_assert(mkdtemp(root));
	const char *extra[] = {"--resume", root, "--reps", "3", NULL};
	cr_expect_eq(run(root, extra), 2);
	const char *empty[] = {"--resume", root, NULL};
	cr_expect_eq(run(root, empty), 2, "no sweep.args there");
	const char *missing[] = {"--resume", "/nonexistent/run", NULL};
	cr_expect_eq(run(root, missing), 2);
	remove_tree(root);
}

/* Options repeated, as the sbatch script's and an array task's combine:
 * one cell each, and the run resumes (it once had every cell twice and
 * refused to). */
Test(resume, repeated_sizes_and_placements_are_one_cell_each, .timeout = 60)
{
	char root[] = "/tmp/pb-resume-XXXXXX", results[160], summary[200];
	cr_assert(mkdtemp(root));
	snprintf(results, sizeof(results), "%s/results", root);
	const char *args[] = {"--quick", "-k", "fib", "-r", "seq,omp", "-w", "1,2", "--size",
			      "fib=20", "--size", "fib=20", "--pin", "compact", "--pin", "compact",
			      "--reps", "3", "--max-reps", "3", "--repeat-disturbed", "0", "--no-overhead", "--no-plot",
			      "-o", results, NULL};
	cr_assert_eq(run(root, args), 0);
	snprintf(summary, sizeof(summary), "%s/latest/summary.csv", results);
	size_t rows, distinct = cells_of(summary, &rows);
	cr_expect_eq(rows, 5, "seq, omp static and dynamic at 1 and 2 workers");
	cr_expect_eq(distinct, rows, "no cell twice");
	char run_dir[200];
	snprintf(run_dir, sizeof(run_dir), "%s/latest", results);
	const char *again[] = {"--resume", run_dir, NULL};
	cr_expect_eq(run(root, again), 0, "the run resumes");
	remove_tree(root);
}

/* A run folder in results that has its sweep.args, into dir (that file's
 * path into args_file); 0 while there is none. */
static int find_args(const char *results, char *dir, size_t len, char *args_file,
		     size_t args_len)
{
	DIR *d = opendir(results);
	struct dirent *e;
	dir[0] = '\0';
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && strcmp(e->d_name, "latest")) {
			snprintf(args_file, args_len, "%s/%s/sweep.args", results, e->d_name);
			if (access(args_file, R_OK) == 0)
				snprintf(dir, len, "%s/%s", results, e->d_name);
		}
	if (d)
		closedir(d);
	return dir[0] != '\0';
}

/* One writer per run folder: a --resume of a folder that a sweep is
 * writing says so and leaves it alone (two once tore raw.csv apart). */
Test(resume, a_busy_folder_is_refused_and_left_alone, .timeout = 120)
{
	char root[] = "/tmp/pb-resume-XXXXXX", results[160], args_file[400], out[256], errf[256];
	cr_assert(mkdtemp(root));
	snprintf(results, sizeof(results), "%s/results", root);
	snprintf(out, sizeof(out), "%s/first.out", root);
	snprintf(errf, sizeof(errf), "%s/first.err", root);
	const char *args[] = {"-k", "fib", "-n", "fib=31", "-r", "seq,omp", "-w", "1,2", "-s",
			      "static", "--reps", "60", "--max-reps", "60", "--repeat-disturbed", "0", "--rounds", "1",
			      "--no-overhead", "--no-plot", "-o", results, NULL};
	pid_t first = pb_test_start(out, errf, args);
	/* Its folder, once it has written its options (it holds the folder's
	 * lock from before that). */
	char dir[300] = "";
	pb_test_await(find_args(results, dir, sizeof(dir), args_file, sizeof(args_file)), 60,
		      "the first sweep made its folder in %s", results);
	/* Held still while the second one tries: it cannot have finished and
	 * let go of the folder before the --resume looks, however slowly
	 * that starts, and it still runs after, by construction. */
	cr_assert_eq(kill(first, SIGSTOP), 0);
	pb_test_await(pb_test_proc_state(first) == 'T', 30, "the first sweep is stopped");
	const char *again[] = {"--resume", dir, NULL};
	int status = run(root, again);
	cr_assert_eq(kill(first, SIGCONT), 0, "the first sweep is still there");
	cr_expect_eq(status, 2, "a busy folder is bad input for --resume");
	char err_path[256];
	snprintf(err_path, sizeof(err_path), "%s/err", root);
	cr_expect(contains(err_path, "another parbench is writing it"), "and it says so");
	cr_expect_eq(pb_test_finish(first), 0, "and finishes, untouched");
	char summary[400];
	snprintf(summary, sizeof(summary), "%s/summary.csv", dir);
	size_t rows, distinct = cells_of(summary, &rows);
	cr_expect_eq(distinct, rows, "each cell once");
	cr_expect_eq(run(root, again), 0, "once it is done, the folder resumes (nothing to do)");
	remove_tree(root);
}

static void tiny_sweep(const char *root, const char *results, const char *kernel)
{
	const char *args[] = {"-k", kernel, "--quick", "-r", "omp", "-w", "1,2", "--reps", "3",
			      "--max-reps", "3", "--repeat-disturbed", "0", "--warmup", "0", "--no-overhead", "--no-plot",
			      "-o", results, NULL};
	cr_assert_eq(run(root, args), 0);
}

Test(merge, concatenates_runs_keeps_provenance_and_checks_headers, .timeout = 60)
{
	char root[] = "/tmp/pb-merge-XXXXXX", a[128], b[128], ra[160], rb[160], out[160];
	char path[256], real_a[4096], real_b[4096];
	cr_assert(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/a", root);
	snprintf(b, sizeof(b), "%s/b", root);
	tiny_sweep(root, a, "sum");
	tiny_sweep(root, b, "fib");
	snprintf(ra, sizeof(ra), "%s/latest", a);
	snprintf(rb, sizeof(rb), "%s/latest", b);
	cr_assert(realpath(ra, real_a) && realpath(rb, real_b));
	snprintf(out, sizeof(out), "%s/merged/both", root);

	const char *merge[] = {"merge", out, ra, rb, NULL};
	cr_assert_eq(run(root, merge), 0);
	size_t rows, rows_a, rows_b;
	snprintf(path, sizeof(path), "%s/summary.csv", real_a);
	size_t cells_a = cells_of(path, &rows_a);
	snprintf(path, sizeof(path), "%s/summary.csv", real_b);
	size_t cells_b = cells_of(path, &rows_b);
	snprintf(path, sizeof(path), "%s/summary.csv", out);
	cr_expect_eq(cells_of(path, &rows), cells_a + cells_b);
	cr_expect_eq(rows, rows_a + rows_b);
	snprintf(path, sizeof(path), "%s/provenance-%s.txt", out, strrchr(real_a, '/') + 1);
	cr_expect_eq(access(path, R_OK), 0, "%s", path);
	snprintf(path, sizeof(path), "%s/provenance-%s.txt", out, strrchr(real_b, '/') + 1);
	cr_expect_eq(access(path, R_OK), 0, "%s", path);
	snprintf(path, sizeof(path), "%s/provenance.txt", out);
	cr_expect(contains(path, "merged_from="));

	cr_expect_eq(run(root, merge), 2, "the merged folder exists: refused");
	snprintf(out, sizeof(out), "%s/merged/twice", root);
	const char *twice[] = {"merge", out, ra, ra, NULL};
	cr_expect_eq(run(root, twice), 2, "the same run twice");

	/* Columns that differ: runs of different versions. */
	snprintf(path, sizeof(path), "%s/raw.csv", real_b);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs("run_id,kernel,seconds\nx,fib,1\n", f);
	fclose(f);
	snprintf(out, sizeof(out), "%s/merged/mismatch", root);
	const char *mismatch[] = {"merge", out, ra, rb, NULL};
	cr_expect_eq(run(root, mismatch), 2);
	snprintf(path, sizeof(path), "%s/err", root);
	cr_expect(contains(path, "differ"), "says the columns differ");
	cr_expect_neq(access(out, F_OK), 0, "nothing created");
	remove_tree(root);
}

/* Rows of raw.csv with this runner and workers, and how many are ok. */
static size_t rows_of(const char *path, const char *runner, const char *workers, size_t *ok)
{
	struct pb_table t;
	size_t rows = 0;
	*ok = 0;
	cr_assert_eq(pb_table_load(path, &t), 0, "%s", path);
	int r = pb_table_column(&t, "runner"), w = pb_table_column(&t, "workers"),
	    o = pb_table_column(&t, "ok");
	for (size_t i = 0; i < t.row_count; i++) {
		if (strcmp(t.rows[i][r], runner) || strcmp(t.rows[i][w], workers))
			continue;
		rows++;
		*ok += strcmp(t.rows[i][o], "1") == 0;
	}
	pb_table_free(&t);
	return rows;
}

/* A cell the machine failed (here an MPI rank that dies, as on a lost
 * node) runs again on --resume, its failed rows replaced; cells that
 * passed are kept as they were. */
Test(resume, a_cell_the_machine_failed_runs_again, .timeout = 120)
{
	char root[] = "/tmp/pb-resume-XXXXXX", results[128], dir[160], path[256];
	cr_assert(mkdtemp(root));
	snprintf(results, sizeof(results), "%s/results", root);
	const char *args[] = {"--out", results, "--no-plot", "--runners", "mpi", "--kernels", "fib",
			      "--size", "fib=20", "--workers", "2", "--reps", "3", "--max-reps", "3", "--repeat-disturbed", "0",
			      "--rounds", "1", "--warmup", "0", "--no-overhead", NULL};
	setenv("PARBENCH_MPI_TEST_FAIL", "abort", 1);
	setenv("PARBENCH_MPI_TIMEOUT", "20", 1);
	int status = run(root, args);
	unsetenv("PARBENCH_MPI_TEST_FAIL");
	cr_assert_eq(status, 1, "a failed cell: exit 1");
	snprintf(dir, sizeof(dir), "%s/latest", results);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	cr_assert(contains(path, ",failed:"), "the mpi cell failed");
	snprintf(path, sizeof(path), "%s/raw.csv", dir);
	size_t ok, seq_rows = rows_of(path, "seq", "1", &ok);
	char *seq_before = slurp(path);

	const char *again[] = {"--resume", dir, NULL};
	cr_assert_eq(run(root, again), 0, "the resumed sweep passes");
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	cr_expect(!contains(path, "failed"), "no failed cell is left");
	size_t rows;
	cr_expect_eq(cells_of(path, &rows), 3, "seq and mpi static and dynamic, once each");
	snprintf(path, sizeof(path), "%s/raw.csv", dir);
	cr_expect_eq(rows_of(path, "mpi", "2", &ok), 6, "the failed rows are gone");
	cr_expect_eq(ok, 6, "the new ones verified");
	cr_expect_eq(rows_of(path, "seq", "1", &ok), seq_rows, "seq was not run again");
	char *after = slurp(path);
	cr_assert(seq_before && after);
	/* Each of seq's lines, as it was. */
	size_t kept = 0;
	for (char *line = strtok(seq_before, "\n"); line; line = strtok(NULL, "\n"))
		kept += strstr(line, ",seq,") && strstr(after, line);
	cr_expect_eq(kept, seq_rows, "seq's rows kept as they were");
	free(seq_before);
	free(after);
	remove_tree(root);
}
