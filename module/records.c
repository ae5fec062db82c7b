// SPDX-License-Identifier: GPL-2.0
/*
 * forkstats accounting: the ring of per-call records, the completion log the
 * events stream reads, per-kind aggregates and latency histograms, and the
 * mm attribution table that gives each COW fault its call.
 *
 * Hot-path rules: nothing here sleeps or allocates; all memory is allocated
 * at load from the module parameters.  Aggregates and histograms are per
 * CPU; a record slot is guarded by its own raw spinlock, except for its COW
 * counters, which a COW fault adds to without it (cow_add() below).
 *
 * Reset keeps sequence numbers increasing and remembers the last sequence
 * number before it: events of earlier calls (a vfork still blocked, a COW
 * fault in an mm forked before) are then ignored, so that the aggregates
 * always equal the sums over the records.
 *
 * Reset is exact while handlers run, by epochs.  The per-CPU aggregates,
 * counters and histograms exist twice, one set per epoch parity; readers
 * read the set of the current epoch.  A call's epoch comes with its seq,
 * from one atomic operation on fs_next_seq, whose bits above the seq count
 * the resets: fs_call_open() returns a handle, the seq and the epoch's
 * parity (FS_HANDLE_EPOCH), which the probes keep for the call (in-flight,
 * vfork and attribution tables) and give back; everything a call adds
 * (open, close, its COW faults, its record overwritten) goes to its own
 * epoch's set, or nowhere once the call is stale.  A reset (serialized by
 * fs_reset_mutex) zeroes the set of the next parity, which nothing writes
 * any more (below), then starts the new epoch with one atomic add to
 * fs_next_seq: a call whose seq came before is of the old epoch, any later
 * one of the new (no window in between); then publishes the last seq before
 * it (fs_reset_after: from then on those calls are stale and add nothing)
 * and waits for an RCU grace period: every handler that judged such a call
 * current before the publication, and added to the old set, has finished
 * (each judges and adds with preemption off).  So the old set is written no
 * more when the reset after the next one zeroes it; a reset never writes a
 * set a handler may be adding to (a remote memset would race this_cpu_add),
 * and only slots and attributions of stale calls are cleared.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "forkstats.h"
#include "ptrmap.h"

struct fs_pcpu {
	u64 agg[FS_KIND_COUNT][FS_SUM_COUNT];
	u64 ctr[FS_CTR_COUNT];
	u64 hist[FS_KIND_COUNT][2][FS_HIST_BUCKETS];
};

struct fs_slot {
	raw_spinlock_t lock;
	unsigned int epoch;		/* the parity of rec's epoch */
	struct fs_record rec;		/* rec.seq == 0: empty */
};

/*
 * fs_next_seq: the seq count in the low FS_SEQ_BITS bits, the resets above
 * them.  A handle (fs_call_open()): the seq, and bit FS_SEQ_BITS the parity
 * of the call's epoch; < 2^56, as the probes' tables need (fork_probes.c:
 * 56 bits in the in-flight and vfork tables, seq << 8 in the attribution
 * table).  2^55 calls: a million a second for a thousand years.
 */
#define FS_SEQ_BITS	55
#define FS_SEQ_MASK	(BIT_ULL(FS_SEQ_BITS) - 1)
#define FS_HANDLE_EPOCH	BIT_ULL(FS_SEQ_BITS)
#define FS_HANDLE_MASK	(BIT_ULL(FS_SEQ_BITS + 1) - 1)

static inline u64 handle_seq(u64 h)
{
	return h & FS_SEQ_MASK;
}

static inline unsigned int handle_epoch(u64 h)
{
	return (h >> FS_SEQ_BITS) & 1;
}

/*
 * A slot's COW counters (rec.cow_parent, cow_child, cow_copies,
 * cow_reuses) are added to without the slot's lock: each holds the slot's
 * lap, seq / records, in its top 24 bits (COW_LAP()) and the count in the
 * low 40, and a fault adds with a cmpxchg that expects its call's lap
 * (cow_add()).  fs_call_open() writes them with the new call's lap, under
 * the lock: from then on an add meant for the call the slot held before
 * fails, and one that succeeded before is overwritten with the rest of the
 * old record.  So a fault's count lands on the record of its call or on
 * none.  The fault first checks the slot's seq (which fs_call_open()
 * writes in single stores): the lap tag then only has to tell apart the
 * calls that can own the slot between that check and the cmpxchg, a few
 * instructions with preemption off, and the next one with the same tag is
 * 2^24 laps (2^28 calls at least) later.  A count saturates at 2^40 - 1.
 * Readers take the lock and mask the lap off (cow_count()).
 */
#define COW_COUNT_BITS	40
#define COW_COUNT_MASK	(BIT_ULL(COW_COUNT_BITS) - 1)
#define COW_LAP(seq)	(((seq) / fs_nrecords) << COW_COUNT_BITS)

static inline u64 cow_count(u64 w)
{
	return w & COW_COUNT_MASK;
}

static struct fs_pcpu __percpu *fs_pcpu[2];	/* per epoch parity */
static struct fs_slot *fs_ring;
static unsigned int fs_nrecords;
static atomic64_t fs_next_seq;		/* resets << FS_SEQ_BITS | seqs given */
static u64 fs_reset_after;		/* seq of the last call before the last reset */
static unsigned int fs_epoch;		/* resets published: readers' set, fs_count()'s */
static DEFINE_MUTEX(fs_reset_mutex);

static u64 *fs_done_log;
static u64 fs_done_n;			/* entries ever appended, under fs_done_lock */
static DEFINE_RAW_SPINLOCK(fs_done_lock);
DECLARE_WAIT_QUEUE_HEAD(fs_done_wq);
static struct irq_work fs_wake_work;

static struct fs_ptrmap fs_mm_table;

static enum fs_split fs_split_mode;
static unsigned long fs_unknown_cols;

static inline bool stale(u64 seq)
{
	return seq <= READ_ONCE(fs_reset_after);
}

/* The set of epoch parity e; of the current epoch for readers. */
static inline struct fs_pcpu __percpu *pcpu(unsigned int e)
{
	return fs_pcpu[e & 1];
}

static inline struct fs_pcpu __percpu *pcpu_now(void)
{
	return pcpu(smp_load_acquire(&fs_epoch));
}

/* Handlers add with preemption off (see the top of the file). */
static inline void agg_add(unsigned int e, unsigned int kind, int field, u64 v)
{
	this_cpu_add(pcpu(e)->agg[kind][field], v);
}

/* A counter of no call: the current epoch's. */
void notrace fs_count(enum fs_counter c)
{
	preempt_disable_notrace();
	this_cpu_inc(pcpu_now()->ctr[c]);
	preempt_enable_notrace();
}
NOKPROBE_SYMBOL(fs_count);

u64 fs_counter_read(enum fs_counter c)
{
	struct fs_pcpu __percpu *p = pcpu_now();
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(p, cpu)->ctr[c];
	return sum;
}

static void fs_wake(struct irq_work *w)
{
	wake_up_interruptible_all(&fs_done_wq);
}

/* Opens the call of record r: its handle (seq and epoch, see above). */
u64 fs_call_open(struct fs_record *r)
{
	unsigned int k = r->kind, e;
	unsigned long flags;
	struct fs_slot *s;
	u64 h, seq;

	preempt_disable_notrace();
	h = atomic64_inc_return(&fs_next_seq) & FS_HANDLE_MASK;
	seq = handle_seq(h);
	e = handle_epoch(h);
	s = &fs_ring[seq % fs_nrecords];
	raw_spin_lock_irqsave(&s->lock, flags);
	/* Counted in the epoch of the record that falls out. */
	if (s->rec.seq && !stale(s->rec.seq))
		this_cpu_inc(pcpu(s->epoch)->ctr[FS_CTR_records_overwritten]);
	/*
	 * COW faults read the slot's seq without the lock: it goes to 0, then
	 * to the new seq last, each in one store (the copy leaves it 0).
	 */
	WRITE_ONCE(s->rec.seq, 0);
	barrier();
	r->seq = 0;
	s->rec = *r;
	WRITE_ONCE(s->rec.cow_parent, COW_LAP(seq) | r->cow_parent);
	WRITE_ONCE(s->rec.cow_child, COW_LAP(seq) | r->cow_child);
	WRITE_ONCE(s->rec.cow_copies, COW_LAP(seq) | r->cow_copies);
	WRITE_ONCE(s->rec.cow_reuses, COW_LAP(seq) | r->cow_reuses);
	s->epoch = e;
	barrier();
	WRITE_ONCE(s->rec.seq, seq);
	raw_spin_unlock_irqrestore(&s->lock, flags);
	r->seq = seq;

	agg_add(e, k, FS_SUM_calls, 1);
	if (r->err)
		agg_add(e, k, FS_SUM_failed, 1);
	agg_add(e, k, FS_SUM_create_ns, r->create_ns);
	agg_add(e, k, FS_SUM_pgtable_bytes, r->pgtable_bytes);
	agg_add(e, k, FS_SUM_vmas_copied, r->vmas_copied);
	agg_add(e, k, FS_SUM_rss_pages, r->rss_pages);
	this_cpu_inc(pcpu(e)->hist[k][0][fs_hist_bucket(r->create_ns)]);
	preempt_enable_notrace();
	return h;
}
NOKPROBE_SYMBOL(fs_call_open);

/* Closes the call of handle h (fs_call_open()'s), unless it is stale. */
void fs_call_close(u64 h, unsigned int kind, u64 total_ns)
{
	u64 seq = handle_seq(h);
	struct fs_slot *s = &fs_ring[seq % fs_nrecords];
	unsigned int e = handle_epoch(h);
	unsigned long flags;

	preempt_disable_notrace();
	if (stale(seq))
		goto out;
	raw_spin_lock_irqsave(&s->lock, flags);
	if (s->rec.seq == seq) {
		s->rec.total_ns = total_ns;
		s->rec.done = 1;
	}
	raw_spin_unlock_irqrestore(&s->lock, flags);

	agg_add(e, kind, FS_SUM_total_ns, total_ns);
	agg_add(e, kind, FS_SUM_closed, 1);
	this_cpu_inc(pcpu(e)->hist[kind][1][fs_hist_bucket(total_ns)]);

	raw_spin_lock_irqsave(&fs_done_lock, flags);
	fs_done_log[fs_done_n % fs_nrecords] = seq;
	fs_done_n++;
	raw_spin_unlock_irqrestore(&fs_done_lock, flags);
	if (wq_has_sleeper(&fs_done_wq))
		irq_work_queue(&fs_wake_work);
out:
	preempt_enable_notrace();
}
NOKPROBE_SYMBOL(fs_call_close);

/* mm attribution: the handle, kind and side packed (<forkstats/attr.h>) */
int fs_mm_attribute(const struct mm_struct *mm, u64 h, unsigned int kind, enum fs_side side)
{
	if (fs_ptrmap_set(&fs_mm_table, mm, fs_attr_pack(h, kind, side))) {
		fs_count(FS_CTR_mm_table_overflow);
		return -ENOSPC;
	}
	return 0;
}
NOKPROBE_SYMBOL(fs_mm_attribute);

void fs_mm_forget(const struct mm_struct *mm)
{
	fs_ptrmap_del(&fs_mm_table, mm, NULL);
}
NOKPROBE_SYMBOL(fs_mm_forget);

unsigned int fs_mm_tracked(void)
{
	return fs_ptrmap_used(&fs_mm_table);
}

/*
 * The COW hooks' per-CPU hint: the last mm looked up on this CPU, what the
 * table said of it (its call, or none), and what counting a fault in it
 * needs, ready.  It is used while its bucket's generation has not moved
 * (fs_ptrmap_unchanged(): every write to the bucket, which an attribution
 * or a forget of this mm would be, bumps it inside its write section); so
 * a fault sees the table as a lookup at that moment would, and the
 * attribution rules are unchanged.  A write racing the fault on another
 * CPU is seen or not, as with the lookup; one that happened before the
 * fault (in the faulting task's past: the fork that attributed its mm, or
 * on another CPU before a context switch brought it here) is seen.
 * Preemption is off while the hint is read or filled (the helper hooks
 * run preemptible), so nothing else on this CPU uses it meanwhile; no
 * interrupt or NMI takes a COW fault.
 */
struct fs_cow_hint {
	const struct mm_struct *mm;	/* NULL: empty */
	const u64 *genp;		/* where mm's bucket keeps its generation */
	u64 gen;			/* ... and what it was at the lookup */
	u64 seq;			/* the call; 0 (stale) when mm is in none */
	u64 lap;			/* COW_LAP(seq) */
	struct fs_slot *slot;		/* seq's */
	u64 *rec_side;			/* &slot->rec.cow_parent or cow_child */
	u64 __percpu *agg;		/* &pcpu(epoch)->agg[kind][0] */
	u64 __percpu *agg_side;		/* ... [FS_SUM_cow_parent] or [FS_SUM_cow_child] */
};
static DEFINE_PER_CPU(struct fs_cow_hint, fs_cow_hint);

static noinline void notrace hint_fill(struct fs_cow_hint *h, const struct mm_struct *mm)
{
	struct fs_pcpu __percpu *p;
	unsigned int kind;
	bool parent;
	u64 v;

	h->mm = mm;
	h->seq = 0;
	if (!fs_ptrmap_get_gen(&fs_mm_table, mm, &v, &h->genp, &h->gen))
		return;
	/* value: the handle, kind and side (attr.h); the call's epoch's set */
	kind = fs_attr_kind(v);
	parent = fs_attr_side(v) == FS_SIDE_PARENT;
	h->seq = handle_seq(fs_attr_call(v));
	p = pcpu(handle_epoch(fs_attr_call(v)));
	h->lap = COW_LAP(h->seq);
	h->slot = &fs_ring[h->seq % fs_nrecords];
	h->rec_side = parent ? &h->slot->rec.cow_parent : &h->slot->rec.cow_child;
	h->agg = &p->agg[kind][0];
	h->agg_side = &p->agg[kind][parent ? FS_SUM_cow_parent : FS_SUM_cow_child];
}
NOKPROBE_SYMBOL(hint_fill);

/* One more in a slot's COW counter w, if it still holds lap (see above). */
static __always_inline void cow_add(u64 *w, u64 lap)
{
	u64 old = READ_ONCE(*w);

	/* old ^ lap < COW_COUNT_MASK: lap's tag, and the count not saturated */
	while ((old ^ lap) < COW_COUNT_MASK && !try_cmpxchg(w, &old, old + 1))
		;
}

/*
 * A COW fault in mm: added to the call mm last took part in (the hint's),
 * if any and not from before a reset (stale(0) holds too).
 */
static __always_inline void cow_fault(const struct mm_struct *mm, enum fs_cow_outcome o)
{
	struct fs_cow_hint *h;
	struct fs_slot *s;

	preempt_disable_notrace();
	h = this_cpu_ptr(&fs_cow_hint);
	if (unlikely(h->mm != mm || !fs_ptrmap_unchanged(h->genp, h->gen)))
		hint_fill(h, mm);
	if (stale(h->seq)) {
		if (o == FS_COW_EVENT)
			fs_count(FS_CTR_cow_unattributed);
		goto out;
	}
	if (o == FS_COW_EVENT)
		this_cpu_inc(*h->agg_side);
	else if (o == FS_COW_COPY)
		this_cpu_inc(h->agg[FS_SUM_cow_copies]);
	else
		this_cpu_inc(h->agg[FS_SUM_cow_reuses]);
	s = h->slot;
	if (READ_ONCE(s->rec.seq) != h->seq)
		goto out;
	if (o == FS_COW_EVENT)
		cow_add(h->rec_side, h->lap);
	else if (o == FS_COW_COPY)
		cow_add(&s->rec.cow_copies, h->lap);
	else
		cow_add(&s->rec.cow_reuses, h->lap);
out:
	preempt_enable_notrace();
}

void notrace fs_cow_event(const struct mm_struct *mm)
{
	cow_fault(mm, FS_COW_EVENT);
}
NOKPROBE_SYMBOL(fs_cow_event);

void notrace fs_cow_copy(const struct mm_struct *mm)
{
	cow_fault(mm, FS_COW_COPY);
}
NOKPROBE_SYMBOL(fs_cow_copy);

void notrace fs_cow_reuse(const struct mm_struct *mm)
{
	cow_fault(mm, FS_COW_REUSE);
}
NOKPROBE_SYMBOL(fs_cow_reuse);

/* The outcome not counted directly is derived (<forkstats/cow.h>). */
static void derive_split(u64 events, u64 *copies, u64 *reuses)
{
	fs_cow_split(fs_split_mode, events, copies, reuses);
}

bool fs_record_read(u64 seq, struct fs_record *r)
{
	struct fs_slot *s = &fs_ring[seq % fs_nrecords];
	unsigned long flags;
	bool ok;

	raw_spin_lock_irqsave(&s->lock, flags);
	ok = s->rec.seq == seq;
	if (ok)
		*r = s->rec;
	raw_spin_unlock_irqrestore(&s->lock, flags);
	if (!ok)
		return false;
	r->cow_parent = cow_count(r->cow_parent);
	r->cow_child = cow_count(r->cow_child);
	r->cow_copies = cow_count(r->cow_copies);
	r->cow_reuses = cow_count(r->cow_reuses);
	derive_split(r->cow_parent + r->cow_child, &r->cow_copies, &r->cow_reuses);
	return ok;
}

u64 fs_records_last_seq(void)
{
	return atomic64_read(&fs_next_seq) & FS_SEQ_MASK;
}

unsigned int fs_records_size(void)
{
	return fs_nrecords;
}

u64 fs_reset_seq(void)
{
	return READ_ONCE(fs_reset_after);
}

void fs_agg_read(struct fs_agg agg[FS_KIND_COUNT])
{
	struct fs_pcpu __percpu *set = pcpu_now();
	int cpu, k;

	memset(agg, 0, sizeof(*agg) * FS_KIND_COUNT);
	for_each_possible_cpu(cpu) {
		struct fs_pcpu *p = per_cpu_ptr(set, cpu);

		for (k = 0; k < FS_KIND_COUNT; k++) {
#define FS_AGG_ADD(name) agg[k].name += p->agg[k][FS_SUM_##name];
			FS_AGG_SUMS(FS_AGG_ADD)
#undef FS_AGG_ADD
		}
	}
	for (k = 0; k < FS_KIND_COUNT; k++)
		derive_split(agg[k].cow_parent + agg[k].cow_child, &agg[k].cow_copies,
			     &agg[k].cow_reuses);
}

void fs_hist_read(unsigned int kind, bool total, u64 buckets[FS_HIST_BUCKETS])
{
	struct fs_pcpu __percpu *set = pcpu_now();
	int cpu, b;

	memset(buckets, 0, sizeof(u64) * FS_HIST_BUCKETS);
	for_each_possible_cpu(cpu)
		for (b = 0; b < FS_HIST_BUCKETS; b++)
			buckets[b] += per_cpu_ptr(set, cpu)->hist[kind][total][b];
}

u64 fs_done_head(void)
{
	unsigned long flags;
	u64 n;

	raw_spin_lock_irqsave(&fs_done_lock, flags);
	n = fs_done_n;
	raw_spin_unlock_irqrestore(&fs_done_lock, flags);
	return n;
}

/*
 * A reader at *pos of the completion log (*pos <= the head): entries that
 * fell out of the log are added to *lost and skipped (*pos moves to the
 * oldest one kept); then the seq of the entry at *pos, false when *pos is
 * the head.  One look under the log's lock: *pos never passes the head.
 */
bool fs_done_peek(u64 *pos, u64 *lost, u64 *seq)
{
	unsigned long flags;
	bool ok;

	raw_spin_lock_irqsave(&fs_done_lock, flags);
	if (*pos + fs_nrecords < fs_done_n) {
		*lost += fs_done_n - fs_nrecords - *pos;
		*pos = fs_done_n - fs_nrecords;
	}
	ok = *pos < fs_done_n;
	if (ok)
		*seq = fs_done_log[*pos % fs_nrecords];
	raw_spin_unlock_irqrestore(&fs_done_lock, flags);
	return ok;
}

void fs_records_set_split(enum fs_split split)
{
	fs_split_mode = split;
	if (split == FS_SPLIT_NONE) {
		fs_records_set_unknown(FS_COL_cow_copies);
		fs_records_set_unknown(FS_COL_cow_reuses);
	}
}

enum fs_split fs_records_split(void)
{
	return fs_split_mode;
}

void fs_records_set_unknown(enum fs_record_column col)
{
	__set_bit(col, &fs_unknown_cols);
}

bool fs_records_unknown(enum fs_record_column col)
{
	return test_bit(col, &fs_unknown_cols);
}

/* An attribution to a call before the last reset. */
static bool mm_stale(u64 v)
{
	return stale(handle_seq(fs_attr_call(v)));
}

/* Sleeps (an RCU grace period): process context only. */
void fs_records_reset(void)
{
	struct fs_pcpu __percpu *next;
	unsigned long flags;
	unsigned int i;
	u64 v, r;
	int cpu;

	mutex_lock(&fs_reset_mutex);
	/* Written by no one since the last reset's grace period (above). */
	next = pcpu(fs_epoch + 1);
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(next, cpu), 0, sizeof(struct fs_pcpu));
	/* The new epoch: every seq given from here on (a full barrier). */
	v = atomic64_fetch_add(FS_HANDLE_EPOCH, &fs_next_seq);
	r = v & FS_SEQ_MASK;
	WRITE_ONCE(fs_reset_after, r);
	smp_store_release(&fs_epoch, fs_epoch + 1);
	/* Handlers that took a call of before r for current are done. */
	synchronize_rcu();
	for (i = 0; i < fs_nrecords; i++) {
		struct fs_slot *s = &fs_ring[i];

		raw_spin_lock_irqsave(&s->lock, flags);
		if (s->rec.seq <= r)
			WRITE_ONCE(s->rec.seq, 0);
		raw_spin_unlock_irqrestore(&s->lock, flags);
		if (!(i & 1023))
			cond_resched();
	}
	fs_ptrmap_clear_if(&fs_mm_table, mm_stale);
	mutex_unlock(&fs_reset_mutex);
}

/* Counted once at load: it does not move while loaded. */
static size_t fs_records_bytes;

size_t fs_records_memory(void)
{
	return fs_records_bytes;
}

int fs_records_init(void)
{
	unsigned int i;
	int ret;

	/* Before anything can fail: fs_records_exit() syncs it. */
	init_irq_work(&fs_wake_work, fs_wake);
	fs_nrecords = fs_param_records;
	fs_ring = kvcalloc(fs_nrecords, sizeof(*fs_ring), GFP_KERNEL);
	fs_done_log = kvcalloc(fs_nrecords, sizeof(*fs_done_log), GFP_KERNEL);
	fs_pcpu[0] = alloc_percpu(struct fs_pcpu);
	fs_pcpu[1] = alloc_percpu(struct fs_pcpu);
	ret = fs_ptrmap_init(&fs_mm_table, fs_param_max_tracked);
	if (!fs_ring || !fs_done_log || !fs_pcpu[0] || !fs_pcpu[1] || ret) {
		fs_records_exit();
		return -ENOMEM;
	}
	for (i = 0; i < fs_nrecords; i++)
		raw_spin_lock_init(&fs_ring[i].lock);
	/* The ring and the log as kvmalloc placed them (compat.h). */
	fs_records_bytes = fs_kvmalloc_bytes(fs_ring, (size_t)fs_nrecords * sizeof(*fs_ring)) +
			   fs_kvmalloc_bytes(fs_done_log,
					     (size_t)fs_nrecords * sizeof(*fs_done_log)) +
			   num_possible_cpus() * sizeof(struct fs_pcpu) * ARRAY_SIZE(fs_pcpu) +
			   fs_ptrmap_bytes(&fs_mm_table);
	return 0;
}

void fs_records_exit(void)
{
	irq_work_sync(&fs_wake_work);
	fs_ptrmap_destroy(&fs_mm_table);
	free_percpu(fs_pcpu[1]);
	free_percpu(fs_pcpu[0]);
	kvfree(fs_done_log);
	kvfree(fs_ring);
	fs_pcpu[0] = NULL;
	fs_pcpu[1] = NULL;
	fs_done_log = NULL;
	fs_ring = NULL;
}

/* Text form of records: FS_RECORD_COLUMNS, "-" for unknown values. */
void fs_record_header(char *buf, size_t len)
{
	size_t n = scnprintf(buf, len, "#");

#define FS_COL_NAME(name, type) n += scnprintf(buf + n, len - n, " %s", #name);
	FS_RECORD_COLUMNS(FS_COL_NAME)
#undef FS_COL_NAME
	scnprintf(buf + n, len - n, "\n");
}

static size_t put_comm(char *buf, size_t len, const char *comm)
{
	size_t n = 0;
	int i;

	for (i = 0; i < FS_COMM_LEN && comm[i]; i++) {
		unsigned char c = comm[i];

		if (c > 0x20 && c < 0x7f && c != '\\')
			n += scnprintf(buf + n, len - n, "%c", c);
		else
			n += scnprintf(buf + n, len - n, "\\x%02x", c);
	}
	if (!n)
		n = scnprintf(buf, len, "\\x00");
	return n;
}

#define FMT_U64(v)	"%llu", (unsigned long long)(v)
#define FMT_U32(v)	"%u", (unsigned int)(v)
#define FMT_S32(v)	"%d", (int)(v)
#define FMT_HEX(v)	"0x%llx", (unsigned long long)(v)
#define FMT_KIND(v)	"%s", fs_kind_name(v)

int fs_record_format(const struct fs_record *r, char *buf, size_t len)
{
	size_t n = 0;
	bool first = true;

#define FS_COL_PUT(name, type)							\
	do {									\
		if (!first)							\
			n += scnprintf(buf + n, len - n, " ");			\
		first = false;							\
		if (fs_records_unknown(FS_COL_##name) ||			\
		    (r->unknown & BIT(FS_COL_##name)) ||			\
		    (FS_COL_##name == FS_COL_total_ns && !r->done))		\
			n += scnprintf(buf + n, len - n, "-");			\
		else								\
			FS_PUT_##type(name);					\
	} while (0);
#define FS_PUT_U64(name)	(n += scnprintf(buf + n, len - n, FMT_U64(r->name)))
#define FS_PUT_U32(name)	(n += scnprintf(buf + n, len - n, FMT_U32(r->name)))
#define FS_PUT_S32(name)	(n += scnprintf(buf + n, len - n, FMT_S32(r->name)))
#define FS_PUT_HEX(name)	(n += scnprintf(buf + n, len - n, FMT_HEX(r->name)))
#define FS_PUT_KIND(name)	(n += scnprintf(buf + n, len - n, FMT_KIND(r->name)))
#define FS_PUT_COMM(name)	(n += put_comm(buf + n, len - n, r->name))
	FS_RECORD_COLUMNS(FS_COL_PUT)
#undef FS_COL_PUT
	n += scnprintf(buf + n, len - n, "\n");
	return n;
}
