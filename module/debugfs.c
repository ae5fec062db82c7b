// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/forkstats/: per-call detail, root only.
 *
 *   calls    the record ring, oldest first (seq_file)
 *   events   a blocking stream of records as their calls complete
 *   hist     log2 latency histograms per kind
 *   probes   each probe's symbol, type, attachment, hits, nmissed; sizes
 *   control  "reset", "enable", "disable"
 *
 * Formats: docs/interfaces.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "forkstats.h"

static struct dentry *fs_dir;

/* calls: position 0 is the header, position i the i-th record of the ring. */
struct calls_iter {
	u64 first, last;	/* seqs present when the file was opened */
	char line[FS_RECORD_LINE_MAX];
};

static void *calls_start(struct seq_file *m, loff_t *pos)
{
	struct calls_iter *it = m->private;

	if (*pos == 0)
		return SEQ_START_TOKEN;
	return it->first + *pos - 1 <= it->last ? it : NULL;
}

static void *calls_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return calls_start(m, pos);
}

static void calls_stop(struct seq_file *m, void *v)
{
}

static int calls_show(struct seq_file *m, void *v)
{
	struct calls_iter *it = m->private;
	struct fs_record r;

	if (v == SEQ_START_TOKEN) {
		fs_record_header(it->line, sizeof(it->line));
		seq_puts(m, it->line);
		return 0;
	}
	/* A record overwritten since open is skipped. */
	if (fs_record_read(it->first + m->index - 1, &r)) {
		fs_record_format(&r, it->line, sizeof(it->line));
		seq_puts(m, it->line);
	}
	return 0;
}

static const struct seq_operations calls_seq_ops = {
	.start = calls_start,
	.next = calls_next,
	.stop = calls_stop,
	.show = calls_show,
};

static int calls_open(struct inode *inode, struct file *file)
{
	struct calls_iter *it = __seq_open_private(file, &calls_seq_ops, sizeof(*it));
	u64 n = fs_records_size();

	if (!it)
		return -ENOMEM;
	it->last = fs_records_last_seq();
	it->first = max3(it->last >= n ? it->last - n + 1 : 1, fs_reset_seq() + 1, 1ULL);
	return 0;
}

static const struct file_operations calls_fops = {
	.owner = THIS_MODULE,
	.open = calls_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

/*
 * events: records in completion order, from the moment of open.  Threads
 * that share one open file read it one at a time (lock): each record goes
 * to one of them, and pos never passes the completion log's head.
 */
struct events_reader {
	struct mutex lock;	/* one read() at a time: pos, lost, header_sent */
	u64 pos;		/* next entry of the completion log, <= its head */
	u64 lost;		/* records that fell out before they were read */
	bool header_sent;
};

static int events_open(struct inode *inode, struct file *file)
{
	struct events_reader *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	r->pos = fs_done_head();
	file->private_data = r;
	return stream_open(inode, file);
}

static int events_release(struct inode *inode, struct file *file)
{
	struct events_reader *r = file->private_data;

	mutex_destroy(&r->lock);
	kfree(r);
	return 0;
}

static ssize_t put_line(char __user *ubuf, size_t len, size_t *done, const char *line)
{
	size_t n = strlen(line);

	if (*done + n > len)
		return 0;
	if (copy_to_user(ubuf + *done, line, n))
		return -EFAULT;
	*done += n;
	return n;
}

/*
 * What is pending for rd, into ubuf, rd->lock held: the bytes given (0:
 * nothing pending), or an error when none could be given.  Every entry
 * taken from the log moves pos by one, and an entry is taken only below
 * the head (fs_done_peek()): no loop here can outrun the log.
 */
static ssize_t events_fill(struct events_reader *rd, char __user *ubuf, size_t len)
{
	char line[FS_RECORD_LINE_MAX];
	struct fs_record rec;
	size_t done = 0;
	ssize_t ret;
	u64 seq;

	if (!rd->header_sent) {
		fs_record_header(line, sizeof(line));
		ret = put_line(ubuf, len, &done, line);
		if (ret < 0)
			return ret;
		rd->header_sent = true;
	}
	while (fs_done_peek(&rd->pos, &rd->lost, &seq)) {
		cond_resched();
		if (seq <= fs_reset_seq()) {
			rd->pos++;
			continue;
		}
		if (!fs_record_read(seq, &rec)) {
			rd->lost++;
			rd->pos++;
			continue;
		}
		if (rd->lost) {
			scnprintf(line, sizeof(line), "# lost %llu\n", rd->lost);
			ret = put_line(ubuf, len, &done, line);
			if (ret <= 0)
				return ret < 0 && !done ? ret : done;
			rd->lost = 0;
		}
		fs_record_format(&rec, line, sizeof(line));
		ret = put_line(ubuf, len, &done, line);
		if (ret <= 0)
			return ret < 0 && !done ? ret : done;
		rd->pos++;
	}
	return done;
}

static ssize_t events_read(struct file *file, char __user *ubuf, size_t len, loff_t *off)
{
	struct events_reader *rd = file->private_data;
	ssize_t ret;
	u64 pos;

	if (len < FS_RECORD_LINE_MAX)
		return -EINVAL;
	for (;;) {
		if (mutex_lock_interruptible(&rd->lock))
			return -ERESTARTSYS;
		ret = events_fill(rd, ubuf, len);
		pos = rd->pos;
		mutex_unlock(&rd->lock);
		if (ret)
			return ret;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		/* Not holding the lock: another reader of the file may go on. */
		if (wait_event_interruptible(fs_done_wq, fs_done_head() > pos))
			return -ERESTARTSYS;
	}
}

static __poll_t events_poll(struct file *file, struct poll_table_struct *pt)
{
	struct events_reader *rd = file->private_data;

	poll_wait(file, &fs_done_wq, pt);
	return fs_done_head() > READ_ONCE(rd->pos) || !READ_ONCE(rd->header_sent) ?
	       EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations events_fops = {
	.owner = THIS_MODULE,
	.open = events_open,
	.read = events_read,
	.poll = events_poll,
	.release = events_release,
};

/* hist: one line per non-empty bucket. */
static int hist_show(struct seq_file *m, void *v)
{
	u64 b[FS_HIST_BUCKETS];
	int k, t, i;

	seq_puts(m, "# kind latency lo_ns hi_ns count\n");
	for (k = 0; k < FS_KIND_COUNT; k++) {
		for (t = 0; t < 2; t++) {
			fs_hist_read(k, t, b);
			for (i = 0; i < FS_HIST_BUCKETS; i++) {
				if (!b[i])
					continue;
				seq_printf(m, "%s %s %llu %llu %llu\n", fs_kind_name(k),
					   t ? "total" : "create", fs_hist_lo(i), fs_hist_hi(i),
					   b[i]);
			}
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hist);

/* probes: the probe table, then "name value" lines about the module. */
static int probes_show(struct seq_file *m, void *v)
{
	struct fs_probe_stat st;
	int i;

	seq_puts(m, "# probe type attached hits missed\n");
	for (i = 0; i < FS_PROBE_COUNT; i++) {
		if (!fs_probes[i].name)
			continue;
		fs_probe_stat(i, &st);
		seq_printf(m, "%s %s %d %llu %lu\n", st.name, st.type, st.attached, st.hits,
			   st.missed);
	}
	seq_putc(m, '\n');
	seq_printf(m, "enabled %d\n", fs_on());
	seq_printf(m, "records %u\n", fs_records_size());
	seq_printf(m, "max_tracked %u\n", fs_param_max_tracked);
	seq_printf(m, "max_active %u\n", fs_param_max_active);
	seq_printf(m, "max_vforks %u\n", fs_param_max_vforks);
	seq_printf(m, "completed %llu\n", fs_done_head());
	seq_printf(m, "mm_tracked %u\n", fs_mm_tracked());
	seq_printf(m, "memory_bytes %zu\n",
		   fs_records_memory() + fs_fork_probes_memory() + fs_probes_memory());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(probes);

static ssize_t control_read(struct file *file, char __user *ubuf, size_t len, loff_t *off)
{
	const char *s = fs_on() ? "enabled\n" : "disabled\n";

	return simple_read_from_buffer(ubuf, len, off, s, strlen(s));
}

static ssize_t control_write(struct file *file, const char __user *ubuf, size_t len,
			     loff_t *off)
{
	char buf[16], *cmd;
	int at = fs_user_command(ubuf, len, buf, sizeof(buf));

	if (at < 0)
		return at;
	cmd = buf + at;
	if (!strcmp(cmd, "reset"))
		fs_records_reset();
	else if (!strcmp(cmd, "enable"))
		WRITE_ONCE(fs_enabled, true);
	else if (!strcmp(cmd, "disable"))
		WRITE_ONCE(fs_enabled, false);
	else
		return -EINVAL;
	return len;
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.read = control_read,
	.write = control_write,
	.llseek = default_llseek,
};

int fs_debugfs_init(void)
{
	/* debugfs may be absent or locked down: the module works without it. */
	fs_dir = debugfs_create_dir("forkstats", NULL);
	if (IS_ERR(fs_dir)) {
		pr_warn("debugfs unavailable (%ld): per-call records are not exposed\n",
			PTR_ERR(fs_dir));
		fs_dir = NULL;
		return 0;
	}
	debugfs_create_file("calls", 0400, fs_dir, NULL, &calls_fops);
	debugfs_create_file("events", 0400, fs_dir, NULL, &events_fops);
	debugfs_create_file("hist", 0400, fs_dir, NULL, &hist_fops);
	debugfs_create_file("probes", 0400, fs_dir, NULL, &probes_fops);
	debugfs_create_file("control", 0600, fs_dir, NULL, &control_fops);
	return 0;
}

void fs_debugfs_exit(void)
{
	debugfs_remove(fs_dir);
	fs_dir = NULL;
}
