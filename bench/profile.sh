#!/usr/bin/env bash
# bench/profile.sh [-n N] [-f FILES] [-o FILE]
# Where grove status spends its instructions: valgrind --tool=callgrind on
# `grove -j 1 status` over N repositories (default 100 of 200 files),
# counting instructions (stable on a noisy machine, unlike time). Prints
# the total and the inclusive share of the libgit2 calls that matter, then
# the system calls of the same run by strace -c (the kernel's share, which
# callgrind does not count): calls a repository, all and stat-like.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=100 files=200 out=
bench_options profile.sh "n=50" "$@"
bench_need profile.sh valgrind callgrind_annotate strace

c=$(corpus "$n" "$files")
home=$work/home-profile
rm -rf "$home" && mkdir -p "$home"
cp "$c/mrconfig" "$home/.mrconfig"
export HOME=$home GIT_CONFIG_NOSYSTEM=1
unset GROVE_CONFIG
cg=$(mktemp) ann=$(mktemp) sc=$(mktemp)
trap 'rm -f "$cg" "$ann" "$sc"' EXIT
cd "$c/work"
"$grove" status >/dev/null # settle refreshed indexes and rebuilt caches first
valgrind --tool=callgrind --callgrind-out-file="$cg" "$grove" -j 1 status >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$cg" >"$ann" 2>/dev/null
total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }' "$ann")

report="### instructions of \`grove -j 1 status\`, $n repositories of $files files ($(date -u +%Y-%m-%d))

Command: \`bench/profile.sh -n $n -f $files\` (valgrind --tool=callgrind; inclusive instructions)

Total: $total instructions ($((total / n)) a repository)

| function | instructions | share |
| --- | ---: | ---: |"
for f in git_libgit2_init git_repository_open_ext git_repository_config_snapshot git_repository_index \
	git_status_list_new git_diff_tree_to_index git_diff_index_to_workdir git_index_write_tree_to \
	git_odb_hash git_stash_foreach git_graph_ahead_behind git_repository_free indexlock_update; do
	v=$(awk -v f="$f" '!v && $0 ~ ":" f " " { gsub(",", "", $1); v = $1 } END { print v }' "$ann")
	report+="
| \`$f\` | ${v:-0} | $(awk -v a="${v:-0}" -v b="$total" 'BEGIN { printf "%.1f%%", 100 * a / b }') |"
done
strace -f -c -o "$sc" "$grove" -j 1 status >/dev/null 2>&1
calls=$(awk '$NF == "total" { print $4 }' "$sc")
stats=$(awk '$NF ~ /^(newfstatat|fstat|stat|lstat|statx|access|faccessat2?|readlink)$/ { s += $4 } END { print s + 0 }' "$sc")
report+="

System calls (strace -f -c of the same command): $calls, $((calls / n)) a repository; of
them stat, access and readlink: $stats, $((stats / n)) a repository."
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
