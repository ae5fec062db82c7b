// SPDX-License-Identifier: GPL-2.0
/* Kprobe events of tracefs for the BPF backend's kprobe chain (kprobe_events.h). */
#include "kprobe_events.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/perf_event.h>

#define GROUP_PREFIX	"forkstats_"
#define TRACEFS_MAGIC	0x74726163

static const char *tracefs(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	static const char *found;
	struct statfs fs;
	char path[128];
	size_t i;

	if (found)
		return found;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/kprobe_events", dirs[i]);
		if (access(path, F_OK) == 0)
			return found = dirs[i];
	}
	/* Not mounted: mount it where it belongs (once: no stacked mounts). */
	if ((statfs(dirs[0], &fs) || fs.f_type != TRACEFS_MAGIC) &&
	    mount("tracefs", dirs[0], "tracefs", 0, NULL) == 0 &&
	    access("/sys/kernel/tracing/kprobe_events", F_OK) == 0)
		return found = dirs[0];
	return NULL;
}

int fs_kev_available(char *why, size_t whylen)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	struct statfs fs;
	char path[128];
	struct stat st;
	size_t i;
	int seen = 0;

	snprintf(why, whylen, "%s", "");
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/kprobe_events", dirs[i]);
		if (access(path, F_OK) == 0)
			return 1;
		if (errno == EACCES && stat(dirs[i], &st) == 0) {
			snprintf(why, whylen, "tracefs cannot be read without root (%s is %04o)",
				 dirs[i], (unsigned int)(st.st_mode & 07777));
			return -1;
		}
		seen |= statfs(dirs[i], &fs) == 0 && fs.f_type == TRACEFS_MAGIC;
	}
	if (seen) {
		snprintf(why, whylen, "tracefs has no kprobe_events (CONFIG_KPROBE_EVENTS)");
		return 0;
	}
	snprintf(why, whylen, "tracefs is not mounted (attach mounts it)");
	return -1;
}

/* Writes one command line to kprobe_events; 0, or -1 with errno. */
static int kev_write(const char *cmd)
{
	char path[128];
	size_t len = strlen(cmd);
	int fd, e;

	if (!tracefs()) {
		errno = ENOENT;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs());
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, cmd, len) != (ssize_t)len) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

static long event_id(const char *group, const char *event)
{
	char path[256];
	long id = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/%s/%s/id", tracefs(), group, event);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &id) != 1)
		id = -1;
	fclose(f);
	return id;
}

int fs_kev_open(const char *group, const char *event, const char *func, int ret,
		unsigned int maxactive, char *why, size_t whylen)
{
	struct perf_event_attr attr;
	char cmd[256];
	long id;
	int fd;

	if (!tracefs()) {
		snprintf(why, whylen, "no tracefs with kprobe_events (CONFIG_KPROBE_EVENTS)");
		return -1;
	}
	if (ret)
		snprintf(cmd, sizeof(cmd), "r%u:%s/%s %s\n", maxactive, group, event, func);
	else
		snprintf(cmd, sizeof(cmd), "p:%s/%s %s\n", group, event, func);
	if (kev_write(cmd)) {
		snprintf(why, whylen, "kprobe_events refused a %s on %s (%s)",
			 ret ? "kretprobe" : "kprobe", func, strerror(errno));
		return -1;
	}
	id = event_id(group, event);
	if (id < 0) {
		snprintf(why, whylen, "no id for the kprobe event %s/%s", group, event);
		return -1;
	}
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = (__u64)id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	fd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "perf_event_open of the kprobe event on %s: %s", func,
			 strerror(errno));
		return -1;
	}
	return fd;
}

/* The events of group listed in kprobe_events ("r128:group/event func"). */
static int for_each_event(const char *group, int (*fn)(const char *grp, const char *ev))
{
	char path[128], line[512];
	int rc = 0;
	FILE *f;

	if (!tracefs())
		return 0;
	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs());
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, ':'), *slash, *end;

		if (!name)
			continue;
		name++;
		end = name + strcspn(name, " \n");
		*end = '\0';
		slash = strchr(name, '/');
		if (!slash)
			continue;
		*slash = '\0';
		if (group ? strcmp(name, group) : strncmp(name, GROUP_PREFIX, strlen(GROUP_PREFIX)))
			continue;
		if (fn(name, slash + 1))
			rc = -1;
	}
	fclose(f);
	return rc;
}

static int remove_event(const char *group, const char *event)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "-:%s/%s\n", group, event);
	return kev_write(cmd);
}

int fs_kev_remove_group(const char *group, unsigned int wait_ms)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	unsigned int waited = 0;

	for (;;) {
		if (for_each_event(group, remove_event) == 0)
			return 0;
		if (errno != EBUSY || waited >= wait_ms)
			return -1;
		nanosleep(&pause, NULL);
		waited += 10;
	}
}

/* A stale group: its process is gone.  In use (pinned, held): stays. */
static int remove_if_stale(const char *group, const char *event)
{
	long pid = strtol(group + strlen(GROUP_PREFIX), NULL, 10);

	if (pid <= 0 || (kill((pid_t)pid, 0) && errno == ESRCH))
		remove_event(group, event);
	return 0;
}

void fs_kev_remove_stale(void)
{
	for_each_event(NULL, remove_if_stale);
}

int fs_kev_profile(const char *event, uint64_t *hits, uint64_t *missed)
{
	char path[128], line[512], name[256];
	unsigned long long h, m;
	int rc = -1;
	FILE *f;

	if (!tracefs())
		return -1;
	snprintf(path, sizeof(path), "%s/kprobe_profile", tracefs());
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %llu %llu", name, &h, &m) == 3 && !strcmp(name, event)) {
			*hits = h;
			*missed = m;
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}
