/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser for per-call records in their text form: debugfs forkstats/calls and
 * forkstats/events (docs/interfaces.md).  Columns are found by the header's
 * names, so records from a module with more columns still parse.
 */
#ifndef FORKSTATS_CALLS_H
#define FORKSTATS_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include <forkstats/record.h>

#include "paths.h"

#define FS_CALLS_MAX_FIELDS	64
#define FS_CALLS_MAX_BYTES	(256u << 20)

struct fs_calls_cols {
	int n;				/* fields per line */
	int map[FS_CALLS_MAX_FIELDS];	/* field -> enum fs_record_column, or -1 */
	uint32_t present;		/* bit per column the header has; the others are unknown */
};

struct fs_call {
	struct fs_record r;
	uint32_t unknown;		/* bit per column printed as "-", or absent */
};

struct fs_calls {
	struct fs_call *v;
	size_t n, cap;
	uint64_t lost;			/* from "# lost N" lines */
};

/* "# seq ts_ns ..." -> column map.  0, or -1 with a reason. */
int fs_calls_header(char *line, struct fs_calls_cols *c, char *err, size_t errlen);
/* One record line (modified in place).  0, or -1 with a reason. */
int fs_calls_record(char *line, const struct fs_calls_cols *c, struct fs_call *out,
		    char *err, size_t errlen);
/* A whole calls file.  0, or -1 with a reason naming the line. */
int fs_calls_parse(const char *text, size_t len, struct fs_calls *out, char *err, size_t errlen);
/*
 * A whole calls file, each record handed to fn as it is parsed (a non-zero
 * return stops: "out of memory"); text is parsed in place.  Losses ("# lost
 * N") are added to *lost.  0, or -1 with a reason naming the line.
 */
typedef int (*fs_call_fn)(void *ctx, const struct fs_call *x);
int fs_calls_parse_each(char *text, size_t len, fs_call_fn fn, void *ctx, uint64_t *lost,
			char *err, size_t errlen);
int fs_calls_read(const char *path, struct fs_calls *out, char *err, size_t errlen);
/*
 * The module's events stream (debugfs "events"; source_module.c), parsed as
 * it is read from fd: the header, then records and "# lost N" lines.  A line
 * longer than the buffer, a NUL byte, a last line cut by the end of the
 * stream, or a line that does not parse is an error naming the line.
 */
#define FS_EVENTS_LINE_MAX	(64 * 1024)

struct fs_events {
	int fd;
	int header;			/* the header was read */
	struct fs_calls_cols cols;
	unsigned long long lineno;	/* lines read */
	size_t start, have;		/* bytes not parsed yet: buf[start, have) */
	char buf[FS_EVENTS_LINE_MAX];
};

enum fs_events_next {
	FS_EVENTS_ERROR = -1,		/* err says why, naming the line */
	FS_EVENTS_RECORD,		/* *x is the next record */
	FS_EVENTS_LOST,			/* *lost records were lost ("# lost N") */
	FS_EVENTS_AGAIN,		/* no whole line yet: EAGAIN, or EINTR (errno says) */
	FS_EVENTS_END,			/* the end of the stream after its header (a file, a
					   closed pipe); before it, an error */
};

void fs_events_init(struct fs_events *e, int fd);
/* The next record or loss of the stream: one of enum fs_events_next. */
int fs_events_next(struct fs_events *e, struct fs_call *x, uint64_t *lost, char *err,
		   size_t errlen);

/* Appends a record.  0, or -1 when out of memory. */
int fs_calls_push(struct fs_calls *c, const struct fs_call *x);
void fs_calls_free(struct fs_calls *c);
const char *fs_record_column_name(int col);
/*
 * A comm in the files' COMM form: bytes outside '!'..'~', and '\\', as
 * \\xHH.  out holds FS_COMM_ESCAPED bytes; returns the length (0: empty comm).
 */
#define FS_COMM_ESCAPED	(4 * FS_COMM_LEN + 1)
size_t fs_comm_escape(const char *comm, char *out);
int fs_record_column(const char *name);

#endif /* FORKSTATS_CALLS_H */
