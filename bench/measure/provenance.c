#include <gnu/libc-version.h>
#include <hwloc.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../../kernels/kernel.h"
#include "../base/sha256.h"
#include "../placement/host.h"
#include "../placement/peer.h"
#include "../store/profile.h"
#include "provenance.h"

#ifndef PB_GIT_REVISION
#define PB_GIT_REVISION "unknown"
#endif
#ifndef PB_BUILD_CFLAGS
#define PB_BUILD_CFLAGS "unknown"
#endif

extern char **environ;

static void topology_facts(FILE *f)
{
	hwloc_topology_t topo;

	if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo) != 0) {
		fputs("topology=unknown\n", f);
		return;
	}
	fprintf(f, "packages=%d\nnuma_nodes=%d\ncores=%d\npus=%d\n",
		hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE),
		hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE),
		hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE),
		hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU));
	static const struct { hwloc_obj_type_t type; const char *name; } caches[] = {
		{HWLOC_OBJ_L1CACHE, "l1d"}, {HWLOC_OBJ_L2CACHE, "l2"}, {HWLOC_OBJ_L3CACHE, "l3"},
	};
	for (size_t i = 0; i < sizeof(caches) / sizeof(caches[0]); i++) {
		hwloc_obj_t c = hwloc_get_obj_by_type(topo, caches[i].type, 0);
		if (c && c->attr)
			fprintf(f, "%s_bytes=%llu\n", caches[i].name,
				(unsigned long long)c->attr->cache.size);
		else
			fprintf(f, "%s_bytes=unknown\n", caches[i].name);
	}
	char *allowed = NULL;
	hwloc_bitmap_list_asprintf(&allowed, hwloc_topology_get_allowed_cpuset(topo));
	fprintf(f, "allowed_cpuset=%s\n", allowed ? allowed : "unknown");
	free(allowed);
	hwloc_topology_destroy(topo);
}

/* A file's first line, or "unknown" (these VMs have no cpufreq). */
static void first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	snprintf(buf, len, "unknown");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	else
		snprintf(buf, len, "unknown");
	fclose(f);
}

int pb_provenance_write(FILE *f, const char *run_id, const struct pb_config *cfg)
{
	char date[64], buf[256];
	struct pb_host host;
	struct utsname uts;
	time_t now = time(NULL);
	struct tm tm;

	pb_host_read(&host);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S%z", localtime_r(&now, &tm));

	fprintf(f, "run_id=%s\ndate=%s\nhost=%s\nboot_id=%s\n", run_id, date, host.name,
		host.boot_id);
	if (uname(&uts) == 0)
		fprintf(f, "kernel=%s %s %s\n", uts.sysname, uts.release, uts.machine);
	fprintf(f, "cpu_model=%s\n", host.cpu_model);
	fprintf(f, "online_cpus=%ld\nallowed_cpus=%u\n", host.cpus,
		cfg->allowed_cpus);
	double load[3];
	if (getloadavg(load, 3) == 3) /* how busy the machine was as the run began */
		fprintf(f, "load_avg=%.2f;%.2f;%.2f\n", load[0], load[1], load[2]);
	int peer[2];
	pb_peer_cpus(peer);
	if (peer[0] >= 0) /* the pair whose latency peer_ns is */
		fprintf(f, "peer_cpus=%d,%d\n", peer[0], peer[1]);
	else
		fputs("peer_cpus=none\n", f);
	topology_facts(f);
	first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof(buf));
	fprintf(f, "governor=%s\n", buf);
	first_line("/sys/devices/system/cpu/intel_pstate/no_turbo", buf, sizeof(buf));
	fprintf(f, "no_turbo=%s\n", buf);
	/* The user's code this run loaded, as exactly as a file can be named. */
	fprintf(f, "kernel_abi_version=%d\nkernel_libs=%zu\n", PB_KERNEL_ABI_VERSION,
		pb_kernel_lib_count());
	for (size_t i = 0; i < pb_kernel_lib_count(); i++) {
		char hex[65] = "unknown";
		uint64_t size = 0;
		int unread = pb_sha256_file(pb_kernel_lib_path(i), hex, &size);
		fprintf(f, "kernel_lib_%zu=%s\n", i + 1, pb_kernel_lib_path(i));
		if (unread)
			fprintf(f, "kernel_lib_%zu_bytes=unknown\nkernel_lib_%zu_sha256=unknown\n",
				i + 1, i + 1);
		else
			fprintf(f, "kernel_lib_%zu_bytes=%llu\nkernel_lib_%zu_sha256=%s\n", i + 1,
				(unsigned long long)size, i + 1, hex);
	}
	/* Threads and processes started after main set it inherit it. */
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	if (slack >= 0)
		fprintf(f, "timer_slack_ns=%d\n", slack);
	else
		fputs("timer_slack_ns=unknown\n", f);
	fprintf(f, "memory_bytes=%llu\n", (unsigned long long)sysconf(_SC_PHYS_PAGES) *
						  (unsigned long long)sysconf(_SC_PAGESIZE));
	fprintf(f, "compiler=%s\ncflags=%s\n", __VERSION__, PB_BUILD_CFLAGS);
	fprintf(f, "git_revision=%s\n", PB_GIT_REVISION);
	fprintf(f, "glibc=%s\n", gnu_get_libc_version());
	unsigned v = hwloc_get_api_version();
	fprintf(f, "hwloc_api=%u.%u.%u\n", v >> 16, (v >> 8) & 0xff, v & 0xff);
#ifdef _OPENMP
	fprintf(f, "openmp=%d\n", _OPENMP);
#endif
	/* The default is a share of the plan: said as such. */
	char extra[32] = "planned/10";
	if (cfg->extra_rounds >= 0)
		snprintf(extra, sizeof(extra), "%ld", cfg->extra_rounds);
	fprintf(f, "reps=%u\nmax_reps=%u\nwarmup=%u\ntarget_ci=%g\ncell_budget_s=%g\n"
		"rounds=%u\nmax_rounds=%u\nextra_rounds=%s\nrepeat_disturbed=%d\nquick=%d\n"
		"shuffle=%d\nseed=%llu\n",
		cfg->reps, cfg->max_reps, cfg->warmup, cfg->target_ci, cfg->cell_budget, cfg->rounds,
		cfg->max_rounds, extra,
		cfg->repeat_disturbed < 0 ? 1 : cfg->repeat_disturbed, cfg->quick,
		cfg->shuffle,
		(unsigned long long)cfg->seed);
	/* The machine profile whose run level the intervals include. */
	fprintf(f, "profile=%s\n", cfg->profile_used[0] ? cfg->profile_used : "none");
	for (int k = 0; k < PB_LEVEL_CLASSES; k++)
		if (cfg->profile_used[0] && cfg->run_level[k].cells)
			fprintf(f, "profile_%s_run_sd=%.6f\nprofile_%s_pair_sd=%.6f\n",
				pb_profile_class_names[k], cfg->run_level[k].run_sd,
				pb_profile_class_names[k], cfg->run_level[k].pair_sd);
	fputs("pin=", f);
	for (size_t i = 0; i < cfg->pin_count; i++)
		fprintf(f, "%s%s", i ? " " : "", pb_placement_name(&cfg->pins[i]));
	fputc('\n', f);
	fprintf(f, "command_line=%s\n", cfg->command_line ? cfg->command_line : "");
	/* The variables that change how runtimes behave. */
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "OMP_", 4) == 0 || strncmp(*e, "GOMP_", 5) == 0 ||
		    strncmp(*e, "SLURM_", 6) == 0 || strncmp(*e, "OMPI_", 5) == 0)
			fprintf(f, "env.%s\n", *e);
	return ferror(f) ? -1 : 0;
}
