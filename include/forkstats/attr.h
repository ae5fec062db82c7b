/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mm attribution: which call an mm last took part in, and on which side,
 * packed into one 64-bit value of the attribution table (the module's
 * fs_mm_table, the BPF backend's "mms" map).  Shared by the module, the BPF
 * programs and the tools; scalars only.
 *
 *   bits 63..8  the call (the module: its handle, seq and epoch; BPF: its seq)
 *   bits  7..1  enum fs_kind
 *   bit      0  enum fs_side
 *
 * The call must fit in 56 bits (the module's handles are < 2^56).
 */
#ifndef FORKSTATS_ATTR_H
#define FORKSTATS_ATTR_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

enum fs_side { FS_SIDE_PARENT, FS_SIDE_CHILD };

#define FS_ATTR_CALL_SHIFT	8
#define FS_ATTR_KIND_MASK	0x7f

static inline __u64 fs_attr_pack(__u64 call, unsigned int kind, unsigned int side)
{
	return call << FS_ATTR_CALL_SHIFT | (__u64)kind << 1 | (side & 1);
}

static inline __u64 fs_attr_call(__u64 v)
{
	return v >> FS_ATTR_CALL_SHIFT;
}

static inline unsigned int fs_attr_kind(__u64 v)
{
	return (v >> 1) & FS_ATTR_KIND_MASK;
}

static inline unsigned int fs_attr_side(__u64 v)
{
	return v & 1;
}

#endif /* FORKSTATS_ATTR_H */
