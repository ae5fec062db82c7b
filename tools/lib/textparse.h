/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the parsers of forkstats' text files. */
#ifndef FORKSTATS_TEXTPARSE_H
#define FORKSTATS_TEXTPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Format a one-line reason into err; returns -1. */
int fs_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Split a line into at most max whitespace-separated fields, in place;
 * returns max + 1 when there are more. */
int fs_split(char *line, char **fields, int max);
int fs_parse_u64(const char *s, uint64_t *v);
int fs_parse_s64(const char *s, int64_t *v);
int fs_parse_hex(const char *s, uint64_t *v);
/* Seconds, a decimal fraction allowed, within 0.1 .. max_s: into ns. */
int fs_parse_seconds(const char *s, double max_s, uint64_t *ns);
/* [A-Za-z0-9_.]+, shorter than max */
int fs_valid_name(const char *s, size_t max);
/*
 * Text that can be parsed line by line: 0, or -1 with a reason (naming the
 * line) for empty text, NUL bytes, or a last line without its newline.
 */
int fs_text_check(const char *text, size_t len, char *err, size_t errlen);
/* A NUL-terminated copy of text for in-place parsing, or NULL (fs_text_check's reason). */
char *fs_text_copy(const char *text, size_t len, char *err, size_t errlen);

/*
 * A value of a file, for an error message: bytes outside '!'..'~', '"' and
 * '\' written \xHH (a message is one line and writes nothing to a
 * terminal), cut with "..." to fit len bytes (at least 4).  Returns buf.
 */
#define FS_QUOTE_MAX	48
const char *fs_quote(const char *s, char *buf, size_t len);

/*
 * Read a whole file (seq_file files must be read to EOF) into a NUL-terminated
 * buffer of at most max bytes (caller frees), or NULL with a reason.  A
 * missing /proc/forkstats is reported as the module not being loaded.
 */
char *fs_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);

/*
 * Read a file and parse it with parse(); a parse error is prefixed by the
 * path.  text is the buffer read, NUL-terminated: parse() may modify it.
 */
typedef int (*fs_parse_fn)(char *text, size_t len, void *out, char *err, size_t errlen);
int fs_read_parsed(const char *path, size_t max, fs_parse_fn parse, void *out,
		   char *err, size_t errlen);

#endif /* FORKSTATS_TEXTPARSE_H */
