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

# max_rss_kb CMD...: runs CMD, leaves its status in $status, output in
# $output and its peak memory (KiB) in $rss
max_rss() {
	local t="$BATS_TEST_TMPDIR/time.out"
	run /usr/bin/time -o "$t" -f '%M' "$@"
	rss=$(tail -n 1 "$t")
}

@test "an endless ref advertisement is cut at the cap, naming the server, in bounded memory" {
	start_hostile_git endless
	clone_of "git://127.0.0.1:$HOSTILE_PORT/r.git"
	SECONDS=0
	max_rss timeout 60 "$GROVE_BIN" -a update
	assert_failure 1
	assert_output --partial "failed: fetch origin: the ref advertisement of git://127.0.0.1:$HOSTILE_PORT/r.git"
	[ "$SECONDS" -lt 30 ]
	echo "# peak memory: $rss KiB" >&3
	[ "$rss" -lt 300000 ]
}

@test "a git server that sends a byte a second fails after --timeout without progress" {
	start_hostile_git trickle
	clone_of "git://127.0.0.1:$HOSTILE_PORT/r.git"
	SECONDS=0
	run timeout 60 "$GROVE_BIN" -a --timeout 3 update
	assert_failure 1
	assert_output --partial "timed out after 3 s without progress (less than 1 KiB) from 127.0.0.1"
	[ "$SECONDS" -lt 15 ]
}

@test "a git server that drips just fast enough meets the deadline of its advertisement" {
	start_hostile_git slowdrip 600
	clone_of "git://127.0.0.1:$HOSTILE_PORT/r.git"
	SECONDS=0
	run timeout 120 "$GROVE_BIN" -a --timeout 2 update
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
	max_rss timeout 60 "$GROVE_BIN" -a update
	assert_failure 1
	assert_output --partial "failed: fetch origin: the ref advertisement of http://127.0.0.1:"
	echo "# http: peak memory $rss KiB" >&3
	[ "$rss" -lt 300000 ]
	# ssh: the ssh program is the server itself
	git -C src/r remote set-url origin "ssh://git.example.invalid/r.git"
	GIT_SSH_COMMAND="python3 $SERVERS_DIR/hostile_git.py endless --stdio" max_rss timeout 60 "$GROVE_BIN" -a update
	assert_failure 1
	assert_output --partial "failed: fetch origin: the ref advertisement of ssh://git.example.invalid/r.git"
	echo "# ssh: peak memory $rss KiB" >&3
	[ "$rss" -lt 300000 ]
}
