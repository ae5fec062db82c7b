// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded pointer -> u64 map for kprobe handlers (see ptrmap.h).
 *
 * Chained hashing over a fixed pool of nodes.  Lookups take only their
 * bucket's lock; inserts and deletes also take the free-list lock, always
 * after the bucket lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "ptrmap.h"

struct fs_ptrmap_node {
	struct hlist_node link;
	const void *key;
	u64 val;
};

int fs_ptrmap_init(struct fs_ptrmap *m, unsigned int capacity)
{
	unsigned int i, nb;

	memset(m, 0, sizeof(*m));
	m->capacity = capacity;
	nb = roundup_pow_of_two(max(capacity / 2, 16U));
	m->bits = ilog2(nb);
	m->buckets = kvcalloc(nb, sizeof(*m->buckets), GFP_KERNEL);
	m->locks = kvcalloc(nb, sizeof(*m->locks), GFP_KERNEL);
	m->nodes = kvcalloc(capacity, sizeof(*m->nodes), GFP_KERNEL);
	if (!m->buckets || !m->locks || !m->nodes) {
		fs_ptrmap_destroy(m);
		return -ENOMEM;
	}
	for (i = 0; i < nb; i++) {
		INIT_HLIST_HEAD(&m->buckets[i]);
		raw_spin_lock_init(&m->locks[i]);
	}
	INIT_HLIST_HEAD(&m->free);
	for (i = 0; i < capacity; i++)
		hlist_add_head(&m->nodes[i].link, &m->free);
	raw_spin_lock_init(&m->free_lock);
	return 0;
}

void fs_ptrmap_destroy(struct fs_ptrmap *m)
{
	kvfree(m->buckets);
	kvfree(m->locks);
	kvfree(m->nodes);
	m->buckets = NULL;
	m->locks = NULL;
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

int fs_ptrmap_set(struct fs_ptrmap *m, const void *key, u64 val)
{
	unsigned int b = hash_ptr(key, m->bits);
	struct fs_ptrmap_node *n;
	unsigned long flags;
	int ret = 0;

	raw_spin_lock_irqsave(&m->locks[b], flags);
	n = find(m, b, key);
	if (!n) {
		raw_spin_lock(&m->free_lock);
		if (!hlist_empty(&m->free)) {
			n = hlist_entry(m->free.first, struct fs_ptrmap_node, link);
			hlist_del(&n->link);
			m->used++;
		}
		raw_spin_unlock(&m->free_lock);
		if (n) {
			n->key = key;
			hlist_add_head(&n->link, &m->buckets[b]);
		} else {
			ret = -ENOSPC;
		}
	}
	if (n)
		n->val = val;
	raw_spin_unlock_irqrestore(&m->locks[b], flags);
	return ret;
}
NOKPROBE_SYMBOL(fs_ptrmap_set);

bool fs_ptrmap_get(struct fs_ptrmap *m, const void *key, u64 *val)
{
	unsigned int b = hash_ptr(key, m->bits);
	struct fs_ptrmap_node *n;
	unsigned long flags;

	raw_spin_lock_irqsave(&m->locks[b], flags);
	n = find(m, b, key);
	if (n)
		*val = n->val;
	raw_spin_unlock_irqrestore(&m->locks[b], flags);
	return n;
}
NOKPROBE_SYMBOL(fs_ptrmap_get);

bool fs_ptrmap_add_unless(struct fs_ptrmap *m, const void *key, u64 delta, u64 mask)
{
	unsigned int b = hash_ptr(key, m->bits);
	struct fs_ptrmap_node *n;
	unsigned long flags;
	bool added = false;

	raw_spin_lock_irqsave(&m->locks[b], flags);
	n = find(m, b, key);
	if (n && !(n->val & mask)) {
		n->val += delta;
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
		hlist_del(&n->link);
		raw_spin_lock(&m->free_lock);
		hlist_add_head(&n->link, &m->free);
		m->used--;
		raw_spin_unlock(&m->free_lock);
	}
	raw_spin_unlock_irqrestore(&m->locks[b], flags);
	return n;
}
NOKPROBE_SYMBOL(fs_ptrmap_del);

void fs_ptrmap_clear(struct fs_ptrmap *m)
{
	unsigned int b;
	struct fs_ptrmap_node *n;
	struct hlist_node *tmp;
	unsigned long flags;

	for (b = 0; b < (1U << m->bits); b++) {
		raw_spin_lock_irqsave(&m->locks[b], flags);
		hlist_for_each_entry_safe(n, tmp, &m->buckets[b], link) {
			hlist_del(&n->link);
			raw_spin_lock(&m->free_lock);
			hlist_add_head(&n->link, &m->free);
			m->used--;
			raw_spin_unlock(&m->free_lock);
		}
		raw_spin_unlock_irqrestore(&m->locks[b], flags);
	}
}

unsigned int fs_ptrmap_used(struct fs_ptrmap *m)
{
	return READ_ONCE(m->used);
}

size_t fs_ptrmap_bytes(const struct fs_ptrmap *m)
{
	return ((sizeof(*m->buckets) + sizeof(*m->locks)) << m->bits) +
	       (size_t)m->capacity * sizeof(*m->nodes);
}
