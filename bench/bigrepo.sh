#!/usr/bin/env bash
# bench/bigrepo.sh [--quick] [-r RUNS] [-o FILE] [SIZE...]
# grove status against `git status --porcelain=v2 --branch` on one large
# repository (default sizes 2,000 5,000 10,000 20,000 and 100,000 tracked
# files), clean, dirty (every 100th file changed, 50 new files) and right
# after every tracked file's mtime changed (a `touch` before each run, not
# timed). Three commands each time: git; grove as it ships (repositories at
# or above PROBE_LARGE_INDEX entries go through git); grove with libgit2
# forced (GROVE_LARGE_INDEX and GROVE_TOUCHED_FILES raised), which is how the
# thresholds were chosen.
# All three run under env(1) so they pay the same exec. Medians by hyperfine.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

runs=10 out= sizes=()
while [ $# -gt 0 ]; do
	case $1 in
	--quick) runs=2 sizes=(2000 5000) ;;
	-r) runs=$2; shift ;;
	-o) out=$2; shift ;;
	[0-9]*) sizes+=("$1") ;;
	*) echo "usage: bench/bigrepo.sh [--quick] [-r RUNS] [-o FILE] [SIZE...]" >&2; exit 2 ;;
	esac
	shift
done
[ ${#sizes[@]} -gt 0 ] || sizes=(2000 5000 10000 20000 100000)
bench_need bigrepo.sh git hyperfine python3

home=$work/home-big
rm -rf "$home" && mkdir -p "$home"
export HOME=$home GIT_CONFIG_NOSYSTEM=1
unset GROVE_CONFIG GROVE_LARGE_INDEX GROVE_TOUCHED_FILES
json=$(mktemp)
trap 'rm -f "$json"' EXIT

# state REPO clean|dirty|touched: puts the work tree in that state
state() {
	git -C "$1" checkout -q -- . && git -C "$1" clean -fdq
	if [ "$2" = dirty ]; then
		git -C "$1" ls-files | awk 'NR % 100 == 0' | while read -r f; do echo change >>"$1/$f"; done
		mkdir -p "$1/new" && for i in $(seq 50); do echo "$i" >"$1/new/n$i.txt"; done
	fi
	git -C "$1" status >/dev/null
}

report="### status of one large repository ($(date -u +%Y-%m-%d), $(nproc) CPUs)

Command: \`bench/bigrepo.sh -r $runs ${sizes[*]}\` (medians of $runs runs by hyperfine, milliseconds;
\`grove\` is what ships, \`libgit2 only\` forces the in-process engine)

| files | state | git | grove | grove / git | libgit2 only | libgit2 / git |
| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
for size in "${sizes[@]}"; do
	repo=$work/big-$size
	[ -f "$repo/.git/index" ] && [ "$(git -C "$repo" ls-files | wc -l)" -ge "$size" ] ||
		"$bench_dir/make-bigrepo" "$repo" "$size" >&2
	echo "[$repo]" >"$home/.mrconfig"
	for st in clean dirty touched; do
		state "$repo" "$st"
		prep=true
		[ "$st" = touched ] && prep="git -C '$repo' ls-files -z | (cd '$repo' && xargs -0 touch)"
		(cd "$repo" && hyperfine -N -w 2 -r "$runs" --prepare "bash -c \"$prep\"" --export-json "$json" \
			-n git "env git status --porcelain=v2 --branch" \
			-n grove "env '$grove' status" \
			-n libgit2 "env GROVE_TOUCHED_FILES=1000000000 GROVE_LARGE_INDEX=999999999 '$grove' status" >/dev/null)
		declare -A m=()
		while read -r name ms; do m[$name]=$ms; done < <(hyperfine_medians "$json")
		report+="
| $size | $st | ${m[git]} | ${m[grove]} | $(ratio2 "${m[grove]}" "${m[git]}") | ${m[libgit2]} | $(ratio2 "${m[libgit2]}" "${m[git]}") |"
		echo "$size $st: git ${m[git]} grove ${m[grove]} libgit2 ${m[libgit2]}" >&2
	done
	state "$repo" clean
done
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
