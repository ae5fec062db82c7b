# SPDX-License-Identifier: GPL-2.0
# vmas_copied follows copy_page_range's own rule on each kernel (issue 17,
# defect 4): a VMA registered for userfaultfd write-protect and never written
# (no anon_vma) is copied by 6.1 and 6.12 (vma_needs_copy(): userfaultfd_wp()
# of the child's VMA) and skipped by 5.10; a shared hugetlb VMA without an
# anon_vma is copied by 5.10 and left to faults by 6.1 and 6.12.  The child's
# pagemap shows what was copied; the record must count exactly that.
loaded=1
grep -q '^forkstats ' /proc/modules || { loaded=0; insmod /forkstats/forkstats.ko; }

# Guard regions (MADV_GUARD_INSTALL, 6.13+): none on 5.10, 6.1, 6.12; 7.3.4
# copies a shmem VMA holding one (VM_MAYBE_GUARD), which has no anon_vma.
case $(cat /forkstats/series) in
5.10) uffd_wp=0 hugetlb=1 guard=0 ;;
6.1 | 6.12) uffd_wp=1 hugetlb=0 guard=0 ;;
*) uffd_wp=1 hugetlb=0 guard=1 ;;
esac
old_huge=$(cat /proc/sys/vm/nr_hugepages)
echo 4 > /proc/sys/vm/nr_hugepages
is "$(cat /proc/sys/vm/nr_hugepages)" 4 "4 huge pages reserved for the hugetlb VMAs"
tap_run "vmacopy (uffd-wp copied: $uffd_wp, hugetlb copied: $hugetlb, guard: $guard)" vmacopy $uffd_wp $hugetlb $guard

# The BPF backend's copy_page_range hook (fentry) follows the same rule.
rmmod forkstats
check "bpf: attach for vmacopy" forkstats --backend bpf attach
export VMACOPY_BPF=/forkstats/bin/forkstats
tap_run "bpf: vmacopy (uffd-wp copied: $uffd_wp, hugetlb copied: $hugetlb, guard: $guard)" vmacopy $uffd_wp $hugetlb $guard
unset VMACOPY_BPF
check "bpf: detach after vmacopy" forkstats --backend bpf detach
echo "$old_huge" > /proc/sys/vm/nr_hugepages

[ $loaded = 0 ] || check "insmod again after the vmacopy tests" insmod /forkstats/forkstats.ko
