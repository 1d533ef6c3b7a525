#!/usr/bin/env bash
# bench/diff.sh [--quick] [-n N] [-f FILES] [-r RUNS] [-o FILE]
# grove diff over N repositories of which one in 20 has changes: against
# mr diff (a git diff in each), against grove status on the same tree, and
# against the git diffs of the dirty repositories alone (what grove diff
# must spend at least). Bar (issue 17): grove diff within 2 x grove status
# plus the dirty repositories' git diff time. Prints a markdown report.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=500 files=200 runs=5 out=
bench_options diff.sh "n=100 runs=2" "$@"
bench_need diff.sh mr git

c=$(corpus "$n" "$files")
# a copy of the corpus where one repository in 20 is dirty, not one in 5
w=$work/diff-$n-$files
rm -rf "$w" && mkdir -p "$w/home"
cp -a "$c/work" "$w/work"
sed "s|$c/work|$w/work|g" "$c/mrconfig" >"$w/home/.mrconfig"
export HOME=$w/home GIT_CONFIG_NOSYSTEM=1
unset GROVE_CONFIG
k=0 dirty=()
for p in "$w"/work/r*; do
	git -C "$p" checkout -q -- .
	if ((k++ % 20 == 0)); then
		f=$(git -C "$p" ls-files | head -1)
		echo "changed $k" >>"$p/$f"
		dirty+=("$p")
	fi
done
printf '%s\n' "${dirty[@]}" >"$w/dirty.txt"
times=$(mktemp)
trap 'rm -f "$times"' EXIT

cd "$w/work"
declare -A cmds=(
	[grove_diff]="'$grove' --no-pager --color=never diff"
	[grove_status]="'$grove' --color=never status"
	[mr_diff]="mr diff"
	[dirty_git_diff]="while read -r p; do git -C \"\$p\" diff --color=never; done <'$w/dirty.txt'"
)
order=(grove_diff grove_status mr_diff dirty_git_diff)
bench_interleaved "$runs"
bar=$(( 2 * med[grove_status] + med[dirty_git_diff] ))

report=$(cat <<EOT
### diff, $n repositories of $files files, ${#dirty[@]} of them dirty ($(date -u +%Y-%m-%d), $(nproc) CPUs)

Command: \`bench/diff.sh -n $n -f $files -r $runs\` (medians of $runs interleaved runs, milliseconds)

| command | median ms |
| --- | ---: |
| \`grove diff\` | ${med[grove_diff]} |
| \`grove status\` | ${med[grove_status]} |
| \`mr diff\` | ${med[mr_diff]} |
| \`git diff\` in the ${#dirty[@]} dirty repositories alone | ${med[dirty_git_diff]} |

- against \`mr diff\`: $(ratio "${med[mr_diff]}" "${med[grove_diff]}")x faster
- bar, 2 x status + the dirty repositories' git diff: $bar ms; \`grove diff\` is ${med[grove_diff]} ms ($( [ "${med[grove_diff]}" -le "$bar" ] && echo met || echo "not met"))
EOT
)
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
