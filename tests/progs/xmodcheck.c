// SPDX-License-Identifier: GPL-2.0
/*
 * xmodcheck: does this CPU (or emulator) run cross-modified code as the x86
 * architecture requires?  The protocol of the Intel SDM (vol. 3A, 9.1.3,
 * "Handling Cross-Modifying Code"): a writer thread stores new code, then a
 * flag; an executor thread waits for the flag, executes a serializing
 * instruction (CPUID), then runs the code, and must run the new code.  The
 * kernel's live patching (text_poke_bp(): ftrace, kprobes, static keys)
 * relies on the same guarantee, with IPIs as the serialization.
 *
 *   xmodcheck [WRITES]
 *
 * f() is "mov eax, imm32; ret".  The writer stores imm32 = i, then seq = i,
 * for i = 1..WRITES (default 100000).  The executor loops: s = seq; cpuid;
 * r = f(); r < s means it ran code older than what the flag published.
 * Prints "writes N calls N stale N worst N" (worst: how many writes behind
 * the oldest stale code was) and exits 1 when any call was stale.
 *
 * Real x86 CPUs: stale 0.  QEMU's multi-threaded TCG (7.2, 10.0): millions,
 * some thousands of writes behind; single-threaded TCG: 0 (docs/vm.md).
 */
#include <cpuid.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static volatile uint8_t *code;
static _Atomic uint32_t seq;
static _Atomic int done;

static void *writer(void *arg)
{
	uint32_t i, n = (uint32_t)(uintptr_t)arg;

	for (i = 1; i <= n; i++) {
		memcpy((void *)(code + 1), &i, sizeof(i));
		atomic_store_explicit(&seq, i, memory_order_release);
		/* Let the executor run each version for a while. */
		for (volatile int d = 0; d < 2000; d++)
			;
	}
	atomic_store(&done, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	uint32_t writes = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 100000;
	unsigned long long calls = 0, stale = 0, worst = 0;
	unsigned int a, b, c, d;
	uint32_t (*f)(void);
	pthread_t t;

	code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	code[0] = 0xb8;		/* mov eax, imm32 */
	memset((void *)(code + 1), 0, 4);
	code[5] = 0xc3;		/* ret */
	f = (uint32_t (*)(void))(uintptr_t)code;
	if (pthread_create(&t, NULL, writer, (void *)(uintptr_t)writes)) {
		perror("pthread_create");
		return 2;
	}
	while (!atomic_load(&done)) {
		uint32_t s = atomic_load_explicit(&seq, memory_order_acquire), r;

		__cpuid(0, a, b, c, d);
		r = f();
		calls++;
		if (r < s) {
			stale++;
			if (s - r > worst)
				worst = s - r;
		}
	}
	pthread_join(t, NULL);
	printf("writes %u calls %llu stale %llu worst %llu\n", writes, calls, stale, worst);
	return stale ? 1 : 0;
}
