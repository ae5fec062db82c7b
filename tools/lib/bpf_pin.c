// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF backend's pins (bpf_backend.h, docs/bpf.md): bpffs, pinning the
 * maps and links, the process that holds a kprobe chain before 5.15,
 * opening the pinned backend, detaching, resetting.
 */
#include "bpf_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "kprobe_events.h"

#define BPF_FS_MAGIC	0xcafe4a11

/* The process that holds a kprobe chain where no BPF link can be pinned. */
#define HOLDER_COMM	"forkstats-hold"

static int bpffs_ready(char *err, size_t errlen)
{
	struct statfs s;

	if (statfs("/sys/fs/bpf", &s) == 0 && s.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL))
		return fail(err, errlen, "/sys/fs/bpf is not a BPF filesystem and cannot be mounted (%s): mount -t bpf bpf /sys/fs/bpf",
			    strerror(errno));
	return 0;
}

/*
 * Before 5.15 no BPF link holds a perf event: nothing that keeps a kprobe
 * program attached can be pinned.  A process of ours holds the perf events
 * instead (HOLDER_COMM, its pid in the state) until detach ends it.
 */
static int hold(struct fsb *b, char *err, size_t errlen)
{
	int sync[2], keep;
	struct dirent *d;
	pid_t pid;
	size_t i;
	char c;
	DIR *dir;

	if (pipe2(sync, O_CLOEXEC))
		return fail(err, errlen, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return fail(err, errlen, "fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setsid();
		prctl(PR_SET_NAME, HOLDER_COMM);
		signal(SIGHUP, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		/* Only the perf events: no caller's pipe may wait on us. */
		dir = opendir("/proc/self/fd");
		while (dir && (d = readdir(dir))) {
			int fd = atoi(d->d_name);

			keep = fd <= 2 || fd == dirfd(dir) || fd == sync[1];
			for (i = 0; i < NPROGS && !keep; i++)
				keep = fd == b->link_fd[i];
			if (!keep)
				close(fd);
		}
		if (dir)
			closedir(dir);
		if (write(sync[1], "1", 1) != 1)
			_exit(1);
		close(sync[1]);
		for (;;)
			pause();
	}
	close(sync[1]);
	if (read(sync[0], &c, 1) != 1) {
		close(sync[0]);
		return fail(err, errlen, "the process that holds the kprobe programs failed");
	}
	close(sync[0]);
	b->st->holder_pid = (__u32)pid;
	b->own_group = 0;
	b->keep_links = 1;
	return 0;
}

int fsb_pin_all(struct fsb *b, char *err, size_t errlen)
{
	char path[256];
	int held = 0;
	size_t i;

	if (bpffs_ready(err, errlen))
		return -1;
	if (mkdir(FSB_PIN_DIR, 0700) && errno != EEXIST)
		return fail(err, errlen, "%s: %s", FSB_PIN_DIR, strerror(errno));
	for (i = 0; i < NMAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", FSB_PIN_DIR, fsb_map_names[i]);
		if (bpf_obj_pin(b->map_fd[i], path))
			return fail(err, errlen, "pin %s: %s", path, strerror(errno));
	}
	for (i = 0; i < NPROGS; i++) {
		if (!b->link[i])
			continue;
		snprintf(path, sizeof(path), "%s/link_%s", FSB_PIN_DIR, fsb_progs[i].prog);
		if (bpf_link__pin(b->link[i], path) == 0)
			continue;
		/* A perf event attached without a BPF link (before 5.15). */
		if (fsb_progs[i].chain == FSB_CHAIN_KPROBE && errno == EINVAL) {
			held = 1;
			continue;
		}
		return fail(err, errlen, "pin %s: %s", path, strerror(errno));
	}
	if (held)
		return hold(b, err, errlen);
	/* The pinned links keep the kprobe events: detach removes them. */
	b->own_group = 0;
	b->keep_links = 1;
	return 0;
}

int fsb_pinned(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/state", FSB_PIN_DIR);
	return access(path, F_OK) == 0;
}

/* "PATH is 0MODE" for the directory in the way; path when it cannot be stat'ed. */
static void mode_of(const char *path, char *why, size_t whylen)
{
	struct stat st;

	if (stat(path, &st) == 0)
		snprintf(why, whylen, "%s is %04o", path, (unsigned int)(st.st_mode & 07777));
	else
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
}

int fsb_pin_state(char *why, size_t whylen)
{
	char path[256];
	struct stat st;

	if (whylen)
		why[0] = '\0';
	snprintf(path, sizeof(path), "%s/state", FSB_PIN_DIR);
	if (stat(path, &st) == 0)
		return 1;
	if (errno != EACCES)
		return 0;
	/* The pin directory exists only while attached (detach removes it). */
	if (stat(FSB_PIN_DIR, &st) == 0) {
		mode_of(FSB_PIN_DIR, why, whylen);
		return 1;
	}
	if (errno == ENOENT)
		return 0;
	mode_of("/sys/fs/bpf", why, whylen);
	return -1;
}

int fsb_open_pinned(struct fsb **out, char *err, size_t errlen)
{
	char path[256], why[300];
	struct fsb *b;
	size_t i;
	int state;

	*out = NULL;
	state = fsb_pin_state(why, sizeof(why));
	if (state < 0)
		return fail(err, errlen, "whether the BPF backend is attached cannot be seen without root (%s): run with sudo",
			    why);
	if (!state)
		return fail(err, errlen, "the BPF backend is not attached: sudo forkstats attach");
	if (geteuid() != 0) {
		if (!why[0])
			mode_of(FSB_PIN_DIR, why, sizeof(why));
		return fail(err, errlen, "the BPF backend's data needs root (%s): run with sudo", why);
	}
	b = malloc(sizeof(*b));
	if (!b)
		return fail(err, errlen, "out of memory");
	fsb_init(b);
	for (i = 0; i < NMAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", FSB_PIN_DIR, fsb_map_names[i]);
		b->map_fd[i] = bpf_obj_get(path);
		if (b->map_fd[i] < 0) {
			fail(err, errlen, "%s: %s", path, strerror(errno));
			fsb_close(b);
			return -1;
		}
	}
	for (i = 0; i < NPROGS; i++) {
		snprintf(path, sizeof(path), "%s/link_%s", FSB_PIN_DIR, fsb_progs[i].prog);
		b->link_fd[i] = bpf_obj_get(path);
	}
	if (fsb_map_views(b, err, errlen)) {
		fsb_close(b);
		return -1;
	}
	*out = b;
	return 0;
}

/* Ends the process that holds the kprobe chain, if it is still ours. */
static void end_holder(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	if (!strcmp(comm, HOLDER_COMM))
		kill(pid, SIGTERM);
}

int fsb_pinned_params(char *chain, size_t chainlen, struct fsb_params *p, char *err,
		      size_t errlen)
{
	struct fsb *b;

	if (fsb_open_pinned(&b, err, errlen))
		return -1;
	snprintf(chain, chainlen, "%s", fsb_chain_name(b));
	p->records = b->nrecords;
	p->max_tracked = b->max_tracked;
	p->max_active = b->max_active;
	fsb_close(b);
	return 0;
}

int fsb_detach(char *err, size_t errlen)
{
	struct fsb_state st = { 0 };
	char path[256], group[32];
	__u32 zero = 0;
	size_t i;
	int gone = 0, fd;

	/* What outlives the pins: the holder, the kprobe events. */
	snprintf(path, sizeof(path), "%s/state", FSB_PIN_DIR);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		bpf_map_lookup_elem(fd, &zero, &st);
		close(fd);
	}
	for (i = 0; i < NPROGS; i++) {
		snprintf(path, sizeof(path), "%s/link_%s", FSB_PIN_DIR, fsb_progs[i].prog);
		gone += unlink(path) == 0;
	}
	for (i = 0; i < NMAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", FSB_PIN_DIR, fsb_map_names[i]);
		gone += unlink(path) == 0;
	}
	if (rmdir(FSB_PIN_DIR) && errno != ENOENT && err)
		return fail(err, errlen, "%s: %s", FSB_PIN_DIR, strerror(errno));
	if (st.holder_pid)
		end_holder((pid_t)st.holder_pid);
	if (st.kprobe_pid) {
		snprintf(group, sizeof(group), "forkstats_%u", st.kprobe_pid);
		if (fs_kev_remove_group(group, 5000) && err)
			return fail(err, errlen, "the kprobe events of group %s stay (%s): remove them in kprobe_events",
				    group, strerror(errno));
	}
	if (!gone && err)
		return fail(err, errlen, "the BPF backend is not attached");
	return 0;
}

int fsb_reset(struct fsb *b, char *err, size_t errlen)
{
	size_t vs = (sizeof(struct fsb_pcpu) + 7) & ~(size_t)7;
	void *zeros = calloc(b->ncpus, vs);
	__u64 key, next;
	__u32 zero = 0;

	if (!zeros)
		return fail(err, errlen, "out of memory");
	/* Calls up to here are ignored from now on, as the module's reset does. */
	b->st->reset_after = b->st->next_seq;
	if (bpf_map_update_elem(b->map_fd[M_PCPU], &zero, zeros, BPF_ANY)) {
		free(zeros);
		return fail(err, errlen, "reset: %s", strerror(errno));
	}
	free(zeros);
	while (bpf_map_get_next_key(b->map_fd[M_MMS], NULL, &next) == 0) {
		key = next;
		if (bpf_map_delete_elem(b->map_fd[M_MMS], &key))
			break;
	}
	/* The programs' cached lookups (fsb_pcpu.mm_cache) are void. */
	__atomic_fetch_add(&b->st->mm_gen, 1, __ATOMIC_SEQ_CST);
	return 0;
}
