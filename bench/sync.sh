#!/usr/bin/env bash
# bench/sync.sh [--quick] [-n N] [-f CLONES] [-r RUNS] [-o FILE]
# grove sync github against the GitHub API test server of the test suite
# (tests/servers/github_api.py, on 127.0.0.1): an organization of N
# repositories listed (first run, then unchanged with the ETag cache), and
# CLONES small repositories cloned with -j 16 against `git clone` one by
# one, both from git daemon (clone URLs must lead to the API's git host:
# loopback for a loopback API). Then planning: dry runs of organizations
# of PLAN_SIZES repositories, the planning time grove -v reports and
# grove's CPU time. Prints a markdown report (and writes it to FILE with -o).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=1000 files=200 runs=3 out=
PLAN_SIZES=${PLAN_SIZES:-10000 30000 100000}
bench_options sync.sh "n=300 files=50 runs=2 PLAN_SIZES=10000" "$@"
bench_need sync.sh git python3
clones=$files

w=$work/sync
rm -rf "$w" && mkdir -p "$w/origins/small" "$w/home"
export HOME=$w/home XDG_CACHE_HOME=$w/home/.cache GIT_CONFIG_NOSYSTEM=1
unset GROVE_CONFIG GH_TOKEN GITHUB_TOKEN XDG_CONFIG_HOME
git init -q "$w/seed"
for i in 1 2 3; do echo "file $i" >"$w/seed/f$i.txt"; done
git -C "$w/seed" add . && git -C "$w/seed" -c user.name=b -c user.email=b@b commit -qm seed
names=()
for ((i = 1; i <= clones; i++)); do
	names+=("$(printf 'r%03d' "$i")")
	git clone -q --bare --no-local "$w/seed" "$w/origins/small/${names[-1]}.git"
done
json_names=$(printf '"%s",' "${names[@]}")
daemon_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
git daemon --export-all --reuseaddr --listen=127.0.0.1 --port="$daemon_port" --base-path="$w/origins" \
	--pid-file="$w/daemon.pid" "$w/origins" >/dev/null 2>&1 &
cat >"$w/api.json" <<EOT
{"token": "t", "clone_base": "git://127.0.0.1:$daemon_port",
 "accounts": {"big": {"type": "Organization", "repos": $n},
              "small": {"type": "Organization", "repos": $clones, "names": [${json_names%,}]}}}
EOT
python3 "$root/tests/servers/github_api.py" "$w/api.json" "$w/port" "$w/requests.log" &
server=$!
times=$(mktemp)
trap 'kill $server "$(cat "$w/daemon.pid" 2>/dev/null)" 2>/dev/null; rm -f "$times"' EXIT
for _ in $(seq 50); do [ -s "$w/port" ] && break; sleep 0.1; done
api=http://127.0.0.1:$(cat "$w/port")
args="github --org big --api-url $api --root '$w/home/src' --no-clone --no-update"
list="'$grove' sync $args"

# the first listing, and how many requests it took
rm -rf "$XDG_CACHE_HOME"
: >"$w/requests.log"
time_runs 1 list_first "$list"
first_requests=$(wc -l <"$w/requests.log")
# unchanged: conditional requests answered 304 from the ETag cache
: >"$w/requests.log"
time_runs "$runs" list_cached "$list"
cached_requests=$(( $(wc -l <"$w/requests.log") / runs ))
cached_304=$(bash -c "'$grove' -v sync $args" 2>&1 | sed -n 's/.*requests, \([0-9]*\) answered 304.*/\1/p')

# cloning: grove -j 16 against git clone one by one, same URLs, interleaved
clone_grove="rm -rf '$w/home/src' '$w/home/.mrconfig' && '$grove' -j 16 sync github --org small --api-url $api --root '$w/home/src'"
clone_git="rm -rf '$w/loop' && mkdir '$w/loop' && for r in ${names[*]}; do git clone -q 'git://127.0.0.1:$daemon_port/small/'\$r.git '$w/loop/'\$r; done"
got=$(bash -c "$clone_grove" | tail -1)
[ "$got" = "grove sync: finished ($clones ok)" ] || { echo "bench/sync.sh: $got" >&2; exit 1; }
for ((r = 0; r < runs; r++)); do
	time_runs 1 clone_grove "$clone_grove"
	time_runs 1 clone_git "$clone_git"
done
# planning: what was quadratic (case twins, renames, registration, prune)
plan_rows=
for size in $PLAN_SIZES; do
	python3 - "$w/api.json" "$size" <<-'EOP'
	import json, sys
	cfg = json.load(open(sys.argv[1]))
	cfg["accounts"]["plan%s" % sys.argv[2]] = {"type": "Organization", "repos": int(sys.argv[2])}
	json.dump(cfg, open(sys.argv[1], "w"))
	EOP
	plan="'$grove' -v sync github --org plan$size --api-url $api --root '$w/home/src' --dry-run"
	bash -c "$plan" >/dev/null 2>&1 # the server makes its pages once
	for ((r = 0; r < runs; r++)); do
		/usr/bin/time -f 'cpu %U %S' -o "$w/cpu" bash -c "$plan" 2>"$w/plan.err" >/dev/null
		echo "plan$size $(sed -n 's/.*planned in \([0-9]*\) ms.*/\1/p' "$w/plan.err")" >>"$times"
		echo "cpu$size $(awk '/^cpu/ { printf "%d", ($2 + $3) * 1000 }' "$w/cpu")" >>"$times"
	done
	plan_rows+="| $size | $(median_of "plan$size") | $(median_of "cpu$size") |"$'\n'
done

first=$(median_of list_first)
cached=$(median_of list_cached)
cg=$(median_of clone_grove)
cl=$(median_of clone_git)

report=$(cat <<EOT
### sync github, $n repositories listed, $clones cloned ($(date -u +%Y-%m-%d), $(nproc) CPUs)

Command: \`bench/sync.sh -n $n -f $clones -r $runs\` against \`tests/servers/github_api.py\` on
127.0.0.1 (medians of $runs runs, milliseconds; the listing runs use \`--no-clone --no-update\`).

| what | median ms | requests |
| --- | ---: | ---: |
| first listing of $n repositories | $first | $first_requests |
| unchanged listing (ETag cache) | $cached | $cached_requests ($cached_304 answered 304) |
| \`grove -j 16 sync\` cloning $clones repositories | $cg | |
| \`git clone\` one by one, the same $clones | $cl | |

- requests for $n repositories: $first_requests (bar: one per 100 repositories, 10 for 1,000)
- unchanged second run: $cached_requests conditional requests, no clone, $cached ms (bar: under 1000 ms)
- cloning with \`-j 16\` against one by one: $(ratio "$cl" "$cg")x faster (bar: 5x)

Planning, dry runs (\`grove -v sync ... --dry-run\`; medians of $runs runs): the time
\`grove -v\` reports from the end of the listing to the end of planning, and grove's whole
CPU time (user + system; the listing's JSON is ~6 KB a repository, so most of it is reading
the listing). Bar: planning 100,000 under 2,000 ms.

| repositories | planning ms | grove CPU ms |
| ---: | ---: | ---: |
${plan_rows%$'\n'}
EOT
)
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
