#!/usr/bin/env bats
# SPEC 3 update/fetch/checkout: bring repositories up to date without ever
# losing work; over file:// and plain paths

setup() {
	load helpers
	load servers
	common_setup
}

teardown() {
	stop_servers
	# after every test, every repository is sound
	local r
	for r in "$HOME"/src/*/; do
		[ -d "$r/.git" ] || continue
		git -C "$r" fsck --no-progress >/dev/null 2>&1 || { echo "fsck failed: $r" >&2; return 1; }
	done
}

@test "fast-forward with unrelated dirty, staged and untracked files" {
	mkcloned foo
	register src/foo
	upstream_commit foo
	echo mine >>src/foo/a.txt
	echo staged >src/foo/staged.txt && git -C src/foo add staged.txt
	echo loose >src/foo/loose.txt
	local before; before=$(git -C src/foo rev-parse HEAD)
	run grove -a update
	assert_success
	assert_line --regexp "^src/foo  updated ${before:0:7}\.\.[0-9a-f]{7} \(1 commit\)$"
	assert_line 'grove update: 1 updated'
	assert_line 'grove update: finished (1 ok)'
	[ "$(git -C src/foo rev-parse HEAD)" = "$(git -C "$HOME/remotes/foo.git" rev-parse main)" ]
	grep -q mine src/foo/a.txt
	[ "$(git -C src/foo diff --cached --name-only)" = staged.txt ]
	[ -f src/foo/loose.txt ]
	[ -f src/foo/up.txt ]
	run git -C src/foo status --porcelain
	assert_output "$(printf ' M a.txt\nA  staged.txt\n?? loose.txt')"
}

@test "an incoming change to a modified file is refused and the modification survives" {
	mkcloned foo
	register src/foo
	local tmp="$BATS_TEST_TMPDIR/up"
	git clone -q "$HOME/remotes/foo.git" "$tmp"
	echo theirs >>"$tmp/a.txt" && git -C "$tmp" commit -qam theirs && git -C "$tmp" push -q
	printf 'my precious\nwork\n' >src/foo/a.txt
	local sum; sum=$(sha256sum src/foo/a.txt)
	local head; head=$(git -C src/foo rev-parse HEAD)
	run grove -a update
	assert_failure 1
	assert_line "grove update: failed: $HOME/src/foo: local changes would be overwritten: a.txt"
	assert_line 'grove update: 1 refused'
	assert_line 'grove update: finished (1 failed)'
	[ "$(sha256sum src/foo/a.txt)" = "$sum" ]
	[ "$(git -C src/foo rev-parse HEAD)" = "$head" ]
	# the fetch itself happened
	[ "$(git -C src/foo rev-parse origin/main)" = "$(git -C "$HOME/remotes/foo.git" rev-parse main)" ]
}

@test "an untracked file in the way is refused and kept" {
	mkcloned foo
	register src/foo
	upstream_commit foo
	echo "not yours" >src/foo/up.txt
	run grove -a update
	assert_failure 1
	assert_line "grove update: failed: $HOME/src/foo: local changes would be overwritten: up.txt"
	[ "$(cat src/foo/up.txt)" = "not yours" ]
}

@test "diverged, detached, unborn, no upstream, merge in progress and a deleted upstream are refused" {
	for r in div det nou gone mrg; do mkcloned $r; register src/$r; done
	git init -q src/unborn && register src/unborn
	local_commit src/div && upstream_commit div
	git -C src/det checkout -q --detach
	git -C src/nou branch -q --unset-upstream
	git -C src/gone checkout -q -b feature
	git -C src/gone push -q -u origin feature
	git -C "$HOME/remotes/gone.git" branch -q -D feature
	git -C src/mrg checkout -q -b side
	echo side >src/mrg/a.txt && git -C src/mrg commit -qam side
	git -C src/mrg checkout -q main
	echo main >src/mrg/a.txt && git -C src/mrg commit -qam main
	git -C src/mrg merge side >/dev/null 2>&1 || true
	run grove -a update
	assert_failure 1
	assert_line "grove update: failed: $HOME/src/div: diverged (1 ahead, 1 behind): not updated (grove update --rebase, or merge by hand)"
	assert_line "grove update: failed: $HOME/src/det: detached HEAD"
	assert_line "grove update: failed: $HOME/src/nou: no upstream (git branch -u origin/main)"
	assert_line "grove update: failed: $HOME/src/gone: upstream branch feature is gone from origin"
	assert_line "grove update: failed: $HOME/src/mrg: merge in progress"
	assert_line "grove update: failed: $HOME/src/unborn: no commits yet, and no upstream (git branch -u origin/main once it has commits)"
	assert_line 'grove update: finished (6 failed)'
}

@test "a clone of an empty repository is skipped until its upstream has commits, then checked out" {
	mkdir -p remotes src
	git init -q --bare -b main remotes/empty.git
	git clone -q remotes/empty.git src/empty 2>/dev/null
	register src/empty
	run grove -a update
	assert_success
	assert_line "src/empty  skipped: empty upstream: no commits to check out yet"
	assert_line "grove update: finished (1 skipped)"
	local tmp="$BATS_TEST_TMPDIR/first"
	mkrepo "$tmp"
	git -C "$tmp" push -q "$HOME/remotes/empty.git" main
	run grove -a update
	assert_success
	assert_line 'grove update: 1 updated'
	run cat src/empty/a.txt
	assert_output one
	run git -C src/empty rev-parse --abbrev-ref main@{upstream}
	assert_output origin/main
	run git -C src/empty status --porcelain
	assert_output ''
	run grove -a update
	assert_line 'grove update: 1 up to date'
}

@test "the first checkout of an empty clone keeps an ignored file in its way" {
	# issue 30, item 4: the one rule for ignored files, in an unborn branch
	mkdir -p remotes src
	git init -q --bare -b main remotes/empty.git
	git clone -q remotes/empty.git src/empty 2>/dev/null
	register src/empty
	echo '*.txt' >src/empty/.git/info/exclude
	echo mine >src/empty/a.txt
	local tmp="$BATS_TEST_TMPDIR/first"
	mkrepo "$tmp"
	git -C "$tmp" push -q "$HOME/remotes/empty.git" main
	run grove -a update
	assert_failure 1
	assert_output --partial "$HOME/src/empty: cannot check out the upstream"
	run cat src/empty/a.txt
	assert_output mine
}

@test "up to date, and ahead only, change nothing" {
	mkcloned same
	mkcloned ahead
	register src/same src/ahead
	local_commit src/ahead
	run grove -a update
	assert_success
	assert_line 'grove update: 2 up to date'
	run grove -a -m update
	refute_output --partial 'src/same'
}

@test "a missing repository is cloned natively from the checkout line, and fixups run" {
	mkcloned foo
	rm -rf src/foo
	cat >.mrconfig <<-EOF
	[src/foo]
	checkout = git clone '$HOME/remotes/foo.git' 'foo'
	fixups = touch fixed
	EOF
	run grove -a update
	assert_success
	assert_line "src/foo  cloned"
	assert_line 'grove update: 1 cloned'
	[ -f src/foo/a.txt ]
	[ -f src/foo/fixed ]
	[ "$(git -C src/foo rev-parse --abbrev-ref @{u})" = origin/main ]
	# no clone folder left behind
	[ -z "$(ls -a src | grep grove-clone)" ]
}

@test "checkout clones what is missing with its parent folders, skips what exists" {
	mkcloned foo
	mkcloned bar
	cat >.mrconfig <<-EOF
	[deep/er/foo]
	checkout = git clone '$HOME/remotes/foo.git' 'foo'

	[src/bar]
	checkout = git clone '$HOME/remotes/bar.git' 'bar'
	EOF
	run grove -a co
	assert_success
	assert_line 'grove checkout: 1 cloned'
	assert_line 'grove checkout: finished (1 ok; 1 skipped)'
	[ -f deep/er/foo/a.txt ]
}

@test "a checkout command that is not a plain clone runs in the parent folder" {
	mkcloned foo
	rm -rf src/foo
	cat >.mrconfig <<-EOF
	[src/foo]
	checkout = git clone --quiet '$HOME/remotes/foo.git' foo && echo "ran in \$(pwd)"
	EOF
	run grove -a checkout
	assert_success
	assert_line "ran in $HOME/src"
	[ -f src/foo/a.txt ]
}

@test "a failed clone leaves no folder behind" {
	cat >.mrconfig <<-EOF
	[src/nope]
	checkout = git clone '$HOME/remotes/nope.git' 'nope'

	[src/shell]
	checkout = mkdir shell && touch shell/partial && false
	EOF
	run grove -a checkout
	assert_failure 1
	assert_line --partial "grove checkout: failed: $HOME/src/nope: clone: "
	assert_line "grove checkout: failed: $HOME/src/shell: checkout command failed"
	[ ! -e src/nope ]
	[ ! -e src/shell ]
	run bash -c "ls -A src"
	assert_output ''
}

@test "fetch fetches every remote, prunes deleted branches and fetches tags" {
	mkcloned foo
	mkcloned other
	register src/foo
	git -C src/foo remote add other "$HOME/remotes/other.git"
	git -C "$HOME/remotes/foo.git" branch extra main
	git -C src/foo fetch -q origin
	git -C "$HOME/remotes/foo.git" branch -D extra >/dev/null
	git -C "$HOME/remotes/foo.git" tag v1 main
	upstream_commit foo
	local head; head=$(git -C src/foo rev-parse HEAD)
	run grove -a fetch
	assert_success
	assert_line --regexp '^src/foo  fetched [0-9]+ objects$'
	git -C src/foo rev-parse -q --verify refs/remotes/other/main >/dev/null
	not git -C src/foo rev-parse -q --verify refs/remotes/origin/extra >/dev/null
	git -C src/foo rev-parse -q --verify refs/tags/v1 >/dev/null
	[ "$(git -C src/foo rev-parse HEAD)" = "$head" ]
	run grove -a fetch
	assert_line 'grove fetch: 1 up to date'
}

@test "a remote that refuses the connection fails only that repository" {
	mkcloned good
	mkcloned bad
	register src/good src/bad
	upstream_commit good
	git -C src/bad remote set-url origin "git://127.0.0.1:$(free_port)/bad.git"
	run grove -a update
	assert_failure 1
	assert_line --regexp "^grove update: failed: $HOME/src/bad: fetch origin: .*127\\.0\\.0\\.1.*\$"
	assert_line 'grove update: 1 updated'
	assert_line 'grove update: finished (1 ok; 1 failed)'
}

@test "--json gives path, action, from, to and reason" {
	mkcloned a
	mkcloned b
	register src/a src/b
	upstream_commit a
	git -C src/b checkout -q --detach
	run --separate-stderr grove -a --json update
	assert_failure 1
	echo "$output" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
a, b, s = rows
assert a["action"] == "updated" and len(a["from"]) == 40 and len(a["to"]) == 40 and a["reason"] is None, a
assert b["action"] == "refused" and b["reason"] == "detached HEAD", b
assert b["error_kind"] == "conflict" and a["error_kind"] is None, b
assert [r["type"] for r in rows] == ["repo", "repo", "summary"], rows
assert s["version"] == 1 and s["ok"] == 1 and s["failed"] == 1, s
'
}

@test "50 repositories with -j 8 give the same results and output as -j 1" {
	local i
	for i in $(seq -w 1 50); do
		mkcloned "r$i"
		register "src/r$i"
		(( 10#$i % 3 == 0 )) && upstream_commit "r$i"
		(( 10#$i % 7 == 0 )) && git -C "src/r$i" checkout -q --detach
	done
	cp -a src src.orig
	cp -a remotes remotes.orig
	grove -a -j 1 update >one.txt 2>&1 || true
	rm -rf src remotes && mv src.orig src && mv remotes.orig remotes
	grove -a -j 8 update >many.txt 2>&1 || true
	run diff one.txt many.txt
	assert_success
	grep -q 'grove update: 14 updated, 29 up to date, 7 refused' one.txt
}

@test "a Ctrl-C during update stops, leaves every repository whole, says what it did and did not do, exits 130" {
	local i
	start_stall
	for i in 1 2 3 4 5 6 7 8; do
		mkcloned "r$i"
		register "src/r$i"
		upstream_commit "r$i"
	done
	# the later ones hang on a server that never answers
	for i in 5 6 7 8; do git -C "src/r$i" remote set-url origin "git://127.0.0.1:$STALL_PORT/r.git"; done
	"$GROVE_BIN" -a -j 2 update >out.txt 2>err.txt &
	local pid=$! rc=0
	# r5 and r6 hold both workers for ever
	wait_connections 2
	kill -INT "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ]
	# one line, every repository counted: those done, those stopped, those
	# the interrupt kept from starting (r7 and r8)
	local said
	said=$(cat err.txt)
	[[ "$said" =~ ^grove\ update:\ interrupted:\ 4\ done,\ 2\ stopped,\ 2\ not\ started\;\ nothing\ half-applied$ ]] ||
		fail "it said: $said"
	for i in 1 2 3 4 5 6 7 8; do
		# the branch and the work tree agree: moved together or not at all
		[ -z "$(git -C "src/r$i" status --porcelain --untracked-files=no)" ]
	done
}

@test "an update killed between the work tree and the branch is shown, then finished by the next update" {
	mkcloned foo
	register src/foo
	upstream_commit foo
	upstream_commit foo
	cd src/foo
	git fetch -q
	local from to
	from=$(git rev-parse HEAD) to=$(git rev-parse origin/main)
	echo mine >>a.txt # an unrelated local change, kept throughout
	# what SIGKILL leaves: the journal, and the work tree partly moved on
	printf '%s %s refs/heads/main\n' "$from" "$to" >.git/grove-update
	git checkout -q origin/main -- up.txt
	cd "$HOME"
	run grove status
	assert_output --partial "update interrupted"
	run grove update
	assert_success
	[ "$(git -C src/foo rev-parse HEAD)" = "$to" ]
	[ ! -e src/foo/.git/grove-update ]
	run git -C src/foo status --porcelain
	assert_output " M a.txt"
	grep -q mine src/foo/a.txt
	git -C src/foo reflog -1 | grep -q "finish an interrupted update"
	# a journal whose branch moved on meanwhile is dropped, nothing else
	printf '%s %s refs/heads/main\n' "$from" "$to" >src/foo/.git/grove-update
	run grove update
	assert_success
	[ ! -e src/foo/.git/grove-update ]
	[ "$(git -C src/foo rev-parse HEAD)" = "$to" ]
	# a file SIGKILL stopped halfway through writing holds a start of its
	# new content: written whole
	upstream_commit foo
	git -C src/foo fetch -q
	from=$(git -C src/foo rev-parse HEAD) to=$(git -C src/foo rev-parse origin/main)
	printf '%s %s refs/heads/main\n' "$from" "$to" >src/foo/.git/grove-update
	git -C src/foo show origin/main:up.txt | head -c 12 >src/foo/up.txt
	run grove update
	assert_success
	[ "$(git -C src/foo rev-parse HEAD)" = "$to" ]
	[ "$(git -C src/foo status --porcelain)" = " M a.txt" ]
	# a file the move touches, changed by the user since: left to the user
	upstream_commit foo
	git -C src/foo fetch -q
	from=$(git -C src/foo rev-parse HEAD) to=$(git -C src/foo rev-parse origin/main)
	printf '%s %s refs/heads/main\n' "$from" "$to" >src/foo/.git/grove-update
	echo "my own" >src/foo/up.txt
	run grove update
	assert_failure
	assert_output --partial "an interrupted update cannot be finished: up.txt has changed"
	[ -e src/foo/.git/grove-update ]
	[ "$(git -C src/foo rev-parse HEAD)" = "$from" ]
	[ "$(cat src/foo/up.txt)" = "my own" ]
}

@test "an interrupted update finishes when a file it adds was not written yet; an index.lock is named" {
	mkcloned foo
	register src/foo
	local tmp="$BATS_TEST_TMPDIR/up" from to
	git clone -q "$HOME/remotes/foo.git" "$tmp"
	echo new >"$tmp/new.txt" && echo more >>"$tmp/a.txt"
	git -C "$tmp" add . && git -C "$tmp" commit -qm "adds new.txt"
	git -C "$tmp" push -q origin main
	git -C src/foo fetch -q
	from=$(git -C src/foo rev-parse HEAD) to=$(git -C src/foo rev-parse origin/main)
	# killed after a.txt was written, before new.txt was
	printf '%s %s refs/heads/main\n' "$from" "$to" >src/foo/.git/grove-update
	git -C src/foo show origin/main:a.txt >src/foo/a.txt
	touch src/foo/.git/index.lock
	run grove update
	assert_failure
	assert_output --partial "an interrupted update cannot be finished: the index is locked: $HOME/src/foo/.git/index.lock exists"
	[ "$(git -C src/foo rev-parse HEAD)" = "$from" ]
	rm src/foo/.git/index.lock
	run grove update
	assert_success
	[ "$(git -C src/foo rev-parse HEAD)" = "$to" ]
	[ -z "$(git -C src/foo status --porcelain)" ]
	[ "$(cat src/foo/new.txt)" = new ]
}

@test "an index.lock a killed grove left is taken over; git's, or a live grove's, is named" {
	# issue 29, item 4: update holds index.lock through the move, so a
	# SIGKILL leaves one; grove marks its own, and the next update (holding
	# the repository's grove lock) knows it for a dead one
	mkcloned foo
	register src/foo
	upstream_commit foo
	local dead boot lock=src/foo/.git/index.lock
	dead=$(sh -c 'echo $$')
	boot=$(cat /proc/sys/kernel/random/boot_id)
	# git's lock: nothing yet, or an index being written
	for mark in "" "DIRC"; do
		printf '%s' "$mark" >"$lock"
		run grove update
		assert_failure 1
		assert_output --partial "the index is locked: $HOME/$lock exists"
	done
	# a grove still running (this shell's process, this boot)
	printf 'grove %s %s\n' "$$" "$boot" >"$lock"
	run grove update
	assert_failure 1
	assert_output --partial "the index is locked"
	# a grove gone: its process ended, or the machine restarted since
	printf 'grove %s other-boot\n' "$$" >"$lock"
	run grove update
	assert_success
	assert_line 'grove update: 1 updated'
	upstream_commit foo
	printf 'grove %s %s\n' "$dead" "$boot" >"$lock"
	run grove update
	assert_success
	assert_line 'grove update: 1 updated'
	[ ! -e "$lock" ]
	[ -z "$(git -C src/foo status --porcelain)" ]
}

@test "--rebase replays local commits on the upstream" {
	mkcloned foo
	register src/foo
	local_commit src/foo mine.txt
	local_commit src/foo mine2.txt
	upstream_commit foo
	echo dirty >>src/foo/a.txt
	run grove -a update --rebase
	assert_success
	assert_line --regexp '^src/foo  updated [0-9a-f]{7}\.\.[0-9a-f]{7} \(1 commit, 2 local rebased\)$'
	[ "$(git -C src/foo rev-parse HEAD~2)" = "$(git -C "$HOME/remotes/foo.git" rev-parse main)" ]
	[ -f src/foo/mine.txt ]
	[ -f src/foo/mine2.txt ]
	[ -f src/foo/up.txt ]
	grep -q dirty src/foo/a.txt
	run git -C src/foo status --porcelain
	assert_output ' M a.txt'
	[ "$(git -C src/foo log -1 --format=%s)" = local ]
}

@test "--rebase stops on a conflict and leaves the repository as it was" {
	mkcloned foo
	register src/foo
	local tmp="$BATS_TEST_TMPDIR/up"
	git clone -q "$HOME/remotes/foo.git" "$tmp"
	echo theirs >"$tmp/a.txt" && git -C "$tmp" commit -qam theirs && git -C "$tmp" push -q
	echo ours >src/foo/a.txt && git -C src/foo commit -qam ours
	local head; head=$(git -C src/foo rev-parse HEAD)
	run grove -a update --rebase
	assert_failure 1
	assert_line "grove update: failed: $HOME/src/foo: rebase would conflict in a.txt: not updated"
	[ "$(git -C src/foo rev-parse HEAD)" = "$head" ]
	[ "$(cat src/foo/a.txt)" = ours ]
	[ -z "$(git -C src/foo status --porcelain)" ]
	[ ! -d src/foo/.git/rebase-merge ]
	[ ! -d src/foo/.git/rebase-apply ]
}

@test "repositories libgit2 cannot handle are updated by git pull --ff-only" {
	mkcloned sparse
	mkcloned lfs
	register src/sparse src/lfs
	git -C src/sparse sparse-checkout set --no-cone /a.txt 2>/dev/null
	upstream_commit sparse
	# an upstream that adds a filtered file: libgit2 would not run the filter
	git config --global filter.upper.clean "tr a-z A-Z"
	git config --global filter.upper.smudge "tr A-Z a-z"
	local tmp="$BATS_TEST_TMPDIR/up"
	git clone -q "$HOME/remotes/lfs.git" "$tmp"
	echo '*.up filter=upper' >"$tmp/.gitattributes"
	echo hello >"$tmp/f.up"
	git -C "$tmp" add . && git -C "$tmp" commit -qm filtered && git -C "$tmp" push -q
	run grove -a -v update
	assert_success
	assert_line --regexp "^grove update: $HOME/src/sparse: updated with git \((sparse checkout|extensions.worktreeConfig)\)$"
	assert_line "grove update: $HOME/src/lfs: updated with git (filter attributes)"
	assert_line 'grove update: 2 updated'
	[ "$(git -C src/sparse rev-parse HEAD)" = "$(git -C "$HOME/remotes/sparse.git" rev-parse main)" ]
	[ ! -e src/sparse/up.txt ]
	# the smudge filter ran: the stored HELLO is hello in the work tree
	[ "$(cat src/lfs/f.up)" = hello ]
}

@test "fetch and update say nothing of a repository skip leaves out, and count it" {
	mkcloned a
	mkcloned b
	printf '[src/a]\nskip = true\n\n[src/b]\n' >.mrconfig
	local cmd
	for cmd in fetch update; do
		run grove "$cmd"
		assert_success
		refute_output --partial "src/a"
		refute_output --partial 'fetched 0 objects'
		assert_line "grove $cmd: finished (1 ok; 1 skipped)"
	done
}

@test "a checkout command's and fixups' standard error stays on standard error" {
	# issue 28: a shell checkout's 'Cloning into ...' and a fixups line
	# written with >&2 landed on grove's standard output
	mkrepo "$BATS_TEST_TMPDIR/upstream"
	cat >.mrconfig <<-EOF
	[src/shelled]
	checkout = git clone '$BATS_TEST_TMPDIR/upstream' shelled && echo cloned-out
	fixups = echo fixups-out; echo fixups-err >&2
	EOF
	run --separate-stderr grove -a checkout
	assert_success
	assert_output --partial 'cloned-out'
	assert_output --partial 'fixups-out'
	refute_output --partial 'Cloning into'
	refute_output --partial 'fixups-err'
	assert_line --index 0 "src/shelled  cloned"
	assert_regex "$stderr" "Cloning into 'shelled'[.][.][.]"
	assert_regex "$stderr" "fixups-err"
}

@test "a failing pre_fetch keeps the fetch from running; post_fetch runs after one" {
	# issue 28: the hooks of myrepos, around the native fetch
	mkcloned foo
	mkcloned bar
	upstream_commit foo
	upstream_commit bar
	cat >.mrconfig <<-'EOF2'
	[src/foo]
	pre_fetch = echo "not now"; false

	[src/bar]
	post_fetch = echo "fetched $(basename "$MR_REPO") as $MR_ACTION in $(basename "$(pwd)")"
	EOF2
	local before; before=$(git -C src/foo rev-parse origin/main)
	run --separate-stderr grove fetch
	assert_failure 1
	assert_line 'not now'
	assert_line 'fetched bar as fetch in bar'
	assert_regex "$stderr" "grove fetch: failed: $HOME/src/foo: pre_fetch failed \\(exit 1\\)"
	run git -C src/foo rev-parse origin/main
	assert_output "$before"
	run git -C src/bar rev-parse origin/main
	refute_output "$(git -C src/bar rev-parse HEAD)"
}

@test "an untracked FIFO where an update puts a file is in the way: nothing hangs, nothing opens it" {
	# issue 29, item 5: grove update blocked in open() on the FIFO, for
	# ever, holding the repository's lock; git pull refuses
	mkcloned foo
	upstream_commit foo
	mkfifo src/foo/up.txt
	register src/foo
	run --separate-stderr timeout -k 5 60 "$GROVE_BIN" update
	assert_failure 1
	assert_regex "$stderr" "grove update: failed: $HOME/src/foo: .*up.txt"
	[ -p src/foo/up.txt ]
	run git -C src/foo log --oneline
	refute_output --partial upstream
}

@test "a no-op fetch holds no memory per repository: 400 repositories cost what 50 do" {
	# issue 29, item 6: libgit2 1.5 leaked ~240 KiB a repository in
	# git_remote_lookup and in writing FETCH_HEAD (1,000 repositories
	# peaked at 250 MB; status at 10 MB)
	# ThreadSanitizer's shadow grows with every address a worker touches
	# (42 KiB a repository on 16 workers): the plain and ASan runs measure
	[ -z "${TSAN_OPTIONS:-}" ] || skip "memory under ThreadSanitizer"
	mkcloned proto
	local i
	for i in $(seq 1 400); do
		cp -a src/proto "src/r$i"
		echo "[src/r$i]" >>"$BATS_TEST_TMPDIR/all"
	done
	head -n 50 "$BATS_TEST_TMPDIR/all" >.mrconfig
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 max_rss "$GROVE_BIN" fetch -q
	assert_success
	local small=$rss
	cp "$BATS_TEST_TMPDIR/all" .mrconfig
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 max_rss "$GROVE_BIN" fetch -q
	assert_success
	echo "# peak memory: $small KiB at 50 repositories, $rss KiB at 400" >&3
	[ $(((rss - small) / 350)) -lt 40 ]
}

@test "fetch writes FETCH_HEAD as git fetch does: the upstream's branch first, to merge" {
	# libgit2 wrote tags first, some twice, the URL with its .git; and for
	# the remote grove now opens without git_remote_lookup (issue 29)
	# nothing for-merge: FETCH_HEAD is rewritten as git writes it
	mkcloned foo
	local tmp="$BATS_TEST_TMPDIR/other"
	git clone -q "$HOME/remotes/foo.git" "$tmp"
	git -C "$tmp" checkout -q -b aaa && git -C "$tmp" push -q origin aaa
	git -C "$tmp" tag v1 && git -C "$tmp" push -q origin v1
	upstream_commit foo
	cp -a src/foo src/bygit
	register src/foo
	run grove fetch
	assert_success
	git -C src/bygit fetch -q --prune --tags origin
	run cat src/foo/.git/FETCH_HEAD
	assert_output "$(cat src/bygit/.git/FETCH_HEAD)"
	assert_line --index 0 --regexp "^[0-9a-f]{40}		branch 'main' of "
}

@test "an incoming file over core.bigFileThreshold reaches the work tree in bounded memory" {
	# issue 30, item 8: update held a whole incoming file in memory (a 2 GB
	# file: 2.1 GB of memory, where git pull streams it in 14 MB)
	# from a server: libgit2's transport for a path on this machine builds
	# the pack in memory itself (bench/RESULTS.md, issue 30)
	mkcloned r
	register src/r
	start_daemon "$HOME/remotes"
	git -C src/r remote set-url origin "git://127.0.0.1:$DAEMON_PORT/r.git"
	local tmp="$BATS_TEST_TMPDIR/big"
	git clone -q "$HOME/remotes/r.git" "$tmp"
	truncate -s 600M "$tmp/big.bin"
	git -C "$tmp" add big.bin
	git -C "$tmp" commit -qm "a 600 MB file"
	git -C "$tmp" push -q origin HEAD:main
	rm -rf "$tmp"
	max_rss timeout -k 5 300 "$GROVE_BIN" -a update
	assert_success
	assert_line 'grove update: 1 updated'
	echo "# peak memory of the update: $((rss / 1024)) MiB" >&3
	[ "$(stat -c %s src/r/big.bin)" -eq $((600 << 20)) ]
	[ -z "$(git -C src/r status --porcelain)" ]
	[ "$rss" -lt $((150 << 10)) ]
}
