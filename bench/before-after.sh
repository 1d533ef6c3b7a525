#!/usr/bin/env bash
# bench/before-after.sh BEFORE [--quick] [-n N] [-f FILES] [-r RUNS] [-o FILE]
# This build's status and no-op update against another build's (BEFORE, a
# grove binary: an older commit's), on one corpus in one run, interleaved
# so that the machine's noise hits both alike: "no slowdown" is a ratio of
# medians. The warm-up run updates the clones that are behind; every
# timed update has nothing to fetch. The physical floor (bench/floor.c:
# read each index, lstat every tracked file, list every folder) runs
# interleaved with them, for the status bars. Prints a markdown report.
set -euo pipefail
before=${1:?usage: bench/before-after.sh BEFORE-GROVE [--quick] [-n N] [-r RUNS] [-o FILE]}
shift
before=$(cd "$(dirname "$before")" && pwd)/$(basename "$before")
. "$(dirname "$0")/lib.sh"

n=500 files=200 runs=9 out=
bench_options before-after.sh "n=200 runs=5" "$@"

make -s -C "$root" build/floor >&2
floor=$root/build/floor
c=$(corpus "$n" "$files")
home=$work/home-before-after-$n-$files
rm -rf "$home" && mkdir -p "$home"
cp "$c/mrconfig" "$home/.mrconfig"
export HOME=$home GIT_CONFIG_NOSYSTEM=1
unset GROVE_CONFIG
times=$(mktemp)
trap 'rm -f "$times"' EXIT

cd "$c/work"
declare -A cmds=(
	[status_before]="'$before' -a status"
	[status_after]="'$grove' -a status"
	[update_before]="'$before' -a update"
	[update_after]="'$grove' -a update"
	[floor]="'$floor' '$c/repos.txt'"
)
order=(status_before status_after update_before update_after floor)
bench_interleaved "$runs"

report=$(
	echo "### Before and after: $n repositories, $files files each, median of $runs runs (ms)"
	echo
	echo "| | before | after | after / before |"
	echo "|---|---|---|---|"
	for a in status update; do
		echo "| $a | ${med[${a}_before]} | ${med[${a}_after]} | $(ratio2 "${med[${a}_after]}" "${med[${a}_before]}") |"
	done
	echo
	echo "the floor: ${med[floor]} ms; status after / floor: $(ratio2 "${med[status_after]}" "${med[floor]}"), before / floor: $(ratio2 "${med[status_before]}" "${med[floor]}")"
	echo
	echo "before: $before ($("$before" --version)); after: $grove ($("$grove" --version))"
)
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
