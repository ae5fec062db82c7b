/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The garbage-input generator for the module's writable files
 * (/proc/forkstats and debugfs control), in C because the guests have no
 * python (the CLI's garbage files are tests/gen_garbage.py's).  Used by
 * storm (tests/progs/storm.c):
 *
 *   garbage_write()  write i of a seeded series (storm badwrites,
 *                    tests/guest/55-input.sh): random bytes, a
 *                    command in whitespace, garbage around it, overlong (up
 *                    to 8 KiB), cut short, a NUL inside, numbers and other
 *                    words, by i % 8
 *   garbage_poke()   one write picked at random from a set (storm poke SET,
 *                    the storms of tests/guest/51-users-storm.sh and
 *                    53-parallel-storm.sh): junk, commands, bad numbers
 */
#ifndef FS_TESTS_PROGS_GARBAGE_H
#define FS_TESTS_PROGS_GARBAGE_H

#include <stddef.h>
#include <string.h>

#include "calls.h"

#define GARBAGE_MAX	8192	/* the longest write */

static inline unsigned int garbage_rnd(unsigned int *seed, unsigned int n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) % n;
}

/* Write i of the series of *seed into buf (GARBAGE_MAX + 2 bytes); its length. */
static inline size_t garbage_write(unsigned int *seed, unsigned int i, unsigned char *buf)
{
	static const char *const cmds[] = { "reset", "enable", "disable" };
	static const char *const words[] = {
		"-1", "0", "1", "99999999999999999999", "0x7fffffff", "enable=1", "RESET",
		"on", "off", "true", "records=0", "\xff\xfe", "%s%n", "reset;reset",
	};
	static const char ws[] = { ' ', '\t', '\n', '\r', '\v', '\f' };
	const char *c = cmds[garbage_rnd(seed, 3)], *w;
	size_t len = 0, k, cl = strlen(c);

	switch (i % 8) {
	case 0:		/* random bytes */
	case 7:
		len = 1 + garbage_rnd(seed, i % 8 ? 15 : 64);
		for (k = 0; k < len; k++)
			buf[k] = (unsigned char)garbage_rnd(seed, 256);
		break;
	case 1:		/* a command in whitespace */
		for (k = garbage_rnd(seed, 4); k > 0; k--)
			buf[len++] = (unsigned char)ws[garbage_rnd(seed, sizeof(ws))];
		memcpy(buf + len, c, cl);
		len += cl;
		for (k = garbage_rnd(seed, 4); k > 0; k--)
			buf[len++] = (unsigned char)ws[garbage_rnd(seed, sizeof(ws))];
		break;
	case 2:		/* garbage around it */
		memcpy(buf + 1, c, cl);
		buf[0] = (unsigned char)(33 + garbage_rnd(seed, 94));
		len = cl + 1;
		if (garbage_rnd(seed, 2)) {
			memmove(buf, buf + 1, cl);
			buf[cl] = (unsigned char)(33 + garbage_rnd(seed, 94));
		}
		break;
	case 3:		/* overlong */
		len = 16 + garbage_rnd(seed, GARBAGE_MAX - 16);
		for (k = 0; k < len; k++)
			buf[k] = (unsigned char)c[k % cl];
		break;
	case 4:		/* cut short */
		len = 1 + garbage_rnd(seed, (unsigned int)cl - 1);
		memcpy(buf, c, len);
		break;
	case 5:		/* a NUL inside */
		memcpy(buf, c, cl);
		buf[cl] = '\0';
		buf[cl + 1] = 'x';
		len = cl + 2 - garbage_rnd(seed, 2);
		break;
	case 6:		/* numbers and other words */
		w = words[garbage_rnd(seed, sizeof(words) / sizeof(words[0]))];
		len = strlen(w);
		memcpy(buf, w, len);
		break;
	}
	return len;
}

/* One poke: a file of the module and the bytes written to it. */
struct garbage_poke {
	const char *path;
	const char *data;
	size_t len;
};

#define GARBAGE_CONTROL		FS_DEBUGFS_DIR "/control"
#define GARBAGE_PROC		"/proc/forkstats"
#define GARBAGE_POKE(p, s)	{ p, s, sizeof(s) - 1 }

/*
 * The sets, each entry as likely as the others.  users: the users' storm's
 * (51): commands the users type, junk, a NUL inside, 4 KiB of spaces; no
 * disable (the records must go on).  parallel: the parallel storm's (53),
 * reset twice as likely.
 */
static const struct garbage_poke garbage_pokes_users[] = {
	GARBAGE_POKE(GARBAGE_CONTROL, "junk\n"),
	GARBAGE_POKE(GARBAGE_CONTROL, "reset\n"),
	GARBAGE_POKE(GARBAGE_CONTROL, "bogus 99999999999999999999\n"),
	GARBAGE_POKE(GARBAGE_PROC, "reset\n"),
	GARBAGE_POKE(GARBAGE_CONTROL, "reset\0junk"),
	GARBAGE_POKE(GARBAGE_CONTROL, "enable\n"),
	{ GARBAGE_CONTROL, NULL, 4096 },	/* 4095 spaces and an x */
	GARBAGE_POKE(GARBAGE_PROC, "-1\n"),
};
static const struct garbage_poke garbage_pokes_parallel[] = {
	GARBAGE_POKE(GARBAGE_CONTROL, "junk\n"),
	GARBAGE_POKE(GARBAGE_CONTROL, "reset\n"),
	GARBAGE_POKE(GARBAGE_CONTROL, "reset\n"),
	GARBAGE_POKE(GARBAGE_PROC, "reset\n"),
	GARBAGE_POKE(GARBAGE_CONTROL, "bogus 99999999999999999999\n"),
	GARBAGE_POKE(GARBAGE_PROC, "-1\n"),
};

/* A poke of a set, picked with *seed; its bytes into buf (GARBAGE_MAX). */
static inline const char *garbage_poke(unsigned int *seed, const struct garbage_poke *set,
				       size_t n, unsigned char *buf, size_t *len)
{
	const struct garbage_poke *p = &set[garbage_rnd(seed, (unsigned int)n)];

	*len = p->len;
	if (p->data) {
		memcpy(buf, p->data, p->len);
	} else {
		memset(buf, ' ', p->len - 1);
		buf[p->len - 1] = 'x';
	}
	return p->path;
}

#endif
