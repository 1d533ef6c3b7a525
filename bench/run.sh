#!/usr/bin/env bash
# bench/run.sh [--quick] [-n N] [-f FILES] [-r RUNS] [-o FILE]
# grove run true and a user-defined action (a real shell command) against
# mr run true and mr -j 2 run true (and the same action under mr), on one
# corpus in one run. Every tool forks a shell per repository here; what
# grove saves is everything around it. Prints a markdown report (and
# writes it to FILE with -o).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=500 files=20 runs=5 out=
bench_options run.sh "n=100 runs=3" "$@"
bench_need run.sh mr

c=$(corpus "$n" "$files")
home=$work/home-run-$n-$files
rm -rf "$home" && mkdir -p "$home"
# the action is shell code (not "true", which both tools answer without a shell)
{ printf '[DEFAULT]\nprobe = test -d .git && test -n "$MR_REPO"\n\n'; cat "$c/mrconfig"; } >"$home/.mrconfig"
export HOME=$home GIT_CONFIG_NOSYSTEM=1
unset GROVE_CONFIG
times=$(mktemp)
trap 'rm -f "$times"' EXIT

cd "$c/work"
# check that every command does the work before timing it
for cmd in "'$grove' run true" "'$grove' probe" "mr run true" "mr probe"; do
	got=$(bash -c "$cmd" 2>&1 | tail -1)
	[ "${got##*finished (}" = "$n ok)" ] || { echo "bench/run.sh: $cmd: $got" >&2; exit 1; }
done
declare -A cmds=(
	[grove_run]="'$grove' run true"
	[grove_probe]="'$grove' probe"
	[mr_run]="mr run true"
	[mr_j2_run]="mr -j 2 run true"
	[mr_probe]="mr probe"
	[mr_j2_probe]="mr -j 2 probe"
	# floors: what one shell per repository costs on this machine with no
	# bookkeeping at all, started by xargs (fork and exec), and a subshell
	# forked by one running shell (fork only)
	[floor_exec]="xargs -d '\\n' -n 1 -P $(nproc) sh -c 'cd \"\$1\" && set -e && true' sh <'$c/repos.txt'"
	[floor_fork]="sh -c 'while IFS= read -r d; do (cd \"\$d\" && set -e && true); done' <'$c/repos.txt'"
)
order=(grove_run grove_probe mr_run mr_j2_run mr_probe mr_j2_probe floor_exec floor_fork)
bench_interleaved "$runs"
best_run=$(( med[mr_run] < med[mr_j2_run] ? med[mr_run] : med[mr_j2_run] ))
best_probe=$(( med[mr_probe] < med[mr_j2_probe] ? med[mr_probe] : med[mr_j2_probe] ))

report=$(cat <<EOT
### run and user-defined actions, $n repositories ($(date -u +%Y-%m-%d), $(nproc) CPUs)

Command: \`bench/run.sh -n $n -f $files -r $runs\` (medians of $runs interleaved runs, milliseconds).
The user-defined action is \`probe = test -d .git && test -n "\$MR_REPO"\` in \`[DEFAULT]\`.

| command | median ms | grove is faster by |
| --- | ---: | ---: |
| \`grove run true\` | ${med[grove_run]} | 1.0x |
| \`mr run true\` | ${med[mr_run]} | $(ratio "${med[mr_run]}" "${med[grove_run]}")x |
| \`mr -j 2 run true\` | ${med[mr_j2_run]} | $(ratio "${med[mr_j2_run]}" "${med[grove_run]}")x |
| \`grove probe\` | ${med[grove_probe]} | 1.0x |
| \`mr probe\` | ${med[mr_probe]} | $(ratio "${med[mr_probe]}" "${med[grove_probe]}")x |
| \`mr -j 2 probe\` | ${med[mr_j2_probe]} | $(ratio "${med[mr_j2_probe]}" "${med[grove_probe]}")x |
| floor: \`xargs -P $(nproc)\` starting \`sh -c\` per repository | ${med[floor_exec]} | $(ratio "${med[floor_exec]}" "${med[grove_run]}")x |
| floor: one \`sh\` forking a subshell per repository | ${med[floor_fork]} | $(ratio "${med[floor_fork]}" "${med[grove_run]}")x |

- \`run true\` against the faster myrepos run: $(ratio "$best_run" "${med[grove_run]}")x (bar: 5x)
- the user-defined action against the faster myrepos run: $(ratio "$best_probe" "${med[grove_probe]}")x (bar: 5x)
- per repository: grove $(ratio "${med[grove_run]}" "$n") ms, \`mr run\` $(ratio "${med[mr_run]}" "$n") ms, starting a shell (floor) $(ratio "${med[floor_exec]}" "$n") ms
EOT
)
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
