// SPDX-License-Identifier: GPL-2.0
/* forkstats cat: a backend's files as the module writes them. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "calls.h"
#include "cli.h"
#include "procfile.h"
#include "textparse.h"

static const char *const cat_files[] = { "proc", "calls", "hist", "probes" };

/* The index of a file name of cat, or -1. */
static int cat_file(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cat_files) / sizeof(cat_files[0]); i++)
		if (!strcmp(name, cat_files[i]))
			return (int)i;
	return -1;
}

/*
 * The BPF backend's files.  It has no text: these are its structs (source.h)
 * written in the module's formats, for the readers that compare the two
 * backends' files (tests/guest/45-bpf.sh, fsaccept through --serve).  The
 * commands never read this text: they take the structs.
 */
static void put_value(FILE *f, uint64_t v, int unknown)
{
	if (unknown)
		fprintf(f, " %14s", "-");
	else
		fprintf(f, " %14llu", (unsigned long long)v);
}

static void put_row(FILE *f, const char *name, const struct fs_proc_row *row)
{
	int i;

	fprintf(f, "%-8s", name);
	for (i = 0; i < FS_AGG_COUNT; i++)
		put_value(f, row->v[i], !!(row->unknown & (1u << i)));
	fputc('\n', f);
}

static void text_proc(FILE *f, const struct fs_proc *p)
{
	size_t i;
	int k;

	fprintf(f, "forkstats %u kernel=%s split=%s page_size=%llu probes=", p->version, p->kernel,
		p->split, (unsigned long long)p->page_size);
	for (i = 0; i < p->nprobes; i++)
		fprintf(f, "%s%s", i ? "," : "", p->probes[i]);
	fprintf(f, " backend=%s chain=%s", p->backend, p->chain);
	if (p->approx[0])
		fprintf(f, " approx=%s", p->approx);
	fprintf(f, "\n%-8s", "kind");
	for (k = 0; k < FS_AGG_COUNT; k++)
		fprintf(f, " %14s", fs_agg_column_name(k));
	fputc('\n', f);
	for (k = 0; k < FS_KIND_COUNT; k++)
		put_row(f, fs_kind_name((unsigned int)k), &p->kinds[k]);
	put_row(f, "total", &p->total);
	fputc('\n', f);
	for (i = 0; i < p->ncounters; i++)
		fprintf(f, "%s %llu\n", p->counters[i].name, (unsigned long long)p->counters[i].value);
}

/* A field is never empty: an empty comm is written \x00, as the module does. */
static void put_comm(FILE *f, const char *comm)
{
	char out[FS_COMM_ESCAPED];

	fputs(fs_comm_escape(comm, out) ? out : "\\x00", f);
}

static int text_record(void *ctx, const struct fs_call *x)
{
	const struct fs_record *r = &x->r;
	FILE *f = ctx;
	int first = 1;

#define FS_COL_PUT(name, type)							\
	do {									\
		if (!first)							\
			fputc(' ', f);						\
		first = 0;							\
		if (x->unknown & (1u << FS_COL_##name))				\
			fputc('-', f);						\
		else								\
			PUT_##type(name);					\
	} while (0);
#define PUT_U64(name)	fprintf(f, "%llu", (unsigned long long)r->name)
#define PUT_U32(name)	fprintf(f, "%u", (unsigned int)r->name)
#define PUT_S32(name)	fprintf(f, "%d", (int)r->name)
#define PUT_HEX(name)	fprintf(f, "0x%llx", (unsigned long long)r->name)
#define PUT_KIND(name)	fputs(fs_kind_name(r->name), f)
#define PUT_COMM(name)	put_comm(f, r->name)
	FS_RECORD_COLUMNS(FS_COL_PUT)
#undef FS_COL_PUT
#undef PUT_U64
#undef PUT_U32
#undef PUT_S32
#undef PUT_HEX
#undef PUT_KIND
#undef PUT_COMM
	fputc('\n', f);
	return 0;
}

static void text_hist(FILE *f, const struct fs_hist *h)
{
	size_t i;

	fputs("# kind latency lo_ns hi_ns count\n", f);
	for (i = 0; i < h->n; i++)
		fprintf(f, "%s %s %llu %llu %llu\n", fs_kind_name(h->v[i].kind),
			h->v[i].total ? "total" : "create", (unsigned long long)h->v[i].lo_ns,
			(unsigned long long)h->v[i].hi_ns, (unsigned long long)h->v[i].count);
}

static void text_probes(FILE *f, const struct fs_probes *pr)
{
	size_t i;

	fputs("# probe type attached hits missed\n", f);
	for (i = 0; i < pr->nprobes; i++)
		fprintf(f, "%s %s %d %llu %llu\n", pr->probes[i].name, pr->probes[i].type,
			pr->probes[i].attached, (unsigned long long)pr->probes[i].hits,
			(unsigned long long)pr->probes[i].missed);
	fputc('\n', f);
	for (i = 0; i < pr->ncounters; i++) {
		fprintf(f, "%s %llu\n", pr->counters[i].name,
			(unsigned long long)pr->counters[i].value);
		/* The kprobe chain's group follows its maxactive, as the backend had it. */
		if (pr->kprobe_group[0] && !strcmp(pr->counters[i].name, "kretprobe_maxactive"))
			fprintf(f, "kprobe_group %s\n", pr->kprobe_group);
	}
}

/* File i of cat_files[] from the BPF backend's structs: 0, or a source's code. */
static int bpf_text(struct fs_cli *cli, int i, FILE *f, char *err, size_t errlen)
{
	union {
		struct fs_proc p;
		struct fs_hist h;
		struct fs_probes pr;
	} u;
	int ret;

	switch (i) {
	case 0:
		ret = fs_source_snapshot(cli->src, &u.p, err, errlen);
		if (!ret)
			text_proc(f, &u.p);
		return ret;
	case 1:
		fputc('#', f);
		for (i = 0; i < FS_COL_COUNT; i++)
			fprintf(f, " %s", fs_record_column_name(i));
		fputc('\n', f);
		return fs_source_records(cli->src, text_record, f, NULL, err, errlen);
	case 2:
		ret = fs_source_hist(cli->src, &u.h, err, errlen);
		if (!ret)
			text_hist(f, &u.h);
		fs_hist_free(&u.h);
		return ret;
	default:
		ret = fs_source_probes(cli->src, &u.pr, err, errlen);
		if (!ret)
			text_probes(f, &u.pr);
		return ret;
	}
}

/* The text of one file, or NULL after one error line. */
static char *cat_text(struct fs_cli *cli, const char *name, size_t *len)
{
	char err[512], q[FS_QUOTE_MAX], *t = NULL;
	int i = cat_file(name), ret;
	FILE *f;

	if (i < 0) {
		fs_cli_error("cat: FILE is proc, calls, hist or probes, not '%s'",
			     fs_quote(name, q, sizeof(q)));
		return NULL;
	}
	if (fs_source_backend(cli->src) == FS_BACKEND_MODULE) {
		ret = fs_source_text(cli->src, name, &t, len, err, sizeof(err));
	} else {
		f = open_memstream(&t, len);
		if (!f) {
			fs_cli_error("out of memory");
			return NULL;
		}
		ret = bpf_text(cli, i, f, err, sizeof(err));
		if (fclose(f) && !ret)
			ret = fs_fail(err, sizeof(err), "out of memory");
	}
	if (ret) {
		fs_cli_source_error(cli, ret, err);
		free(t);
		return NULL;
	}
	return t;
}

/*
 * --serve: one file name per line on stdin; each answer is the file's text
 * and a NUL byte (an error: no text, the NUL, and a line on stderr).  Lets a
 * measuring program read the files without running any code of its own.
 */
static int serve(struct fs_cli *cli)
{
	char *line = NULL;
	size_t len, size = 0;
	ssize_t n;
	char *t;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	while ((n = getline(&line, &size, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		t = cat_text(cli, line, &len);
		if (t)
			fwrite(t, 1, len, stdout);
		free(t);
		fputc('\0', stdout);
		if (fflush(stdout)) {
			free(line);
			return 1;
		}
	}
	free(line);
	return 0;
}

static int run_cat(struct fs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "serve", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int i, c, serving = 0;
	size_t len;
	char *t;

	while ((c = fs_cli_getopt(&fs_cmd_cat, argc, argv, "", opts)) != -1) {
		if (c != 's')
			return 2;
		serving = 1;
	}
	if (serving && optind < argc)
		return fs_cli_usage_error(&fs_cmd_cat, "--serve reads the names from stdin, not '%s'",
					  argv[optind]);
	if (serving)
		return serve(cli);
	if (optind == argc)
		return fs_cli_usage_error(&fs_cmd_cat, "no FILE (proc, calls, hist or probes)");
	for (i = optind; i < argc; i++)
		if (cat_file(argv[i]) < 0)
			return fs_cli_usage_error(&fs_cmd_cat,
						  "FILE is proc, calls, hist or probes, not '%s'",
						  argv[i]);
	for (i = optind; i < argc; i++) {
		t = cat_text(cli, argv[i], &len);
		if (!t)
			return 1;
		fwrite(t, 1, len, stdout);
		free(t);
	}
	return fflush(stdout) ? 1 : 0;
}

const struct fs_command fs_cmd_cat = {
	.name = "cat",
	.run = run_cat,
	.usage = "cat FILE... | cat --serve",
	.help = "Print the backend's files as the module writes them: proc (/proc/forkstats),\n"
		"calls, hist, probes (debugfs).  --serve: answer file names read from stdin,\n"
		"each answer ended by a NUL byte.\n",
};
