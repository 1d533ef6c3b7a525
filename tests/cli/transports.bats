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
	# -v says why the connection was not shared, in ssh's words
	run timeout 30 "$GROVE_BIN" -v -a update
	assert_line --regexp '^grove update: ssh to gitbox-ed25519 not shared: .*Permission denied'
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
	assert_line "grove update: failed: $HOME/src/foo: timed out after 2 s: no answer from git://127.0.0.1:$STALL_PORT/foo.git"
	# the worker went on to the next repository
	assert_line 'grove update: 1 updated'
	[ $((SECONDS - t0)) -lt 15 ]
}

@test "the same stall over http times out too" {
	start_stall
	git -C src/foo remote set-url origin "http://me:secret@127.0.0.1:$STALL_PORT/foo.git"
	run timeout 30 "$GROVE_BIN" -a --timeout 2 update
	assert_failure 1
	assert_line "grove update: failed: $HOME/src/foo: timed out after 2 s: no answer from http://127.0.0.1:$STALL_PORT/foo.git"
}

@test "the progress line on a terminal shows the repository being fetched" {
	start_stall
	git -C src/foo remote set-url origin "git://127.0.0.1:$STALL_PORT/foo.git"
	run script -qec "'$GROVE_BIN' -a --timeout 2 update" /dev/null
	assert_output --partial '[0/1] update src/foo'
	assert_output --partial 'timed out'
}

# a wrapper around ssh that records how it was called
ssh_recorder() {
	mkdir -p "$HOME/bin"
	cat >"$HOME/bin/$1" <<-EOT
	#!/bin/sh
	echo "$1 \$*" >>"$HOME/ssh-calls"
	exec ssh -F "$HOME/.ssh/config" "\$@"
	EOT
	chmod +x "$HOME/bin/$1"
}

@test "core.sshCommand is honoured as git honours it: the repository's, then the user's, BatchMode added" {
	start_sshd || skip "no sshd"
	unset GIT_SSH_COMMAND
	ssh_recorder repo-ssh
	ssh_recorder user-ssh
	mkcloned bar
	register src/bar
	upstream_commit bar
	git -C src/foo remote set-url origin "gitbox-ed25519:$HOME/remotes/foo.git"
	git -C src/bar remote set-url origin "gitbox-rsa:$HOME/remotes/bar.git"
	git -C src/foo config core.sshCommand "$HOME/bin/repo-ssh"
	git config --global core.sshCommand "$HOME/bin/user-ssh"
	run grove -a update
	assert_success
	assert_line 'grove update: 2 updated'
	run cat "$HOME/ssh-calls"
	# (the ssh may go through a shared connection: options before the host)
	assert_line --regexp "^repo-ssh -o BatchMode=yes( -o [^ ]+)* gitbox-ed25519 git-upload-pack '$HOME/remotes/foo.git'\$"
	assert_line --regexp "^user-ssh -o BatchMode=yes( -o [^ ]+)* gitbox-rsa git-upload-pack '$HOME/remotes/bar.git'\$"
	# GIT_SSH_COMMAND outranks both, as for git
	: >"$HOME/ssh-calls"
	ssh_recorder env-ssh
	upstream_commit foo
	GIT_SSH_COMMAND="$HOME/bin/env-ssh" run grove -a fetch
	assert_success
	run cat "$HOME/ssh-calls"
	assert_line --regexp "^env-ssh -o BatchMode=yes( -o [^ ]+)* gitbox-ed25519 git-upload-pack"
	refute_output --partial "repo-ssh"
}

@test "the git program, where it fetches, runs the same ssh command with BatchMode" {
	start_sshd || skip "no sshd"
	unset GIT_SSH_COMMAND
	ssh_recorder user-ssh
	git config --global core.sshCommand "$HOME/bin/user-ssh"
	# index.skipHash: libgit2 1.5 would not write the index faithfully, the
	# git program updates the repository
	git -C src/foo config index.skipHash true
	git -C src/foo remote set-url origin "gitbox-ed25519:$HOME/remotes/foo.git"
	run grove -a -v update
	assert_success
	assert_output --partial 'updated with git (index.skipHash)'
	updated_to_upstream
	run cat "$HOME/ssh-calls"
	assert_line --regexp "^user-ssh -o BatchMode=yes .*gitbox-ed25519 git-upload-pack '$HOME/remotes/foo.git'\$"
}

@test "after --timeout the ssh command and everything it started are ended, not left to init" {
	mkdir -p "$HOME/bin"
	# a duration of this test's own, so that another suite on the machine
	# (make fresh-check runs two) is not taken for a leftover
	local stall="313.$RANDOM$RANDOM"
	printf '#!/bin/sh\nsleep %s\n' "$stall" >"$HOME/bin/stall-ssh"
	chmod +x "$HOME/bin/stall-ssh"
	git -C src/foo remote set-url origin "ssh://git.example.invalid/foo.git"
	GIT_SSH_COMMAND="$HOME/bin/stall-ssh" run timeout 30 "$GROVE_BIN" -a --timeout 2 fetch
	assert_failure 1
	assert_output --partial "timed out after 2 s: no answer from ssh://git.example.invalid/foo.git"
	run pgrep -f "sleep $stall"
	assert_failure
}

@test "ssh's own message is said once, with its own ssh: prefix" {
	mkdir -p "$HOME/bin"
	printf '#!/bin/sh\necho "ssh: Could not resolve hostname nowhere: Name or service not known" >&2\nexit 255\n' >"$HOME/bin/fail-ssh"
	chmod +x "$HOME/bin/fail-ssh"
	git -C src/foo remote set-url origin "ssh://nowhere/foo.git"
	GIT_SSH_COMMAND="$HOME/bin/fail-ssh" run grove -a fetch
	assert_failure 1
	assert_line --partial "src/foo: fetch origin: ssh: Could not resolve hostname nowhere"
	refute_output --partial "ssh: ssh:"
}

# no ssh of grove's and no control socket left: the masters' command
# lines name grove's private folder, and this test's ssh config (another
# suite running on the machine has masters of its own)
nothing_shared_left() {
	run bash -c 'pgrep -af "grove-ssh-" | grep -F -- "$1/"' _ "$HOME"
	assert_failure
	local left=("${TMPDIR:-/tmp}"/grove-ssh-*)
	[ ! -e "${left[0]}" ] || fail "left behind: ${left[*]}"
}

@test "repositories on one ssh host share one connection, closed at the end of the run" {
	start_sshd || skip "no sshd"
	ssh_recorder shared-ssh
	export GIT_SSH_COMMAND="$HOME/bin/shared-ssh"
	local r
	for r in b c d e; do
		mkcloned "$r"
		register "src/$r"
		git -C "src/$r" remote set-url origin "gitbox-ed25519:$HOME/remotes/$r.git"
		upstream_commit "$r"
	done
	git -C src/foo remote set-url origin "gitbox-ed25519:$HOME/remotes/foo.git"
	export TMPDIR="$BATS_TEST_TMPDIR/tmp" && mkdir -p "$TMPDIR"
	run grove -v -a -j 5 update
	assert_success
	assert_line 'grove update: 5 updated'
	assert_line 'grove update: ssh to gitbox-ed25519 shared 1 connection among 5 repositories'
	# one handshake: the master; every fetch went through its socket
	run grep -c -- '-N gitbox-ed25519$' "$HOME/ssh-calls"
	assert_output 1
	run grep -c -- "ControlMaster=no gitbox-ed25519 git-upload-pack" "$HOME/ssh-calls"
	assert_output 5
	nothing_shared_left
	# the user's own ControlMaster set-up is used as it is
	printf 'Host gitbox-ed25519\n  ControlMaster auto\n  ControlPath %s/cm-%%C\n' "$HOME" >"$HOME/.ssh/own"
	cat "$HOME/.ssh/config" >>"$HOME/.ssh/own"
	mv "$HOME/.ssh/own" "$HOME/.ssh/config"
	: >"$HOME/ssh-calls"
	run grove -v -a fetch
	assert_success
	refute_output --partial 'shared'
	run grep -c -- 'ControlMaster=no' "$HOME/ssh-calls"
	assert_output 0
	ssh -F "$HOME/.ssh/config" -O exit gitbox-ed25519 2>/dev/null || true
}

@test "no shared ssh connection outlives a timed-out or an interrupted run" {
	start_sshd || skip "no sshd"
	mkdir -p "$HOME/bin"
	# a real ssh, but the fetch itself hangs: the master is up meanwhile
	# (for a duration of this test's own, as above)
	local slow="300.$RANDOM$RANDOM"
	cat >"$HOME/bin/slow-ssh" <<-EOT
	#!/bin/sh
	case "\$*" in *git-upload-pack*) sleep $slow ;; esac
	exec ssh -F "$HOME/.ssh/config" "\$@"
	EOT
	chmod +x "$HOME/bin/slow-ssh"
	git -C src/foo remote set-url origin "gitbox-ed25519:$HOME/remotes/foo.git"
	export TMPDIR="$BATS_TEST_TMPDIR/tmp" && mkdir -p "$TMPDIR"
	GIT_SSH_COMMAND="$HOME/bin/slow-ssh" run timeout 60 "$GROVE_BIN" -v -a --timeout 2 fetch
	assert_failure 1
	assert_output --partial 'timed out after 2 s'
	assert_line 'grove fetch: ssh to gitbox-ed25519 shared 1 connection among 1 repository'
	nothing_shared_left
	GIT_SSH_COMMAND="$HOME/bin/slow-ssh" "$GROVE_BIN" -a fetch >"$HOME/out" 2>&1 &
	local pid=$!
	local i
	for ((i = 0; i < 100; i++)); do
		pgrep -f "sleep $slow" >/dev/null && break
		sleep 0.1
	done
	kill -INT "$pid"
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 130
	nothing_shared_left
}

# an ssh wrapper that counts the git sessions alive at once through it
# (each leaves its pid in $HOME/sessions; grove ends a session's group,
# KILL included, so the living are told by /proc, zombies left out): the
# most at once goes to $HOME/peak
counting_ssh() {
	mkdir -p "$HOME/bin" "$HOME/sessions"
	echo 0 >"$HOME/peak"
	cat >"$HOME/bin/counting-ssh" <<-EOT
	#!/bin/bash
	case "\$*" in *git-upload-pack*) ;; *) exec ssh -F "$HOME/.ssh/config" "\$@" ;; esac
	exec 9>"$HOME/lock"
	flock 9
	touch "$HOME/sessions/\$\$"
	n=0
	for f in "$HOME"/sessions/*; do
		read -r _ _ state _ <"/proc/\${f##*/}/stat" 2>/dev/null || continue
		[ "\$state" = Z ] || n=\$((n + 1))
	done
	[ \$n -le \$(cat "$HOME/peak") ] || echo \$n >"$HOME/peak"
	exec 9>&-
	sleep 1
	exec ssh -F "$HOME/.ssh/config" "\$@"
	EOT
	chmod +x "$HOME/bin/counting-ssh"
}

@test "at most --jobs-per-host ssh connections to one host, 8 sessions on each shared one" {
	start_sshd || skip "no sshd"
	counting_ssh
	export GIT_SSH_COMMAND="$HOME/bin/counting-ssh"
	local r
	for r in b c d e f g h i j k; do
		mkcloned "$r"
		register "src/$r"
		git -C "src/$r" remote set-url origin "gitbox-ed25519:$HOME/remotes/$r.git"
	done
	git -C src/foo remote set-url origin "gitbox-ed25519:$HOME/remotes/foo.git"
	# without sharing, the limit counts connections
	GROVE_SSH_SHARE=0 run grove -a -j 11 --jobs-per-host 2 fetch
	assert_success
	run cat "$HOME/peak"
	assert_output 2
	# the registry's [DEFAULT] says it too
	printf '[DEFAULT]\njobs_per_host = 3\n\n%s' "$(cat .mrconfig)" >.mrconfig
	echo 0 >"$HOME/peak"
	GROVE_SSH_SHARE=0 run grove -a -j 11 fetch
	assert_success
	run cat "$HOME/peak"
	assert_output 3
	# shared: one master carries 8 sessions, under sshd's MaxSessions (10)
	sed -i '/jobs_per_host/d' .mrconfig
	echo 0 >"$HOME/peak"
	run grove -v -a -j 11 --jobs-per-host 1 fetch
	assert_success
	assert_line 'grove fetch: ssh to gitbox-ed25519 shared 1 connection among 11 repositories'
	run cat "$HOME/peak"
	assert_output 8
	# two masters, when the limit allows them, take all eleven at once
	echo 0 >"$HOME/peak"
	run grove -v -a -j 11 --jobs-per-host 2 fetch
	assert_success
	assert_line 'grove fetch: ssh to gitbox-ed25519 shared 2 connections among 11 repositories'
	run cat "$HOME/peak"
	assert_output 11
}

@test "at most --jobs-per-host fetches at once to one git:// or http host" {
	start_daemon "$HOME/remotes"
	start_delay "$DAEMON_PORT" 100
	local r
	for r in b c d e f; do
		mkcloned "$r"
		register "src/$r"
		git -C "src/$r" remote set-url origin "git://127.0.0.1:$DELAY_PORT/$r.git"
	done
	git -C src/foo remote set-url origin "git://127.0.0.1:$DELAY_PORT/foo.git"
	run grove -a -j 6 --jobs-per-host 2 update
	assert_success
	assert_line 'grove update: 1 updated, 5 up to date'
	run cat "$BATS_TEST_TMPDIR/peak"
	assert_output 2
	run grove -a -j 6 fetch
	assert_success
	run cat "$BATS_TEST_TMPDIR/peak"
	assert_output 6
}

@test "an ssh connection the server drops before the handshake is tried again" {
	start_sshd || skip "no sshd"
	mkdir -p "$HOME/bin"
	echo 0 >"$HOME/tries"
	cat >"$HOME/bin/busy-ssh" <<-EOT
	#!/bin/sh
	case "\$*" in *git-upload-pack*)
		n=\$((\$(cat "$HOME/tries") + 1)); echo \$n >"$HOME/tries"
		if [ \$n -le 2 ]; then
			echo "kex_exchange_identification: Connection closed by remote host" >&2
			exit 255
		fi ;;
	esac
	exec ssh -F "$HOME/.ssh/config" "\$@"
	EOT
	chmod +x "$HOME/bin/busy-ssh"
	git -C src/foo remote set-url origin "gitbox-ed25519:$HOME/remotes/foo.git"
	GIT_SSH_COMMAND="$HOME/bin/busy-ssh" run grove -a update
	assert_success
	assert_line 'grove update: 1 updated'
	run cat "$HOME/tries"
	assert_output 3
	# a server that keeps dropping it fails after three more tries
	echo -1000 >"$HOME/tries"
	GIT_SSH_COMMAND="$HOME/bin/busy-ssh" run grove -a --json fetch
	assert_failure 1
	assert_output --partial '"error_kind":"dropped"'
	run cat "$HOME/tries"
	assert_output -996
}
