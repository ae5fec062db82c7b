/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sizes a user can set, with their ranges and defaults: the module's
 * parameters (records=, max_tracked=, max_active=, max_vforks=) and the BPF
 * backend's attach options (--records, --max-tracked, --max-active).
 * Shared by the module, the BPF loader and the CLI.
 */
#ifndef FORKSTATS_LIMITS_H
#define FORKSTATS_LIMITS_H

/* Records kept (the ring and the completion log). */
#define FS_RECORDS_MIN		16U
#define FS_RECORDS_MAX		(1U << 20)
#define FS_RECORDS_DEFAULT	4096U

/* Address spaces whose COW faults are attributed at once. */
#define FS_MAX_TRACKED_MIN	64U
#define FS_MAX_TRACKED_MAX	(1U << 22)
#define FS_MAX_TRACKED_DEFAULT	16384U

/* Tasks inside a call at once. */
#define FS_MAX_ACTIVE_MIN	16U
#define FS_MAX_ACTIVE_MAX	65536U
#define FS_MAX_ACTIVE_DEFAULT	1024U

/* The module's vfork table (0: sized from threads-max and memory). */
#define FS_MAX_VFORKS_MIN	64U
#define FS_MAX_VFORKS_MAX	(1U << 22)
#define FS_MAX_VFORKS_DEFAULT	0U

#endif /* FORKSTATS_LIMITS_H */
