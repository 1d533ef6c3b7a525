#!/usr/bin/env bash
# bench/forges.sh [--quick] [-n N] [-f CLONES] [-r RUNS] [-o FILE]
# grove sync against each forge's API test server of the test suite
# (tests/servers/github_api.py, forge_api.py and sourcehut_api.py, on
# 127.0.0.1):
# the requests and time a first listing of N repositories takes, then a
# re-sync of CLONES clones of which 3 were pushed to since the last sync
# (a new pushed-at in the listing): how many git fetches it made (git
# daemon's own log; SourceHut's over HTTP, in its server's log) and how
# long it took, against a `git fetch` loop over the same clones. Prints a
# markdown report (and writes it to FILE with -o).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=1000 files=1000 runs=3 out=
bench_options forges.sh "n=300 files=100 runs=2" "$@"
bench_need forges.sh git python3
clones=$files

w=$work/forges
rm -rf "$w" && mkdir -p "$w/origins/big" "$w/home"
export HOME=$w/home XDG_CACHE_HOME=$w/home/.cache XDG_STATE_HOME=$w/home/.state GIT_CONFIG_NOSYSTEM=1
unset GROVE_CONFIG GH_TOKEN GITHUB_TOKEN GITLAB_TOKEN GITEA_TOKEN BITBUCKET_TOKEN XDG_CONFIG_HOME \
	BITBUCKET_DC_TOKEN BITBUCKET_SERVER_TOKEN AZURE_DEVOPS_EXT_PAT
export SRHT_TOKEN=t
git init -q "$w/seed"
echo seed >"$w/seed/f.txt"
git -C "$w/seed" add . && git -C "$w/seed" -c user.name=b -c user.email=b@b commit -qm seed
for ((i = 0; i < clones; i++)); do
	git clone -q --bare --no-local "$w/seed" "$w/origins/big/$(printf 'repo-%03d' "$i").git"
done
# Azure's clone URLs are ORG/PROJECT/_git/NAME, git.sr.ht's ~USER/NAME over
# HTTP from the API's own server: the same repositories under those paths
mkdir -p "$w/origins/azbig/p" "$w/srht/~big"
ln -s "$w/origins/big" "$w/origins/azbig/p/_git"
for ((i = 0; i < clones; i++)); do
	ln -s "$w/origins/big/$(printf 'repo-%03d' "$i").git" "$w/srht/~big/$(printf 'repo-%03d' "$i")"
done
daemon_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
git daemon --verbose --export-all --reuseaddr --listen=127.0.0.1 --port="$daemon_port" \
	--base-path="$w/origins" --pid-file="$w/daemon.pid" "$w/origins" 2>"$w/daemon.log" &
pids=()
times=$(mktemp)
trap 'kill "${pids[@]}" "$(cat "$w/daemon.pid" 2>/dev/null)" 2>/dev/null; rm -f "$times"' EXIT

# config PUSHED: every forge's configuration, r000..r002 pushed at PUSHED
config() {
	python3 - "$w/api.json" "$n" "$clones" "$daemon_port" "$1" "$w/srht" <<-'EOP'
	import json, sys
	path, n, clones, port, pushed, srht = sys.argv[1:7]
	push = {"repo-%03d" % i: pushed for i in range(3)}
	big = {"type": "Organization", "repos": int(clones), "pushed": push}
	json.dump({"token": "t", "clone_base": "git://127.0.0.1:%s" % port, "page_limit": 50,
	           "git_root": srht,
	           "accounts": {"list": {"type": "Organization", "repos": int(n)}, "big": big,
	                        "~list": {"repos": int(n)}, "~big": big,
	                        "azlist": {"subgroups": {"p": {"repos": int(n)}}},
	                        "azbig": {"subgroups": {"p": big}}}},
	          open(path, "w"))
	EOP
}
config 2030-01-01T00:00:00Z

declare -A api
start() {
	local f=$1 pf=$w/$1.port prefix=
	if [ "$f" = github ]; then
		python3 "$root/tests/servers/github_api.py" "$w/api.json" "$pf" "$w/$f.log" &
	elif [ "$f" = sourcehut ]; then
		python3 "$root/tests/servers/sourcehut_api.py" "$w/api.json" "$pf" "$w/$f.log" &
	else
		python3 "$root/tests/servers/forge_api.py" "$f" "$w/api.json" "$pf" "$w/$f.log" &
	fi
	pids+=($!)
	for _ in $(seq 50); do [ -s "$pf" ] && break; sleep 0.1; done
	case $f in
	gitlab) prefix=/api/v4 ;; gitea) prefix=/api/v1 ;; bitbucket) prefix=/2.0 ;;
	bitbucket-dc) prefix=/rest/api/1.0 ;; sourcehut) prefix=/query ;;
	esac
	api[$f]="http://127.0.0.1:$(cat "$pf")$prefix"
}

owner_opt() {
	case $1 in
	gitlab) echo --group ;; bitbucket) echo --workspace ;; bitbucket-dc) echo --project ;;
	sourcehut) echo --user ;; *) echo --org ;;
	esac
}

# account FORGE NAME: the account of list or big on that forge
account() {
	case $1 in azure) echo "az$2" ;; sourcehut) echo "~$2" ;; *) echo "$2" ;; esac
}

# fetches FORGE: the git fetches its clones' server has logged so far
fetches() {
	if [ "$1" = sourcehut ]; then
		grep -c 'info/refs?service=git-upload-pack' "$w/$1.log.git" || true
	else
		grep -c 'Request upload-pack' "$w/daemon.log" || true
	fi
}

rows=
for f in github gitlab gitea bitbucket bitbucket-dc azure sourcehut; do
	start "$f"
	sync="'$grove' -j 16 sync $f $(owner_opt "$f")"
	# the first listing of N: requests and time (no ETag cache)
	rm -rf "$XDG_CACHE_HOME"
	: >"$w/$f.log"
	time_runs 1 "list_$f" "$sync '$(account "$f" list)' --api-url ${api[$f]} --no-clone --no-update"
	list_requests=$(wc -l <"$w/$f.log")
	# CLONES clones, then re-syncs with 3 pushed each time
	root_dir="$w/home/src-$f"
	bash -c "$sync '$(account "$f" big)' --api-url ${api[$f]} --root '$root_dir'" >/dev/null
	fetched=()
	for ((r = 0; r < runs; r++)); do
		config "2031-01-0$((r + 1))T00:00:00Z"
		before=$(fetches "$f")
		time_runs 1 "resync_$f" "$sync '$(account "$f" big)' --api-url ${api[$f]} --root '$root_dir'"
		after=$(fetches "$f")
		fetched+=($((after - before)))
	done
	config 2030-01-01T00:00:00Z
	# the same clones fetched one by one with git, once
	loop="for d in \$(find '$root_dir/127.0.0.1' -name .git -prune -printf '%h\\n'); do git -C \"\$d\" fetch -q; done"
	time_runs 1 "loop_$f" "$loop"
	rows+="| $f | $list_requests | $(median_of "list_$f") | ${fetched[*]} | $(median_of "resync_$f") | $(median_of "loop_$f") |"$'\n'
done

report=$(cat <<EOT
### sync per forge: $n listed, a re-sync of $clones clones with 3 pushed ($(date -u +%Y-%m-%d), $(nproc) CPUs)

Command: \`bench/forges.sh -n $n -f $clones -r $runs\` against \`tests/servers/github_api.py\`,
\`forge_api.py\` and \`sourcehut_api.py\` on 127.0.0.1, clones from \`git daemon\` (SourceHut:
\`git http-backend\` behind its API server) (milliseconds;
re-sync: median of $runs runs, each after 3 repositories got a new pushed-at; fetches
counted in git daemon's own log, one number per run).

| forge | requests to list $n | first listing ms | git fetches per re-sync | re-sync ms | \`git fetch\` loop over the $clones ms |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows%$'\n'}

Bars: listing in the forge's minimum number of requests (100 a page: 10 for 1,000; Gitea at
its default limit of 50: 20; Bitbucket Data Center 1,000 a page: 1; Azure DevOps, an
organization's every repository in one reply: 1; SourceHut 100 a query: 10); a re-sync of
1,000 clones with 3 pushed: exactly 3 fetches, under 1 s, where the listing says when each
repository was pushed to (Bitbucket Data Center's and Azure's do not: every clone is
fetched, a fetch with nothing new).
EOT
)
echo "$report"
[ -z "$out" ] || echo "$report" >"$out"
