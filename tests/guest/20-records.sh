# SPDX-License-Identifier: GPL-2.0
# Per-call records: the exact numbers of issue 3's acceptance list.
insmod /forkstats/forkstats.ko || not_ok "insmod forkstats.ko for the record tests"

for m in 2 64 512; do
	tap_run "pgtables $m" fsaccept pgtables $m
done
for k in 1 100 1000; do
	for j in 1 100 1000; do
		for l in 1 100 1000; do
			tap_run "cow $k $j $l" fsaccept cow $k $j $l
		done
	done
done
tap_run kinds fsaccept kinds
tap_run zero fsaccept zero 100
tap_run failfork fsaccept failfork
tap_run iouring fsaccept iouring
tap_run sums fsaccept sums

# Transparent huge pages on a 2 MiB-aligned region (madvise mode).
thp=/sys/kernel/mm/transparent_hugepage
diag "THP: enabled=$(cat $thp/enabled) defrag=$(cat $thp/defrag)"
echo madvise > $thp/enabled
echo madvise > $thp/defrag
for kjl in "1 1 1" "100 100 100" "1 0 0" "0 1 0" "0 0 1" "0 0 100" "0 100 0" "100 0 0"; do
	tap_run "thp $kjl" fsaccept thp $kjl "$(thp_rule)"
done

check "rmmod after the record tests" rmmod forkstats
