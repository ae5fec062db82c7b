// SPDX-License-Identifier: GPL-2.0
/*
 * fsaccept: where the files come from (the module's or the BPF backend's),
 * reading them, the records of a child, /proc/forkstats, and snapshots of
 * the calls file taken while a measured fork shares memory.
 */
#include "fsaccept.h"

/*
 * Where the data come from: the module's files, or with FSACCEPT_BPF=<forkstats
 * binary> the BPF backend through the CLI's output layer: "forkstats --backend
 * bpf cat --serve", started here before any measured fork, answers "proc",
 * "calls" and "hist" with the JSON documents of show, calls and hist
 * (jsonread.h parses them).  Either way a read only writes into the caller's
 * (fresh) buffer; parsing comes after.
 */
static int srv_w = -1, srv_r = -1;

void backend_start(void)
{
	const char *cli = getenv("FSACCEPT_BPF");
	int in[2], out[2];
	pid_t pid;

	if (!cli || !*cli)
		return;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		bail("pipe");
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(cli, cli, "--backend", "bpf", "cat", "--serve", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	srv_w = in[1];
	srv_r = out[0];
}

/*
 * A backend's "calls", "hist" or "proc" into buf, its length: the module's
 * file, or the BPF backend's JSON document (a request of cat --serve, which
 * may add options: "hist --total").
 */
size_t file_read(const char *name, char *buf, size_t max)
{
	const char *path = !strcmp(name, "proc") ? FS_PROC_PATH :
			   !strcmp(name, "hist") ? FS_DEBUGFS_DIR "/hist" : CALLS_PATH;
	size_t len = 0, nl = strlen(name);
	ssize_t n;
	int fd;

	if (srv_w >= 0) {
		if (write(srv_w, name, nl) != (ssize_t)nl || write(srv_w, "\n", 1) != 1)
			bail("forkstats cat --serve");
		for (;;) {
			n = read(srv_r, buf + len, max - len);
			if (n <= 0)
				bail("forkstats cat --serve");
			len += (size_t)n;
			if (buf[len - 1] == '\0')
				return len - 1;
		}
	}
	fd = open(path, O_RDONLY);
	if (fd < 0)
		bail(path);
	while ((n = read(fd, buf + len, max - len)) > 0)
		len += (size_t)n;
	if (n < 0)
		bail(path);
	close(fd);
	return len;
}

/* The backend's reset: /proc/forkstats, or "forkstats --backend bpf reset". */
void backend_reset(void)
{
	const char *cli = getenv("FSACCEPT_BPF");
	char *argv[] = { (char *)cli, "--backend", "bpf", "reset", NULL };
	pid_t pid;
	int fd;

	if (srv_w >= 0) {
		if (posix_spawn(&pid, cli, NULL, NULL, argv, environ) || fs_reap(pid, NULL))
			bail("forkstats --backend bpf reset");
		return;
	}
	fd = open(FS_PROC_PATH, O_WRONLY);
	if (fd < 0 || write(fd, "reset\n", 6) != 6)
		bail("reset");
	close(fd);
}

/* Calls as read by file_read: the module's text, or the BPF backend's JSON. */
static int calls_parse(const char *buf, size_t len, struct fs_calls *c, char *err, size_t errlen)
{
	if (srv_w >= 0)
		return fs_json_calls_parse(buf, len, c, err, errlen);
	return fs_calls_parse(buf, len, c, err, errlen);
}

/* Parsed calls (any memory: not for the measured phases). */
void calls_read(struct fs_calls *c)
{
	const size_t max = 64 << 20;
	char *buf = malloc(max), err[256];
	size_t len;

	if (!buf)
		bail("malloc");
	len = file_read("calls", buf, max);
	if (calls_parse(buf, len, c, err, sizeof(err))) {
		tap(0, "read calls: %s", err);
		exit(1);
	}
	free(buf);
}

/*
 * The newest record of a call that created child (by pid).  The file is read
 * into fresh memory before anything else is written: a write to a page shared
 * by the measured fork would be a COW fault of that fork, counted into the
 * very record being read (malloc writes its arena, for one).
 */
int record_of(pid_t child, struct fs_call *out)
{
	const size_t max = 64 << 20;
	char *buf, err[256];
	struct fs_calls c;
	size_t i, len = 0;

	buf = mmap(NULL, max, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (buf == MAP_FAILED)
		bail("mmap");
	len = file_read("calls", buf, max);
	if (calls_parse(buf, len, &c, err, sizeof(err))) {
		tap(0, "read calls: %s", err);
		exit(1);
	}
	munmap(buf, max);
	for (i = c.n; i-- > 0;) {
		if (c.v[i].r.child_pid == child) {
			*out = c.v[i];
			fs_calls_free(&c);
			return 0;
		}
	}
	fs_calls_free(&c);
	tap(0, "a record for child %d exists", (int)child);
	return -1;
}

void read_proc(struct fs_proc *p)
{
	char buf[FS_PROC_MAX_BYTES], err[256];
	size_t len = file_read("proc", buf, sizeof(buf));

	if (srv_w >= 0 ? fs_json_proc_parse(buf, len, p, err, sizeof(err)) :
			 fs_proc_parse(buf, len, p, err, sizeof(err))) {
		tap(0, "read proc: %s", err);
		exit(1);
	}
}

int hist_counts(uint64_t hc[FS_KIND_COUNT][2])
{
	char kind[16], lat[16], *text, *line, *save = NULL, err[256];
	uint64_t lo, hi, cnt;
	size_t len;
	unsigned int k;
	int ok = 1;

	text = malloc(1 << 20);
	if (!text)
		bail("malloc");
	memset(hc, 0, sizeof(uint64_t) * FS_KIND_COUNT * 2);
	if (srv_w >= 0) {
		/* The hist command shows one latency at a time. */
		static const char *const req[] = { "hist", "hist --total" };

		for (k = 0; ok && k < 2; k++) {
			len = file_read(req[k], text, (1 << 20) - 1);
			ok = !fs_json_hist_counts(text, len, hc, err, sizeof(err));
			if (!ok)
				printf("# %s: %s\n", req[k], err);
		}
		free(text);
		return ok;
	}
	len = file_read("hist", text, (1 << 20) - 1);
	text[len] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%15s %15s %" SCNu64 " %" SCNu64 " %" SCNu64, kind, lat, &lo, &hi, &cnt) != 5) {
			ok = 0;
			continue;
		}
		for (k = 0; k < FS_KIND_COUNT; k++)
			if (!strcmp(kind, fs_kind_name(k)))
				hc[k][!strcmp(lat, "total")] += cnt;
	}
	free(text);
	return ok;
}

uint64_t counter(const struct fs_proc *p, const char *name)
{
	const struct fs_proc_counter *c = fs_proc_counter(p, name);

	return c ? c->value : UINT64_MAX;
}

/* Records present: how many; the highest seq; how many have seq <= after. */
size_t count_records_after(uint64_t after, uint64_t *max_seq, size_t *old)
{
	struct fs_calls c;
	size_t i;

	calls_read(&c);
	*old = 0;
	*max_seq = after;
	for (i = 0; i < c.n; i++) {
		*old += c.v[i].r.seq <= after;
		if (c.v[i].r.seq > *max_seq)
			*max_seq = c.v[i].r.seq;
	}
	i = c.n;
	fs_calls_free(&c);
	return i;
}

/* Snapshots of the calls file (struct snap: fsaccept.h). */
void snap_alloc(struct snap *s)
{
	s->buf = mmap(NULL, SNAP_MAX, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->buf == MAP_FAILED)
		bail("mmap");
	s->len = 0;
}

/* Write the struct itself (after a fork: its COW fault, now). */
void snap_prefault(struct snap *s)
{
	((volatile struct snap *)s)->len = s->len;
}

void snap_take(struct snap *s)
{
	s->len += file_read("calls", s->buf + s->len, SNAP_MAX - s->len);
}

/* The record of child in a snapshot (parsed now); frees the snapshot. */
void snap_record(struct snap *s, pid_t child, struct fs_call *out)
{
	struct fs_calls c;
	char err[256];
	size_t i;

	if (calls_parse(s->buf, s->len, &c, err, sizeof(err)))
		bail(err);
	munmap(s->buf, SNAP_MAX);
	for (i = c.n; i-- > 0;) {
		if (c.v[i].r.child_pid == child) {
			*out = c.v[i];
			fs_calls_free(&c);
			return;
		}
	}
	tap(0, "a record for child %d exists", (int)child);
	exit(1);
}
