#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "summary_columns.h"

#define KEY_COLUMNS "run_id,kernel,n,runner,schedule,chunk,workers,pin,oversubscribed,scaling," \
	"base_n,latency_us,inflight"

static int key_fields(FILE *f, const char *run_id, const struct pb_cell_result *r)
{
	const struct pb_cell *c = &r->cell;
	return fprintf(f, "%s,%s,%llu,%s,%s,%llu,%u,%s,%d,%s,%llu,%u,%u", run_id,
		       c->kernel->name, (unsigned long long)c->n, c->runner->name,
		       pb_cell_schedule_name(c), (unsigned long long)c->sched.chunk,
		       c->workers, r->pin[0] ? r->pin : "none", c->oversubscribed,
		       pb_scaling_name(c->scaling),
		       (unsigned long long)(c->base_n ? c->base_n : c->n), c->latency_us,
		       c->inflight);
}

/* A CPU list field: "0;1", or empty when there is nothing to say. */
static void cpu_field(FILE *f, const int *cpus, unsigned count, size_t stride)
{
	char buf[16];
	fputc(',', f);
	for (unsigned i = 0; cpus && i < count; i++) {
		int c = cpus[i * stride];
		pb_cpulist_format(&c, 1, buf, sizeof(buf));
		fprintf(f, "%s%s", i ? ";" : "", buf);
	}
}

/* A number that reads back as exactly the same double (the shortest of
 * %.15g and %.17g that does), or an empty field where it does not apply. */
static void number(FILE *f, double x)
{
	char buf[32];

	if (!isfinite(x)) {
		fputc(',', f);
		return;
	}
	snprintf(buf, sizeof(buf), "%.15g", x);
	if (strtod(buf, NULL) != x)
		snprintf(buf, sizeof(buf), "%.17g", x);
	fprintf(f, ",%s", buf);
}

int pb_csv_raw_header(FILE *f)
{
	return fputs(KEY_COLUMNS ",rep,round,peer_ns,seconds,comm_seconds,result,expected,ok,cpus,"
		     "cpus_bound,cpus_start,cpus_end,on_binding,nodes,migrations,steal_pct,probe_ns,"
		     "invol_switches,disturbed,queued_s,counted\n", f) < 0 ? -EIO : 0;
}

int pb_csv_raw_rows(FILE *f, const char *run_id, const struct pb_cell_result *r,
		    unsigned from)
{
	for (unsigned i = from; i < r->rep_count; i++) {
		const struct pb_rep *rep = &r->reps[i];
		key_fields(f, run_id, r);
		fprintf(f, ",%u,%u", i, rep->round);
		number(f, rep->peer_ns);
		number(f, rep->seconds);
		number(f, rep->comm_seconds >= 0 ? rep->comm_seconds : NAN);
		fprintf(f, ",%llu,%llu,%d", (unsigned long long)rep->result,
			(unsigned long long)r->expected, rep->ok);
		unsigned w = r->cell.workers;
		int bound = r->cpus && r->cpus[0] >= 0, on = 1;
		cpu_field(f, bound ? r->cpus : NULL, w, 1);
		for (unsigned k = 0; k < 3; k++)
			cpu_field(f, r->seen ? pb_cell_seen(r, i, 0) + k : NULL, w, 3);
		for (unsigned k = 0; bound && r->seen && k < w; k++) {
			const int *s = pb_cell_seen(r, i, k);
			on &= s[0] == r->cpus[k] && s[1] == r->cpus[k] && s[2] == r->cpus[k];
		}
		if (bound && r->seen)
			fprintf(f, ",%d", on);
		else
			fputc(',', f); /* not bound: nothing to check */
		fprintf(f, ",%s", r->nodes ? r->nodes : "");
		/* Workers that ended the repetition on another CPU than they
		 * began it on; empty where not seen. */
		if (r->seen) {
			unsigned moved = 0;
			for (unsigned k = 0; k < w; k++) {
				const int *s = pb_cell_seen(r, i, k);
				moved += s[1] >= 0 && s[2] >= 0 && s[1] != s[2];
			}
			fprintf(f, ",%u", moved);
		} else {
			fputc(',', f);
		}
		number(f, rep->steal_pct);
		number(f, rep->probe_ns);
		if (rep->invol >= 0)
			fprintf(f, ",%ld", rep->invol);
		else
			fputc(',', f);
		fprintf(f, ",%d", rep->disturbed);
		number(f, rep->queued_s);
		/* In the cell's estimate: verified, and not left out for
		 * waiting on the CPU (pb_rep_counts). */
		fprintf(f, ",%d\n", pb_rep_counts(r, i) ? 1 : 0);
	}
	return ferror(f) ? -EIO : 0;
}

int pb_csv_summary_header(FILE *f)
{
#define NAME(name, value) "," #name
	return fputs(KEY_COLUMNS PB_SUMMARY_COLUMNS(NAME, NAME, NAME) "\n", f) < 0 ? -EIO : 0;
#undef NAME
}

int pb_csv_summary_row(FILE *f, const char *run_id, const struct pb_cell_result *r)
{
#define COUNT(name, value) fprintf(f, ",%u", (unsigned)(value));
#define DOUBLE(name, value) number(f, value);
#define TOKEN(name, value) fprintf(f, ",%s", value);
	key_fields(f, run_id, r);
	PB_SUMMARY_COLUMNS(COUNT, DOUBLE, TOKEN)
	fputc('\n', f);
#undef COUNT
#undef DOUBLE
#undef TOKEN
	return ferror(f) ? -EIO : 0;
}

int pb_csv_split(char *line, char **fields, size_t max)
{
	size_t count = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *p = line;;) {
		if (count == max)
			return -E2BIG;
		fields[count++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			return (int)count;
		*comma = '\0';
		p = comma + 1;
	}
}

void pb_token_sanitize(char *s)
{
	for (; *s; s++)
		if (*s == ',' || *s == ' ' || *s == '"' || *s == '\n' || *s == '\r' ||
		    *s == '\t')
			*s = *s == ' ' ? '-' : '_';
}
