/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the running kernel's BTF says, for choosing BPF hooks: shared by the
 * BPF backend's loader (bpf_attach.c) and the benchmark's plain counter
 * (bench/bpfcount), so that both hook the same functions.
 */
#ifndef FORKSTATS_BTF_QUERY_H
#define FORKSTATS_BTF_QUERY_H

#include <string.h>

#include <bpf/btf.h>

static inline int fs_btf_has(const struct btf *btf, const char *name, int kind)
{
	return btf && btf__find_by_name_kind(btf, name, kind) >= 0;
}

static inline int fs_btf_has_enum_value(const struct btf *btf, const char *type,
					const char *value)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	int id, i;

	id = btf ? btf__find_by_name_kind(btf, type, BTF_KIND_ENUM) : -1;
	if (id < 0)
		return 0;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, e[i].name_off), value))
			return 1;
	return 0;
}

/*
 * How copies and reuses are told apart, as the module does (cow_probes.c):
 * wp_page_copy where the kernel has it as a function (5.10, 6.1) -- hooked
 * at_return (a kretprobe), only where its result still says whether it
 * copied (VM_FAULT_WRITE, before 6.2) -- else wp_page_reuse where it is a
 * function.
 */
static inline void fs_btf_wp_helpers(const struct btf *btf, int at_return, int *use_copy,
				     int *use_reuse)
{
	*use_copy = fs_btf_has(btf, "wp_page_copy", BTF_KIND_FUNC) &&
		    (!at_return || fs_btf_has_enum_value(btf, "vm_fault_reason", "VM_FAULT_WRITE"));
	*use_reuse = !*use_copy && fs_btf_has(btf, "wp_page_reuse", BTF_KIND_FUNC);
}

/*
 * Whether fork copies the page tables of a VMA whose child keeps uffd-wp
 * (vma_needs_copy(), 5.19+; before, hugetlb VMAs are always copied and
 * uffd-wp plays no part): the module's conftest uffd_wp_fork_copy, the same
 * series' copy_hugetlb_page_range() taking the child's VMA (4 arguments).
 * Without the function in BTF (no CONFIG_HUGETLB_PAGE), the newer rule.
 */
static inline int fs_btf_uffd_wp_fork_copy(const struct btf *btf)
{
	const struct btf_type *t;
	int id;

	id = btf ? btf__find_by_name_kind(btf, "copy_hugetlb_page_range", BTF_KIND_FUNC) : -1;
	if (id < 0)
		return 1;
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	return t && btf_is_func_proto(t) && btf_vlen(t) == 4;
}

/* The value of an enumerator of any enum, named or not (-1 where none). */
static inline long long fs_btf_enumerator(const struct btf *btf, const char *value)
{
	int id, n, i;

	n = btf ? (int)btf__type_cnt(btf) : 0;
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e;

		if (!btf_is_enum(t))
			continue;
		e = btf_enum(t);
		for (i = 0; i < btf_vlen(t); i++)
			if (!strcmp(btf__name_by_offset(btf, e[i].name_off), value))
				return e[i].val;
	}
	return -1;
}

/*
 * 7.x's vma_needs_copy(): fork copies the page tables of a VMA whose child's
 * flags hold one of VM_COPY_ON_FORK (VM_PFNMAP, VM_MIXEDMAP, VM_UFFD_WP,
 * VM_UFFD_RWP, VM_MAYBE_GUARD), or that has an anon_vma: the module's
 * conftest vm_copy_on_fork.  Found by the flag that came with it, the
 * enumerator VMA_MAYBE_GUARD_BIT (its bit numbers from BTF); 0 before.
 */
static inline unsigned long long fs_btf_copy_on_fork(const struct btf *btf)
{
	long long guard = fs_btf_enumerator(btf, "VMA_MAYBE_GUARD_BIT");
	long long rwp = fs_btf_enumerator(btf, "VMA_UFFD_RWP_BIT");
	long long bits[] = { fs_btf_enumerator(btf, "VMA_PFNMAP_BIT"),
			     fs_btf_enumerator(btf, "VMA_MIXEDMAP_BIT"),
			     fs_btf_enumerator(btf, "VMA_UFFD_WP_BIT"), guard, rwp };
	unsigned long long mask = 0;
	size_t i;

	if (guard < 0)
		return 0;
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (bits[i] >= 0 && bits[i] < 64)
			mask |= 1ULL << bits[i];
	return mask;
}

#endif /* FORKSTATS_BTF_QUERY_H */
