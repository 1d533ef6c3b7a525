#!/usr/bin/env bash
# bench/status.sh [--quick] [-n N] [-f FILES] [-r RUNS]
# grove status against mr status (serial and -j 2), gita ll, a loop of
# `git status --porcelain=v2 --branch` and the physical floor (bench/floor.c:
# read each index, lstat every tracked file, list every folder, on grove's
# number of threads), on one corpus in one run; then grove's peak memory at
# 1,000 repositories. Prints a markdown report;
# with -o FILE writes it there too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=500 files=200 runs=5 mem_n=1000 out=
bench_options status.sh "n=100 runs=2 mem_n=200" "$@"
bench_need status.sh mr gita git /usr/bin/time
make -s -C "$root" build/floor >&2
floor=$root/build/floor

c=$(corpus "$n" "$files")
home=$work/home-$n-$files
rm -rf "$home" && mkdir -p "$home/.config"
cp "$c/mrconfig" "$home/.mrconfig"
export HOME=$home XDG_CONFIG_HOME=$home/.config GIT_CONFIG_NOSYSTEM=1
unset GROVE_CONFIG
xargs gita add <"$c/repos.txt" >/dev/null
times=$(mktemp)
trap 'rm -f "$times"' EXIT

cd "$c/work"
declare -A cmds=(
	[grove]="'$grove' status"
	[mr]="mr status"
	[mr_j2]="mr -j 2 status"
	[gita]="gita ll"
	[git_loop]="while read -r p; do git -C \"\$p\" status --porcelain=v2 --branch; done <'$c/repos.txt'"
	[floor]="'$floor' '$c/repos.txt'"
)
order=(grove mr mr_j2 gita git_loop floor)
# warm the page cache once, then interleave the runs so noise hits all alike
bench_interleaved "$runs"
best_mr=$(( med[mr] < med[mr_j2] ? med[mr] : med[mr_j2] ))

# peak memory at mem_n repositories
cm=$(corpus "$mem_n" "$files")
cp "$cm/mrconfig" "$home/.mrconfig"
peak_kb=$(cd "$cm/work" && /usr/bin/time -f %M "$grove" status 2>&1 >/dev/null | tail -1)

report=$(cat <<EOT
### status, $n repositories of $files files ($(date -u +%Y-%m-%d), $(nproc) CPUs)

Command: \`bench/status.sh -n $n -f $files -r $runs\` (medians of $runs interleaved runs, milliseconds)

| command | median ms | grove is faster by |
| --- | ---: | ---: |
| \`grove status\` | ${med[grove]} | 1.0x |
| \`mr status\` | ${med[mr]} | $(ratio "${med[mr]}" "${med[grove]}")x |
| \`mr -j 2 status\` | ${med[mr_j2]} | $(ratio "${med[mr_j2]}" "${med[grove]}")x |
| \`gita ll\` | ${med[gita]} | $(ratio "${med[gita]}" "${med[grove]}")x |
| loop of \`git status --porcelain=v2 --branch\` | ${med[git_loop]} | $(ratio "${med[git_loop]}" "${med[grove]}")x |
| floor (\`bench/floor.c\`) | ${med[floor]} | $(ratio "${med[floor]}" "${med[grove]}")x |

- against the faster myrepos run: $(ratio "$best_mr" "${med[grove]}")x (bar: 20x)
- against gita: $(ratio "${med[gita]}" "${med[grove]}")x (bar: 20x)
- against the git loop: $(ratio "${med[git_loop]}" "${med[grove]}")x (bar: 4x)
- grove / floor: $(ratio2 "${med[grove]}" "${med[floor]}") (bar: 1.5 at 1,000 repositories of 20 files, 1.3 at 200 of 200)
- peak memory of \`grove status\` at $mem_n repositories: $((peak_kb / 1024)) MiB (bar: 64 MiB)
EOT
)
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
