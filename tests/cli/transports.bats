#!/usr/bin/env bats
# SPEC 3a: network work goes wherever `git fetch` goes, never prompts, never
# hangs. Each transport against a real server on 127.0.0.1.

setup() {
	load helpers
	load servers
	common_setup
	mkcloned foo
	register src/foo
	upstream_commit foo
}

teardown() {
	stop_servers
	fsck_all src/*/
}

updated_to_upstream() {
	[ "$(git -C src/foo rev-parse HEAD)" = "$(git -C "$HOME/remotes/foo.git" rev-parse main)" ]
}

@test "file:// URLs" {
	git -C src/foo remote set-url origin "file://$HOME/remotes/foo.git"
	run grove -a update
	assert_success
	updated_to_upstream
}

@test "git:// through git daemon" {
	start_daemon "$HOME/remotes"
	git -C src/foo remote set-url origin "git://127.0.0.1:$DAEMON_PORT/foo.git"
	run grove -a update
	assert_success
	assert_line 'grove update: 1 updated'
	updated_to_upstream
	# and a clone
	printf '[src/bar]\ncheckout = git clone git://127.0.0.1:%s/foo.git bar\n' "$DAEMON_PORT" >>.mrconfig
	run grove -a checkout
	assert_success
	[ -f src/bar/up.txt ]
}

@test "smart HTTP with basic authentication from a git credential helper" {
	start_http "$HOME/remotes" alice s3cret
	git config --global credential.helper store
	printf 'http://alice:s3cret@127.0.0.1:%s\n' "$HTTP_PORT" >"$HOME/.git-credentials"
	git -C src/foo remote set-url origin "http://127.0.0.1:$HTTP_PORT/foo.git"
	run grove -a update
	assert_success
	updated_to_upstream
	grep -q 'auth$' "$HTTP_LOG"
	# the password never reaches the repository's configuration
	not grep -rq s3cret src/foo/.git/config
}

@test "a wrong password fails with authentication required, no retry loop, no prompt" {
	start_http "$HOME/remotes" alice s3cret
	git config --global credential.helper store
	printf 'http://alice:wrong@127.0.0.1:%s\n' "$HTTP_PORT" >"$HOME/.git-credentials"
	git -C src/foo remote set-url origin "http://127.0.0.1:$HTTP_PORT/foo.git"
	local head; head=$(git -C src/foo rev-parse HEAD)
	run timeout 20 "$GROVE_BIN" -a update </dev/null
	assert_failure 1
	assert_line "grove update: failed: $HOME/src/foo: authentication required (http://127.0.0.1:$HTTP_PORT/foo.git)"
	assert_line --partial 'grove never prompts'
	[ "$(git -C src/foo rev-parse HEAD)" = "$head" ]
	# one unauthenticated try, one with the stored password, then it stops
	[ "$(wc -l <"$HTTP_LOG")" -le 3 ]
}

@test "no credentials at all: authentication required without a prompt, even on a terminal" {
	start_http "$HOME/remotes" alice s3cret
	git -C src/foo remote set-url origin "http://127.0.0.1:$HTTP_PORT/foo.git"
	run timeout 20 script -qec "'$GROVE_BIN' -a update" /dev/null
	assert_output --partial "authentication required (http://127.0.0.1:$HTTP_PORT/foo.git)"
	refute_output --partial 'Username'
}

@test "ssh through a Host alias in ~/.ssh/config with an ed25519 and an RSA key" {
	start_sshd || skip "no sshd"
	mkcloned bar
	register src/bar
	upstream_commit bar
	git -C src/foo remote set-url origin "gitbox-ed25519:$HOME/remotes/foo.git"
	git -C src/bar remote set-url origin "ssh://gitbox-rsa$HOME/remotes/bar.git"
	run grove -a update
	assert_success
	assert_line 'grove update: 2 updated'
	updated_to_upstream
	[ "$(git -C src/bar rev-parse HEAD)" = "$(git -C "$HOME/remotes/bar.git" rev-parse main)" ]
}

@test "ssh with a key the server does not know fails with authentication required" {
	start_sshd || skip "no sshd"
	ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/stranger"
	sed -i "s|IdentityFile $HOME/.ssh/id_ed25519|IdentityFile $HOME/.ssh/stranger|" "$HOME/.ssh/config"
	git -C src/foo remote set-url origin "gitbox-ed25519:$HOME/remotes/foo.git"
	run timeout 30 "$GROVE_BIN" -a update
	assert_failure 1
	assert_line --partial "grove update: failed: $HOME/src/foo: authentication required (gitbox-ed25519:$HOME/remotes/foo.git)"
}

@test "a server that accepts and never answers times out and frees the worker" {
	start_stall
	mkcloned bar
	register src/bar
	upstream_commit bar
	git -C src/foo remote set-url origin "git://127.0.0.1:$STALL_PORT/foo.git"
	local t0=$SECONDS
	run grove -a -j 1 --timeout 2 update
	assert_failure 1
	assert_line "grove update: failed: $HOME/src/foo: timed out after 2 s: no answer from 127.0.0.1"
	# the worker went on to the next repository
	assert_line 'grove update: 1 updated'
	[ $((SECONDS - t0)) -lt 15 ]
}

@test "the same stall over http times out too" {
	start_stall
	git -C src/foo remote set-url origin "http://127.0.0.1:$STALL_PORT/foo.git"
	run timeout 30 "$GROVE_BIN" -a --timeout 2 update
	assert_failure 1
	assert_line "grove update: failed: $HOME/src/foo: timed out after 2 s: no answer from 127.0.0.1"
}

@test "the progress line on a terminal shows the repository being fetched" {
	start_stall
	git -C src/foo remote set-url origin "git://127.0.0.1:$STALL_PORT/foo.git"
	run script -qec "'$GROVE_BIN' -a --timeout 2 update" /dev/null
	assert_output --partial '[0/1] update src/foo'
	assert_output --partial 'timed out'
}
