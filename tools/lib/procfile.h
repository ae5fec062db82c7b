/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser for /proc/forkstats (format: docs/interfaces.md), shared by the CLI,
 * the workloads and the tests.
 */
#ifndef FORKSTATS_PROCFILE_H
#define FORKSTATS_PROCFILE_H

#include <stddef.h>
#include <stdint.h>

#define FS_PROC_PATH		"/proc/forkstats"
#define FS_PROC_VERSION		1	/* the format version this parser reads */
#define FS_PROC_MAX_PROBES	32
#define FS_PROC_NAME_MAX	64
#define FS_PROC_MAX_BYTES	(64 * 1024)

struct fs_probe_row {
	char name[FS_PROC_NAME_MAX];	/* probed kernel symbol */
	uint64_t hits;			/* handler runs since load */
	uint64_t missed;		/* kprobe nmissed */
};

struct fs_proc {
	unsigned int version;
	size_t nprobes;
	struct fs_probe_row probes[FS_PROC_MAX_PROBES];
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

/* The row of a probe by name, or NULL. */
const struct fs_probe_row *fs_proc_probe(const struct fs_proc *p, const char *name);

#endif /* FORKSTATS_PROCFILE_H */
