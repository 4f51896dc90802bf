#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>
#include <unistd.h>

#include "../../runners/affinity.h"
#include "../base/stats.h"
#include "cli.h"
#include "../base/fail.h"
#include "../model/plan.h"
#include "../base/parse.h"
#include "../../kernels/library.h"
#include "../store/profile.h"

#define DEFAULT_REPS 12
#define DEFAULT_WARMUP 1
#define QUICK_REPS 3
#define QUICK_WARMUP 1
#define MAX_REPS 100000
#define DEFAULT_MAX_REPS 100
#define DEFAULT_TARGET_CI 2.0    /* percent */
#define DEFAULT_CELL_BUDGET 0.3  /* seconds of timed repetitions */
/* Generous: a cell-round takes its share of the budget and its warm-ups;
 * five minutes is a kernel that hangs, not one that is slow. */
#define DEFAULT_CELL_TIMEOUT 300
#define QUICK_CELL_BUDGET 0.1
/* Four rounds put each cell at four moments of the sweep: a slow spell
 * of the machine then weighs on every cell alike, and t over four round
 * medians widens the interval 1.59x their spread (three: 2.48x). */
#define DEFAULT_ROUNDS 4
#define QUICK_ROUNDS 1
#define MAX_ROUNDS 100
#define MAX_EXTRA_ROUNDS 1000000
#define MAX_WARMUP 10000

enum {
	OPT_NO_PLOT = 256, OPT_NO_OVERHEAD, OPT_PLOTS, OPT_TARGET_CI, OPT_CELL_BUDGET,
	OPT_MAX_REPS, OPT_SEED, OPT_NO_SHUFFLE, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_PIN,
	OPT_SCALING, OPT_RESUME, OPT_ROUNDS, OPT_LATENCY, OPT_INFLIGHT, OPT_KERNEL_LIB,
	OPT_CELL_TIMEOUT, OPT_REPEAT_DISTURBED, OPT_MAX_ROUNDS,
	OPT_EXTRA_ROUNDS, OPT_FAIL_IF_SLOWER, OPT_PROFILE, OPT_NO_PROFILE, OPT_SAVE_PROFILE,
};

static const struct option long_options[] = {
	{"help", no_argument, NULL, 'h'},
	{"list", no_argument, NULL, 'l'},
	{"kernels", required_argument, NULL, 'k'},
	{"runners", required_argument, NULL, 'r'},
	{"workers", required_argument, NULL, 'w'},
	{"size", required_argument, NULL, 'n'},
	{"reps", required_argument, NULL, 'R'},
	{"warmup", required_argument, NULL, 'W'},
	{"schedule", required_argument, NULL, 's'},
	{"out", required_argument, NULL, 'o'},
	{"plots", required_argument, NULL, OPT_PLOTS},
	{"quick", no_argument, NULL, 'q'},
	{"no-plot", no_argument, NULL, OPT_NO_PLOT},
	{"no-overhead", no_argument, NULL, OPT_NO_OVERHEAD},
	{"target-ci", required_argument, NULL, OPT_TARGET_CI},
	{"cell-budget", required_argument, NULL, OPT_CELL_BUDGET},
	{"max-reps", required_argument, NULL, OPT_MAX_REPS},
	{"rounds", required_argument, NULL, OPT_ROUNDS},
	{"max-rounds", required_argument, NULL, OPT_MAX_ROUNDS},
	{"extra-rounds", required_argument, NULL, OPT_EXTRA_ROUNDS},
	{"seed", required_argument, NULL, OPT_SEED},
	{"no-shuffle", no_argument, NULL, OPT_NO_SHUFFLE},
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"pin", required_argument, NULL, OPT_PIN},
	{"scaling", required_argument, NULL, OPT_SCALING},
	{"resume", required_argument, NULL, OPT_RESUME},
	{"latency-us", required_argument, NULL, OPT_LATENCY},
	{"inflight", required_argument, NULL, OPT_INFLIGHT},
	{"kernel-lib", required_argument, NULL, OPT_KERNEL_LIB},
	{"cell-timeout", required_argument, NULL, OPT_CELL_TIMEOUT},
	{"repeat-disturbed", required_argument, NULL, OPT_REPEAT_DISTURBED},
	{"fail-if-slower", no_argument, NULL, OPT_FAIL_IF_SLOWER},
	{"profile", required_argument, NULL, OPT_PROFILE},
	{"no-profile", no_argument, NULL, OPT_NO_PROFILE},
	{"save-profile", required_argument, NULL, OPT_SAVE_PROFILE},
	{NULL, 0, NULL, 0},
};

void pb_cli_usage(FILE *out)
{
	fputs(
"usage: parbench [options]            run a sweep, write results/ and plots/\n"
"       parbench plot RUN_DIR         render the plots and report of a run\n"
"       parbench compare A B          compare two runs cell by cell (B against A)\n"
"       parbench compare --fail-if-slower A B\n"
"                                     the same, as a gate: exit 4 where a cell of B\n"
"                                     is significantly slower, by 2% or more\n"
"       parbench coverage A B [C...]  how often runs of one sweep fall in each other's CIs\n"
"       parbench coverage --save-profile FILE A B C [...]\n"
"                                     the same, and this machine's run-to-run variation\n"
"                                     from 3 runs or more, as a profile for later sweeps\n"
"       parbench noise RUN_DIR        how a run's repetitions vary over time (bench-noise)\n"
"       parbench --resume RUN_DIR     finish a stopped sweep in its own folder\n"
"       parbench merge OUT RUN_DIR... one run folder OUT from several runs\n"
"\n"
"  -k, --kernels LIST     kernels to run, e.g. sum,fib (default: all; see --list)\n"
"      --kernel-lib PATH  load the kernels of a shared library built against\n"
"                         <parbench/kernel.h> (repeatable); they join --list\n"
"      --cell-timeout S   a cell-round of a library's kernel that runs longer\n"
"                         fails with \"timeout\" (default 300)\n"
"  -r, --runners LIST     runners to compare (default: all built; seq, the\n"
"                         baseline of every speedup, is always run)\n"
"  -w, --workers LIST     worker counts: 1,2,4 or 1-8 or 1-4,8 (default: powers\n"
"                         of two up to the CPUs this process may use, and that\n"
"                         count); more than that is allowed and flagged\n"
"  -n, --size K=N[,K=N]   size of kernel K, e.g. sum=2^27; a kernel repeated or\n"
"                         a range sweeps several: sum=2^10..2^26 (x2 steps),\n"
"                         sum=2^10..2^26:x4, fib=20..36:+2, sum=10^3..10^7:9\n"
"                         (9 points, geometric), at most 64 sizes a kernel\n"
"  -R, --reps N           at least N timed repetitions per cell (default 12,\n"
"                         quick 3), an even share in each round; then each\n"
"                         round goes on until its share of\n"
"      --cell-budget S    S seconds of timed repetitions is spent (default\n"
"                         0.3, quick 0.1)\n"
"      --max-reps N       or of N repetitions (default 100)\n"
"      --rounds N         measure each cell in N rounds spread over the sweep\n"
"                         (default 4, quick 1; at most --reps)\n"
"      --target-ci PCT    a median is known well enough when its 95% CI is\n"
"                         within PCT% (default 2): one round stops there\n"
"      --max-rounds N     then more rounds, at the end of the sweep, for cells\n"
"                         whose CI over rounds is wider or that were disturbed,\n"
"                         up to N rounds a cell (default: twice --rounds; one\n"
"                         round: no more)\n"
"      --extra-rounds N   at most N such extra cell-rounds in the sweep, the\n"
"                         widest first (default: a tenth of the planned\n"
"                         cell-rounds; 0: none)\n"
"      --profile FILE     the machine profile whose run-to-run variation every\n"
"                         interval includes (default: machine.profile in the\n"
"                         results folder, where there is one; make\n"
"                         bench-calibrate writes it); one of another machine\n"
"                         is refused\n"
"      --no-profile       intervals over this run's rounds only\n"
"      --repeat-disturbed N  a round disturbed by steal or a slow speed probe\n"
"                         earns an extra round, up to N a cell (default 1,\n"
"                         0: never); both rounds are kept\n"
"  -W, --warmup N         untimed warm-up repetitions per round (default 1)\n"
"      --pin POLICY       compact (default), scatter, none, or CPUs as taskset\n"
"                         and likwid write them (0-3,8); repeat to compare\n"
"      --seed N           seed of the cell order and one-round bootstraps (default: new)\n"
"      --no-shuffle       run cells in plan order instead of interleaved\n"
"      --progress, --no-progress  progress line on stderr (default: when\n"
"                         stderr is a terminal)\n"
"      --latency-us LIST  each task's wait in kernels that wait (sleep), a list\n"
"                         or range as --workers (default 200)\n"
"      --inflight LIST    tasks each async worker keeps waiting at once\n"
"                         (default 1,10,100)\n"
"      --scaling MODE     strong (default): the same n on every worker count;\n"
"                         weak: n grows so the work grows with the workers\n"
"  -s, --schedule LIST    static, dynamic, guided, each optionally :CHUNK\n"
"                         (default: static,dynamic; chunk: items/(256*workers))\n"
"  -o, --out DIR          results root (default: results)\n"
"      --plots DIR        plots root (default: plots)\n"
"  -q, --quick            small sizes and few repetitions: a smoke run\n"
"      --no-plot          do not render plots\n"
"      --no-overhead      skip the dispatch-cost measurement\n"
"  -l, --list             list kernels and runners\n"
"  -h, --help             this text\n"
"\n"
"Exit status: 0 all results verified, 1 some cell failed, 2 bad usage or\n"
"an unusable results folder, 3 stopped by SIGTERM or SIGINT (finished cells\n"
"are saved; --resume goes on).\n", out);
}

void pb_cli_list(FILE *out)
{
	fputs("kernels:\n", out);
	for (const struct pb_kernel *const *k = pb_kernels; *k; k++)
		fprintf(out, "  %-10s n=%-12llu (quick %llu; n = %s)\n  %-10s %s%s\n",
			(*k)->name, (unsigned long long)(*k)->default_n,
			(unsigned long long)(*k)->quick_n, (*k)->n_means, "",
			(*k)->shape, pb_kernel_is_user(*k) ? " [from a --kernel-lib]" : "");
	fputs("runners:\n", out);
	for (const struct pb_runner *const *r = pb_runners; *r; r++) {
		fprintf(out, "  %-10s %s; schedules:", (*r)->name, (*r)->summary);
		if (!(*r)->schedules)
			fputs(" none", out);
		for (int s = 0; s < PB_SCHED_COUNT; s++)
			if ((*r)->schedules & PB_SCHED_BIT(s))
				fprintf(out, " %s", pb_sched_name((enum pb_sched_kind)s));
		fputc('\n', out);
	}
}

static const char *count_error(int e)
{
	return e == -ERANGE ? "is too large" : "is not a positive integer";
}

/* Calls fn on each comma-separated item of list. */
static int for_each_item(const char *list, int (*fn)(const char *item, void *ctx,
						     char *err, size_t len),
			 void *ctx, char *err, size_t len)
{
	char item[128];

	for (const char *p = list;;) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(item))
			return pb_fail(err, len, -EINVAL, "empty or overlong item in list '%s'", list);
		memcpy(item, p, n);
		item[n] = '\0';
		if (fn(item, ctx, err, len))
			return -EINVAL;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

/* Whether p names a policy cfg already has. */
static int pin_known(const struct pb_config *cfg, const struct pb_placement *p)
{
	for (size_t i = 0; i < cfg->pin_count; i++)
		if (strcmp(pb_placement_name(&cfg->pins[i]), pb_placement_name(p)) == 0)
			return 1;
	return 0;
}

static struct pb_kernel_sizes *kernel_slot(struct pb_config *cfg,
					   const struct pb_kernel *k, int add)
{
	for (size_t i = 0; i < cfg->kernel_count; i++)
		if (cfg->kernels[i].kernel == k)
			return &cfg->kernels[i];
	if (!add || cfg->kernel_count == PB_MAX_KERNELS)
		return NULL;
	struct pb_kernel_sizes *s = &cfg->kernels[cfg->kernel_count++];
	s->kernel = k;
	s->count = 0;
	return s;
}

static int add_kernel(const char *name, void *ctx, char *err, size_t len)
{
	const struct pb_kernel *k = pb_kernel_find(name);
	/* A library that crashed while loading may have been its home: its
	 * cells fail, named, and the sweep runs the rest. */
	if (!k)
		k = pb_kernel_lib_stand_in(name);
	if (!k)
		return pb_fail(err, len, -EINVAL, "unknown kernel '%s' (see --list)", name);
	kernel_slot(ctx, k, 1);
	return 0;
}

static int add_runner(const char *name, void *ctx, char *err, size_t len)
{
	struct pb_config *cfg = ctx;
	const struct pb_runner *r = pb_runner_find(name);
	if (!r)
		return pb_fail(err, len, -EINVAL, "unknown runner '%s' (see --list)", name);
	for (size_t i = 0; i < cfg->runner_count; i++)
		if (cfg->runners[i] == r)
			return 0;
	if (cfg->runner_count == PB_MAX_RUNNERS)
		return pb_fail(err, len, -EINVAL, "too many runners");
	cfg->runners[cfg->runner_count++] = r;
	return 0;
}

/* Sizes named by --size, kept apart until --kernels is known. */
struct size_request {
	const struct pb_kernel *kernel;
	uint64_t n;
};
struct size_requests {
	struct size_request item[PB_MAX_KERNELS * PB_MAX_SIZES];
	size_t count;
};

static int add_size(const char *item, void *ctx, char *err, size_t len)
{
	struct size_requests *sizes = ctx;
	const char *eq = strchr(item, '=');
	char name[64];

	if (!eq || eq == item || (size_t)(eq - item) >= sizeof(name))
		return pb_fail(err, len, -EINVAL, "--size: '%s' is not KERNEL=N (e.g. sum=2^27)", item);
	memcpy(name, item, (size_t)(eq - item));
	name[eq - item] = '\0';
	const struct pb_kernel *k = pb_kernel_find(name);
	if (!k)
		k = pb_kernel_lib_stand_in(name); /* as add_kernel does */
	if (!k)
		return pb_fail(err, len, -EINVAL, "--size: unknown kernel '%s' (see --list)", name);
	uint64_t n[PB_MAX_SIZES];
	const char *why;
	int count = pb_parse_sizes(eq + 1, k->max_n, n, PB_MAX_SIZES, &why);
	if (count == -ERANGE)
		return pb_fail(err, len, -EINVAL, "--size: %s=%s %s (at most %llu)", name, eq + 1,
			       why, (unsigned long long)k->max_n);
	if (count == -E2BIG)
		return pb_fail(err, len, -EINVAL, "--size: %s=%s %s (at most %d sizes per kernel)",
			       name, eq + 1, why, PB_MAX_SIZES);
	if (count < 0)
		return pb_fail(err, len, -EINVAL, "--size: %s=%s %s", name, eq + 1, why);
	for (int i = 0; i < count; i++) {
		/* A kernel that broke answering is failed in its cells, not here. */
		if (pb_kernel_items(k, n[i]) == 0 && !pb_kernel_broken(k))
			return pb_fail(err, len, -EINVAL, "--size: %s=%llu has no items to run", name,
				       (unsigned long long)n[i]);
		if (sizes->count == sizeof(sizes->item) / sizeof(sizes->item[0]))
			return pb_fail(err, len, -EINVAL, "--size: too many sizes");
		sizes->item[sizes->count++] = (struct size_request){k, n[i]};
	}
	return 0;
}

static int add_schedule(const char *item, void *ctx, char *err, size_t len)
{
	struct pb_config *cfg = ctx;
	char name[32];
	const char *colon = strchr(item, ':');
	size_t n = colon ? (size_t)(colon - item) : strlen(item);
	struct pb_schedule s = {0};

	if (n >= sizeof(name))
		return pb_fail(err, len, -EINVAL, "unknown schedule '%s' (static, dynamic, guided)", item);
	memcpy(name, item, n);
	name[n] = '\0';
	if (pb_sched_parse(name, &s.kind))
		return pb_fail(err, len, -EINVAL, "unknown schedule '%s' (static, dynamic, guided)", name);
	if (colon) {
		if (s.kind == PB_SCHED_STATIC)
			return pb_fail(err, len, -EINVAL, "--schedule: static takes no chunk");
		int e = pb_parse_count(colon + 1, UINT64_C(1) << 40, &s.chunk);
		if (e)
			return pb_fail(err, len, -EINVAL, "--schedule: chunk '%s' %s", colon + 1, count_error(e));
	}
	for (size_t i = 0; i < cfg->schedule_count; i++)
		if (cfg->schedules[i].kind == s.kind)
			return pb_fail(err, len, -EINVAL, "--schedule: '%s' named twice", name);
	cfg->schedules[cfg->schedule_count++] = s;
	return 0;
}

static int parse_small(const char *opt, const char *text, unsigned max,
		       int zero_ok, unsigned *value, char *err, size_t len)
{
	uint64_t v;
	if (zero_ok && strcmp(text, "0") == 0) {
		*value = 0;
		return 0;
	}
	int e = pb_parse_count(text, max, &v);
	if (e == -ERANGE)
		return pb_fail(err, len, -EINVAL, "%s: '%s' is too large (at most %u)", opt, text, max);
	if (e)
		return pb_fail(err, len, -EINVAL, "%s: '%s' is not a %s integer", opt, text,
			    zero_ok ? "non-negative" : "positive");
	*value = (unsigned)v;
	return 0;
}

/* A list swept like worker counts: --latency-us, --inflight. */
static int parse_axis(const char *opt, const char *text, unsigned max, unsigned *values,
		      size_t *count, char *err, size_t len)
{
	int n = pb_parse_count_list(text, max, values, PB_MAX_AXIS);
	if (n == -ERANGE)
		return pb_fail(err, len, -EINVAL, "%s: '%s' is too large (at most %u)", opt, text,
			       max);
	if (n == -E2BIG)
		return pb_fail(err, len, -EINVAL, "%s: more than %d values", opt, PB_MAX_AXIS);
	if (n < 0)
		return pb_fail(err, len, -EINVAL, "%s: '%s' is not a list of positive integers "
			       "(e.g. 1,10,100 or 1-4)", opt, text);
	*count = (size_t)n;
	return 0;
}

/* Options that shape no cell of this sweep are said, not refused. */
static void axis_notes(struct pb_cli *cli, int latency_set, int inflight_set)
{
	const struct pb_config *cfg = &cli->cfg;
	int waits = 0, overlaps = 0;
	for (size_t i = 0; i < cfg->kernel_count; i++)
		waits |= cfg->kernels[i].kernel->waits;
	for (size_t i = 0; i < cfg->runner_count; i++)
		overlaps |= cfg->runners[i]->overlaps;
	cli->note[0] = '\0';
	if (latency_set && !waits)
		snprintf(cli->note, sizeof(cli->note), "--latency-us applies to kernels that wait "
			 "(sleep), and none is in this sweep");
	else if (inflight_set && !(waits && overlaps))
		snprintf(cli->note, sizeof(cli->note), "--inflight applies to the async runner on "
			 "kernels that wait (sleep); this sweep has no such cell");
	if (cli->note[0] || !cfg->runners_named)
		return;
	/* Asked for by name and left out of some kernels: say so. */
	for (size_t i = 0; i < cfg->runner_count; i++) {
		const struct pb_runner *r = cfg->runners[i];
		for (size_t k = 0; k < cfg->kernel_count; k++)
			if (pb_plan_leaves_out(r, cfg->kernels[k].kernel,
					       cfg->kernels[k].kernel->default_n)) {
				snprintf(cli->note, sizeof(cli->note), "%s runs only kernels with memory: "
					 "on %s it would repeat its sibling's cells", r->name,
					 cfg->kernels[k].kernel->name);
				return;
			}
	}
}

/* The value of option `name` at argv[*i] ("--name V" or "--name=V"),
 * moving *i past it; NULL where argv[*i] is another argument.  For the
 * options read before getopt, wherever they stand. */
static const char *early_option(int argc, char **argv, int *i, const char *name)
{
	size_t len = strlen(name);
	if (strncmp(argv[*i], name, len) != 0)
		return NULL;
	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (argv[*i][len] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* --cell-timeout, wherever it stands, bounds each question a user's
 * kernel is asked from its loading on (kernels/members.c); the option
 * itself is checked where it is parsed. */
static void members_timeout(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *v = early_option(argc, argv, &i, "--cell-timeout");
		double s = v ? strtod(v, NULL) : 0;
		if (s >= 0.001 && s <= 86400)
			pb_kernel_set_answer_timeout(s);
	}
}

/* --kernel-lib first, wherever it stands: the kernels it brings must be
 * known when --kernels and --size name them. */
static int load_kernel_libs(int argc, char **argv, char *err, size_t len)
{
	members_timeout(argc, argv);
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *path = early_option(argc, argv, &i, "--kernel-lib");
		if (!path)
			continue;
		/* A library named again (or parsed again) is loaded once.  One
		 * whose loading crashed is left out, said once; the kernels
		 * named that no library brings then fail in their cells. */
		int e = pb_kernel_lib_load(path, err, len);
		if (e == -ECHILD)
			fprintf(stderr, "parbench: warning: %s; its kernels fail\n", err);
		else if (e)
			return -EINVAL;
	}
	return 0;
}

static void default_workers(struct pb_config *cfg)
{
	cfg->worker_count = 0;
	for (unsigned w = 1; w < cfg->allowed_cpus && cfg->worker_count < PB_MAX_WORKER_COUNTS - 1; w *= 2)
		cfg->workers[cfg->worker_count++] = w;
	cfg->workers[cfg->worker_count++] = cfg->allowed_cpus;
}

/* argv joined by spaces, for the provenance. */
static const char *join_args(int argc, char **argv)
{
	static char line[4096];
	size_t used = 0;

	line[0] = '\0';
	for (int i = 0; i < argc && used + 1 < sizeof(line); i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s",
					 i ? " " : "", argv[i]);
	return line;
}

int pb_cli_parse(int argc, char **argv, struct pb_cli *cli, char *err, size_t len)
{
	struct pb_config *cfg = &cli->cfg;
	static struct size_requests sizes;
	const char *workers_text = NULL;
	int others = 0;
	int c, reps_set = 0, warmup_set = 0, budget_set = 0, max_set = 0, rounds_set = 0;
	int latency_set = 0, inflight_set = 0;

	memset(cli, 0, sizeof(*cli));
	if (load_kernel_libs(argc, argv, err, len))
		return -EINVAL;
	sizes.count = 0;
	cli->action = PB_CLI_SWEEP;
	cfg->results_root = "results";
	cfg->plots_root = "plots";
	cfg->plot = 1;
	cfg->overhead = 1;
	cfg->shuffle = 1;
	cfg->repeat_disturbed = -1;
	cfg->extra_rounds = -1;
	cfg->progress = -1;
	cfg->target_ci = DEFAULT_TARGET_CI / 100;
	cfg->max_reps = DEFAULT_MAX_REPS;
	/* A new order every run unless --seed replays one; recorded. */
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	cfg->seed = pb_random_next(&seed);
	cfg->allowed_cpus = pb_allowed_cpus();
	cfg->command_line = join_args(argc, argv);
	cfg->argc = argc;
	cfg->argv = argv;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hlk:r:w:n:R:W:s:o:q", long_options,
				NULL)) != -1) {
		others += c != OPT_RESUME;
		switch (c) {
		case 'h': cli->action = PB_CLI_HELP; return 0;
		case 'l': cli->action = PB_CLI_LIST; return 0;
		case 'k':
			if (for_each_item(optarg, add_kernel, cfg, err, len))
				return -EINVAL;
			break;
		case 'r':
			cfg->runners_named = 1;
			if (for_each_item(optarg, add_runner, cfg, err, len))
				return -EINVAL;
			break;
		case 'w': workers_text = optarg; break;
		case 'n':
			if (for_each_item(optarg, add_size, &sizes, err, len))
				return -EINVAL;
			break;
		case 'R':
			if (parse_small("--reps", optarg, MAX_REPS, 0, &cfg->reps, err, len))
				return -EINVAL;
			reps_set = 1;
			break;
		case 'W':
			if (parse_small("--warmup", optarg, MAX_WARMUP, 1, &cfg->warmup, err, len))
				return -EINVAL;
			warmup_set = 1;
			break;
		case 's':
			cfg->schedule_count = 0;
			if (for_each_item(optarg, add_schedule, cfg, err, len))
				return -EINVAL;
			break;
		case 'o': cfg->results_root = optarg; break;
		case OPT_PLOTS: cfg->plots_root = optarg; break;
		case 'q': cfg->quick = 1; break;
		case OPT_NO_PLOT: cfg->plot = 0; break;
		case OPT_NO_OVERHEAD: cfg->overhead = 0; break;
		case OPT_TARGET_CI:
			if (pb_parse_decimal(optarg, 0.001, 100, &cfg->target_ci))
				return pb_fail(err, len, -EINVAL, "--target-ci: '%s' is not a percentage "
					    "between 0.001 and 100", optarg);
			cfg->target_ci /= 100;
			break;
		case OPT_CELL_BUDGET:
			if (pb_parse_decimal(optarg, 0, 86400, &cfg->cell_budget))
				return pb_fail(err, len, -EINVAL, "--cell-budget: '%s' is not a number of "
					    "seconds between 0 and 86400", optarg);
			budget_set = 1;
			break;
		case OPT_MAX_REPS:
			if (parse_small("--max-reps", optarg, MAX_REPS, 0, &cfg->max_reps, err, len))
				return -EINVAL;
			max_set = 1;
			break;
		case OPT_ROUNDS:
			if (parse_small("--rounds", optarg, MAX_ROUNDS, 0, &cfg->rounds, err, len))
				return -EINVAL;
			rounds_set = 1;
			break;
		case OPT_EXTRA_ROUNDS: {
			unsigned n = 0;
			if (parse_small("--extra-rounds", optarg, MAX_EXTRA_ROUNDS, 1, &n, err, len))
				return -EINVAL;
			cfg->extra_rounds = n;
			break;
		}
		case OPT_MAX_ROUNDS:
			if (parse_small("--max-rounds", optarg, MAX_ROUNDS, 0, &cfg->max_rounds, err, len))
				return -EINVAL;
			break;
		case OPT_SEED:
			if (pb_parse_count(optarg, UINT64_MAX, &cfg->seed))
				return pb_fail(err, len, -EINVAL, "--seed: '%s' is not a positive integer", optarg);
			break;
		case OPT_LATENCY:
			if (parse_axis("--latency-us", optarg, PB_MAX_LATENCY_US, cfg->latencies_us,
				       &cfg->latency_count, err, len))
				return -EINVAL;
			break;
		case OPT_INFLIGHT:
			if (parse_axis("--inflight", optarg, PB_MAX_INFLIGHT, cfg->inflights,
				       &cfg->inflight_count, err, len))
				return -EINVAL;
			break;
		case OPT_KERNEL_LIB: break; /* loaded before the other options */
		case OPT_FAIL_IF_SLOWER:
			cli->fail_if_slower = 1;
			break;
		case OPT_PROFILE:
			if (!*optarg)
				return pb_fail(err, len, -EINVAL, "--profile needs a file name");
			cfg->profile_path = optarg;
			break;
		case OPT_NO_PROFILE: cfg->no_profile = 1; break;
		case OPT_SAVE_PROFILE:
			if (!*optarg)
				return pb_fail(err, len, -EINVAL, "--save-profile needs a file name");
			cli->save_profile = optarg;
			break;
		case OPT_REPEAT_DISTURBED: {
			unsigned n = 0;
			if (parse_small("--repeat-disturbed", optarg, MAX_ROUNDS, 1, &n, err, len))
				return -EINVAL;
			cfg->repeat_disturbed = (int)n;
			break;
		}
		case OPT_CELL_TIMEOUT:
			if (pb_parse_decimal(optarg, 0.001, 86400, &cfg->cell_timeout))
				return pb_fail(err, len, -EINVAL, "--cell-timeout: '%s' is not a number "
					    "of seconds between 0.001 and 86400", optarg);
			break;
		case OPT_NO_SHUFFLE: cfg->shuffle = 0; break;
		case OPT_PROGRESS: cfg->progress = 1; break;
		case OPT_NO_PROGRESS: cfg->progress = 0; break;
		case OPT_PIN: {
			char why[PB_PLACEMENT_WHY];
			if (cfg->pin_count == PB_MAX_PINS)
				return pb_fail(err, len, -EINVAL, "--pin: at most %d policies", PB_MAX_PINS);
			if (pb_placement_parse(optarg, &cfg->pins[cfg->pin_count], why))
				return pb_fail(err, len, -EINVAL, "--pin %s: %s", optarg, why);
			/* A policy given twice (the sbatch script's options and a
			 * task's own) is one policy: one cell each, resumable. */
			if (!pin_known(cfg, &cfg->pins[cfg->pin_count]))
				cfg->pin_count++;
			break;
		}
		case OPT_SCALING:
			if (pb_scaling_parse(optarg, &cfg->scaling))
				return pb_fail(err, len, -EINVAL, "--scaling: '%s' is not strong or weak", optarg);
			break;
		case OPT_RESUME: cli->resume_run = optarg; break;
		case ':':
			return pb_fail(err, len, -EINVAL, "option '%s' needs a value", argv[optind - 1]);
		default:
			return pb_fail(err, len, -EINVAL, "unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (cli->resume_run) {
		/* The sweep is the recorded one: nothing may change it. */
		if (others || optind < argc)
			return pb_fail(err, len, -EINVAL, "--resume takes no other options or arguments: the "
				    "sweep's own are in RUN_DIR/sweep.args");
		cli->action = PB_CLI_RESUME;
		return 0;
	}
	if (cli->fail_if_slower && (optind >= argc || strcmp(argv[optind], "compare") != 0))
		return pb_fail(err, len, -EINVAL, "--fail-if-slower is an option of parbench compare");
	if (cli->save_profile && (optind >= argc || strcmp(argv[optind], "coverage") != 0))
		return pb_fail(err, len, -EINVAL, "--save-profile is an option of parbench coverage");
	if (cfg->profile_path && cfg->no_profile)
		return pb_fail(err, len, -EINVAL, "--profile and --no-profile: choose one");
	if (optind < argc && strcmp(argv[optind], "merge") == 0) {
		if (optind + 3 > argc)
			return pb_fail(err, len, -EINVAL, "usage: parbench merge OUT RUN_DIR...");
		cli->action = PB_CLI_MERGE;
		cli->merge_out = argv[optind + 1];
		cli->merge_runs = argv + optind + 2;
		cli->merge_count = (size_t)(argc - optind - 2);
		return 0;
	}
	if (optind < argc && strcmp(argv[optind], "coverage") == 0) {
		if (optind + 3 > argc)
			return pb_fail(err, len, -EINVAL, "usage: parbench coverage RUN_DIR RUN_DIR...");
		if (cli->save_profile && optind + 1 + PB_PROFILE_LEAST_RUNS > argc)
			return pb_fail(err, len, -EINVAL, "--save-profile needs %d runs or more of "
				       "one sweep: two cannot tell a run's level from chance",
				       PB_PROFILE_LEAST_RUNS);
		cli->action = PB_CLI_COVERAGE;
		cli->merge_runs = argv + optind + 1;
		cli->merge_count = (size_t)(argc - optind - 1);
		return 0;
	}
	if (optind < argc) {
		if (strcmp(argv[optind], "plot") == 0 && optind + 2 == argc) {
			cli->action = PB_CLI_PLOT;
			cli->plot_run = argv[optind + 1];
			return 0;
		}
		if (strcmp(argv[optind], "plot") == 0)
			return pb_fail(err, len, -EINVAL, "usage: parbench plot RUN_DIR");
		if (strcmp(argv[optind], "noise") == 0 && optind + 2 == argc) {
			cli->action = PB_CLI_NOISE;
			cli->plot_run = argv[optind + 1];
			return 0;
		}
		if (strcmp(argv[optind], "noise") == 0)
			return pb_fail(err, len, -EINVAL, "usage: parbench noise RUN_DIR");
		if (strcmp(argv[optind], "compare") == 0 && optind + 3 == argc) {
			cli->action = PB_CLI_COMPARE;
			cli->compare_a = argv[optind + 1];
			cli->compare_b = argv[optind + 2];
			return 0;
		}
		if (strcmp(argv[optind], "compare") == 0)
			return pb_fail(err, len, -EINVAL, "usage: parbench compare RUN_DIR_A RUN_DIR_B");
		return pb_fail(err, len, -EINVAL, "unexpected argument '%s' (see --help)", argv[optind]);
	}

	if (cfg->kernel_count == 0)
		for (const struct pb_kernel *const *k = pb_kernels; *k; k++)
			kernel_slot(cfg, *k, 1);
	for (size_t i = 0; i < sizes.count; i++) {
		struct pb_kernel_sizes *ks = kernel_slot(cfg, sizes.item[i].kernel, 0);
		if (!ks)
			return pb_fail(err, len, -EINVAL, "--size names kernel '%s', which is not in --kernels",
				    sizes.item[i].kernel->name);
		int known = 0; /* a size given twice is one size */
		for (size_t j = 0; j < ks->count; j++)
			known |= ks->n[j] == sizes.item[i].n;
		if (known)
			continue;
		if (ks->count == PB_MAX_SIZES)
			return pb_fail(err, len, -EINVAL, "--size: at most %d sizes per kernel", PB_MAX_SIZES);
		ks->n[ks->count++] = sizes.item[i].n;
	}

	if (cfg->runner_count == 0)
		for (const struct pb_runner *const *r = pb_runners; *r; r++)
			cfg->runners[cfg->runner_count++] = *r;
	/* The baseline first: every speedup is measured against it. */
	const struct pb_runner *seq = pb_runner_baseline();
	if (!seq)
		return pb_fail(err, len, -EINVAL, "this build has no baseline runner (seq)");
	size_t at = cfg->runner_count;
	for (size_t i = 0; i < cfg->runner_count; i++)
		if (cfg->runners[i] == seq)
			at = i;
	if (at == cfg->runner_count) {
		if (cfg->runner_count == PB_MAX_RUNNERS)
			return pb_fail(err, len, -EINVAL, "too many runners");
		cfg->runner_count++;
	}
	memmove(&cfg->runners[1], &cfg->runners[0], at * sizeof(cfg->runners[0]));
	cfg->runners[0] = seq;

	if (workers_text) {
		int n = pb_parse_count_list(workers_text, PB_MAX_WORKERS, cfg->workers,
					    PB_MAX_WORKER_COUNTS);
		if (n == -ERANGE)
			return pb_fail(err, len, -EINVAL, "--workers: '%s' is too large (at most %d workers)",
				    workers_text, PB_MAX_WORKERS);
		if (n == -E2BIG)
			return pb_fail(err, len, -EINVAL, "--workers: more than %d worker counts",
				    PB_MAX_WORKER_COUNTS);
		if (n < 0)
			return pb_fail(err, len, -EINVAL, "--workers: '%s' is not a list of positive integers "
				    "(e.g. 1,2,4 or 1-8)", workers_text);
		cfg->worker_count = (size_t)n;
	} else {
		default_workers(cfg);
	}

	if (cfg->latency_count == 0) {
		cfg->latencies_us[0] = 200;
		cfg->latency_count = 1;
	} else {
		latency_set = 1;
	}
	if (cfg->inflight_count == 0) {
		static const unsigned inflight[] = {1, 10, 100};
		memcpy(cfg->inflights, inflight, sizeof(inflight));
		cfg->inflight_count = 3;
	} else {
		inflight_set = 1;
	}
	axis_notes(cli, latency_set, inflight_set);

	if (cfg->schedule_count == 0) {
		cfg->schedules[0] = (struct pb_schedule){PB_SCHED_STATIC, 0};
		cfg->schedules[1] = (struct pb_schedule){PB_SCHED_DYNAMIC, 0};
		cfg->schedule_count = 2;
	}
	if (!reps_set)
		cfg->reps = cfg->quick ? QUICK_REPS : DEFAULT_REPS;
	if (!warmup_set)
		cfg->warmup = cfg->quick ? QUICK_WARMUP : DEFAULT_WARMUP;
	if (cfg->pin_count == 0)
		pb_placement_parse("compact", &cfg->pins[cfg->pin_count++], NULL);
	if (!budget_set)
		cfg->cell_budget = cfg->quick ? QUICK_CELL_BUDGET : DEFAULT_CELL_BUDGET;
	if (!cfg->cell_timeout)
		cfg->cell_timeout = DEFAULT_CELL_TIMEOUT;
	if (!rounds_set)
		cfg->rounds = cfg->quick ? QUICK_ROUNDS : DEFAULT_ROUNDS;
	if (cfg->rounds > cfg->reps) {
		if (rounds_set)
			return pb_fail(err, len, -EINVAL, "--rounds %u is above --reps %u: every round "
				    "times at least one repetition", cfg->rounds, cfg->reps);
		cfg->rounds = cfg->reps;
	}
	/* One round is one moment (--quick): a second would give t with one
	 * degree of freedom, an interval too wide to say anything. */
	if (!cfg->max_rounds)
		cfg->max_rounds = cfg->rounds <= 1 ? cfg->rounds
				  : 2 * cfg->rounds < MAX_ROUNDS ? 2 * cfg->rounds : MAX_ROUNDS;
	if (cfg->max_rounds < cfg->rounds)
		return pb_fail(err, len, -EINVAL, "--max-rounds %u is below --rounds %u", cfg->max_rounds,
			       cfg->rounds);
	if (!max_set && cfg->max_reps < cfg->reps)
		cfg->max_reps = cfg->reps;
	if (cfg->max_reps < cfg->reps)
		return pb_fail(err, len, -EINVAL, "--max-reps %u is below --reps %u", cfg->max_reps, cfg->reps);
	return 0;
}
