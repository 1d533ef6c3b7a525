#!/usr/bin/env bash
# bench/import.sh [--quick] [-n N] [-r RUNS] [-o FILE]
# grove import of N small repositories from git daemon on 127.0.0.1,
# against gita clone -f on the same list (gita freeze's file) and against
# the floor, an xargs -P 16 loop of git clone; grove both with its
# defaults (16 jobs, 8 per host) and with 16 per host as the floor has.
# The daemon takes any number of connections (--max-connections=0): gita
# starts every clone at once, and with git daemon's default of 32 it lost
# about a fifth of 500. Interleaved runs, medians. Prints a markdown report
# (-o FILE: also there).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=500 runs=3 out= files=0
bench_options import.sh "n=100 runs=2" "$@"
bench_need import.sh git gita python3 xargs

w=$work/import
rm -rf "$w" && mkdir -p "$w/origins" "$w/home"
export HOME=$w/home GIT_CONFIG_NOSYSTEM=1 XDG_STATE_HOME=$w/home/.state
unset GROVE_CONFIG XDG_CONFIG_HOME
git init -q "$w/seed"
for i in 1 2 3; do echo "file $i" >"$w/seed/f$i.txt"; done
git -C "$w/seed" add . && git -C "$w/seed" -c user.name=b -c user.email=b@b commit -qm seed
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
{
	echo "repositories:"
	for ((i = 1; i <= n; i++)); do
		r=$(printf 'r%03d' "$i")
		git clone -q --bare --no-local "$w/seed" "$w/origins/$r.git"
		printf '  %s:\n    type: git\n    url: git://127.0.0.1:%s/%s.git\n    version: master\n' \
			"$r" "$port" "$r"
		printf 'git://127.0.0.1:%s/%s.git,%s,/nowhere/%s\n' "$port" "$r" "$r" "$r" >>"$w/gita.csv"
		printf 'git://127.0.0.1:%s/%s.git %s/floor/%s\n' "$port" "$r" "$w" "$r" >>"$w/floor.txt"
	done
} >"$w/list.repos"
git daemon --export-all --reuseaddr --max-connections=0 --listen=127.0.0.1 --port="$port" --base-path="$w/origins" \
	--pid-file="$w/daemon.pid" "$w/origins" >/dev/null 2>&1 &
times=$(mktemp)
trap 'kill "$(cat "$w/daemon.pid" 2>/dev/null)" 2>/dev/null; rm -f "$times"' EXIT
for _ in $(seq 50); do git ls-remote "git://127.0.0.1:$port/r001.git" >/dev/null 2>&1 && break; sleep 0.1; done

fresh="rm -rf '$w/ws' '$w/gita' '$w/floor' '$HOME/.mrconfig' '$XDG_STATE_HOME'"
declare -A cmds=(
	[grove]="$fresh && '$grove' import '$w/list.repos' '$w/ws'"
	[grove_16]="$fresh && '$grove' --jobs-per-host 16 import '$w/list.repos' '$w/ws'"
	[gita]="$fresh && mkdir '$w/gita' && gita clone -f '$w/gita.csv' -C '$w/gita'"
	[floor]="$fresh && mkdir '$w/floor' && xargs -P 16 -n 2 git clone -q <'$w/floor.txt'"
)
order=(floor grove grove_16 gita)
# each must clone every repository (a benchmark of failures proves
# nothing), except gita, whose shortfall is reported: it starts every clone
# at once, and the daemon's listen queue drops some ("Connection reset")
cloned() { (find "$w/ws" "$w/gita" "$w/floor" -maxdepth 2 -name .git 2>/dev/null || true) | wc -l; }
for name in "${order[@]}"; do
	bash -c "${cmds[$name]}" >/dev/null 2>&1
	got=$(cloned)
	[ "$got" = "$n" ] || [ "$name" = gita ] || { echo "bench/import.sh: $name cloned $got of $n" >&2; exit 1; }
	[ "$name" != gita ] || gita_got=$got
done
bench_interleaved "$runs"
gita_last=$(cloned)

report=$(
	echo "### grove import: $n repositories from git daemon, median of $runs runs (ms)"
	echo
	echo "| | ms | / floor | gita / this |"
	echo "|---|---|---|---|"
	for name in floor grove grove_16 gita; do
		echo "| $name | ${med[$name]} | $(ratio2 "${med[$name]}" "${med[floor]}") | $(ratio2 "${med[gita]}" "${med[$name]}") |"
	done
	echo
	echo "floor: xargs -P 16 git clone; grove: defaults (16 jobs, 8 per host); grove_16: --jobs-per-host 16; gita: gita clone -f ($(gita --version 2>/dev/null || echo gita)), which cloned $gita_got of $n in its first run and $gita_last in its last"
)
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
