// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats top: a live per-command view of fork activity.
 *
 * Every interval the debugfs "calls" ring is read again.  A screen shows, per
 * command name (the comm of the task that made the call), the calls that are
 * new since the previous read (seq above the highest seen) and the COW faults
 * that any record gained since then: COW keeps accumulating on a record after
 * its call completed, so the previous read's counts are kept by seq and only
 * the difference is shown.  The first read is the baseline.  Calls that left
 * the ring before they could be read (seq numbers skipped, or "# lost N"
 * lines) are counted as missed in the header, never dropped silently.
 *
 * On a terminal the screen is redrawn in place (q or Ctrl-C quits, the
 * terminal is restored on every way out); otherwise, or with -n, each
 * refresh is a text block, or with --json one JSON object per line.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "calls.h"
#include "cli.h"
#include "grouptable.h"
#include "textparse.h"

/*
 * Text columns, chosen to fit 80 columns: COMMAND (at most LABEL_MAX) then
 * CALLS FAILED TOTAL TOTAL_P99 PGTABLES COW_P COW_C with usual values
 * ("731.3 us", "164.0 KiB") take 15+2+5+2+6+2+8+2+9+2+9+2+5+2+5 = 76 columns;
 * wider values are cut at the terminal's edge.  JSON has every column but
 * the per-call ones: a command's COW faults include those its older calls
 * gained (below), which are not faults per call of the interval.
 */
static const int text_cols[] = {
	FS_GT_calls, FS_GT_failed, FS_GT_total_ns_mean, FS_GT_total_ns_p99,
	FS_GT_pgtable_bytes, FS_GT_cow_parent, FS_GT_cow_child,
};
#define N_TEXT_COLS ((int)(sizeof(text_cols) / sizeof(text_cols[0])))
#define LABEL_MAX	15	/* a comm has at most 15 bytes; escaped ones are cut */
#define HEAD_LINES	2	/* the header, before the table */

/* The COW columns of a record and the group counts they add to. */
static const struct {
	int col, count;
} cow_cols[] = {
	{ FS_COL_cow_parent, FS_GROUP_cow_parent },
	{ FS_COL_cow_child, FS_GROUP_cow_child },
	{ FS_COL_cow_copies, FS_GROUP_cow_copies },
	{ FS_COL_cow_reuses, FS_GROUP_cow_reuses },
};
#define N_COW 4

static uint64_t cow_of(const struct fs_record *r, int i)
{
	switch (i) {
	case 0:
		return r->cow_parent;
	case 1:
		return r->cow_child;
	case 2:
		return r->cow_copies;
	default:
		return r->cow_reuses;
	}
}

/* What one record adds to its command's row in an interval. */
struct item {
	const struct fs_call *x;
	int fresh;			/* a new call: counted whole */
	uint64_t d[N_COW];		/* otherwise: the COW it gained */
	uint32_t unknown;		/* group counts it cannot give */
};

struct cmd {
	char comm[FS_COMM_LEN];
	struct fs_group g;
};

struct top {
	struct fs_cli *cli;
	uint64_t interval_ns;
	long count;			/* -n, or -1 */
	int live;			/* refreshing a terminal in place */
	int rows, cols;			/* its size */
	struct fs_calls prev;		/* the previous read, by seq */
	uint64_t max_seq;		/* the highest seq read so far */
	int have_seq;			/* some record was read */
	uint64_t prev_mono;		/* CLOCK_MONOTONIC at the previous read */
	/* The last screen. */
	int shown;			/* screens made */
	struct timespec wall;		/* CLOCK_REALTIME at its read */
	uint64_t interval;		/* ns since the read before */
	uint64_t calls, missed;
	struct cmd *v;
	size_t n;
};

static volatile sig_atomic_t stop, winch, tstp;

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		winch = 1;
	else if (sig == SIGTSTP)
		tstp = 1;
	else
		stop = 1;
}

/* The terminal, restored on every way out (also from exit(): atexit). */
static struct termios saved_tio;
static int term_on;

static void write_all(const char *s, size_t len)
{
	ssize_t w;

	while (len) {
		w = write(STDOUT_FILENO, s, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

static void term_leave(void)
{
	static const char seq[] = "\033[?25h\033[?1049l";	/* cursor on, main screen */

	if (!term_on)
		return;
	term_on = 0;
	write_all(seq, sizeof(seq) - 1);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
}

static int term_enter(void)
{
	static const char seq[] = "\033[?1049h\033[?25l";	/* own screen, cursor off */
	static int registered;
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_tio))
		return -1;
	if (!registered && !atexit(term_leave))
		registered = 1;
	t = saved_tio;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t))
		return -1;
	term_on = 1;
	write_all(seq, sizeof(seq) - 1);
	return 0;
}

static void term_size(struct top *tp)
{
	struct winsize ws;

	tp->rows = 24;
	tp->cols = 80;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		tp->rows = ws.ws_row;
		tp->cols = ws.ws_col;
	}
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct fs_call *)a)->r.seq, y = ((const struct fs_call *)b)->r.seq;

	return x < y ? -1 : x > y;
}

/* The ring is read oldest first; sorted by seq anyway, for the lookups. */
static void sort_by_seq(struct fs_calls *c)
{
	size_t i;

	for (i = 1; i < c->n; i++)
		if (c->v[i - 1].r.seq > c->v[i].r.seq) {
			qsort(c->v, c->n, sizeof(*c->v), cmp_seq);
			return;
		}
}

static const struct fs_call *find_seq(const struct fs_calls *c, uint64_t seq)
{
	size_t lo = 0, hi = c->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->v[mid].r.seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n && c->v[lo].r.seq == seq ? &c->v[lo] : NULL;
}

/* Reads the records; on failure the reason goes to the user's screen. */
static int read_calls(struct top *tp, struct fs_calls *out)
{
	char err[512];
	int ret = fs_source_calls(tp->cli->src, out, err, sizeof(err));

	if (ret) {
		term_leave();
		fs_cli_source_error(tp->cli, ret, err);
		return -1;
	}
	sort_by_seq(out);
	return 0;
}

static void free_screen(struct top *tp)
{
	size_t i;

	for (i = 0; i < tp->n; i++)
		fs_group_free(&tp->v[i].g);
	free(tp->v);
	tp->v = NULL;
	tp->n = 0;
}

static int cmp_item(const void *a, const void *b)
{
	return memcmp(((const struct item *)a)->x->r.comm, ((const struct item *)b)->x->r.comm,
		      FS_COMM_LEN);
}

static uint64_t cow_sum(const struct fs_group *g)
{
	return g->v[FS_GROUP_cow_parent] + g->v[FS_GROUP_cow_child];
}

/* By calls, then COW faults (most first), then name. */
static int cmp_cmd(const void *a, const void *b)
{
	const struct cmd *x = a, *y = b;
	uint64_t cx = x->g.v[FS_GROUP_calls], cy = y->g.v[FS_GROUP_calls];

	if (cx != cy)
		return cx > cy ? -1 : 1;
	cx = cow_sum(&x->g);
	cy = cow_sum(&y->g);
	if (cx != cy)
		return cx > cy ? -1 : 1;
	return memcmp(x->comm, y->comm, FS_COMM_LEN);
}

/* A record that is not new: the COW it gained since the previous read; 0 if none. */
static int old_item(const struct top *tp, const struct fs_call *x, struct item *it)
{
	const struct fs_call *p = find_seq(&tp->prev, x->r.seq);
	uint64_t before, now, any = 0;
	int i;

	memset(it, 0, sizeof(*it));
	it->x = x;
	for (i = 0; i < N_COW; i++) {
		uint32_t bit = 1u << cow_cols[i].col;

		if (x->unknown & bit) {
			it->unknown |= 1u << cow_cols[i].count;
			continue;
		}
		/* A record not seen before counts fully. */
		before = p && !(p->unknown & bit) ? cow_of(&p->r, i) : 0;
		now = cow_of(&x->r, i);
		it->d[i] = now > before ? now - before : 0;
		any |= it->d[i];
	}
	return any != 0;
}

/* The new calls of a read: how many, their lowest and highest seq. */
struct fresh {
	uint64_t n, lo, hi;
};

/*
 * The read's items: its new calls, and the old ones that gained COW since the
 * previous read.  0, or -1 out of memory.
 */
static int collect_items(struct top *tp, const struct fs_calls *cur, struct item **out,
			 size_t *nout, struct fresh *f)
{
	struct item *items = NULL, it, *v;
	size_t i, ni = 0, cap = 0;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < cur->n; i++) {
		const struct fs_call *x = &cur->v[i];

		memset(&it, 0, sizeof(it));
		if (!tp->have_seq || x->r.seq > tp->max_seq) {
			if (!f->n++ || x->r.seq < f->lo)
				f->lo = x->r.seq;
			if (x->r.seq > f->hi)
				f->hi = x->r.seq;
			it.x = x;
			it.fresh = 1;
		} else if (!old_item(tp, x, &it)) {
			continue;
		}
		if (ni == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(items, cap * sizeof(*items));
			if (!v) {
				free(items);
				return -1;
			}
			items = v;
		}
		items[ni++] = it;
	}
	*out = items;
	*nout = ni;
	return 0;
}

/*
 * Seqs are consecutive in the ring: those above the highest seen and
 * not read were overwritten (or cleared by a reset) before this read.
 * After a read without any record, where the new ones start is unknown.
 */
static void count_missed(struct top *tp, const struct fs_calls *cur, const struct fresh *f)
{
	uint64_t from;

	tp->missed = cur->lost;
	if (f->n) {
		from = tp->have_seq ? tp->max_seq + 1 : f->lo;
		if (f->hi - from + 1 > f->n)
			tp->missed += f->hi - from + 1 - f->n;
		tp->max_seq = f->hi;
		tp->have_seq = 1;
	}
}

/* Sorts the items by command; the number of commands. */
static size_t sort_items(struct item *items, size_t ni)
{
	size_t i, ncmd = 0;

	if (ni)		/* items is NULL without any: not for qsort */
		qsort(items, ni, sizeof(*items), cmp_item);
	for (i = 0; i < ni; i++)
		ncmd += !i || cmp_item(&items[i - 1], &items[i]);
	return ncmd;
}

/* One row per command of the sorted items into tp->v.  0, or -1 out of memory. */
static int fill_cmds(struct top *tp, const struct item *items, size_t ni)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < ni; i++) {
		struct fs_group *g;
		int c;

		if (!i || cmp_item(&items[i - 1], &items[i]))
			memcpy(tp->v[tp->n++].comm, items[i].x->r.comm, FS_COMM_LEN);
		g = &tp->v[tp->n - 1].g;
		if (items[i].fresh) {
			if (fs_group_add(g, items[i].x))
				ret = -1;
			continue;
		}
		/* Not a new call: its COW only, the calls count does not grow. */
		for (c = 0; c < N_COW; c++)
			g->v[cow_cols[c].count] += items[i].d[c];
		g->unknown |= items[i].unknown;
	}
	return ret;
}

/* A new read: the next screen's rows, then it becomes the previous read. */
static int make_screen(struct top *tp, struct fs_calls *cur, uint64_t now)
{
	struct item *items;
	struct fresh f;
	size_t ni, ncmd;
	int ret;

	free_screen(tp);
	if (collect_items(tp, cur, &items, &ni, &f))
		return -1;
	count_missed(tp, cur, &f);
	ncmd = sort_items(items, ni);
	tp->v = calloc(ncmd ? ncmd : 1, sizeof(*tp->v));
	if (!tp->v) {
		free(items);
		return -1;
	}
	ret = fill_cmds(tp, items, ni);
	free(items);
	qsort(tp->v, tp->n, sizeof(*tp->v), cmp_cmd);

	tp->calls = f.n;
	tp->interval = now - tp->prev_mono;
	tp->prev_mono = now;
	clock_gettime(CLOCK_REALTIME, &tp->wall);
	tp->shown++;
	fs_calls_free(&tp->prev);
	tp->prev = *cur;
	memset(cur, 0, sizeof(*cur));
	return ret;
}

/* A comm as text: escaped as in the files (fs_comm_escape), cut. */
static void comm_label(const char *comm, char *out)
{
	char tmp[FS_COMM_ESCAPED];
	size_t n = fs_comm_escape(comm, tmp);

	if (n > LABEL_MAX) {
		tmp[LABEL_MAX - 1] = '+';
		tmp[LABEL_MAX] = '\0';
	}
	strcpy(out, tmp);
}

/*
 * The header and the table as text.  At most maxrows rows (all when
 * negative); the rest is said in one line.  blank: an empty line between.
 */
static void screen_text(const struct top *tp, FILE *f, int maxrows, int blank)
{
	struct fs_group_table gt;
	char when[32], label[4 * FS_COMM_LEN + 1];
	double secs = (double)tp->interval / 1e9;
	struct timespec wall = tp->wall;
	struct tm tm;
	size_t i, rows = tp->n;

	if (!tp->shown)
		clock_gettime(CLOCK_REALTIME, &wall);
	localtime_r(&wall.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	if (!tp->shown) {
		fprintf(f, "forkstats top  %s  first screen in %.2f s\n", when,
			(double)tp->interval_ns / 1e9);
		fprintf(f, "%s\n", tp->live ? "q quits" : "");
		return;
	}
	fprintf(f, "forkstats top  %s  interval %.2f s  calls %llu (%.1f/s)  commands %zu\n",
		when, secs, (unsigned long long)tp->calls,
		secs > 0 ? (double)tp->calls / secs : 0.0, tp->n);
	if (tp->missed)
		fprintf(f, "missed %llu calls (they left the ring before top read them)\n",
			(unsigned long long)tp->missed);
	else
		fprintf(f, "missed 0 calls%s\n", tp->live ? "  (q quits)" : "");
	if (blank)
		fputc('\n', f);

	if (maxrows >= 0 && rows > (size_t)maxrows)
		rows = maxrows > 0 ? (size_t)maxrows - 1 : 0;
	fs_group_table_init(&gt, "comm", "COMMAND", text_cols, N_TEXT_COLS);
	for (i = 0; i < rows; i++) {
		comm_label(tp->v[i].comm, label);
		fs_group_table_row(&gt, label, &tp->v[i].g);
	}
	fs_table_print(&gt.t, f);
	fs_group_table_free(&gt);
	if (rows < tp->n)
		fprintf(f, "(%zu more commands)\n", tp->n - rows);
}

/* Redraws the terminal: every line cut to its width, rows to its height. */
static void draw(const struct top *tp)
{
	static const char home[] = "\033[H\033[2J";
	char *text = NULL, *out, *p, *nl;
	size_t len = 0, olen = 0, w;
	FILE *m = open_memstream(&text, &len);
	int line = 0;

	if (!m)
		return;
	screen_text(tp, m, tp->rows - HEAD_LINES - 2, 1);
	fclose(m);
	out = malloc(sizeof(home) + len);
	if (!out) {
		free(text);
		return;
	}
	memcpy(out, home, sizeof(home) - 1);
	olen = sizeof(home) - 1;
	for (p = text; *p && line < tp->rows; p = nl + 1, line++) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (line)
			out[olen++] = '\n';	/* none after the last: no scrolling */
		w = (size_t)(nl - p);
		if (w > (size_t)tp->cols)
			w = (size_t)tp->cols;
		memcpy(out + olen, p, w);
		olen += w;
		if (!*nl)
			break;
	}
	write_all(out, olen);
	free(out);
	free(text);
}

static void print_json(struct top *tp)
{
	struct fs_json *j = &tp->cli->j;
	struct fs_group_table gt;
	char comm[FS_COMM_LEN + 1];
	int cols[FS_GT_COUNT], n = 0, c;
	size_t i;

	for (c = 0; c < FS_GT_COUNT; c++)
		if (fs_group_table_per_call(c) < 0)
			cols[n++] = c;
	fs_group_table_init(&gt, "comm", "COMMAND", cols, n);
	for (i = 0; i < tp->n; i++) {
		memcpy(comm, tp->v[i].comm, FS_COMM_LEN);
		comm[FS_COMM_LEN] = '\0';
		fs_group_table_row(&gt, comm, &tp->v[i].g);
	}
	fs_json_begin_object(j);
	fs_json_key(j, "time_ns");
	fs_json_u64(j, (uint64_t)tp->wall.tv_sec * 1000000000u + (uint64_t)tp->wall.tv_nsec);
	fs_json_key(j, "interval_ns");
	fs_json_u64(j, tp->interval);
	fs_json_key(j, "calls");
	fs_json_u64(j, tp->calls);
	fs_json_key(j, "missed");
	fs_json_u64(j, tp->missed);
	fs_json_key(j, "commands");
	fs_table_json(&gt.t, j);
	fs_json_end_object(j);
	fs_json_done(j);
	fs_group_table_free(&gt);
}

static void show(struct top *tp)
{
	if (tp->live) {
		draw(tp);
	} else if (tp->cli->json) {
		print_json(tp);
	} else {
		screen_text(tp, stdout, -1, 0);
		putchar('\n');
		fflush(stdout);
	}
}

/* Ctrl-Z on the live screen: give the terminal back, stop, take it again. */
static void suspend(struct top *tp, const struct sigaction *sa)
{
	sigset_t s;

	term_leave();
	signal(SIGTSTP, SIG_DFL);
	sigemptyset(&s);
	sigaddset(&s, SIGTSTP);
	raise(SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &s, NULL);	/* stops here until SIGCONT */
	sigprocmask(SIG_BLOCK, &s, NULL);
	sigaction(SIGTSTP, sa, NULL);
	if (term_enter())
		stop = 1;
	term_size(tp);
	draw(tp);
}

/* Waits until deadline (CLOCK_MONOTONIC ns); 1 when it is time to quit. */
static int wait_until(struct top *tp, uint64_t deadline, const sigset_t *mask,
		      const struct sigaction *sa)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	struct timespec ts;
	uint64_t now, left;
	char keys[64];
	ssize_t r;
	int i;

	for (;;) {
		if (stop)
			return 1;
		if (winch) {
			winch = 0;
			if (tp->live) {
				term_size(tp);
				draw(tp);
			}
		}
		if (tstp) {
			tstp = 0;
			if (tp->live)
				suspend(tp, sa);
			continue;
		}
		now = mono_ns();
		if (now >= deadline)
			return 0;
		left = deadline - now;
		ts.tv_sec = (time_t)(left / 1000000000u);
		ts.tv_nsec = (long)(left % 1000000000u);
		/* Signals are blocked but here: none is lost between the checks and the wait. */
		if (ppoll(&pfd, tp->live ? 1 : 0, &ts, mask) <= 0)
			continue;
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
			return 1;
		r = read(STDIN_FILENO, keys, sizeof(keys));
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return 1;
		for (i = 0; i < r; i++)
			if (keys[i] == 'q' || keys[i] == 'Q' || keys[i] == 3 /* ^C without ISIG */)
				return 1;
	}
}

/* -i and -n into tp; 0, or the exit code. */
static int parse_opts(struct top *tp, int argc, char **argv)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };
	long long count;
	int c;

	while ((c = fs_cli_getopt(&fs_cmd_top, argc, argv, "i:n:", opts)) != -1) {
		switch (c) {
		case 'i':
			if (fs_parse_seconds(optarg, 3600, &tp->interval_ns))
				return fs_cli_usage_error(&fs_cmd_top,
							  "-i wants seconds from 0.1 to 3600, not '%s'",
							  optarg);
			break;
		case 'n':
			if (fs_cli_number(&fs_cmd_top, "-n", optarg, 1, LONG_MAX, &count))
				return 2;
			tp->count = (long)count;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		return fs_cli_usage_error(&fs_cmd_top, "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* The baseline: nothing before top started is shown.  0, or 1 after an error line. */
static int read_baseline(struct top *tp)
{
	size_t i;

	if (read_calls(tp, &tp->prev))
		return 1;
	tp->prev_mono = mono_ns();
	for (i = 0; i < tp->prev.n; i++) {
		if (!tp->have_seq || tp->prev.v[i].r.seq > tp->max_seq)
			tp->max_seq = tp->prev.v[i].r.seq;
		tp->have_seq = 1;
	}
	return 0;
}

/* Our handler for top's signals, blocked but in the waits; the mask before in *old. */
static void catch_signals(const struct top *tp, const struct sigaction *sa, sigset_t *old)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP };
	sigset_t block;
	size_t i;

	sigemptyset(&block);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigs[i] == SIGTSTP && !tp->live)
			continue;
		sigaction(sigs[i], sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &block, old);
}

/* A screen every interval until quit or -n; 0, or 1 after an error line. */
static int screens(struct top *tp, const sigset_t *old, const struct sigaction *sa)
{
	struct fs_calls cur;
	uint64_t next;

	next = tp->prev_mono + tp->interval_ns;
	while (!wait_until(tp, next, old, sa)) {
		if (read_calls(tp, &cur))
			return 1;
		if (make_screen(tp, &cur, mono_ns())) {
			fs_calls_free(&cur);
			term_leave();
			return fs_cli_error("out of memory");
		}
		show(tp);
		if (tp->count > 0 && tp->shown >= tp->count)
			break;
		next += tp->interval_ns;
		if (next < tp->prev_mono)	/* late (suspended): no burst of screens */
			next = tp->prev_mono + tp->interval_ns;
	}
	return 0;
}

static int run(struct fs_cli *cli, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct top tp = { .cli = cli, .interval_ns = 1000000000u, .count = -1 };
	sigset_t old;
	int ret;

	ret = parse_opts(&tp, argc, argv);
	if (ret)
		return ret;
	tp.live = !cli->json && tp.count < 0 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (read_baseline(&tp))
		return 1;
	catch_signals(&tp, &sa, &old);
	if (tp.live) {
		if (term_enter()) {
			ret = fs_cli_error("cannot set up the terminal: %s", strerror(errno));
			goto out;
		}
		term_size(&tp);
		draw(&tp);
	}
	ret = screens(&tp, &old, &sa);
	term_leave();
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	free_screen(&tp);
	fs_calls_free(&tp.prev);
	return ret;
}

const struct fs_command fs_cmd_top = {
	.name = "top",
	.run = run,
	.usage = "top [-i SECS] [-n COUNT]",
	.help = "A live view of fork activity per command (root: it reads debugfs calls).\n"
		"Every SECS the ring of records is read again; a screen shows, per command\n"
		"name (comm), the calls made since the previous read and the COW faults that\n"
		"any record gained meanwhile, sorted by calls, then COW faults, then name.\n"
		"The first read is the baseline: the first screen comes after one interval.\n"
		"Calls that left the ring before top read them are counted as missed.\n"
		"  -i SECS    the interval, 0.1 to 3600 seconds (default 1)\n"
		"  -n COUNT   print COUNT screens, then exit\n"
		"On a terminal the screen is redrawn in place; q or Ctrl-C quits.  Otherwise,\n"
		"or with -n, each screen is printed as a text block followed by an empty line;\n"
		"with --json as one object per line (NDJSON):\n"
		"  {\"time_ns\", \"interval_ns\", \"calls\", \"missed\",\n"
		"   \"commands\": [{\"comm\", \"calls\", ..., \"cow_reuses\"}]}\n",
};
