#!/usr/bin/env bats
# grove runs and grove undo: every run of update, fetch, checkout and sync
# can be taken back, only where nothing has happened since (issue 22)

setup() {
	load helpers
	common_setup
	export XDG_STATE_HOME="$HOME/.state"
}

# snapshot DIR: what a repository is, byte for byte: HEAD, every ref, the
# status, and a checksum of every file of the work tree
snapshot() {
	git -C "$1" rev-parse HEAD
	git -C "$1" for-each-ref --format='%(refname) %(objectname)'
	git -C "$1" status --porcelain=v2 --branch
	(cd "$1" && find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha1sum)
}

# repos N: N clones under ~/src, registered, each with an upstream commit waiting
repos() {
	local i
	for ((i = 1; i <= $1; i++)); do
		mkcloned "r$i"
		register "src/r$i"
		upstream_commit "r$i"
	done
}

snapshot_all() {
	local d
	for d in "$HOME"/src/*; do
		echo "== $d"
		snapshot "$d"
	done
}

last_run() {
	ls "$XDG_STATE_HOME/grove/runs" | sed 's/\.json$//' | sort | tail -1
}

@test "update of 50 repositories, then undo: every branch, index and work tree as before, byte for byte" {
	repos 50
	# some local state the update keeps and the undo must keep too
	echo untracked >"$HOME/src/r3/new.txt"
	echo staged >"$HOME/src/r4/staged.txt" && git -C "$HOME/src/r4" add staged.txt
	snapshot_all >"$BATS_TEST_TMPDIR/before"
	run grove -j 8 -a update
	assert_success
	assert_output --partial "50 updated"
	run grove runs
	assert_success
	assert_line --index 0 --partial "50 repositories (50 branch, 50 tracking)"
	assert_line --index 0 --partial "grove -j 8 -a update"
	# r4 has a staged file: its undo is refused, it is named, the rest goes back
	run grove undo
	assert_failure 1
	assert_output --partial "grove undo: left: $HOME/src/r4: local changes (staged.txt)"
	assert_output --partial "finished (99 taken back, 1 left, 0 failed)"
	git -C "$HOME/src/r4" reset -q staged.txt
	run grove undo "$(sed -n 2p <(ls "$XDG_STATE_HOME/grove/runs" | sort -r) | sed 's/\.json$//')"
	assert_success
	assert_output --partial "$HOME/src/r4: refs/heads/main back to"
	git -C "$HOME/src/r4" add staged.txt
	snapshot_all >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "a repository changed after the run is left alone and named; --dry-run changes nothing" {
	repos 3
	run grove -a update
	assert_success
	local_commit "$HOME/src/r2"
	echo changed >>"$HOME/src/r3/a.txt"
	snapshot_all >"$BATS_TEST_TMPDIR/mid"
	run grove undo --dry-run
	assert_failure 1
	assert_output --partial "grove undo: $HOME/src/r1: would refs/heads/main back to"
	snapshot_all >"$BATS_TEST_TMPDIR/mid2"
	diff -u "$BATS_TEST_TMPDIR/mid" "$BATS_TEST_TMPDIR/mid2"
	[ "$(ls "$XDG_STATE_HOME/grove/runs" | wc -l)" -eq 1 ]
	run grove undo
	assert_failure 1
	assert_output --partial "left: $HOME/src/r2: moved since: refs/heads/main is at"
	assert_output --partial "left: $HOME/src/r3: local changes (a.txt)"
	run git -C "$HOME/src/r1" log --oneline
	assert_output --partial "first"
	refute_output --partial "upstream"
	grep -q changed "$HOME/src/r3/a.txt"
}

@test "undo of an undo puts the run back; fetch's remote-tracking refs are restored" {
	repos 2
	local before after
	before=$(git -C "$HOME/src/r1" rev-parse origin/main)
	run grove -a fetch
	assert_success
	after=$(git -C "$HOME/src/r1" rev-parse origin/main)
	[ "$before" != "$after" ]
	run grove undo
	assert_success
	[ "$(git -C "$HOME/src/r1" rev-parse origin/main)" = "$before" ]
	run grove undo
	assert_success
	[ "$(git -C "$HOME/src/r1" rev-parse origin/main)" = "$after" ]
	run grove runs --json
	assert_success
	assert_line --index 0 --partial '"command":"grove undo"'
}

@test "checkout then undo: a clone with nothing to lose goes to the trash; one with work stays" {
	mkcloned a
	mkcloned b
	register src/a src/b
	printf '[src/a]\ncheckout = git clone %s a\n\n[src/b]\ncheckout = git clone %s b\n' \
		"$HOME/remotes/a.git" "$HOME/remotes/b.git" >.mrconfig
	rm -rf src/a src/b
	run grove -a checkout
	assert_success
	local_commit src/b
	run grove undo
	assert_failure 1
	assert_output --partial "$HOME/src/a: moved to the trash: $HOME/src/.grove-trash/"
	assert_output --partial "left: $HOME/src/b:"
	[ ! -e src/a ]
	[ -d src/b/.git ]
	# and back: the undo of the undo takes the clone out of the trash
	run grove undo
	assert_success
	[ -d src/a/.git ]
}

@test "SIGKILL at random moments during undo (x50): every repository consistent, a second undo finishes" {
	repos 8
	local k id d locks=0 midway=0 rounds=${KILL_ROUNDS:-50}
	for ((k = 0; k < rounds; k++)); do
		run grove -a update
		assert_success
		id=$(last_run)
		# grove itself in the background, not the grove function: killing a
		# function's subshell leaves the program running, undoing on
		"$GROVE_BIN" undo "$id" >/dev/null 2>&1 &
		local pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rm -f "$HOME"/src/.r*.grove-lock
		# how far the killed undo got: rounds cut midway are the ones that count
		local back=0
		for d in "$HOME"/src/r*; do
			[ "$(git -C "$d" rev-list --count HEAD)" -eq 1 ] && back=$((back + 1))
		done
		[ "$back" -gt 0 ] && [ "$back" -lt 8 ] && midway=$((midway + 1))
		# consistent: each branch at one end or the other, its work tree with it
		for d in "$HOME"/src/r*; do
			[ -z "$(git -C "$d" status --porcelain --untracked-files=no)" ] ||
				[ -e "$d/.git/grove-update" ] || fail "round $k: $d half moved without a journal"
		done
		run grove undo "$id"
		if [ "$status" -ne 0 ]; then
			# a lock file the kill left (index.lock, a ref's .lock) is named, as
			# update names it; the user removes it, and the undo finishes
			assert_output --partial ".lock"
			locks=$((locks + 1))
			find "$HOME/src" -path '*/.git/*' -name '*.lock' -delete
			run grove undo "$id"
			assert_success
		fi
		for d in "$HOME"/src/r*; do
			[ "$(git -C "$d" rev-list --count HEAD)" -eq 1 ] || fail "round $k: $d not taken back"
			[ -z "$(git -C "$d" status --porcelain)" ] || fail "round $k: $d not clean"
		done
	done
	echo "# undo kill rounds: $rounds, cut midway: $midway, left a lock file: $locks" >&3
}

@test "undo beside a FIFO where it would put a file back: nothing hangs, the repository is left and named" {
	# issue 29, item 5: grove undo opened such a FIFO and blocked for ever
	repos 1
	run grove -a update
	assert_success
	# upstream deletes up.txt; the update takes it away; a FIFO takes its place
	local tmp="$BATS_TEST_TMPDIR/del"
	git clone -q "$HOME/remotes/r1.git" "$tmp"
	git -C "$tmp" rm -q up.txt
	git -C "$tmp" commit -qm "delete up.txt"
	git -C "$tmp" push -q origin HEAD
	run grove -a update
	assert_success
	mkfifo "$HOME/src/r1/up.txt"
	run timeout -k 5 60 "$GROVE_BIN" undo
	assert_failure 1
	assert_output --partial "left: $HOME/src/r1: "
	assert_output --partial "up.txt"
	[ -p "$HOME/src/r1/up.txt" ]
}

# forge_run RECORD...: the newest run file, written by someone else (a
# hostile file: grove did not make it); each RECORD one JSON line
forge_run() {
	local id=29990101-000000.000001-1
	mkdir -p "$XDG_STATE_HOME/grove/runs"
	{
		printf '{"type":"run","version":1,"id":"%s","time":%s,"command":"grove sync github"}\n' \
			"$id" "$(date +%s)"
		printf '%s\n' "$@"
	} >"$XDG_STATE_HOME/grove/runs/$id.json"
}

@test "a hostile run file: undo moves back only a trash folder grove made, never through a symlink" {
	# issue 30, item 1: a pruned record moved any folder anywhere, and a
	# trash copy swapped for a symlink was moved into place and registered
	mkdir -p victim/keep src/h/o && echo precious >victim/keep/file
	mkrepo outside/evil
	local t="$HOME/src/.grove-trash/2026-01-02/h/o"
	mkdir -p "$t"
	mkrepo "$t/good"
	ln -s "$HOME/outside/evil" "$t/swapped"
	local sec='"file":"'$HOME'/.mrconfig","keys":["checkout"],"values":["git clone '"'"'u'"'"' '"'"'NAME'"'"'"]'
	: >.mrconfig
	forge_run \
		'{"type":"pruned","path":"'$HOME'/src/h/o/a","trash":"'$HOME'/victim"}' \
		'{"type":"pruned","path":"'$HOME'/src/h/o/swapped","trash":"'$t'/swapped"}' \
		'{"type":"registry-remove","path":"'$HOME'/src/h/o/swapped",'"${sec/NAME/swapped}"'}' \
		'{"type":"pruned","path":"'$HOME'/src/h/o/good","trash":"'$t'/good"}' \
		'{"type":"registry-remove","path":"'$HOME'/src/h/o/good",'"${sec/NAME/good}"'}'
	run grove undo
	assert_failure 1
	assert_output --partial "left: $HOME/src/h/o/a: $HOME/victim is not a trash folder grove made"
	assert_output --partial "left: $HOME/src/h/o/swapped: $t/swapped is a symlink"
	assert_output --partial "$HOME/src/h/o/good: moved back from $t/good"
	[ -f victim/keep/file ]
	[ -d outside/evil/.git ]
	[ ! -e src/h/o/a ]
	[ ! -e src/h/o/swapped ]
	[ -d src/h/o/good/.git ]
	# the section of a folder that stays in the trash is not registered again
	run grove -a list
	assert_output "$HOME/src/h/o/good"
}

@test "a hostile run file: undo writes only grove's own keys, only into a registry file" {
	# issue 30, item 1: a registry-remove record wrote any keys (a shell
	# action) into any file
	mkcloned r
	register src/r
	echo 'echo hello' >.bashrc
	cp .mrconfig mrconfig.before
	cp .bashrc bashrc.before
	forge_run \
		'{"type":"registry-remove","path":"'$HOME'/src/x","file":"'$HOME'/.bashrc","keys":["checkout"],"values":["git clone '"'u'"' '"'x'"'"]}' \
		'{"type":"registry-remove","path":"'$HOME'/src/y","file":"'$HOME'/.mrconfig","keys":["checkout","update"],"values":["git clone '"'u'"' '"'y'"'","touch '$HOME'/pwned"]}' \
		'{"type":"registry-remove","path":"'$HOME'/src/z","file":"'$HOME'/.mrconfig","keys":["checkout"],"values":["touch '$HOME'/pwned"]}' \
		'{"type":"registry-add","path":"'$HOME'/src/r","file":"'$HOME'/.bashrc","keys":["checkout"],"values":["x"]}'
	run grove undo
	assert_failure 1
	assert_output --partial "left: $HOME/src/x: $HOME/.bashrc is not a registry file grove reads"
	assert_output --partial "left: $HOME/src/y: update is not a key grove writes"
	assert_output --partial "left: $HOME/src/z: its checkout is not one grove writes"
	assert_output --partial "left: $HOME/src/r: $HOME/.bashrc is not a registry file grove reads"
	cmp .mrconfig mrconfig.before
	cmp .bashrc bashrc.before
	run grove -a update
	[ ! -e pwned ]
}

@test "a hostile run file: undo moves to the trash only a registered repository" {
	# issue 30, item 1: a clone record moved any folder with nothing to
	# lose into a trash of the record's choosing
	mkcloned r
	register src/r
	git clone -q "$HOME/remotes/r.git" proj
	git clone -q "$HOME/remotes/r.git" other
	forge_run \
		'{"type":"clone","path":"'$HOME'/proj","url":"u"}' \
		'{"type":"clone","path":"'$HOME'/other","url":"u","trash":"'$HOME'"}' \
		'{"type":"restored","path":"'$HOME'/src/r/../../other"}'
	run grove undo
	assert_failure 1
	assert_output --partial "left: $HOME/proj: not a registered repository"
	assert_output --partial "left: $HOME/other: not a registered repository"
	assert_output --partial "left: $HOME/src/r/../../other: not a registered repository"
	[ -d proj/.git ]
	[ -d other/.git ]
	[ ! -e .grove-trash ]
}

@test "a fetch of 3,000 new branches: the run log names the repository once, and undo takes them back" {
	# issue 30, item 3: one record per ref, each repeating the path, made
	# logs grove could not read back (5 clones with 60,000 new branches
	# each: 110 MB, over the reader's 64 MiB bound)
	repos 1
	local i
	for ((i = 0; i < 3000; i++)); do
		printf 'create refs/heads/b%04d main\n' "$i"
	done | git -C "$HOME/remotes/r1.git" update-ref --stdin
	run grove -a fetch
	assert_success
	local file="$XDG_STATE_HOME/grove/runs/$(last_run).json"
	[ "$(grep -o "$HOME/src/r1" "$file" | wc -l)" -eq 1 ]
	[ "$(stat -c %s "$file")" -lt $((3001 * 110)) ]
	run grove runs
	assert_output --partial "  1 repository (3001 tracking)"
	run grove undo
	assert_success
	[ -z "$(git -C "$HOME/src/r1" for-each-ref refs/remotes/origin/b0001)" ]
}
