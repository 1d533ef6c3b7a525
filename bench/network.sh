#!/usr/bin/env bash
# bench/network.sh [--quick] [-n N] [--rtt MS] [-r RUNS] [--protocols "ssh http git"] [-o FILE]
# Network work over a link with latency (issue 20). N bare repositories are
# served on 127.0.0.1 by a stock sshd (default configuration but for its
# port, keys and files: MaxStartups 10:30:100, MaxSessions 10), git daemon
# and git http-backend, each behind tests/servers/delay_proxy.py, which
# holds every chunk RTT/2 each way. For each protocol: a no-op grove update
# and grove fetch, an update where every 10th repository moved, and a clone
# of all (grove checkout), against mr -j 5 (myrepos' recommended setting),
# gita pull (no-op only) and a git fetch loop with xargs -P 16; for ssh
# also grove without connection sharing (GROVE_SSH_SHARE=0) and a no-op
# fetch of every clone through libgit2's own ssh transport (libssh2;
# bench/libgit2-ssh.c), the transport grove replaces. The floor is
# git ls-remote of every repository, 16 at once (ssh: 8 at once through
# one master): one ref advertisement each and nothing else. The proxy's own cost is
# shown by a no-op grove update through it with no delay and without it.
# Failed repositories are counted in every run. Prints a markdown report.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=500 rtt=50 runs=3 out= protocols="ssh http git"
args=()
while [ $# -gt 0 ]; do
	case $1 in
	--rtt) rtt=${2%ms}; shift 2 ;;
	--protocols) protocols=$2; shift 2 ;;
	*) args+=("$1"); shift ;;
	esac
done
bench_options network.sh "n=40 runs=1" "${args[@]}"
bench_need network.sh mr gita git python3 /usr/sbin/sshd ssh-keygen
make -s -C "$root" build/libgit2-ssh >&2
servers=$root/tests/servers
# commits need an identity of their own, not the machine's
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid

w=$work/network-$n
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# N bare repositories of two commits (c0, c1), made once
make_remotes() {
	[ -f "$w/remotes/.done" ] && [ "$(cat "$w/remotes/.done")" = "$n" ] && return
	rm -rf "$w/remotes" && mkdir -p "$w/remotes"
	local seed=$w/seed
	rm -rf "$seed" && git init -q -b main "$seed"
	for k in 0 1; do
		echo "$k" >"$seed/f.txt" && git -C "$seed" add f.txt && git -C "$seed" commit -qm "c$k"
	done
	git clone -q --bare "$seed" "$w/remotes/r0.git"
	for ((i = 1; i < n; i++)); do cp -r "$w/remotes/r0.git" "$w/remotes/r$i.git"; done
	echo "$n" >"$w/remotes/.done"
}

# wait_port FILE: the port a server wrote
wait_port() {
	local k
	for ((k = 0; k < 100; k++)); do [ -s "$1" ] && { cat "$1"; return; }; sleep 0.1; done
	echo "bench/network.sh: no port in $1" >&2
	exit 1
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# proxy TARGET_PORT DELAY_MS: a delaying proxy in front of it; its port in
# PROXY_PORT
proxy() {
	local pf=$w/run/proxy-$1-$2
	rm -f "$pf"
	python3 "$servers/delay_proxy.py" "$1" "$2" "$pf" >/dev/null 2>"$pf.err" &
	pids+=($!)
	PROXY_PORT=$(wait_port "$pf")
}

start_sshd() {
	local d=$w/run/sshd port
	mkdir -p "$d"
	# sshd run as root wants its privilege separation folder
	[ "$(id -u)" != 0 ] || mkdir -p /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$d/host" <<<y >/dev/null
	ssh-keygen -q -t ed25519 -N '' -f "$d/user" <<<y >/dev/null
	cp "$d/user.pub" "$d/authorized_keys"
	port=$(free_port)
	cat >"$d/sshd_config" <<-EOT
	Port $port
	ListenAddress 127.0.0.1
	HostKey $d/host
	PidFile $d/sshd.pid
	AuthorizedKeysFile $d/authorized_keys
	StrictModes no
	UsePAM no
	EOT
	/usr/sbin/sshd -D -e -f "$d/sshd_config" 2>"$d/sshd.log" &
	pids+=($!)
	SSHD_PORT=$port
}

# the ssh client's configuration for host "benchhost" at port $1
ssh_config() {
	local d=$w/run/sshd
	cat >"$d/client-$1" <<-EOT
	Host benchhost
	  HostName 127.0.0.1
	  Port $1
	  User $(id -un)
	  IdentityFile $d/user
	  IdentitiesOnly yes
	  IdentityAgent none
	  StrictHostKeyChecking no
	  UserKnownHostsFile /dev/null
	  LogLevel ERROR
	EOT
	echo "$d/client-$1"
}

start_servers() {
	mkdir -p "$w/run"
	start_sshd
	GIT_PORT=$(free_port)
	git daemon --reuseaddr --base-path="$w/remotes" --export-all --listen=127.0.0.1 \
		--port="$GIT_PORT" --max-connections=0 "$w/remotes" 2>"$w/run/daemon.log" &
	pids+=($!)
	rm -f "$w/run/http.port"
	python3 "$servers/http_backend.py" "$w/remotes" - - "$w/run/http.port" /dev/null \
		2>"$w/run/http.err" &
	pids+=($!)
	HTTP_PORT=$(wait_port "$w/run/http.port")
	local k
	for ((k = 0; k < 100; k++)); do
		ssh -F "$(ssh_config "$SSHD_PORT")" -o BatchMode=yes benchhost true 2>/dev/null && return
		sleep 0.1
	done
	echo "bench/network.sh: sshd did not come up" >&2
	cat "$w/run/sshd/sshd.log" >&2
	exit 1
}

# url PROTOCOL PORT I: the URL of repository I through port
url() {
	case $1 in
	ssh) echo "benchhost:$w/remotes/r$3.git" ;;
	http) echo "http://127.0.0.1:$2/r$3.git" ;;
	git) echo "git://127.0.0.1:$2/r$3.git" ;;
	esac
}

# setup_home PROTOCOL PORT: a home with the registry and clones of every
# repository through port, cloned locally and pointed there (the clone is
# not what is measured here)
setup_home() {
	local h=$w/home-$1 i u
	rm -rf "$h" && mkdir -p "$h/src" "$h/.config"
	: >"$h/.mrconfig"
	for ((i = 0; i < n; i++)); do
		u=$(url "$1" "$2" "$i")
		git clone -q "$w/remotes/r$i.git" "$h/src/r$i"
		git -C "$h/src/r$i" remote set-url origin "$u"
		printf '[src/r%d]\ncheckout = git clone %s r%d\n\n' "$i" "$u" "$i" >>"$h/.mrconfig"
	done
	(cd "$h" && HOME=$h XDG_CONFIG_HOME=$h/.config gita add src/r* >/dev/null)
	git config --file "$h/.gitconfig" pull.ff only
	git config --file "$h/.gitconfig" user.name bench
	git config --file "$h/.gitconfig" user.email bench@example.invalid
}

# every 10th clone back one commit, its remote-tracking ref too: the next
# update moves them again
unmove() {
	local h=$1 i c0
	for ((i = 0; i < n; i += 10)); do
		c0=$(git -C "$w/remotes/r$i.git" rev-parse main~1)
		git -C "$h/src/r$i" reset -q --hard "$c0"
		git -C "$h/src/r$i" update-ref refs/remotes/origin/main "$c0"
	done
}

# timed NAME CMD: one timed run of CMD in the current home; failures counted
timed() {
	local t0 t1 rc=0
	t0=$(now_ms)
	bash -c "$2" >"$w/run/out" 2>&1 || rc=$?
	t1=$(now_ms)
	echo "$1 $((t1 - t0))" >>"$times"
	# each command's last output stays, to read a failure's reason after
	cp "$w/run/out" "$w/run/out-${1//:/-}"
	# grove and myrepos count their failures in the summary; for the others
	# each failed repository says fatal: or error:
	local f
	f=$(sed -n -E 's/.*finished \(.*; ([0-9]+) failed.*/\1/p' "$w/run/out" | tail -1)
	if [ -z "$f" ] && ! grep -q 'finished (' "$w/run/out"; then
		f=$(grep -c -E '^(fatal|error):' "$w/run/out" || true)
	fi
	echo "$1 ${f:-0}" >>"$fails"
}

# bench_protocol PROTOCOL SERVER_PORT: the table rows of one protocol
bench_protocol() {
	local p=$1 pport h cfg=
	proxy "$2" "$((rtt / 2))"
	pport=$PROXY_PORT
	setup_home "$p" "$pport"
	h=$w/home-$p
	export HOME=$h XDG_CONFIG_HOME=$h/.config
	if [ "$p" = ssh ]; then
		cfg=$(ssh_config "$pport")
		export GIT_SSH_COMMAND="ssh -F $cfg"
	else
		unset GIT_SSH_COMMAND
	fi
	cd "$h"
	local fetch_loop="ls -d src/r* | xargs -P 16 -I{} git -C {} fetch -q origin"
	# the floor: one ref advertisement per repository and nothing else,
	# 16 at once; over ssh through one master, 8 at once (MaxSessions)
	local floor="ls -d src/r* | xargs -P 16 -I{} git -C {} ls-remote -q origin >/dev/null"
	if [ "$p" = ssh ]; then
		floor="ssh -F $cfg -o ControlMaster=yes -o ControlPath=$w/run/floor -o ControlPersist=60 -fN benchhost &&
		ls -d src/r* | GIT_SSH_COMMAND='ssh -F $cfg -o ControlPath=$w/run/floor -o ControlMaster=no' xargs -P 8 -I{} git -C {} ls-remote -q origin >/dev/null;
		ssh -F $cfg -o ControlPath=$w/run/floor -O exit benchhost"
	fi
	declare -A c=(
		[grove_update]="'$grove' -a update"
		[grove_fetch]="'$grove' -a fetch"
		[mr_update]="mr -j 5 update"
		[gita_pull]="gita pull"
		[git_fetch_loop]="$fetch_loop"
		[grove_noshare]="GROVE_SSH_SHARE=0 '$grove' -a update"
		[libgit2_ssh]="'$root/build/libgit2-ssh' -j 16 'ssh://$(id -un)@127.0.0.1:$pport' '$w/run/sshd/user' '$h/clones.txt'"
		[floor]="$floor"
	)
	local names=(grove_update grove_fetch mr_update gita_pull git_fetch_loop floor)
	if [ "$p" = ssh ]; then
		names+=(grove_noshare libgit2_ssh)
		ls -d "$h"/src/r* >"$h/clones.txt"
	fi
	local r name
	for ((r = 0; r < runs; r++)); do
		for name in "${names[@]}"; do timed "$p:noop:$name" "${c[$name]}"; done
		for name in grove_update mr_update; do
			unmove "$h"
			timed "$p:moved:$name" "${c[$name]}"
		done
	done
	# a clone of all: the folders gone, the registry's checkout lines
	rm -rf "$h/src" && mkdir -p "$h/src"
	timed "$p:clone:grove_checkout" "'$grove' -a checkout"
	rm -rf "$h/src" && mkdir -p "$h/src"
	timed "$p:clone:mr_checkout" "mr -j 5 checkout"
	cd "$w"
}

# the proxy's own cost: a no-op update over git:// straight, and through
# the proxy holding nothing
proxy_cost() {
	local through
	setup_home git "$GIT_PORT"
	export HOME=$w/home-git XDG_CONFIG_HOME=$w/home-git/.config
	cd "$HOME"
	timed "proxy:warm" "'$grove' -a update"
	for ((r = 0; r < runs; r++)); do timed "proxy:straight" "'$grove' -a update"; done
	proxy "$GIT_PORT" 0
	through=$PROXY_PORT
	local i
	for ((i = 0; i < n; i++)); do
		git -C "src/r$i" remote set-url origin "$(url git "$through" "$i")"
	done
	for ((r = 0; r < runs; r++)); do timed "proxy:zero-delay" "'$grove' -a update"; done
	cd "$w"
}

# what sshd costs here with no delay at all: a new connection, and 8
# sessions through one established (multiplexed) connection, one after
# the other and at once
session_cost() {
	local cfg sock=$w/run/cost r
	cfg=$(ssh_config "$SSHD_PORT")
	local one="ssh -F $cfg -o ControlPath=$sock -o ControlMaster=no benchhost true"
	for ((r = 0; r < runs; r++)); do timed "cost:connection" "ssh -F $cfg -o BatchMode=yes benchhost true"; done
	ssh -F "$cfg" -o ControlMaster=yes -o ControlPath="$sock" -o ControlPersist=60 -fN benchhost
	for ((r = 0; r < runs; r++)); do
		timed "cost:sequential" "for i in 1 2 3 4 5 6 7 8; do $one; done"
		timed "cost:at-once" "for i in 1 2 3 4 5 6 7 8; do $one & done; wait"
	done
	ssh -F "$cfg" -o ControlPath="$sock" -O exit benchhost 2>/dev/null
}

median_ms() { awk -v k="$1" '$1 == k { print $2 }' "$times" | median; }
max_fails() { awk -v k="$1" '$1 == k { print $2 }' "$fails" | sort -n | tail -1; }

report() {
	local p kind name m base
	echo "### network, $n repositories on one host, ${rtt} ms round trip ($(date +%F), $(nproc) CPUs)"
	echo
	echo "Command: \`bench/network.sh -n $n --rtt $rtt -r $runs --protocols \"$protocols\"\` (medians of $runs runs, milliseconds; the clones run once)"
	echo
	echo "| protocol | work | command | median ms | failed repositories (worst run) | time / grove's |"
	echo "| --- | --- | --- | ---: | ---: | ---: |"
	for p in $protocols; do
		for kind in noop moved clone; do
			base=$(median_ms "$p:$kind:grove_update")
			[ "$kind" = clone ] && base=$(median_ms "$p:clone:grove_checkout")
			for name in floor grove_update grove_fetch grove_noshare libgit2_ssh mr_update gita_pull \
				git_fetch_loop grove_checkout mr_checkout; do
				grep -q "^$p:$kind:$name " "$times" || continue
				m=$(median_ms "$p:$kind:$name")
				echo "| $p | $kind | $name | $m | $(max_fails "$p:$kind:$name") | $(ratio "$m" "$base")x |"
			done
		done
	done
	echo
	echo "The proxy's own cost (git://, a no-op grove update): straight $(median_ms proxy:straight) ms, through the proxy with no delay $(median_ms proxy:zero-delay) ms."
	echo
	echo "What sshd costs on this machine with no delay: a new connection (\`ssh true\`) $(median_ms cost:connection) ms; 8 sessions through one established connection $(median_ms cost:sequential) ms one after the other, $(median_ms cost:at-once) ms at once."
}

make_remotes
start_servers
times=$(mktemp)
fails=$(mktemp)
trap 'cleanup; rm -f "$times" "$fails"' EXIT
export GIT_CONFIG_NOSYSTEM=1
unset GROVE_CONFIG
proxy_cost
session_cost
for p in $protocols; do
	case $p in
	ssh) bench_protocol ssh "$SSHD_PORT" ;;
	http) bench_protocol http "$HTTP_PORT" ;;
	git) bench_protocol git "$GIT_PORT" ;;
	esac
done
if [ -n "$out" ]; then report | tee "$out"; else report; fi
