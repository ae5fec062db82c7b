// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded pointer -> u64 map for kprobe handlers (see ptrmap.h).
 *
 * Chained hashing over a fixed pool of nodes.  Inserts and deletes take
 * their bucket's lock, then the free-list lock, and bump the bucket's
 * sequence count.  Lookups take no lock (they run on every COW fault): they
 * walk the chain and retry if the bucket's sequence moved meanwhile.  Nodes
 * are never freed while the map exists, and a deleted node keeps its next
 * pointer (hlist_del_rcu), so a walk that races a writer follows valid
 * nodes to the end of some chain and retries.
 *
 * Each bucket also counts the writes ever made to it (gens[], bumped in the
 * write section): a reader that remembers a lookup's result with its
 * bucket's generation can reuse it while the generation has not moved
 * (the COW hooks' per-CPU hint, records.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rculist.h>
#include <linux/seqlock.h>
#include <linux/slab.h>

#include "compat.h"
#include "ptrmap.h"

int fs_ptrmap_init(struct fs_ptrmap *m, unsigned int capacity)
{
	unsigned int i, nb;

	memset(m, 0, sizeof(*m));
	m->capacity = capacity;
	nb = roundup_pow_of_two(max(capacity / 2, 16U));
	m->bits = ilog2(nb);
	m->buckets = kvcalloc(nb, sizeof(*m->buckets), GFP_KERNEL);
	m->locks = kvcalloc(nb, sizeof(*m->locks), GFP_KERNEL);
	m->seqs = kvcalloc(nb, sizeof(*m->seqs), GFP_KERNEL);
	m->gens = kvcalloc(nb, sizeof(*m->gens), GFP_KERNEL);
	m->nodes = kvcalloc(capacity, sizeof(*m->nodes), GFP_KERNEL);
	if (!m->buckets || !m->locks || !m->seqs || !m->gens || !m->nodes) {
		fs_ptrmap_destroy(m);
		return -ENOMEM;
	}
	for (i = 0; i < nb; i++) {
		INIT_HLIST_HEAD(&m->buckets[i]);
		raw_spin_lock_init(&m->locks[i]);
		seqcount_init(&m->seqs[i]);
	}
	INIT_HLIST_HEAD(&m->free);
	for (i = 0; i < capacity; i++)
		hlist_add_head(&m->nodes[i].link, &m->free);
	raw_spin_lock_init(&m->free_lock);
	m->bytes = fs_kvmalloc_bytes(m->buckets, nb * sizeof(*m->buckets)) +
		   fs_kvmalloc_bytes(m->locks, nb * sizeof(*m->locks)) +
		   fs_kvmalloc_bytes(m->seqs, nb * sizeof(*m->seqs)) +
		   fs_kvmalloc_bytes(m->gens, nb * sizeof(*m->gens)) +
		   fs_kvmalloc_bytes(m->nodes, (size_t)capacity * sizeof(*m->nodes));
	return 0;
}

void fs_ptrmap_destroy(struct fs_ptrmap *m)
{
	kvfree(m->buckets);
	kvfree(m->locks);
	kvfree(m->seqs);
	kvfree(m->gens);
	kvfree(m->nodes);
	m->buckets = NULL;
	m->locks = NULL;
	m->seqs = NULL;
	m->gens = NULL;
	m->nodes = NULL;
}

static struct fs_ptrmap_node *find(struct fs_ptrmap *m, unsigned int b, const void *key)
{
	struct fs_ptrmap_node *n;

	hlist_for_each_entry(n, &m->buckets[b], link)
		if (n->key == key)
			return n;
	return NULL;
}
NOKPROBE_SYMBOL(find);

/* In bucket b's write section, its lock held. */
static __always_inline void bump(struct fs_ptrmap *m, unsigned int b)
{
	WRITE_ONCE(m->gens[b], m->gens[b] + 1);
}

/* A node off the free list, or NULL when all are in use. */
static struct fs_ptrmap_node *take_free(struct fs_ptrmap *m)
{
	struct fs_ptrmap_node *n = NULL;

	raw_spin_lock(&m->free_lock);
	if (!hlist_empty(&m->free)) {
		n = hlist_entry(m->free.first, struct fs_ptrmap_node, link);
		hlist_del_rcu(&n->link);
		m->used++;
	}
	raw_spin_unlock(&m->free_lock);
	return n;
}
NOKPROBE_SYMBOL(take_free);

/* Unlink n from bucket b (its lock held) onto the free list. */
static void release(struct fs_ptrmap *m, unsigned int b, struct fs_ptrmap_node *n)
{
	write_seqcount_begin(&m->seqs[b]);
	hlist_del_rcu(&n->link);
	bump(m, b);
	write_seqcount_end(&m->seqs[b]);
	raw_spin_lock(&m->free_lock);
	hlist_add_head(&n->link, &m->free);
	m->used--;
	raw_spin_unlock(&m->free_lock);
}
NOKPROBE_SYMBOL(release);

int fs_ptrmap_set(struct fs_ptrmap *m, const void *key, u64 val)
{
	unsigned int b = hash_ptr(key, m->bits);
	struct fs_ptrmap_node *n;
	unsigned long flags;
	bool fresh = false;

	raw_spin_lock_irqsave(&m->locks[b], flags);
	n = find(m, b, key);
	if (!n) {
		n = take_free(m);
		if (!n) {
			raw_spin_unlock_irqrestore(&m->locks[b], flags);
			return -ENOSPC;
		}
		fresh = true;
	}
	write_seqcount_begin(&m->seqs[b]);
	if (fresh) {
		WRITE_ONCE(n->key, key);
		hlist_add_head_rcu(&n->link, &m->buckets[b]);
	}
	WRITE_ONCE(n->val, val);
	bump(m, b);
	write_seqcount_end(&m->seqs[b]);
	raw_spin_unlock_irqrestore(&m->locks[b], flags);
	return 0;
}
NOKPROBE_SYMBOL(fs_ptrmap_set);

bool fs_ptrmap_add_unless(struct fs_ptrmap *m, const void *key, u64 delta, u64 mask)
{
	unsigned int b = hash_ptr(key, m->bits);
	struct fs_ptrmap_node *n;
	unsigned long flags;
	bool added = false;

	raw_spin_lock_irqsave(&m->locks[b], flags);
	n = find(m, b, key);
	if (n && !(n->val & mask)) {
		write_seqcount_begin(&m->seqs[b]);
		WRITE_ONCE(n->val, n->val + delta);
		bump(m, b);
		write_seqcount_end(&m->seqs[b]);
		added = true;
	}
	raw_spin_unlock_irqrestore(&m->locks[b], flags);
	return added;
}
NOKPROBE_SYMBOL(fs_ptrmap_add_unless);

bool fs_ptrmap_del(struct fs_ptrmap *m, const void *key, u64 *val)
{
	unsigned int b = hash_ptr(key, m->bits);
	struct fs_ptrmap_node *n;
	unsigned long flags;

	raw_spin_lock_irqsave(&m->locks[b], flags);
	n = find(m, b, key);
	if (n) {
		if (val)
			*val = n->val;
		release(m, b, n);
	}
	raw_spin_unlock_irqrestore(&m->locks[b], flags);
	return n;
}
NOKPROBE_SYMBOL(fs_ptrmap_del);

/* Deletes every entry whose value drop() says so (process context). */
void fs_ptrmap_clear_if(struct fs_ptrmap *m, bool (*drop)(u64 val))
{
	unsigned int b;
	struct fs_ptrmap_node *n;
	struct hlist_node *tmp;
	unsigned long flags;

	for (b = 0; b < (1U << m->bits); b++) {
		raw_spin_lock_irqsave(&m->locks[b], flags);
		hlist_for_each_entry_safe(n, tmp, &m->buckets[b], link)
			if (drop(n->val))
				release(m, b, n);
		raw_spin_unlock_irqrestore(&m->locks[b], flags);
		if (!(b & 1023))
			cond_resched();
	}
}

unsigned int fs_ptrmap_used(struct fs_ptrmap *m)
{
	return READ_ONCE(m->used);
}

/* What the arrays really took (fs_kvmalloc_bytes()), counted once at init. */
size_t fs_ptrmap_bytes(const struct fs_ptrmap *m)
{
	return m->bytes;
}
