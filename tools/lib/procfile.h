/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser for /proc/forkstats (format version 2, docs/interfaces.md), shared by
 * the CLI, the workloads and the tests.
 */
#ifndef FORKSTATS_PROCFILE_H
#define FORKSTATS_PROCFILE_H

#include <stddef.h>
#include <stdint.h>

#include <forkstats/record.h>

#include "paths.h"

#define FS_PROC_VERSION		FS_PROC_FORMAT_VERSION	/* the format version this parser reads */
#define FS_PROC_MAX_PROBES	32
#define FS_PROC_MAX_COUNTERS	64
#define FS_PROC_NAME_MAX	64
#define FS_PROC_MAX_BYTES	(64 * 1024)

struct fs_proc_row {
	uint64_t v[FS_AGG_COUNT];	/* by enum fs_agg_column */
	uint32_t unknown;		/* bit per column printed as "-" or absent */
};

struct fs_proc_counter {
	char name[FS_PROC_NAME_MAX];
	uint64_t value;
};

struct fs_proc {
	unsigned int version;
	char kernel[65];		/* a release: at most 64 bytes (utsname) */
	char split[16];			/* copies | reuses | unknown */
	char backend[16];		/* module (default) | bpf */
	char chain[16];			/* bpf: fentry | tracepoint */
	char approx[256];		/* record columns given approximately, comma-separated */
	uint64_t page_size;		/* bytes of a page (rss_pages), 0 when line 1 lacks it */
	size_t nprobes;
	char probes[FS_PROC_MAX_PROBES][FS_PROC_NAME_MAX];
	struct fs_proc_row kinds[FS_KIND_COUNT];
	struct fs_proc_row total;
	size_t ncounters;
	struct fs_proc_counter counters[FS_PROC_MAX_COUNTERS];
};

/*
 * Parse the text of /proc/forkstats.  Returns 0, or -1 with a one-line reason
 * (no trailing newline) in err.
 */
int fs_proc_parse(const char *text, size_t len, struct fs_proc *out,
		  char *err, size_t errlen);

/*
 * Read and parse a file (normally FS_PROC_PATH).  Returns 0, or -1 with a
 * one-line reason in err; a missing /proc/forkstats is reported as the module
 * not being loaded.
 */
int fs_proc_read(const char *path, struct fs_proc *out, char *err, size_t errlen);

/* A "name value" counter by name (e.g. "zero_page_cow", "missed_do_wp_page"). */
const struct fs_proc_counter *fs_proc_counter(const struct fs_proc *p, const char *name);
const struct fs_proc_counter *fs_counter_find(const struct fs_proc_counter *v, size_t n,
					      const char *name);
/* Parse a split "<name> <value>" line into v[*count]; 0, or -1 with a reason. */
int fs_counter_line(char **f, int n, struct fs_proc_counter *v, size_t *count, int lineno,
		    char *err, size_t errlen);

/* The aggregate column index for a name, or -1. */
int fs_agg_column(const char *name);
const char *fs_agg_column_name(int col);
/*
 * Its key in the CLI's JSON ("show --json", docs/interfaces.md): the name,
 * but the means are named as every command names a mean, with the unit
 * first (create_avg_ns: create_ns_mean, total_avg_ns: total_ns_mean).
 */
const char *fs_agg_json_key(int col);

#endif /* FORKSTATS_PROCFILE_H */
