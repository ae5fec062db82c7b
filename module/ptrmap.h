/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bounded map from kernel pointers to u64 values, safe to use from kprobe
 * handlers: every node is allocated when the map is created, so inserting
 * never allocates, and every lock is a raw spinlock taken with interrupts
 * off, so nothing sleeps; lookups take no lock at all.  Used for the mm
 * attribution table (mm -> call) and the table of kernel_clone calls in
 * flight (task -> call).
 */
#ifndef FORKSTATS_PTRMAP_H
#define FORKSTATS_PTRMAP_H

#include <linux/compiler.h>
#include <linux/hash.h>
#include <linux/list.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct fs_ptrmap_node {
	struct hlist_node link;
	const void *key;
	u64 val;
};

struct fs_ptrmap {
	unsigned int bits;		/* 1 << bits buckets */
	unsigned int capacity;		/* nodes */
	struct hlist_head *buckets;
	raw_spinlock_t *locks;		/* one per bucket, for writers */
	seqcount_t *seqs;		/* one per bucket: lockless lookups */
	u64 *gens;			/* one per bucket: writes ever made to it */
	struct fs_ptrmap_node *nodes;
	struct hlist_head free;
	raw_spinlock_t free_lock;
	unsigned int used;		/* under free_lock */
	size_t bytes;			/* what the arrays took (compat.h), at init */
};

int fs_ptrmap_init(struct fs_ptrmap *m, unsigned int capacity);
void fs_ptrmap_destroy(struct fs_ptrmap *m);
/* Insert or replace.  -ENOSPC when all nodes are in use. */
int fs_ptrmap_set(struct fs_ptrmap *m, const void *key, u64 val);
/* Add delta to the value of key, in place, unless the value has a bit of mask. */
bool fs_ptrmap_add_unless(struct fs_ptrmap *m, const void *key, u64 delta, u64 mask);
bool fs_ptrmap_del(struct fs_ptrmap *m, const void *key, u64 *val);
void fs_ptrmap_clear_if(struct fs_ptrmap *m, bool (*drop)(u64 val));
unsigned int fs_ptrmap_used(struct fs_ptrmap *m);
size_t fs_ptrmap_bytes(const struct fs_ptrmap *m);

/*
 * Lockless (ptrmap.c says why that is safe), and inline: it runs on every
 * COW fault.  A walk longer than the pool can only have followed nodes
 * that writers were moving: it stops, and the sequence check sends it
 * round again.
 *
 * Also gives where key's bucket keeps its generation, and the generation
 * read in the same read section as the value: while fs_ptrmap_unchanged()
 * holds for them, a lookup of key would find the same thing (key's value,
 * or no key).  A write to the bucket (set, add, delete, clear) bumps the
 * generation inside its write section; a u64 never wraps.
 */
static __always_inline bool fs_ptrmap_get_gen(struct fs_ptrmap *m, const void *key, u64 *val,
					      const u64 **genp, u64 *gen)
{
	unsigned int b = hash_ptr(key, m->bits), seq, steps;
	struct hlist_node *p;
	bool found;
	u64 v = 0, g;

	do {
		seq = read_seqcount_begin(&m->seqs[b]);
		g = READ_ONCE(m->gens[b]);
		found = false;
		steps = 0;
		for (p = READ_ONCE(m->buckets[b].first); p && steps++ <= m->capacity;
		     p = READ_ONCE(p->next)) {
			struct fs_ptrmap_node *n = hlist_entry(p, struct fs_ptrmap_node, link);

			if (READ_ONCE(n->key) == key) {
				v = READ_ONCE(n->val);
				found = true;
				break;
			}
		}
	} while (read_seqcount_retry(&m->seqs[b], seq));
	if (found)
		*val = v;
	*genp = &m->gens[b];
	*gen = g;
	return found;
}

static __always_inline bool fs_ptrmap_get(struct fs_ptrmap *m, const void *key, u64 *val)
{
	const u64 *genp;
	u64 g;

	return fs_ptrmap_get_gen(m, key, val, &genp, &g);
}

/* No write to the bucket since fs_ptrmap_get_gen() gave genp and gen. */
static __always_inline bool fs_ptrmap_unchanged(const u64 *genp, u64 gen)
{
	return READ_ONCE(*genp) == gen;
}

#endif /* FORKSTATS_PTRMAP_H */
