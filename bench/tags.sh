#!/usr/bin/env bash
# bench/tags.sh [-n TAGS] [--rtt MS] [-r RUNS] [-o FILE]
# A no-op update of one repository whose remote has TAGS tags (issue 20:
# libgit2 1.5 speaks protocol v0, so the whole ref advertisement comes on
# every fetch), over git:// behind tests/servers/delay_proxy.py: grove
# update and grove fetch against git fetch and git pull --ff-only, and
# against the same repository with no tags. Prints a markdown report.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=5000 rtt=50 runs=7 out=
while [ $# -gt 0 ]; do
	case $1 in
	-n) n=$2; shift 2 ;;
	--rtt) rtt=${2%ms}; shift 2 ;;
	-r) runs=$2; shift 2 ;;
	-o) out=$2; shift 2 ;;
	*) echo "usage: bench/tags.sh [-n TAGS] [--rtt MS] [-r RUNS] [-o FILE]" >&2; exit 2 ;;
	esac
done
bench_need tags.sh git python3

w=$work/tags-$n
pids=()
times=$(mktemp)
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -f "$times"' EXIT

# two remotes of 100 commits: one with a tag on every commit ... n tags,
# one with none
make_remotes() {
	[ -f "$w/.done" ] && return
	rm -rf "$w" && mkdir -p "$w/remotes"
	local seed=$w/seed i
	git init -q -b main "$seed"
	for ((i = 0; i < 100; i++)); do
		echo "$i" >"$seed/f.txt" && git -C "$seed" add f.txt && git -C "$seed" commit -qm "c$i"
	done
	git clone -q --bare "$seed" "$w/remotes/plain.git"
	git clone -q --bare "$seed" "$w/remotes/tagged.git"
	git -C "$w/remotes/tagged.git" rev-list main |
		awk -v n="$n" '{ c[NR] = $1 } END { for (i = 0; i < n; i++) printf "create refs/tags/v%d %s\n", i, c[i % NR + 1] }' |
		git -C "$w/remotes/tagged.git" update-ref --stdin
	touch "$w/.done"
}

make_remotes
mkdir -p "$w/run"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
git daemon --reuseaddr --base-path="$w/remotes" --export-all --listen=127.0.0.1 --port="$port" \
	"$w/remotes" 2>"$w/run/daemon.log" &
pids+=($!)
rm -f "$w/run/proxy.port"
python3 "$root/tests/servers/delay_proxy.py" "$port" "$((rtt / 2))" "$w/run/proxy.port" \
	>/dev/null 2>&1 &
pids+=($!)
for ((k = 0; k < 100; k++)); do [ -s "$w/run/proxy.port" ] && break; sleep 0.1; done
pport=$(cat "$w/run/proxy.port")

export HOME=$w/home GIT_CONFIG_NOSYSTEM=1
rm -rf "$HOME" && mkdir -p "$HOME/src"
printf '[src/plain]\n\n[src/tagged]\n' >"$HOME/.mrconfig"
for r in plain tagged; do
	git clone -q "$w/remotes/$r.git" "$HOME/src/$r"
	git -C "$HOME/src/$r" remote set-url origin "git://127.0.0.1:$pport/$r.git"
	git -C "$HOME/src/$r" fetch -q --tags
done
git config --global pull.ff only
cd "$HOME/src"
declare -A cmds
order=()
for r in plain tagged; do
	cmds[grove_update_$r]="'$grove' -d $r update"
	cmds[grove_fetch_$r]="'$grove' -d $r fetch"
	cmds[git_fetch_$r]="git -C $r fetch -q"
	cmds[git_pull_$r]="git -C $r pull -q --ff-only"
	order+=(grove_update_$r grove_fetch_$r git_fetch_$r git_pull_$r)
done
# every command must work: a failing one times nothing
for c in "${order[@]}"; do
	bash -c "${cmds[$c]}" >/dev/null 2>&1 || { echo "bench/tags.sh: $c failed" >&2; exit 1; }
done
bench_interleaved "$runs"
advert=$(git ls-remote "git://127.0.0.1:$port/tagged.git" | wc -c)

report() {
	echo "### a no-op update of one repository with $n tags, ${rtt} ms round trip ($(date +%F), $(nproc) CPUs)"
	echo
	echo "Command: \`bench/tags.sh -n $n --rtt $rtt -r $runs\` (medians of $runs interleaved runs, milliseconds; git:// behind the delaying proxy; the ref advertisement of the tagged remote is $((advert / 1024)) KiB)"
	echo
	echo "| command | no tags | $n tags | tags cost |"
	echo "| --- | ---: | ---: | ---: |"
	local c
	for c in grove_update grove_fetch git_fetch git_pull; do
		echo "| $c | ${med[${c}_plain]} | ${med[${c}_tagged]} | $((med[${c}_tagged] - med[${c}_plain])) |"
	done
}
if [ -n "$out" ]; then report | tee "$out"; else report; fi
