#!/usr/bin/env bash
# bench/update.sh [--quick] [-n N] [-f FILES] [-r RUNS] [-o FILE]
# grove update against mr -j 8 update and gita pull on one corpus whose
# upstreams moved on in every 13th repository (not yet fetched), then a
# grove update with nothing to fetch. Before each timed run the moved
# repositories are put back (branch, work tree and remote-tracking ref), so
# every run does the same work. Prints a markdown report (and writes it to
# FILE with -o).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=500 files=200 runs=3 out=
bench_options update.sh "n=100 runs=2" "$@"
bench_need update.sh mr gita git

c=$(corpus "$n" "$files")
home=$work/home-update-$n-$files
rm -rf "$home" && mkdir -p "$home/.config"
cp "$c/mrconfig" "$home/.mrconfig"
export HOME=$home XDG_CONFIG_HOME=$home/.config GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
# git pull without this asks how to reconcile diverged branches; ff-only is
# what grove does, so every tool is held to the same rule
git config --global pull.ff only
unset GROVE_CONFIG
xargs gita add <"$c/repos.txt" >/dev/null
times=$(mktemp)
trap 'rm -f "$times"' EXIT

# the moved repositories: one commit behind an upstream they have not fetched
mapfile -t repos <"$c/repos.txt"
moved=()
for ((i = 13; i <= n; i += 13)); do moved+=("${repos[i - 1]}"); done
declare -A head base
for r in "${moved[@]}"; do
	# from the upstream, so an interrupted earlier run does not matter: it
	# is one commit (c1) past what the clone started from (c0)
	c1=$(git -C "$(git -C "$r" config remote.origin.url)" rev-parse main)
	c0=$(git -C "$r" rev-parse "$c1~1")
	h=$(git -C "$r" rev-parse HEAD)
	[ "$h" = "$c1" ] && h=$c0
	head[$r]=$h
	base[$r]=$c0
done
restore() {
	local r
	for r in "${moved[@]}"; do
		git -C "$r" reset -q --hard "${head[$r]}"
		git -C "$r" update-ref refs/remotes/origin/main "${base[$r]}"
	done
}

cd "$c/work"
declare -A cmds=(
	[grove]="'$grove' update"
	[mr_j8]="mr -j 8 update"
	[gita]="gita pull"
)
order=(grove mr_j8 gita)
for ((k = 0; k < runs; k++)); do
	for name in "${order[@]}"; do
		restore
		time_runs 1 "$name" "${cmds[$name]}"
	done
	# everything is current now: the cost of a run with nothing to fetch
	time_runs 1 grove_nothing "'$grove' update"
done
# what a grove run does, as a check that the work was real
restore
summary=$("$grove" update 2>/dev/null | tail -2 | head -1 || true)
restore

declare -A med
for name in "${order[@]}" grove_nothing; do med[$name]=$(median_of "$name"); done

report=$(cat <<EOT
### update, $n repositories of $files files, ${#moved[@]} of them behind ($(date -u +%Y-%m-%d), $(nproc) CPUs)

Command: \`bench/update.sh -n $n -f $files -r $runs\` (medians of $runs interleaved runs, milliseconds;
remotes are local bare repositories; \`pull.ff=only\` for every tool)

| command | median ms | grove is faster by |
| --- | ---: | ---: |
| \`grove update\` | ${med[grove]} | 1.0x |
| \`mr -j 8 update\` | ${med[mr_j8]} | $(ratio "${med[mr_j8]}" "${med[grove]}")x |
| \`gita pull\` | ${med[gita]} | $(ratio "${med[gita]}" "${med[grove]}")x |
| \`grove update\`, nothing to fetch | ${med[grove_nothing]} | |

- grove's own count for a run: \`$summary\`
- against myrepos: $(ratio "${med[mr_j8]}" "${med[grove]}")x, against gita: $(ratio "${med[gita]}" "${med[grove]}")x (bar: 10x)
- with nothing to fetch: ${med[grove_nothing]} ms (bar: under 2,000 ms)
EOT
)
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
