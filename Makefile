# parbench: non-recursive build.  Each folder adds its sources in its own
# Makefile.local; objects go to $(BUILD) with automatic header dependencies.
#
#   make              build only, with the compilers and libraries found
#                     (pkg-config, $(MPICC)): what a cluster login node with
#                     modules loaded does; never installs anything
#   make deps         install the Debian packages the build and the benchmark
#                     need (make deps-test: those of the tests; make
#                     deps-slurm: Slurm and munge, which the Slurm test
#                     installs itself)
#   make bench        install what is missing, build, run the default sweep
#   make bench QUICK=1  a smoke sweep (under a minute)
#   make bench-sizes, bench-latency, bench-userkernel, bench-reps ...
#   make bench-coverage  the sweep three times: do its CIs hold on a rerun?
#   make bench-calibrate  the sweep three times: this machine's run-to-run
#                     variation, stored as results/machine.profile, which
#                     later sweeps' intervals include
#   make bench-busy   the sweep beside a background load, against the same
#                     sweep on the machine as it is
#   make bench-noise  how this machine's noise runs over time
#                     benchmarks that print a figure beside its target
#   make compare A=results/<id> [B=results/latest]  two runs side by side
#   make test         install what is missing, the whole suite, then again
#                     under ASan + UBSan, then the Slurm test (a one-node
#                     cluster on this machine) and the cluster test (three
#                     emulated nodes: make test-cluster)
#   make install      PREFIX=/usr/local, DESTDIR honoured: the programs, the
#                     gnuplot scripts, <parbench/kernel.h> and parbench.pc
.SUFFIXES:
.DELETE_ON_ERROR:

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/parbench
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(PREFIX)/lib/pkgconfig
BUILD ?= build
CC ?= cc
# The MPI program only; the driver links no MPI.
MPICC ?= mpicc
MPIRUN ?= mpirun
# Benchmark code is compiled for this machine, as STREAM and friends are:
# without -O3 -march=native a uint64 sum is not vectorised.
CFLAGS ?= -O3 -march=native -g
PKG_CONFIG ?= pkg-config

# Debian packages the build and the benchmark need; those the tests need
# beside them (Criterion, and Google Benchmark's compare.py with SciPy,
# which read parbench's JSON in a test); Slurm and munge only for the
# Slurm test, whose script installs them and starts their daemons itself.
DEPS_PACKAGES = build-essential pkg-config openmpi-bin libopenmpi-dev hwloc \
	libhwloc-dev gnuplot-nox
TEST_PACKAGES = libcriterion-dev libbenchmark-tools python3-scipy
SLURM_PACKAGES = slurm-wlm slurmctld slurmd slurm-client munge

GIT_REVISION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# Recursively expanded: pkg-config runs after make deps installed them.
HWLOC_CFLAGS = $(shell $(PKG_CONFIG) --cflags hwloc)
HWLOC_LIBS = $(shell $(PKG_CONFIG) --libs hwloc)
CRITERION_CFLAGS = $(shell $(PKG_CONFIG) --cflags criterion)
CRITERION_LIBS = $(shell $(PKG_CONFIG) --libs criterion)

PB_CPPFLAGS = -D_GNU_SOURCE -MD -MP
PB_CFLAGS = -std=c11 -Wall -Wextra -Wshadow -Wno-format-truncation -fopenmp -pthread $(HWLOC_CFLAGS) \
	-DPB_GIT_REVISION='"$(GIT_REVISION)"' -DPB_BUILD_CFLAGS='"$(CFLAGS)"'
PB_LDLIBS = -fopenmp -pthread $(HWLOC_LIBS) -lm

subdirs := kernels runners bench tests mpi
LIB_SRCS :=
MAIN_SRCS :=
TEST_SRCS :=
include $(subdirs:%=%/Makefile.local)

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJS := $(MAIN_SRCS:%.c=$(BUILD)/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)
TEST_REGISTRY_OBJS := $(TEST_REGISTRY_SRCS:%.c=$(BUILD)/tests/registry/%.o)
MPI_OBJS := $(MPI_SRCS:%.c=$(BUILD)/mpi/%.o)
.PHONY: all deps deps-test deps-slurm libs bench test slurm-check test-unit test-sanitize test-slurm plots compare \
	test-cluster cluster-check \
	install uninstall clean mpi-latency
# parbench-mpi only where an MPI compiler is found: without it the mpi
# runners say they are unavailable and the rest runs.
HAVE_MPICC := $(shell command -v $(MPICC) >/dev/null 2>&1 && echo yes)
all: $(BUILD)/parbench $(if $(HAVE_MPICC),$(BUILD)/parbench-mpi,no-mpicc)

.PHONY: no-mpicc
no-mpicc:
	@echo "parbench: no $(MPICC) found: building without parbench-mpi (the mpi runners" \
		"will be unavailable); make deps installs Open MPI on Debian/Ubuntu" >&2

# Installing packages: make deps (and the targets that run things: bench,
# test) do it; a plain build never does.
deps:
	@sh mk/install-deps.sh $(DEPS_PACKAGES)
deps-test:
	@sh mk/install-deps.sh $(DEPS_PACKAGES) $(TEST_PACKAGES)
deps-slurm:
	@sh mk/install-deps.sh $(SLURM_PACKAGES)

# A missing library is one clear line, not a page of compiler errors.
libs:
	@$(PKG_CONFIG) --exists hwloc 2>/dev/null || { echo "parbench: hwloc not found by" \
		"$(PKG_CONFIG) (Debian/Ubuntu: make deps; a cluster: module load hwloc)" >&2; exit 1; }

$(BUILD)/%.o: %.c | libs
	@mkdir -p $(@D)
	$(CC) $(PB_CPPFLAGS) $(CPPFLAGS) $(PB_CFLAGS) $(CFLAGS) -c -o $@ $<

# A shorter stem than $(BUILD)/%.o: make picks this rule for $(BUILD)/mpi/...
$(BUILD)/mpi/%.o: %.c | libs
	@mkdir -p $(@D)
	$(MPICC) $(PB_CPPFLAGS) $(CPPFLAGS) $(PB_CFLAGS) $(CFLAGS) -c -o $@ $<

# A shorter stem again: the test program's registries (tests/Makefile.local).
$(BUILD)/tests/registry/%.o: %.c | libs
	@mkdir -p $(@D)
	$(CC) $(PB_CPPFLAGS) $(CPPFLAGS) $(PB_CFLAGS) $(CFLAGS) \
		-include tests/throwaway/throwaway.h -c -o $@ $<

$(BUILD)/parbench-mpi: $(MPI_OBJS)
	$(MPICC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -pthread -lm $(LDLIBS)

$(BUILD)/libparbench.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/parbench: $(MAIN_OBJS) $(BUILD)/libparbench.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PB_LDLIBS) $(LDLIBS)

$(BUILD)/tests/parbench-tests: $(TEST_OBJS) $(TEST_REGISTRY_OBJS) $(BUILD)/libparbench.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CRITERION_LIBS) $(PB_LDLIBS) $(LDLIBS)

$(TEST_OBJS): PB_CFLAGS += $(CRITERION_CFLAGS)

BENCH_ARGS = $(if $(QUICK),--quick) $(ARGS)
# Targets that install first build in a second make, so that pkg-config
# and $(MPICC) are looked up once the packages are there.
bench: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/parbench $(BENCH_ARGS)

# MPI's floor (a bare MPI_Barrier + 8-byte MPI_Reduce) beside the mpi
# runner's timed path on an empty job, in one MPI job of NP ranks.
NP ?= $(shell nproc)
MPI_LAUNCH ?= $(MPIRUN) -np $(NP) --oversubscribe --bind-to none
mpi-latency: deps
	@$(MAKE) --no-print-directory $(BUILD)/parbench-mpi
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
	OMPI_MCA_pml=$${OMPI_MCA_pml:-ob1} $(MPI_LAUNCH) $(BUILD)/parbench-mpi --latency --spin

# Render (again) the plots of a run, e.g. on a login node: make plots RUN=results/latest
RUN ?= results/latest
plots: $(BUILD)/parbench
	$(BUILD)/parbench plot $(RUN)

# Two runs side by side, B against A: make compare A=results/<id> B=results/latest
# (FAIL_IF_SLOWER=1: exit 4 where a cell of B is significantly slower, a CI gate)
B ?= results/latest
compare: $(BUILD)/parbench
	@test -n "$(A)" || { echo "usage: make compare A=RUN_DIR [B=RUN_DIR]" >&2; exit 2; }
	$(BUILD)/parbench compare $(if $(FAIL_IF_SLOWER),--fail-if-slower) $(A) $(B)

# The suite, then the same suite built with AddressSanitizer and
# UndefinedBehaviorSanitizer in a build folder of its own.
# One apt-get, then the parts one after another (they share build/), each
# timed, with how long each took and a total at the end (mk/run-tests.sh).
TEST_PARTS = test-unit test-sanitize slurm-check cluster-check
test: deps-test
	@MAKE='$(MAKE)' sh mk/run-tests.sh $(TEST_PARTS)

test-unit: $(BUILD)/parbench $(BUILD)/parbench-mpi $(BUILD)/tests/parbench-tests
	PARBENCH_BIN=$(BUILD)/parbench PARBENCH_DATADIR=$(CURDIR)/plots $(TEST_ENV) \
		$(BUILD)/tests/parbench-tests $(TEST_ARGS)

# A one-node Slurm cluster on this machine runs bench/slurm/parbench.sbatch;
# its MPI job needs parbench-mpi.  The script installs the Slurm packages
# it lacks (as root) or says why it skips.
test-slurm: deps
	@$(MAKE) --no-print-directory slurm-check
slurm-check: $(BUILD)/parbench $(BUILD)/parbench-mpi
	PARBENCH_BIN=$(BUILD)/parbench PARBENCH_DATADIR=$(CURDIR)/plots \
		bash tests/slurm/run.sh

# Three emulated nodes on this machine (namespaces, a bridge, a slurmd
# each): MPI across nodes over TCP, sbatch -N 2 and -N 3, mpirun with a
# hostfile, a lost node.  As root; about 90 s.
test-cluster: deps
	@$(MAKE) --no-print-directory cluster-check
cluster-check: $(BUILD)/parbench $(BUILD)/parbench-mpi
	PARBENCH_BIN=$(BUILD)/parbench PARBENCH_DATADIR=$(CURDIR)/plots \
		bash tests/cluster/run.sh

SANITIZE_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
# Criterion's runner itself loses a block now and then (tests/lsan.supp);
# two frames of allocation context keep the suppression to blocks that
# Criterion allocated itself, not ones allocated by code it called.
SANITIZE_ENV = LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:malloc_context_size=2
test-sanitize:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/sanitize CFLAGS='$(SANITIZE_FLAGS)' \
		LDFLAGS='$(SANITIZE_FLAGS)' TEST_ENV='$(SANITIZE_ENV)' test-unit

# parbench-mpi where it was built (all leaves it out without mpicc).
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)
	install -m 755 $(BUILD)/parbench $(DESTDIR)$(BINDIR)/parbench
	if [ -x $(BUILD)/parbench-mpi ]; then \
		install -m 755 $(BUILD)/parbench-mpi $(DESTDIR)$(BINDIR)/parbench-mpi; fi
	install -m 644 plots/*.gp $(DESTDIR)$(DATADIR)/
	install -d $(DESTDIR)$(INCLUDEDIR)/parbench $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 include/parbench/kernel.h $(DESTDIR)$(INCLUDEDIR)/parbench/kernel.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|'"$$(sed -n 's/.*PB_KERNEL_ABI_VERSION \([0-9]*\).*/\1/p' \
			include/parbench/kernel.h)"'.0|' \
		parbench.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/parbench.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/parbench $(DESTDIR)$(BINDIR)/parbench-mpi \
		$(DESTDIR)$(DATADIR)/*.gp $(DESTDIR)$(INCLUDEDIR)/parbench/kernel.h \
		$(DESTDIR)$(PKGCONFIGDIR)/parbench.pc

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(MPI_OBJS:.o=.d) \
	$(TEST_REGISTRY_OBJS:.o=.d)

# Two sweeps of what make bench measures (QUICK= and ARGS= alike), back to
# back, compared cell by cell: how well a median speedup reproduces on this
# machine. A cell that failed verification is reported, not fatal; bad
# input or a stop is.
bench-repro: deps
	@$(MAKE) --no-print-directory all
	@runs=$$(sh mk/sweeps.sh 2 $(BUILD)/bench-repro $(BUILD)/parbench --no-plot $(BENCH_ARGS)) || \
		exit $$?; \
	set -- $$runs; \
	$(BUILD)/parbench compare "$$1" "$$2" > "$$2/compare.txt" || exit $$?; \
	echo "compared in $$2/compare.txt:"; \
	sed -n '/^cells:/,$$p' "$$2/compare.txt"
.PHONY: bench-repro

# Calibration of the intervals: the same sweep (QUICK= and ARGS= as for
# make bench) three times back to back, then, per kernel class, how often
# the runs' 95% CIs of the median overlap and hold each other's medians,
# against the targets docs/statistics.md states.  RUNS= sets how many.
RUNS ?= 3
bench-coverage: deps
	@$(MAKE) --no-print-directory all
	@runs=$$(sh mk/sweeps.sh $(RUNS) $(BUILD)/bench-coverage $(BUILD)/parbench --no-plot \
		$(BENCH_ARGS)) || exit $$?; \
	$(BUILD)/parbench coverage $$runs
.PHONY: bench-coverage

# The sweep on a machine that is doing other things: twice as it is, then
# once beside a background process that takes 40% of one CPU
# (mk/busy.sh); how far the busy run agrees with the quiet one before it
# (medians within 3%, the winners, both runs' intervals), beside how far
# the two quiet ones agree, which is what the machine alone allows.
bench-busy: deps
	@$(MAKE) --no-print-directory all
	@set -- $$(sh mk/busy.sh $(BUILD)/bench-busy $(BUILD)/parbench --no-plot \
		$(BENCH_ARGS)) || exit $$?; \
	test $$# -eq 3 || exit 1; \
	echo "quiet against quiet ($$1, $$2):"; \
	$(BUILD)/parbench compare $$1 $$2 | grep -E '^(medians within|winner per)' | sed 's/^/  /'; \
	echo "busy against quiet ($$2, $$3):"; \
	grep -hE '^(Interference|  Waiting for a CPU)' $(BUILD)/bench-busy-busy-1.log | sed 's/^ */  /'; \
	$(BUILD)/parbench compare $$2 $$3 | grep -E '^(medians within|winner per)' | sed 's/^/  /'; \
	$(BUILD)/parbench coverage $$2 $$3
.PHONY: bench-busy

# This machine's run level: the same sweep RUNS times with intervals over
# each run alone, then how much whole runs differ beyond them, per class,
# written as the machine profile later sweeps read from results/ (and
# make bench-coverage then checks with them); pooled with the profile
# already there, so that calibrations at several moments add up.
PROFILE ?= results/machine.profile
bench-calibrate: deps
	@$(MAKE) --no-print-directory all
	@runs=$$(sh mk/sweeps.sh $(RUNS) $(BUILD)/bench-calibrate $(BUILD)/parbench --no-plot \
		--no-profile $(BENCH_ARGS)) || exit $$?; \
	$(BUILD)/parbench coverage --save-profile $(PROFILE) $$runs
.PHONY: bench-calibrate

# How this machine's noise runs over time, what makes rounds differ: fib 35
# on one pinned CPU, 300 repetitions in one round (about 20 s), then
# parbench noise: how much one repetition varies, how far neighbours agree,
# and how much medians of 3, 6 and 12 consecutive ones vary.
bench-noise: deps
	@$(MAKE) --no-print-directory all
	@run=$$($(BUILD)/parbench --kernels fib --runners seq --workers 1 --rounds 1 --reps 300 \
		--max-reps 300 --no-overhead --no-plot -o $(BUILD)/bench-noise $(ARGS) | \
		sed -n 's|^Results: \(.*\)/$$|\1|p'); \
	test -n "$$run" || exit 1; \
	$(BUILD)/parbench noise "$$run"
.PHONY: bench-noise

# Problem size as the axis: sum and factorial over size ranges, seq against
# pthread and fork, drawn as cost and speedup against n (plots/latest/
# sizes-*.png); the report's break-even section puts each runner's
# measured crossing beside its modelled N*.  About 3 minutes on 2 cores.
SIZES ?= --size sum=2^8..2^26:x2 --size factorial=25..6400:x2
bench-sizes: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/parbench --kernels sum,factorial --runners seq,pthread,fork $(SIZES) $(ARGS)
.PHONY: bench-sizes

# Waiting, not computing: 1,000 tasks of 200 us under seq, pthread and
# async, then the three figures async must reach on 2 cores, each against
# its target: makespan on one worker with 100 in flight within 1.25x of
# n x latency / inflight, at least 20x faster than pthread on 2 workers,
# and p99 task latency within 1.5x of the wait.
bench-latency: $(BUILD)/parbench
	@$(BUILD)/parbench -k sleep -n sleep=1000 --latency-us 200 --inflight 100 \
		-r seq,pthread,async -w 1,2 -s dynamic --no-plot --no-overhead \
		-o $(BUILD)/bench-latency $(ARGS) > $(BUILD)/bench-latency.log || \
		{ cat $(BUILD)/bench-latency.log; exit 1; }
	@awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$$i] = i; next } \
		$$col["runner"] == "async" && $$col["workers"] == 1 && $$col["inflight"] == 100 { \
			a = $$col["median_s"]; ideal = $$col["ideal_s"]; p99 = $$col["task_p99_s"] } \
		$$col["runner"] == "pthread" && $$col["workers"] == 2 { p = $$col["median_s"] } \
		END { ok = a / ideal <= 1.25 && p / a >= 20 && p99 / 200e-6 <= 1.5; \
			printf "async, 1 worker, 100 in flight: %.3f ms = %.2fx the ideal %.3f ms " \
				"(target <= 1.25x)\n", a * 1e3, a / ideal, ideal * 1e3; \
			printf "pthread, 2 workers: %.1f ms, %.0fx slower than async (target >= 20x)\n", \
				p * 1e3, p / a; \
			printf "async p99 task latency: %.0f us = %.2fx the 200 us wait " \
				"(target <= 1.5x)\n", p99 * 1e6, p99 / 200e-6; \
			exit !ok }' $(BUILD)/bench-latency/latest/summary.csv
.PHONY: bench-latency

# A user's kernel against the same code built in: the built-in factorial
# and tests/userlib/factorial_lib.c (its very source, as a library built
# with the same flags), one worker under seq and pthread, medians side by
# side (target: within 2%); then the dispatch cost of an empty job with
# and without a library loaded.
bench-userkernel: $(BUILD)/parbench
	$(CC) $(CFLAGS) -fPIC -shared -Iinclude tests/userlib/factorial_lib.c \
		-o $(BUILD)/factorial-lib.so
	@$(BUILD)/parbench --kernel-lib $(BUILD)/factorial-lib.so -k factorial,factorial-lib \
		-n factorial=6000,factorial-lib=6000 -r seq,pthread -w 1 -s static --reps 60 --rounds 6 --max-reps 60 \
		--no-plot -o $(BUILD)/bench-userkernel $(ARGS) > $(BUILD)/bench-userkernel.log || \
		{ cat $(BUILD)/bench-userkernel.log; exit 1; }
	@cp $(BUILD)/bench-userkernel/latest/overhead.csv $(BUILD)/bench-userkernel-lib-overhead.csv
	@$(BUILD)/parbench -k factorial -n factorial=100 -r pthread -w 1 -s static --reps 3 \
		--no-plot -o $(BUILD)/bench-userkernel-none > /dev/null
	@awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$$i] = i; next } \
		{ m[$$col["kernel"] " " $$col["runner"]] = $$col["median_s"] } \
		END { bad = 0; for (r = 1; r <= 2; r++) { run = r == 1 ? "seq" : "pthread"; \
			a = m["factorial " run]; b = m["factorial-lib " run]; d = (b / a - 1) * 100; \
			printf "%-7s 1 worker: built-in %.4f s, from the library %.4f s: %+.2f%% " \
				"(target within 2%%)\n", run, a, b, d; bad += d > 2 || d < -2 } \
			exit bad }' $(BUILD)/bench-userkernel/latest/summary.csv
	@for f in $(BUILD)/bench-userkernel-lib-overhead.csv \
		$(BUILD)/bench-userkernel-none/latest/overhead.csv; do \
		awk -F, -v what="$$f" 'NR == 1 { for (i = 1; i <= NF; i++) col[$$i] = i; next } \
			$$col["runner"] == "pthread" { printf "pthread dispatch + join, 1 worker: " \
				"%.3f us (%s)\n", $$col["overhead_us"], what ~ /lib/ ? \
				"library loaded" : "no library" }' "$$f"; done
.PHONY: bench-userkernel

# Pinned against unpinned, medians side by side (the placement check).
bench-pinning: deps
	@$(MAKE) --no-print-directory $(BUILD)/parbench
	$(BUILD)/parbench --kernels factorial,sum --pin compact --pin none $(ARGS)
.PHONY: bench-pinning

# What the harness costs per repetition as repetitions grow: one 1-us cell
# timed 2,000 and 20,000 times (the CI never narrow enough to stop it),
# each less the same run with 10 repetitions (the program's fixed cost);
# the second may cost at most 12 times the first (linear would be 10).
bench-reps: $(BUILD)/parbench
	@times=""; for n in 10 2000 20000; do \
		start=$$(date +%s.%N); \
		$(BUILD)/parbench -k fib -n fib=12 -r seq --reps 10 --max-reps $$n \
			--target-ci 0.001 --cell-budget 1000 --rounds 1 --no-plot --no-overhead \
			-o $(BUILD)/bench-reps >/dev/null || exit 1; \
		times="$$times $$start $$(date +%s.%N)"; \
	done; \
	echo $$times | awk '{ z = $$2 - $$1; a = $$4 - $$3 - z; b = $$6 - $$5 - z; \
		printf "fixed cost %.3f s; then 2,000 repetitions %.3f s, 20,000 %.3f s: " \
			"%.1fx (target <= 12x)\n", z, a, b, b / a; \
		exit !(b <= 12 * a) }'
.PHONY: bench-reps
