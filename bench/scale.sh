#!/usr/bin/env bash
# bench/scale.sh [--quick] [-r RUNS] [-f FILES] [-o FILE]
# grove status at 100, 1,000 and 10,000 repositories (the first N of one
# corpus of 10,000), against bench/floor.c (the least work that tells a
# dirty repository) with the same number of threads, mr status and gita ll.
# mr and gita take about a minute a run at 1,000 repositories: they run
# once at 100 and 1,000, and at 10,000 they are sampled, timed on every
# 10th repository (1,000 of them) and multiplied by 10. Then grove's peak
# memory at 10,000 (status, and a no-op fetch of as many copies of one
# small clone) and a run at `ulimit -n 256` with -j 64.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=10000 files=20 runs=5 out=
bench_options scale.sh "n=500 runs=3" "$@"
bench_need scale.sh mr gita git hyperfine python3 /usr/bin/time
make -s -C "$root" build/floor >&2
floor=$root/build/floor

c=$(corpus "$n" "$files")
home=$work/home-scale
rm -rf "$home" && mkdir -p "$home/.config"
export HOME=$home XDG_CONFIG_HOME=$home/.config GIT_CONFIG_NOSYSTEM=1
unset GROVE_CONFIG GROVE_LARGE_INDEX
json=$(mktemp) list=$(mktemp)
trap 'rm -f "$json" "$list"' EXIT

# use LIST: the repositories of LIST become the registry of grove, mr and gita
use() {
	awk '{ printf "[%s]\n\n", $0 }' "$1" >"$home/.mrconfig"
	rm -rf "$XDG_CONFIG_HOME/gita"
	xargs gita add <"$1" >/dev/null
}

# once NAME CMD: one timed run of CMD (mr and gita), milliseconds
once() {
	local t0 t1
	t0=$(now_ms)
	bash -c "$2" >/dev/null 2>&1 || true
	t1=$(now_ms)
	echo $((t1 - t0))
}

declare -A grove_ms floor_ms mr_ms gita_ms
sizes=(100)
[ "$n" -ge 1000 ] && sizes+=(1000)
[ "$n" -ge 10000 ] && sizes+=(10000)
[ "$n" = "${sizes[-1]}" ] || [ "$n" -lt 100 ] || sizes+=("$n")
cd "$c/work"
for size in "${sizes[@]}"; do
	if [ "$size" -le 1000 ]; then
		head -n "$size" "$c/repos.txt" >"$list"
	else
		awk 'NR % 10 == 0' "$c/repos.txt" >"$list"
	fi
	use "$list"
	if [ "$size" -le 1000 ] && { [ "$n" -ge 10000 ] || [ "$size" -le 100 ]; }; then
		mr_ms[$size]=$(once mr "mr status")
		gita_ms[$size]=$(once gita "gita ll")
	elif [ "$size" -gt 1000 ]; then
		mr_ms[$size]=$(( $(once mr "mr status") * 10 ))
		gita_ms[$size]=$(( $(once gita "gita ll") * 10 ))
	fi
	head -n "$size" "$c/repos.txt" >"$list"
	awk '{ printf "[%s]\n\n", $0 }' "$list" >"$home/.mrconfig"
	hyperfine -N -w 1 -r "$runs" --export-json "$json" \
		-n grove "'$grove' status" -n floor "'$floor' '$list'" >/dev/null
	while read -r name ms; do
		case $name in grove) grove_ms[$size]=$ms ;; floor) floor_ms[$size]=$ms ;; esac
	done < <(hyperfine_medians "$json")
	echo "$size: grove ${grove_ms[$size]} floor ${floor_ms[$size]} mr ${mr_ms[$size]:--} gita ${gita_ms[$size]:--}" >&2
done

big=${sizes[-1]} prev=${sizes[-2]:-${sizes[-1]}} ref=${sizes[-1]}
[ "$n" -lt 1000 ] || ref=1000
peak_kb=$(/usr/bin/time -f %M "$grove" status 2>&1 >/dev/null | tail -1)


# one run: its last line (the summary) and its exit status
fd_out=$(bash -c "ulimit -n 256 && '$grove' -j 64 status 2>&1 | tail -1; exit \${PIPESTATUS[0]}"; echo "rc=$?")
fd_line=$(sed -n 1p <<<"$fd_out") fd_rc=$(sed -n 's/^rc=//p' <<<"$fd_out")

# peak memory of a no-op fetch at $big repositories: copies of one clone of
# a local bare repository (a fetch in the corpus would move its remote refs)
fetch_home=$work/fetch-$big
if [ ! -f "$fetch_home/ready" ]; then
	rm -rf "$fetch_home" && mkdir -p "$fetch_home"
	git init -q "$fetch_home/seed"
	git -C "$fetch_home/seed" -c user.name=bench -c user.email=bench@localhost commit -q --allow-empty -m seed
	git clone -q --bare "$fetch_home/seed" "$fetch_home/remote.git"
	git clone -q "$fetch_home/remote.git" "$fetch_home/proto"
	for ((i = 1; i <= big; i++)); do cp -a "$fetch_home/proto" "$fetch_home/r$i"; done
	touch "$fetch_home/ready"
fi
(for ((i = 1; i <= big; i++)); do printf '[%s/r%d]\n' "$fetch_home" "$i"; done) >"$home/.mrconfig"
"$grove" -a fetch -q >/dev/null 2>&1 || true
fetch_kb=$(/usr/bin/time -f %M "$grove" -a fetch -q 2>&1 >/dev/null | tail -1)

row() {
	local s=$1
	local mr=${mr_ms[$s]:-} gita=${gita_ms[$s]:-} note=
	[ "$s" -gt 1000 ] && note=" (sampled)"
	printf '| %s | %s | %s | %s | %s | %s |\n' "$s" "${grove_ms[$s]}" "${floor_ms[$s]}" \
		"$(ratio2 "${grove_ms[$s]}" "${floor_ms[$s]}")" \
		"${mr:+$mr$note ($(ratio "$mr" "${grove_ms[$s]}")x)}" \
		"${gita:+$gita$note ($(ratio "$gita" "${grove_ms[$s]}")x)}"
}
report="### status from 100 to $big repositories of $files files ($(date -u +%Y-%m-%d), $(nproc) CPUs)

Command: \`bench/scale.sh -n $n -f $files -r $runs\` (grove and the floor: medians of $runs runs by
hyperfine; mr and gita: one run, \"sampled\" = 1,000 of the 10,000 repositories times 10; milliseconds)

| repositories | grove status | floor | grove / floor | mr status (grove faster by) | gita ll (grove faster by) |
| ---: | ---: | ---: | ---: | ---: | ---: |
$(for s in "${sizes[@]}"; do row "$s"; done)

- grove at $big against $prev: $(ratio2 "${grove_ms[$big]}" "${grove_ms[$prev]}")x the time for $(ratio "$big" "$prev")x the repositories (bar: at most 11x from 1,000 to 10,000)
- grove against the floor at $ref: $(ratio2 "${grove_ms[$ref]}" "${floor_ms[$ref]}")x (bar: 1.5x at 1,000)
- peak memory of \`grove status\` at $big repositories: $((peak_kb / 1024)) MiB (bar: 128 MiB)
- peak memory of a no-op \`grove fetch\` at $big repositories: $((fetch_kb / 1024)) MiB (bar: 100 MiB)
- \`ulimit -n 256\` and \`grove -j 64 status\` at $big repositories: exit $fd_rc, \`$fd_line\`"
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
