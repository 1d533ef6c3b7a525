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
	assert_output --partial "timed out: less than 1 KiB in 3 s from 127.0.0.1"
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
