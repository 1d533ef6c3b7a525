# Real git servers on 127.0.0.1 for the network tests, started and stopped
# by the tests themselves. Each start_* function leaves what it started in
# $SERVER_PIDS for stop_servers.

SERVERS_DIR="$BATS_TEST_DIRNAME/../servers"
SERVER_PIDS=()

# wait_file FILE: until a server wrote its port
wait_file() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	echo "server did not start: no $1" >&2
	return 1
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_daemon ROOT: git daemon serving ROOT; sets DAEMON_PORT
start_daemon() {
	DAEMON_PORT=$(free_port)
	git daemon --export-all --reuseaddr --listen=127.0.0.1 --port="$DAEMON_PORT" \
		--base-path="$1" --pid-file="$BATS_TEST_TMPDIR/daemon.pid" "$1" \
		>"$BATS_TEST_TMPDIR/daemon.log" 2>&1 &
	SERVER_PIDS+=($!)
	local i
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$DAEMON_PORT") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "git daemon did not start" >&2
	return 1
}

# start_http ROOT USER PASSWORD: smart HTTP with basic auth; sets HTTP_PORT, HTTP_LOG
start_http() {
	local pf="$BATS_TEST_TMPDIR/http.port"
	HTTP_LOG="$BATS_TEST_TMPDIR/http.log"
	rm -f "$pf"
	python3 "$SERVERS_DIR/http_backend.py" "$1" "$2" "$3" "$pf" "$HTTP_LOG" 2>"$BATS_TEST_TMPDIR/http.err" &
	SERVER_PIDS+=($!)
	wait_file "$pf"
	HTTP_PORT=$(cat "$pf")
}

# start_github CONFIG [ROOT_PATH]: the GitHub API test server
# (tests/servers/github_api.py) reading CONFIG (JSON) on every request; sets
# GITHUB_PORT, GITHUB_API (under ROOT_PATH, CONFIG's root_path) and
# GITHUB_LOG (one JSON line per request)
start_github() {
	local pf="$BATS_TEST_TMPDIR/github.port"
	GITHUB_LOG="$BATS_TEST_TMPDIR/github.log"
	rm -f "$pf" "$GITHUB_LOG"
	python3 "$SERVERS_DIR/github_api.py" "$1" "$pf" "$GITHUB_LOG" 2>"$BATS_TEST_TMPDIR/github.err" &
	SERVER_PIDS+=($!)
	wait_file "$pf"
	GITHUB_PORT=$(cat "$pf")
	GITHUB_API="http://127.0.0.1:$GITHUB_PORT${2:-}"
}

# start_stall: a server that accepts and never answers; sets STALL_PORT
# wait_connections N: until the stall server has accepted N connections
wait_connections() {
	local f="$BATS_TEST_TMPDIR/stall.port.conns" k
	for k in $(seq 1 600); do
		[ "$(cat "$f" 2>/dev/null)" = "$1" ] && return 0
		sleep 0.05
	done
	fail "the stall server has $(cat "$f" 2>/dev/null || echo no) connections, not $1"
}

start_stall() {
	local pf="$BATS_TEST_TMPDIR/stall.port"
	rm -f "$pf"
	python3 "$SERVERS_DIR/stall.py" "$pf" 60 &
	SERVER_PIDS+=($!)
	wait_file "$pf"
	STALL_PORT=$(cat "$pf")
}

# start_sshd: sshd with a throw-away host key, accepting the keys in
# $HOME/.ssh/*.pub; writes Host aliases gitbox-ed25519 and gitbox-rsa into
# $HOME/.ssh/config and points GIT_SSH_COMMAND at it (ssh reads the
# passwd home, not $HOME)
start_sshd() {
	local d="$BATS_TEST_TMPDIR/sshd" port
	command -v /usr/sbin/sshd >/dev/null || return 1
	mkdir -p "$d" "$HOME/.ssh" /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_ed25519"
	ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/id_ed25519"
	ssh-keygen -q -t rsa -b 2048 -N '' -f "$HOME/.ssh/id_rsa"
	cat "$HOME/.ssh/id_ed25519.pub" "$HOME/.ssh/id_rsa.pub" >"$d/authorized_keys"
	port=$(free_port)
	cat >"$d/sshd_config" <<-EOT
	Port $port
	ListenAddress 127.0.0.1
	HostKey $d/host_ed25519
	PidFile $d/sshd.pid
	AuthorizedKeysFile $d/authorized_keys
	StrictModes no
	UsePAM no
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	PubkeyAuthentication yes
	PermitRootLogin prohibit-password
	EOT
	/usr/sbin/sshd -D -e -f "$d/sshd_config" 2>"$d/sshd.log" &
	SERVER_PIDS+=($!)
	echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$d/host_ed25519.pub")" >"$HOME/.ssh/known_hosts"
	local key
	: >"$HOME/.ssh/config"
	for key in ed25519 rsa; do
		cat >>"$HOME/.ssh/config" <<-EOT
		Host gitbox-$key
		  HostName 127.0.0.1
		  Port $port
		  User $(id -un)
		  IdentityFile $HOME/.ssh/id_$key
		  IdentitiesOnly yes
		  IdentityAgent none
		  UserKnownHostsFile $HOME/.ssh/known_hosts
		  StrictHostKeyChecking yes
		EOT
	done
	export GIT_SSH_COMMAND="ssh -F $HOME/.ssh/config"
	local i
	for ((i = 0; i < 100; i++)); do
		ssh -F "$HOME/.ssh/config" -o BatchMode=yes gitbox-ed25519 true 2>/dev/null && return 0
		sleep 0.1
	done
	cat "$d/sshd.log" >&2
	return 1
}

# start_delay TARGET_PORT DELAY_MS: a proxy holding every chunk DELAY_MS
# each way (tests/servers/delay_proxy.py); sets DELAY_PORT, and the most
# connections open at once goes to $BATS_TEST_TMPDIR/peak
start_delay() {
	local pf="$BATS_TEST_TMPDIR/delay.port"
	rm -f "$pf"
	python3 "$SERVERS_DIR/delay_proxy.py" "$1" "$2" "$pf" "$BATS_TEST_TMPDIR/peak" \
		2>"$BATS_TEST_TMPDIR/delay.err" &
	SERVER_PIDS+=($!)
	wait_file "$pf"
	DELAY_PORT=$(cat "$pf")
}

stop_servers() {
	local p
	for p in "${SERVER_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${SERVER_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	[ ! -f "$BATS_TEST_TMPDIR/daemon.pid" ] || kill "$(cat "$BATS_TEST_TMPDIR/daemon.pid")" 2>/dev/null || true
	SERVER_PIDS=()
}

# fsck_all DIR...: every repository passes git fsck
fsck_all() {
	local r
	for r in "$@"; do
		git -C "$r" fsck --no-progress >/dev/null 2>&1 || { echo "fsck failed in $r" >&2; return 1; }
	done
}

# start_hostile_git MODE [RATE]: tests/servers/hostile_git.py (a git://
# server that attacks its client); sets HOSTILE_PORT
start_hostile_git() {
	local pf="$BATS_TEST_TMPDIR/hostile-$1.port"
	rm -f "$pf"
	python3 "$SERVERS_DIR/hostile_git.py" "$1" "$pf" ${2:+"$2"} 2>"$BATS_TEST_TMPDIR/hostile.err" &
	SERVER_PIDS+=($!)
	wait_file "$pf"
	HOSTILE_PORT=$(cat "$pf")
}

# start_forge FORGE CONFIG [ROOT_PATH]: the GitLab, Gitea, Bitbucket or Bitbucket Data Center API
# test server (tests/servers/forge_api.py) reading CONFIG on every request;
# sets FORGE_API (what --api-url takes; under ROOT_PATH, CONFIG's
# root_path) and FORGE_LOG (one JSON line per request)
start_forge() {
	local pf="$BATS_TEST_TMPDIR/$1.port" prefix
	FORGE_LOG="$BATS_TEST_TMPDIR/$1.log"
	rm -f "$pf" "$FORGE_LOG"
	python3 "$SERVERS_DIR/forge_api.py" "$1" "$2" "$pf" "$FORGE_LOG" 2>"$BATS_TEST_TMPDIR/$1.err" &
	SERVER_PIDS+=($!)
	wait_file "$pf"
	case $1 in
	gitlab) prefix=/api/v4 ;;
	gitea) prefix=/api/v1 ;;
	bitbucket) prefix=/2.0 ;;
	bitbucket-dc) prefix=/rest/api/1.0 ;;
	azure) prefix= ;;
	esac
	FORGE_API="http://127.0.0.1:$(cat "$pf")${3:-}$prefix"
}

# start_sourcehut CONFIG [ROOT_PATH]: git.sr.ht's GraphQL API and git over
# smart HTTP on one origin (tests/servers/sourcehut_api.py); sets SRHT_API
# (what --api-url takes: .../query) and SRHT_LOG (a JSON line per query)
start_sourcehut() {
	local pf="$BATS_TEST_TMPDIR/srht.port"
	SRHT_LOG="$BATS_TEST_TMPDIR/srht.log"
	rm -f "$pf" "$SRHT_LOG"
	python3 "$SERVERS_DIR/sourcehut_api.py" "$1" "$pf" "$SRHT_LOG" 2>"$BATS_TEST_TMPDIR/srht.err" &
	SERVER_PIDS+=($!)
	wait_file "$pf"
	SRHT_API="http://127.0.0.1:$(cat "$pf")${2:-}/query"
}
