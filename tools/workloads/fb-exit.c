// SPDX-License-Identifier: GPL-2.0
/*
 * fb-exit: the smallest program forkbench can exec — no libc, one system
 * call (exit_group(0)) — so that an exec measures the creation, not a
 * program's start-up.  Built static, without the C runtime.
 */
void _start(void);

void _start(void)
{
	__asm__ volatile("movl $231, %eax\n\txorl %edi, %edi\n\tsyscall\n\thlt");
	__builtin_unreachable();
}
