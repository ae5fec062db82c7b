// SPDX-License-Identifier: GPL-2.0
/*
 * Where the CLI's data comes from: the module's files, or the BPF backend's
 * text of the same files (bpf_backend.c) under the virtual paths "bpf:NAME",
 * so that every command parses both alike.  Also the commands that belong to
 * the BPF backend: attach, detach; and cat, which prints a backend's files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <getopt.h>
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

/* ------------------------------------------------------------------ */

/* A size of attach: 0, or 2 after the error line and usage. */
static int parse_uint(const char *opt, const char *s, unsigned int *v)
{
	long long x;

	if (fs_cli_number(&fs_cmd_attach, opt, s, 0, UINT32_MAX, &x))
		return 2;
	*v = (unsigned int)x;
	return 0;
}

static int run_attach(struct fs_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "records", required_argument, NULL, 'r' },
		{ "max-tracked", required_argument, NULL, 't' },
		{ "max-active", required_argument, NULL, 'a' },
		{ "chain", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct fsb_params p = FSB_PARAMS_DEFAULT;
	struct fsb *b;
	char err[1024];
	int c;

	if (!strcmp(cli->backend, "module"))
		return fs_cli_error("attach is for the BPF backend; the module is loaded with insmod");
	while ((c = fs_cli_getopt(&fs_cmd_attach, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'r':
			if (parse_uint("--records", optarg, &p.records))
				return 2;
			break;
		case 't':
			if (parse_uint("--max-tracked", optarg, &p.max_tracked))
				return 2;
			break;
		case 'a':
			if (parse_uint("--max-active", optarg, &p.max_active))
				return 2;
			break;
		case 'c':
			if (strcmp(optarg, "fentry") && strcmp(optarg, "tracepoint") &&
			    strcmp(optarg, "kprobe"))
				return fs_cli_usage_error(&fs_cmd_attach,
							  "--chain must be fentry, tracepoint or kprobe, not '%s'",
							  optarg);
			p.chain = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		return fs_cli_usage_error(&fs_cmd_attach, "unexpected argument '%s'", argv[optind]);
	if (fsb_attach(&b, &p, 1, err, sizeof(err)))
		return fs_cli_error("%s", err);
	printf("forkstats: BPF backend attached (%s chain), pinned in %s\n", fsb_chain_name(b),
	       FSB_PIN_DIR);
	fsb_close(b);
	return 0;
}

static int run_detach(struct fs_cli *cli, int argc, char **argv)
{
	char err[512];

	if (fs_cli_no_args(&fs_cmd_detach, argc, argv))
		return 2;
	if (!strcmp(cli->backend, "module"))
		return fs_cli_error("detach is for the BPF backend; the module is unloaded with rmmod");
	if (geteuid() != 0)
		return fs_cli_error("detach needs root: run with sudo");
	if (fsb_detach(err, sizeof(err)))
		return fs_cli_error("%s", err);
	return 0;
}

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

/* The text of one file, or NULL after one error line. */
static char *cat_text(struct fs_cli *cli, const char *name, size_t *len)
{
	char pbuf[512], err[512], q[FS_QUOTE_MAX], *t;
	const char *path;
	int i = cat_file(name);

	if (i < 0) {
		fs_cli_error("cat: FILE is proc, calls, hist or probes, not '%s'",
			     fs_quote(name, q, sizeof(q)));
		return NULL;
	}
	path = i == 0 ? cli->proc_path : fs_cli_debugfs(cli, name, pbuf, sizeof(pbuf));
	if (!path)
		return NULL;
	t = fs_read_file(path, FS_CALLS_MAX_BYTES, len, err, sizeof(err));
	if (!t)
		fs_cli_error("%s", err);
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

const struct fs_command fs_cmd_attach = {
	.name = "attach",
	.run = run_attach,
	.usage = "attach [--records N] [--max-tracked N] [--max-active N] [--chain fentry|tracepoint|kprobe]",
	.help = "Load the BPF backend and keep it attached (pinned in " FSB_PIN_DIR "), with\n"
		"the best hook chain the kernel allows: fentry/fexit, else tracepoints, else\n"
		"kprobes (kretprobes of --max-active instances, at most 4096).  The sizes are\n"
		"those of the module's parameters.  Root.\n",
};

const struct fs_command fs_cmd_detach = {
	.name = "detach",
	.run = run_detach,
	.usage = "detach",
	.help = "Remove the BPF backend (its pins, the kprobe chain's events and the process\n"
		"that holds them where no BPF link can be pinned; the programs go with the\n"
		"last user).  Root.\n",
};

const struct fs_command fs_cmd_cat = {
	.name = "cat",
	.run = run_cat,
	.usage = "cat FILE... | cat --serve",
	.help = "Print the backend's files as the module writes them: proc (/proc/forkstats),\n"
		"calls, hist, probes (debugfs).  --serve: answer file names read from stdin,\n"
		"each answer ended by a NUL byte.\n",
};
