#!/usr/bin/env bats
# Servers that attack grove (issue 16, SECURITY.md): every byte a server
# sends is bounded, and time without useful progress is too.

setup() {
	load helpers
	load servers
	common_setup
}

teardown() {
	stop_servers
}

# a clone at src/r whose origin is URL, with a commit and an upstream
# branch configured, registered
clone_of() {
	git init -q -b main src/r
	git -C src/r commit -q --allow-empty -m first
	git -C src/r remote add origin "$1"
	git -C src/r config branch.main.remote origin
	git -C src/r config branch.main.merge refs/heads/main
	register src/r
}

@test "an endless ref advertisement is cut at the cap, naming the server, in bounded memory" {
	start_hostile_git endless
	clone_of "git://127.0.0.1:$HOSTILE_PORT/r.git"
	SECONDS=0
	max_rss timeout -k 5 60 "$GROVE_BIN" -a update
	assert_failure 1
	assert_output --partial "failed: $HOME/src/r: fetch origin: the ref advertisement of git://127.0.0.1:$HOSTILE_PORT/r.git"
	[ "$SECONDS" -lt 30 ]
	echo "# peak memory: $rss KiB" >&3
	[ "$rss" -lt 300000 ]
}

@test "a git server that sends a byte a second fails after --timeout without progress" {
	start_hostile_git trickle
	clone_of "git://127.0.0.1:$HOSTILE_PORT/r.git"
	SECONDS=0
	run timeout -k 5 60 "$GROVE_BIN" -a --timeout 3 update
	assert_failure 1
	assert_output --partial "timed out after 3 s without progress (less than 1 KiB) from git://127.0.0.1:$HOSTILE_PORT/r.git"
	[ "$SECONDS" -lt 15 ]
}

@test "a git server that drips just fast enough meets the deadline of its advertisement" {
	start_hostile_git slowdrip 600
	clone_of "git://127.0.0.1:$HOSTILE_PORT/r.git"
	SECONDS=0
	run timeout -k 5 120 "$GROVE_BIN" -a --timeout 2 update
	assert_failure 1
	assert_output --partial "the ref advertisement of git://127.0.0.1:$HOSTILE_PORT/r.git took more than 20 s"
	[ "$SECONDS" -lt 40 ]
}

@test "an endless advertisement over smart http and over ssh is cut at the cap too" {
	mkdir -p served/endless
	git init -q --bare served/endless/r.git
	python3 "$SERVERS_DIR/faulty_git.py" "$HOME/served" "$BATS_TEST_TMPDIR/faulty.port" &
	SERVER_PIDS+=($!)
	wait_file "$BATS_TEST_TMPDIR/faulty.port"
	clone_of "http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/faulty.port")/endless/r.git"
	max_rss timeout -k 5 60 "$GROVE_BIN" -a update
	assert_failure 1
	assert_output --partial "failed: $HOME/src/r: fetch origin: the ref advertisement of http://127.0.0.1:"
	echo "# http: peak memory $rss KiB" >&3
	[ "$rss" -lt 300000 ]
	# ssh: the ssh program is the server itself
	git -C src/r remote set-url origin "ssh://git.example.invalid/r.git"
	GIT_SSH_COMMAND="python3 $SERVERS_DIR/hostile_git.py endless --stdio" max_rss timeout -k 5 60 "$GROVE_BIN" -a update
	assert_failure 1
	assert_output --partial "failed: $HOME/src/r: fetch origin: the ref advertisement of ssh://git.example.invalid/r.git"
	echo "# ssh: peak memory $rss KiB" >&3
	[ "$rss" -lt 300000 ]
}

# ------------------------------------------------------------------ the API

# acme_api [JSON-FRAGMENT]: a GitHub API test server for the organization
# acme with the repositories one and two, served by git daemon
acme_api() {
	local origins="$BATS_TEST_TMPDIR/origins" n
	[ -d "$BATS_TEST_TMPDIR/seed" ] || mkrepo "$BATS_TEST_TMPDIR/seed"
	for n in one two three four five six; do
		[ -d "$origins/acme/$n.git" ] || git clone -q --bare "$BATS_TEST_TMPDIR/seed" "$origins/acme/$n.git"
	done
	start_daemon "$origins"
	CONFIG="$BATS_TEST_TMPDIR/github.json"
	printf '{"token": "s3cret-token", "clone_base": "git://127.0.0.1:%s", "accounts": {"acme": {"type": "Organization", "repos": 2, "names": ["one", "two"]%s}}%s}\n' \
		"$DAEMON_PORT" "${1:-}" "${2:-}" >"$CONFIG"
	export XDG_CACHE_HOME="$HOME/.cache"
	start_github "$CONFIG"
}

# a second server that records what reaches it: the place a hostile API
# points grove at
start_witness() {
	local pf="$BATS_TEST_TMPDIR/witness.port"
	WITNESS_LOG="$BATS_TEST_TMPDIR/witness.log"
	python3 "$SERVERS_DIR/github_api.py" "$BATS_TEST_TMPDIR/witness.json" "$pf" "$WITNESS_LOG" &
	echo '{"accounts": {}}' >"$BATS_TEST_TMPDIR/witness.json"
	SERVER_PIDS+=($!)
	wait_file "$pf"
	WITNESS_PORT=$(cat "$pf")
}

@test "sync follows Link rel=next only to the API's own scheme, host and port" {
	start_witness
	local base
	for base in "http://127.0.0.1:$WITNESS_PORT" "http://localhost:PORT" "https://127.0.0.1:PORT"; do
		acme_api ', "repos": 150' ', "link_base": "'"$base"'"'
		base=${base/PORT/$GITHUB_PORT}
		sed -i "s|\"link_base\": \"[^\"]*\"|\"link_base\": \"$base\"|" "$CONFIG"
		GH_TOKEN=s3cret-token run grove sync github --org acme --api-url "$GITHUB_API"
		assert_failure 1
		assert_output --partial "the next page is $base/orgs/acme/repos?per_page=100&page=2, another origin than $GITHUB_API: not followed"
		assert_output --partial "nothing was changed"
		[ ! -e src ]
		stop_servers
	done
	[ ! -s "$WITNESS_LOG" ]
}

@test "a redirect to another origin is not followed; one within the API is, with the token" {
	start_witness
	acme_api '' ', "faults": [{"path": "/orgs/acme/repos", "redirect": "http://127.0.0.1:'"$WITNESS_PORT"'/orgs/acme/repos?per_page=100"}]'
	GH_TOKEN=s3cret-token run grove sync github --org acme --api-url "$GITHUB_API" --dry-run
	assert_failure 1
	assert_output --partial "redirected to http://127.0.0.1:$WITNESS_PORT/orgs/acme/repos?per_page=100, another origin: not followed"
	[ ! -s "$WITNESS_LOG" ]
	sed -i "s|127.0.0.1:$WITNESS_PORT|127.0.0.1:$GITHUB_PORT|" "$CONFIG"
	: >"$GITHUB_LOG"
	GH_TOKEN=s3cret-token run grove sync github --org acme --api-url "$GITHUB_API" --dry-run
	assert_success
	assert_output --partial "would clone acme/one"
	[ "$(grep -c 'Bearer s3cret-token' "$GITHUB_LOG")" -eq 2 ]
}

@test "clone URLs must lead to the API's own git host and the repository's own name" {
	local secret="$BATS_TEST_TMPDIR/private"
	mkrepo "$secret"
	acme_api ', "repos": 6, "names": ["one", "two", "three", "four", "five", "six"], "clone_urls": {"one": "file://'"$secret"'", "two": "'"$secret"'", "three": "http://evil.example.invalid/acme/three.git", "four": "git://127.0.0.1:1/other/name.git", "five": "ext::sh -c touch% /tmp/pwned"}'
	run grove sync github --org acme --api-url "$GITHUB_API"
	# a cron job that cloned nothing must not report success
	assert_failure 1
	local n
	for n in one two three four five; do
		assert_line --partial "grove sync: failed: acme/$n: refused clone URL"
	done
	assert_line "grove sync: finished (1 ok; 5 failed)"
	assert_line "grove sync: (failed: acme/one acme/two acme/three acme/four acme/five)"
	for n in one two three four five; do
		[ ! -e "src/127.0.0.1/acme/$n" ]
	done
	# a loopback API's git host is loopback too: the one exception (any
	# port, and the schemes git speaks); the unit tests hold the rest
	run grep -c '^\[' .mrconfig
	assert_output 1
	[ -d src/127.0.0.1/acme/six/.git ]
	[ ! -e /tmp/pwned ]
}

@test "an API page over 8 MiB is an error naming the server, in bounded memory, never cached" {
	acme_api '' ', "faults": [{"huge": 200}]'
	max_rss timeout -k 5 60 "$GROVE_BIN" sync github --org acme --api-url "$GITHUB_API"
	assert_failure 1
	assert_output --partial "$GITHUB_API/orgs/acme/repos?per_page=100: the reply is larger than 8 MiB"
	echo "# peak memory: $rss KiB" >&3
	[ "$rss" -lt 100000 ]
	[ -z "$(find "$XDG_CACHE_HOME" -type f -size +1M 2>/dev/null)" ]
}

@test "a listing that never ends stops at 5000 pages" {
	acme_api '' ', "faults": [{"endless_pages": true, "times": 100000}]'
	run timeout -k 5 120 "$GROVE_BIN" sync github --org acme --api-url "$GITHUB_API" --dry-run
	assert_failure 1
	assert_output --partial "more than 5000 pages"
	assert_output --partial "nothing was changed"
}

@test "an API that sends 2 bytes a second fails after --timeout; one that drips forever meets the deadline" {
	acme_api '' ', "faults": [{"trickle": 2}]'
	SECONDS=0
	run timeout -k 5 60 "$GROVE_BIN" --timeout 3 sync github --org acme --api-url "$GITHUB_API"
	assert_failure 1
	assert_output --partial "timed out after 3 s without progress (less than 1 KiB)"
	[ "$SECONDS" -lt 15 ]
	stop_servers
	acme_api '' ', "faults": [{"drip": 800}]'
	SECONDS=0
	run timeout -k 5 120 "$GROVE_BIN" --timeout 2 sync github --org acme --api-url "$GITHUB_API"
	assert_failure 1
	assert_output --partial "no complete reply within 20 s"
	[ "$SECONDS" -lt 40 ]
}

@test "the ETag cache stays under its size: the oldest entries go" {
	acme_api
	mkdir -p "$XDG_CACHE_HOME/grove"
	local i
	for i in $(seq 1 40); do
		head -c $((8 << 20)) /dev/zero >"$XDG_CACHE_HOME/grove/old$i"
		touch -d "2020-01-01 00:00:$((i % 60))" "$XDG_CACHE_HOME/grove/old$i"
	done
	run grove sync github --org acme --api-url "$GITHUB_API" --dry-run
	assert_success
	[ "$(du -sm "$XDG_CACHE_HOME/grove" | cut -f1)" -le 256 ]
}

@test "Ctrl-C, SIGTERM and SIGHUP end a sync that waits on a rate limit or a slow API" {
	local sig want
	for sig in INT:130 TERM:143 HUP:130; do
		want=${sig#*:} sig=${sig%:*}
		acme_api '' ', "faults": [{"status": 429, "ratelimit": true, "retry_after": 600}]'
		timeout -k 2 20 "$GROVE_BIN" sync github --org acme --api-url "$GITHUB_API" >out.txt 2>err.txt &
		local pid=$! rc=0 i
		for ((i = 0; i < 100; i++)); do
			grep -q 'waiting 600 seconds' err.txt && break
			sleep 0.1
		done
		SECONDS=0
		kill -"$sig" "$pid"
		wait "$pid" || rc=$?
		[ "$rc" -eq "$want" ]
		[ "$SECONDS" -lt 5 ]
		grep -q 'grove sync: interrupted' err.txt
		stop_servers
		acme_api '' ', "faults": [{"trickle": 1}]'
		timeout -k 2 20 "$GROVE_BIN" sync github --org acme --api-url "$GITHUB_API" >out.txt 2>err.txt &
		pid=$! rc=0
		sleep 1
		SECONDS=0
		kill -"$sig" "$pid"
		wait "$pid" || rc=$?
		[ "$rc" -eq "$want" ]
		[ "$SECONDS" -lt 5 ]
		stop_servers
	done
}
