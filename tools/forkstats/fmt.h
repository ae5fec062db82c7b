/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output layer's own: numbers made without printf and bytes written
 * without the stream's lock, shared by json.c, table.c and prom.c (static
 * inline: a row calls them some twenty times).  Not for the commands.
 */
#ifndef FORKSTATS_FMT_H
#define FORKSTATS_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * Numbers in text without printf, whose parsing of a format costs more than
 * the number: calls over a full ring prints a million of them.  Each writes
 * out[] (FS_NUM_MAX bytes) with its NUL, the same bytes as the printf
 * conversion named, and returns the length.  Only those a benchmark shows
 * to matter: "forkstats --json calls" over 65 536 records (bench/run's read
 * path) takes 0.72 G instructions with them, 1.45 G with snprintf in their
 * place (0.89 G with fmt_i64 alone by snprintf); "forkstats calls" (text)
 * 0.67 G, 2.23 G (1.47 G with fmt_tenths alone by snprintf).  Hexadecimal
 * (no command prints it in text) and Prometheus text (a few hundred
 * numbers) use printf.
 */
#define FS_NUM_MAX	24

/* "%" PRIu64: the length first, then the digits from the last, two at a time. */
static inline size_t fmt_u64(char *out, uint64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324"
		"25262728293031323334353637383940414243444546474849"
		"50515253545556575859606162636465666768697071727374"
		"75767778798081828384858687888990919293949596979899";
	uint64_t pow10 = 10;
	size_t n = 1, i;

	while (n < 20 && v >= pow10) {
		n++;
		pow10 *= 10;
	}
	out[n] = '\0';
	for (i = n; v >= 100; v /= 100) {
		i -= 2;
		memcpy(out + i, pairs + 2 * (v % 100), 2);
	}
	if (v >= 10)
		memcpy(out + i - 2, pairs + 2 * v, 2);
	else
		out[i - 1] = (char)('0' + v);
	return n;
}

/* "%" PRId64 */
static inline size_t fmt_i64(char *out, int64_t v)
{
	if (v >= 0)
		return fmt_u64(out, (uint64_t)v);
	out[0] = '-';
	return 1 + fmt_u64(out + 1, 0 - (uint64_t)v);
}

/*
 * "%.1f", rounded as printf rounds: the exact binary value of x to the
 * nearest tenth, a tie to the even tenth.  For 1 <= x < 2^52 (any value in
 * a larger unit) the integer part and the fraction are exact, the fraction a
 * whole number of 2^-52: the tenth and the rest below it are integer
 * arithmetic.  Other values go to printf.
 */
static inline size_t fmt_tenths(char *out, double x)
{
	const uint64_t one = 1ULL << 52, half = one / 2;
	uint64_t ip, frac, t, d;
	size_t n;

	if (!(x >= 1 && x < 0x1p52))
		return (size_t)snprintf(out, FS_NUM_MAX, "%.1f", x);
	ip = (uint64_t)x;
	frac = (uint64_t)((x - (double)ip) * 0x1p52);	/* exact: x - ip, and its bits */
	t = frac * 10;
	d = t / one;
	if (t % one > half || (t % one == half && d % 2))
		d++;
	if (d == 10) {
		ip++;
		d = 0;
	}
	n = fmt_u64(out, ip);
	out[n++] = '.';
	out[n++] = (char)('0' + d);
	out[n] = '\0';
	return n;
}

/*
 * Bytes to f.  A row is some twenty short pieces: a stdio call for each costs
 * more than writing them.  Only the CLI's main thread writes to its streams,
 * so the bytes go without the stream's lock (POSIX putc_unlocked).
 */
static inline void put(FILE *f, const char *s, size_t n)
{
	while (n--)
		putc_unlocked(*s++, f);
}

static inline void put_char(FILE *f, char c)
{
	putc_unlocked(c, f);
}

#endif /* FORKSTATS_FMT_H */
