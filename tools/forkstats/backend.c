// SPDX-License-Identifier: GPL-2.0
/*
 * Where the CLI's data comes from: the module's files, or the BPF backend's
 * text of the same files (bpf_backend.c) under the virtual paths "bpf:NAME",
 * so that every command parses both alike.  The commands that belong to the
 * BPF backend are in attach.c, detach.c and cat.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf_backend.h"
#include "calls.h"
#include "cli.h"
#include "procfile.h"
#include "textparse.h"

static struct fsb *bpf;

static char *vfile(const char *name, size_t *len, char *err, size_t errlen)
{
	return fsb_text(bpf, name, len, err, errlen);
}

int fs_cli_backend_open(struct fs_cli *cli, int transient)
{
	struct fsb_params p = FSB_PARAMS_DEFAULT;
	char err[512];

	if (!cli->bpf || bpf)
		return 0;
	if (fsb_pinned()) {
		if (fsb_open_pinned(&bpf, err, sizeof(err)))
			return fs_cli_error("%s", err);
	} else if (transient) {
		/* Attached for this command only. */
		if (fsb_attach(&bpf, &p, 0, err, sizeof(err)))
			return fs_cli_error("%s", err);
	} else {
		return fs_cli_error("the BPF backend is not attached: sudo forkstats --backend bpf attach (stat and top attach it for themselves)");
	}
	fs_set_vfile(vfile);
	cli->proc_path = FS_VFILE_PREFIX "proc";
	return 0;
}

int fs_cli_backend_resolve(struct fs_cli *cli)
{
	if (!strcmp(cli->backend, "bpf"))
		cli->bpf = 1;
	else if (!strcmp(cli->backend, "auto"))
		cli->bpf = access(cli->proc_path, F_OK) != 0 && fsb_pinned();
	return 0;
}

const char *fs_cli_backend_name(const struct fs_cli *cli)
{
	return cli->bpf ? "bpf" : "module";
}

const char *fs_cli_bpf_chain(void)
{
	return bpf ? fsb_chain_name(bpf) : NULL;
}

int fs_cli_reset_bpf(void)
{
	char err[256];

	if (fsb_reset(bpf, err, sizeof(err)))
		return fs_cli_error("%s", err);
	return 0;
}

/* events of the BPF backend: a pipe, fed by a thread that polls the log. */
struct feeder {
	struct fsb_events ev;
	int fd;			/* the pipe's write end */
	int rfd;		/* its read end, the caller's */
	volatile uint64_t fed;	/* completions written to the pipe */
	char buf[1 << 16];
};

static struct feeder *feeders[8];

static void *feed(void *arg)
{
	struct feeder *fd = arg;
	char *buf = fd->buf;
	const struct timespec nap = { 0, 5 * 1000 * 1000 };
	sigset_t pipe;
	size_t n, off;
	ssize_t w;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);
	for (;;) {
		n = fsb_events_read(bpf, &fd->ev, buf, sizeof(fd->buf));
		if (!n) {
			__atomic_store_n(&fd->fed, fd->ev.pos, __ATOMIC_RELEASE);
			nanosleep(&nap, NULL);
			continue;
		}
		for (off = 0; off < n; off += (size_t)w) {
			w = write(fd->fd, buf + off, n - off);
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w <= 0) {
				close(fd->fd);
				return NULL;
			}
		}
		__atomic_store_n(&fd->fed, fd->ev.pos, __ATOMIC_RELEASE);
	}
}

void fs_cli_events_sync(int rfd)
{
	const struct timespec nap = { 0, 1000 * 1000 };
	uint64_t head;
	size_t i;
	int n;

	for (i = 0; i < sizeof(feeders) / sizeof(feeders[0]); i++) {
		if (!feeders[i] || feeders[i]->rfd != rfd)
			continue;
		head = fsb_events_head(bpf);
		/* At most 2 s: a reader that stopped reading must not hang us. */
		for (n = 0; n < 2000 && __atomic_load_n(&feeders[i]->fed, __ATOMIC_ACQUIRE) < head;
		     n++)
			nanosleep(&nap, NULL);
	}
}

int fs_cli_events_open(struct fs_cli *cli, const char *path, int flags)
{
	struct feeder *f;
	pthread_t t;
	int p[2];

	(void)cli;
	if (strncmp(path, FS_VFILE_PREFIX, strlen(FS_VFILE_PREFIX)))
		return open(path, flags);
	f = calloc(1, sizeof(*f));
	if (!f || pipe2(p, O_CLOEXEC)) {
		free(f);
		return -1;
	}
	if (flags & O_NONBLOCK)
		fcntl(p[0], F_SETFL, O_NONBLOCK);
	/* The stream starts now, as an open of debugfs events does. */
	fsb_events_start(bpf, &f->ev);
	f->fd = p[1];
	if (pthread_create(&t, NULL, feed, f)) {
		close(p[0]);
		close(p[1]);
		free(f);
		errno = EAGAIN;
		return -1;
	}
	pthread_detach(t);
	f->rfd = p[0];
	for (size_t i = 0; i < sizeof(feeders) / sizeof(feeders[0]); i++) {
		if (!feeders[i]) {
			feeders[i] = f;
			break;
		}
	}
	return p[0];
}
