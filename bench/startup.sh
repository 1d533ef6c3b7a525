#!/usr/bin/env bash
# bench/startup.sh [--quick] [-r RUNS] [-o FILE]
# grove's fixed costs: `grove --version` against /bin/true (a process that
# does nothing: this machine's floor for starting any program) and
# `git --version`; then reading a 10,000-section registry: `grove -a list`
# (load, select all, print 10,000 paths) and `grove -d DIR list` (load,
# select the hundred under one folder); and what a first touch of 8 MiB of
# fresh memory costs here, in 4 KiB pages and in huge pages
# (bench/pagefault.c), the measurement behind src/heap.c. Last, a status
# that would not otherwise start libgit2 (one repository sent to git with
# GROVE_LARGE_INDEX=1), with and without --color=never: git's colour
# settings are read through libgit2, which grove starts for them only when
# the output is a terminal, so on this pipe the two should match. The same
# pair for the repository read by libgit2, where the settings are always
# read: what reading git's configuration files costs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

runs=30 out= n=10000
bench_options startup.sh "runs=10" "$@"
bench_need startup.sh git hyperfine python3
make -s -C "$root" build/pagefault >&2
pagefault=$root/build/pagefault

# the registry needs no repositories behind it: list reads and selects only
home=$work/home-startup
rm -rf "$home" && mkdir -p "$home/tree"
awk -v n="$n" -v t="$home/tree" 'BEGIN { for (i = 1; i <= n; i++)
	printf "[%s/g%02d/r%05d]\ncheckout = git clone https://example.invalid/r%05d.git r%05d\n\n", t, i % 100, i, i, i }' >"$home/.mrconfig"
export HOME=$home GIT_CONFIG_NOSYSTEM=1
unset GROVE_CONFIG
json=$(mktemp)
trap 'rm -f "$json"' EXIT
one=$home/tree/g07
mkdir -p "$one"
small=$home/small
git init -q "$small" && echo one >"$small/a" && git -C "$small" add a
git -C "$small" -c user.name=bench -c user.email=bench@example.invalid commit -q -m one
printf '[%s]\n' "$small" >"$home/small.mrconfig"
cd "$home/tree"
hyperfine -N -w 5 -r "$runs" --export-json "$json" \
	-n version "'$grove' --version" -n true "/bin/true" -n git "git --version" \
	-n list_all "'$grove' -a list" -n list_one "'$grove' -d '$one' list" \
	-n touch4k "'$pagefault' 8" -n touch2m "'$pagefault' 8 huge" \
	-n git_route "env GROVE_CONFIG='$home/small.mrconfig' GROVE_LARGE_INDEX=1 '$grove' -c '$home/small.mrconfig' -a status" \
	-n git_route_nocolor "env GROVE_CONFIG='$home/small.mrconfig' GROVE_LARGE_INDEX=1 '$grove' -c '$home/small.mrconfig' -a --color=never status" \
	-n inproc "env GROVE_CONFIG='$home/small.mrconfig' '$grove' -c '$home/small.mrconfig' -a status" \
	-n inproc_nocolor "env GROVE_CONFIG='$home/small.mrconfig' '$grove' -c '$home/small.mrconfig' -a --color=never status" \
	>/dev/null
declare -A m
while read -r name ms; do m[$name]=$ms; done < <(hyperfine_medians "$json")
[ "$("$grove" -a list | wc -l)" = "$n" ] || { echo "bench/startup.sh: grove list did not list $n repositories" >&2; exit 1; }

report="### start-up and a $n-section registry ($(date -u +%Y-%m-%d), $(nproc) CPUs)

Command: \`bench/startup.sh -r $runs\` (medians of $runs runs by hyperfine, milliseconds)

| command | median ms |
| --- | ---: |
| \`/bin/true\` (starting any program here) | ${m[true]} |
| \`git --version\` | ${m[git]} |
| \`grove --version\` | ${m[version]} |
| \`grove -a list\`: read $n sections, select and print all | ${m[list_all]} |
| \`grove -d DIR list\`: read $n sections, select the 1% under DIR | ${m[list_one]} |
| a program touching 8 MiB of fresh memory in 4 KiB pages | ${m[touch4k]} |
| the same in 2 MiB transparent huge pages | ${m[touch2m]} |
| \`grove status\` of one repository read by git, to a pipe | ${m[git_route]} |
| the same with \`--color=never\` | ${m[git_route_nocolor]} |
| \`grove status\` of the same repository read by libgit2, to a pipe | ${m[inproc]} |
| the same with \`--color=never\` (git's configuration not read) | ${m[inproc_nocolor]} |

- \`grove --version\`: ${m[version]} ms (bar: 2 ms; this machine starts an empty program in ${m[true]} ms)
- reading and selecting from $n sections, whole command: ${m[list_one]} ms (bar: 30 ms)"
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
