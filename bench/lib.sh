# Shared by the benchmark scripts: timing, medians and the corpus cache.
# Every figure is wall-clock milliseconds; the machine is shared and noisy,
# so each command runs several times, interleaved, and the median counts.

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
# BENCH_GROVE=PATH measures another build (an older commit, for a "before")
grove=${BENCH_GROVE:-$root/grove}
# measure the optimised build, never a sanitizer build left by a test run
[ -n "${BENCH_GROVE:-}" ] || make -s -C "$root" SANITIZE= grove >&2
work=${BENCH_WORK:-$bench_dir/work}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# corpus N FILES: path of a cached corpus, built on first use
corpus() {
	local c=$work/corpus-$1-$2
	if [ ! -f "$c/repos.txt" ] || [ "$(wc -l <"$c/repos.txt")" != "$1" ]; then
		"$bench_dir/make-corpus" "$c" "$1" "$2" >&2
	fi
	echo "$c"
}

# median of the numbers on standard input
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# time_runs RUNS NAME CMD: runs CMD (a string for bash -c) RUNS times,
# appending one line "NAME MS" per run to $times
time_runs() {
	local runs=$1 name=$2 cmd=$3 t0 t1 k
	for ((k = 0; k < runs; k++)); do
		t0=$(now_ms)
		bash -c "$cmd" >/dev/null 2>&1 || true
		t1=$(now_ms)
		echo "$name $((t1 - t0))" >>"$times"
	done
}

# median_of NAME: the median of NAME's runs in $times
median_of() {
	awk -v n="$1" '$1 == n { print $2 }' "$times" | median
}

# ratio A B: A / B with one decimal
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.1f", a / b }'
}

# bench_options SCRIPT QUICK ARGS...: reads -n N, -f FILES, -r RUNS and
# -o FILE into n, files, runs and out; --quick runs the assignments in QUICK
bench_options() {
	local script=$1 quick=$2
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--quick) eval "$quick" ;;
		-n) n=$2; shift ;;
		-f) files=$2; shift ;;
		-r) runs=$2; shift ;;
		-o) out=$2; shift ;;
		*) echo "usage: bench/$script [--quick] [-n N] [-f FILES] [-r RUNS] [-o FILE]" >&2; exit 2 ;;
		esac
		shift
	done
}

# bench_need SCRIPT TOOL...: every tool is installed (make deps), or exit 2
bench_need() {
	local script=$1 t
	shift
	for t in "$@"; do
		command -v "$t" >/dev/null || { echo "bench/$script: $t is missing (make deps)" >&2; exit 2; }
	done
}

# bench_interleaved RUNS: times every command of the global arrays order
# (names) and cmds (name -> command) RUNS times, after one warm-up run of
# each, interleaved so noise hits them alike; sets med[name] to the median
bench_interleaved() {
	local runs=$1 name r
	for name in "${order[@]}"; do time_runs 1 warm "${cmds[$name]}"; done
	for ((r = 0; r < runs; r++)); do
		for name in "${order[@]}"; do time_runs 1 "$name" "${cmds[$name]}"; done
	done
	declare -gA med
	for name in "${order[@]}"; do med[$name]=$(median_of "$name"); done
}

# hyperfine_medians JSON: "NAME MS" lines, the median of each command's runs
# (hyperfine --export-json), rounded to a tenth of a millisecond
hyperfine_medians() {
	python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], "%.1f" % (r["median"] * 1000))' "$1"
}

# ratio2 A B: A / B with two decimals, for figures close to each other
ratio2() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.2f", a / b }'
}
