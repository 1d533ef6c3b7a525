#!/usr/bin/env bats
# grove status: every fact of SPEC 5 on real repositories

setup() {
	load helpers
	common_setup
}

@test "a clean repository in sync with its upstream" {
	mkcloned foo
	register src/foo
	run grove -a status
	assert_success
	assert_line --index 0 --regexp '^src/foo +main +=  +clean$'
	assert_line --index 1 'grove status: finished (1 ok)'
}

@test "paths are relative below the working directory and use ~ elsewhere" {
	mkcloned foo
	register src/foo
	cd src
	run grove status
	assert_success
	assert_line --index 0 --regexp '^foo +main'
	mkdir -p "$HOME/elsewhere" && cd "$HOME/elsewhere"
	run grove -a status
	assert_line --index 0 --regexp '^~/src/foo +main'
}

@test "ahead, behind and diverged against the upstream" {
	mkcloned foo
	mkcloned bar
	register src/foo src/bar
	local_commit src/foo
	upstream_commit foo
	upstream_commit foo
	git -C src/foo fetch -q
	upstream_commit bar
	git -C src/bar fetch -q
	run grove -a status
	assert_line --regexp '^src/foo +main +↑1 ↓2  clean$'
	assert_line --regexp '^src/bar +main +↓1 +clean$'
}

@test "no upstream and an upstream branch that is gone" {
	mkcloned foo
	mkrepo src/lonely
	register src/foo src/lonely
	git -C src/foo checkout -qb feature
	git -C src/foo push -q -u origin feature
	git -C "$HOME/remotes/foo.git" branch -D feature >/dev/null
	git -C src/foo fetch -q --prune
	run grove -a status
	assert_line --regexp '^src/foo +feature +gone +clean$'
	assert_line --regexp '^src/lonely +main +- +clean$'
}

@test "staged, modified, conflicted and untracked counts match git" {
	mkcloned foo
	register src/foo
	cd src/foo
	for i in 1 2 3; do echo "$i" >"f$i.txt"; done
	git add f1.txt f2.txt f3.txt && git commit -qm files
	echo change >>f1.txt                   # modified
	echo staged >>f2.txt && git add f2.txt # staged
	echo again >>f2.txt                    # and modified
	echo new >new.txt && git add new.txt   # staged
	git rm -q f3.txt                       # staged deletion
	echo u >untracked.txt
	mkdir -p newdir/deeper && echo x >newdir/deeper/x && echo y >newdir/y  # one untracked folder
	git mv a.txt renamed.txt               # one staged rename
	cd "$HOME"
	run grove_counts "$HOME/src/foo"
	assert_output "$(git_counts src/foo)"
	assert_output "4 2 0 2"
	run grove -a status
	assert_line --regexp '^src/foo +main +↑1 +\+4 ~2 \?2$'
}

@test "the index's cached tree: counts match git, and no tree it names is missing" {
	mkrepo src/foo
	register src/foo
	cd src/foo
	mkdir -p d/e && echo 1 >d/e/one && echo 2 >d/two && git add d && git commit -qm dirs
	# touched but unchanged: grove's refresh invalidates parts of the cache
	touch d/e/one d/two a.txt
	cd "$HOME"
	run grove_counts "$HOME/src/foo"
	assert_output "0 0 0 0"
	# the next status rebuilt the cache in memory and, the index being
	# HEAD's tree, wrote it back: git's own view of it agrees
	run grove_counts "$HOME/src/foo"
	assert_output "0 0 0 0"
	run git -C src/foo write-tree
	assert_output "$(git -C src/foo rev-parse 'HEAD^{tree}')"
	# staged changes make trees that exist only in memory: never persisted
	echo 3 >src/foo/d/e/three && git -C src/foo add d/e/three
	echo 4 >>src/foo/d/two && git -C src/foo add d/two
	git -C src/foo add -N d/later 2>/dev/null || { echo x >src/foo/d/later && git -C src/foo add -N d/later; }
	touch src/foo/a.txt
	run grove_counts "$HOME/src/foo"
	assert_output "$(git_counts src/foo)"
	run grove_counts "$HOME/src/foo"
	assert_output "$(git_counts src/foo)"
	# --long prints git's short status letters, `git add -N` included
	run grove -a status --long
	assert_line "     A d/later"
	assert_line "    M  d/two"
	git -C src/foo commit -qm staged
	run git -C src/foo fsck --strict --no-dangling
	assert_success
	run git -C src/foo cat-file -t 'HEAD^{tree}:d/e'
	assert_output tree
}


@test "a changed file whose index entry holds no size leaves the index as git status does" {
	mkrepo src/foo
	register src/foo
	cd src/foo
	echo more >>a.txt
	# an entry without stat data (as update-index --cacheinfo, or git's
	# smudging of a racily clean entry, leaves it): hashed, found changed,
	# and nothing in the index to bring up to date
	git update-index --cacheinfo "100644,$(git rev-parse HEAD:a.txt),a.txt"
	git write-tree >/dev/null # the cached tree back: nothing else to write
	git status --porcelain >/dev/null
	before=$(stat -c '%i %Y.%y' .git/index)
	git status --porcelain >/dev/null
	assert_equal "$(stat -c '%i %Y.%y' .git/index)" "$before"
	cd "$HOME"
	run grove_counts "$HOME/src/foo"
	assert_output "0 1 0 0"
	assert_equal "$(stat -c '%i %Y.%y' src/foo/.git/index)" "$before"
}
@test "a file whose times changed is refreshed in the index beside a changed submodule" {
	mkrepo src/foo
	register src/foo
	cd src/foo
	mkrepo sub
	git add sub 2>/dev/null && git commit -qm "a repository inside"
	git -C sub commit -q --allow-empty -m moved # the gitlink now differs
	touch -d '2 minutes ago' a.txt              # same bytes, other times
	git status --porcelain >/dev/null           # git keeps a.txt's new times
	run git ls-files --debug a.txt
	assert_line --regexp "^  mtime: $(stat -c %Y a.txt):"
	touch -d '1 minute ago' a.txt
	cd "$HOME"
	run grove_counts "$HOME/src/foo"
	assert_output "0 1 0 0"
	# grove keeps them as git does: the next status need not read a.txt
	run git -C src/foo ls-files --debug a.txt
	assert_line --regexp "^  mtime: $(stat -c %Y src/foo/a.txt):"
}

@test "a merge conflict counts conflicted files and says merging" {
	mkrepo src/foo
	register src/foo
	cd src/foo
	git checkout -qb other
	echo theirs >a.txt && git commit -qam theirs
	git checkout -q main
	echo ours >a.txt && git commit -qam ours
	run git merge other
	cd "$HOME"
	run grove_counts "$HOME/src/foo"
	assert_output "$(git_counts src/foo)"
	run grove -a status
	assert_line --regexp '^src/foo +main +- +!1  merging$'
}

@test "stashes are counted" {
	mkcloned foo
	register src/foo
	echo a >>src/foo/a.txt && git -C src/foo stash -q
	echo b >>src/foo/a.txt && git -C src/foo stash -q
	run grove -a status
	assert_line --regexp '^src/foo +main +=  +\$2$'
	echo c >>src/foo/a.txt
	run grove -a --color=always status
	assert_line --regexp $'^src/foo +main +\e\\[32m=\e\\[m +\e\\[33m~1\e\\[m \e\\[36m\\$2\e\\[m$'
}

@test "operations in progress: rebasing, cherry-picking, reverting, bisecting" {
	for r in reb cp rev bis; do mkrepo "src/$r"; register "src/$r"; done
	for r in reb cp rev; do
		git -C "src/$r" checkout -qb side
		echo side >"src/$r/a.txt"; git -C "src/$r" commit -qam side
		git -C "src/$r" checkout -q main
		echo main >"src/$r/a.txt"; git -C "src/$r" commit -qam main
	done
	git -C src/reb checkout -q side
	git -C src/reb rebase main >/dev/null 2>&1 || true
	git -C src/cp cherry-pick side >/dev/null 2>&1 || true
	git -C src/rev revert --no-edit HEAD~0 >/dev/null 2>&1 || true
	echo x >>src/rev/a.txt && git -C src/rev commit -qam x
	git -C src/rev revert --no-edit HEAD~1 >/dev/null 2>&1 || true
	git -C src/bis bisect start >/dev/null
	run grove -a status
	assert_line --regexp '^src/reb +side +- +!1  rebasing 1/1$'
	assert_line --regexp '^src/cp .* cherry-picking$'
	assert_line --regexp '^src/rev .* reverting$'
	assert_line --regexp '^src/bis .* bisecting$'
	run grove -d src/reb --json status
	assert_line --partial '"branch":"side",'
	assert_line --partial '"state":"rebasing","step":1,"steps":1,'
	# git's engine (a large index) says the same
	GROVE_LARGE_INDEX=1 run grove -v -d src/reb status
	assert_line --partial 'read with git'
	assert_line --regexp '^~/src/reb +side +- +!1  rebasing 1/1$'
}

@test "detached HEAD and an unborn branch" {
	mkcloned foo
	git init -q src/empty
	register src/foo src/empty
	git -C src/foo checkout -q --detach
	run grove -a status
	assert_line --regexp '^src/foo +\(detached\) +- +clean$'
	assert_line --regexp '^src/empty +main +- +clean  no commits$'
	run grove -a --json status
	assert_line --partial '"path":"'"$HOME"'/src/foo","branch":null,"head":"'"$(git -C src/foo rev-parse HEAD)"'"'
	assert_line --partial '"path":"'"$HOME"'/src/empty","branch":"main","head":null'
}

@test "a missing folder and a folder that is not a repository fail" {
	mkcloned foo
	mkdir -p src/plain
	register src/foo src/gone src/plain
	run grove -a status
	assert_failure 1
	assert_line --regexp '^src/gone +MISSING$'
	assert_line --regexp '^src/plain +NOT A REPOSITORY$'
	assert_line "grove status: failed: $HOME/src/gone: missing"
	assert_line 'grove status: finished (1 ok; 2 failed)'
}

@test "a registered folder inside another repository is not taken for it" {
	mkrepo src/outer
	mkdir -p src/outer/inner
	register src/outer/inner
	run grove -a status
	assert_failure 1
	assert_line --regexp '^src/outer/inner +NOT A REPOSITORY$'
}

@test "--long shows files, unpushed branches and stashes under dirty repositories" {
	mkcloned foo
	mkcloned clean
	register src/foo src/clean
	local_commit src/foo
	echo x >>src/foo/a.txt
	echo y >src/foo/new.txt
	echo s >>src/foo/local.txt && git -C src/foo stash -q
	echo x >>src/foo/a.txt
	run grove -a status --long
	assert_success
	assert_line '     M a.txt'
	assert_line '    ?? new.txt'
	assert_line --regexp '^    [0-9a-f]{7} \(HEAD -> main\) local$'
	assert_line --regexp '^    stash@\{0\}: WIP on main: [0-9a-f]{7} local$'
	# nothing under the clean one: the next row follows at once
	run bash -c "'$GROVE_BIN' -a status --long | grep -A1 '^src/clean'"
	assert_line --index 1 --regexp '^src/foo '
}

@test "--porcelain prints stable tab-separated fields and no summary" {
	mkcloned foo
	register src/foo
	local_commit src/foo
	echo x >>src/foo/a.txt
	run grove -a --porcelain status
	assert_success
	local head; head=$(git -C src/foo rev-parse HEAD)
	assert_output "$(printf '%s\tmain\t%s\torigin/main\ttracking\t1\t0\t0\t1\t0\t0\t0\t-\t-' "$HOME/src/foo" "$head")"
}

@test "--json prints one valid object per repository and a summary" {
	mkcloned foo
	register src/foo src/missing
	echo x >>src/foo/a.txt
	run --separate-stderr grove -a status --json
	assert_failure 1
	[ "$stderr" = "grove status: failed: $HOME/src/missing: missing" ]
	echo "$output" | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin]
assert lines[0]["path"].endswith("/src/foo") and lines[0]["modified"] == 1, lines[0]
assert lines[0]["upstream"] == "origin/main" and lines[0]["ahead"] == 0 and lines[0]["error"] is None
assert lines[1]["error"] == "missing" and lines[1]["branch"] is None
assert [l["type"] for l in lines] == ["repo", "repo", "summary"], lines
assert lines[2] == {"type": "summary", "version": 1, "action": "status", "ok": 1, "failed": 1, "skipped": 0, "not_started": 0, "interrupted": False}
'
}

@test "state filters --dirty --ahead --behind --diverged" {
	for r in clean dirty ahead behind div; do mkcloned $r; register src/$r; done
	echo x >>src/dirty/a.txt
	local_commit src/ahead
	upstream_commit behind && git -C src/behind fetch -q
	local_commit src/div && upstream_commit div && git -C src/div fetch -q
	run grove -a status --dirty
	assert_output --partial 'src/dirty'
	refute_output --partial 'src/clean'
	run grove -a status --ahead
	assert_line --regexp 'src/ahead'
	assert_line --regexp 'src/div'
	refute_output --partial 'src/behind'
	run grove -a status --behind
	assert_line --regexp 'src/behind'
	refute_output --partial 'src/ahead'
	run grove -a status --diverged
	assert_line --regexp '^src/div '
	refute_output --partial 'src/behind'
	refute_output --partial 'src/ahead '
}

@test "-q prints only failures, -m only repositories with something to say" {
	mkcloned clean
	mkcloned dirty
	register src/clean src/dirty src/missing
	echo x >>src/dirty/a.txt
	run grove -a -q status
	assert_failure 1
	# nothing on standard output: the failure is said on standard error, once
	assert_output "grove status: failed: $HOME/src/missing: missing"
	run grove -a -m status
	refute_output --partial 'src/clean'
	assert_output --partial 'src/dirty'
	refute_output --partial 'finished'
}

@test "-s lists the failed and skipped repositories after the summary" {
	mkcloned ok
	register src/ok src/missing
	printf '[src/skipped]\nskip = true\n' >>.mrconfig
	run grove -a -s status
	assert_line 'grove status: finished (1 ok; 1 failed; 1 skipped)'
	assert_line "grove status: (skipped: $HOME/src/skipped)"
	assert_line "grove status: (failed: $HOME/src/missing)"
}

@test "-j 1 and -j 16 print byte-identical output" {
	for i in $(seq -w 1 40); do
		mkrepo "src/r$i"
		register "src/r$i"
		(( 10#$i % 3 == 0 )) && echo x >>"src/r$i/a.txt"
		(( 10#$i % 7 == 0 )) && echo y >"src/r$i/new.txt"
	done
	register src/missing
	grove -a -j 1 status --long >one.txt 2>&1 || true
	grove -a -j 16 status --long >many.txt 2>&1 || true
	grove -a -j 1 --json status >one.json 2>&1 || true
	grove -a -j 16 --json status >many.json 2>&1 || true
	run cmp one.txt many.txt
	assert_success
	run cmp one.json many.json
	assert_success
	[ "$(wc -l <one.txt)" -ge 42 ]
}

@test "the progress line never goes to a pipe" {
	for i in 1 2 3; do mkrepo "src/r$i"; register "src/r$i"; done
	run bash -c "LINES=1 '$GROVE_BIN' -a status 2>&1"
	refute_output --partial $'\r'
	refute_output --partial '[1/3]'
}

@test "the progress line shows on a terminal when the table is longer than a screen" {
	command -v script >/dev/null || skip "script(1) not installed"
	# each repository takes 0.4 s, so the line (redrawn every 0.1 s) shows
	for i in 1 2 3; do
		mkrepo "src/r$i"
		printf '[src/r%s]\nskip = sleep 0.4; false\n' "$i" >>.mrconfig
	done
	run script -qec "LINES=1 '$GROVE_BIN' -a -j 1 status" /dev/null
	assert_output --partial '[1/3] status src/r2'
	run script -qec "LINES=1 '$GROVE_BIN' -a -j 1 --no-progress status" /dev/null
	refute_output --partial $'\r\033[K'
	run script -qec "LINES=50 '$GROVE_BIN' -a -j 1 status" /dev/null
	refute_output --partial $'\r\033[K'
}

@test "skip and deleted are honoured, and -f ignores skip" {
	mkrepo src/a
	mkrepo src/b
	mkrepo src/c
	cat >>.mrconfig <<-EOF
	[src/a]
	skip = true

	[src/b]
	skip = test "\$1" = status && test -n "\$MR_REPO"

	[src/c]
	deleted = true

	[src/d]
	deleted = true
	EOF
	run grove -a status
	assert_failure 1
	assert_line "grove status: failed: $HOME/src/c: should be deleted yet still exists"
	assert_line 'grove status: finished (1 failed; 3 skipped)'
	run grove -a -f status
	assert_line 'grove status: finished (2 ok; 1 failed; 1 skipped)'
}

@test "a Ctrl-C stops new work, prints the summary so far and exits 130" {
	# each repository takes 2 s (its skip test sleeps) and says when it
	# starts; the signal comes once the second has started, however slow
	# the machine: one is done, one is running and finishes, four never start
	for i in 1 2 3 4 5 6; do
		mkrepo "src/r$i"
		printf '[src/r%s]\nskip = touch "$MR_REPO.started"; sleep 2; false\n\n' "$i" >>.mrconfig
	done
	"$GROVE_BIN" -a -j 1 status >out.txt 2>err.txt &
	local pid=$! i
	for ((i = 0; i < 600; i++)); do
		[ -e src/r2.started ] && break
		sleep 0.05
	done
	kill -INT "$pid"
	local rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ]
	grep -q 'grove status: interrupted' err.txt
	grep -q 'grove status: finished (2 ok; 4 not started)' out.txt
	[ "$(grep -c '^src/r' out.txt)" -eq 2 ]
	[ ! -e src/r3.started ]
}

@test "status takes no arguments and rejects options of other actions" {
	mkrepo src/a
	register src/a
	run grove -a status extra
	assert_failure 2
	# register's --worktrees (its -r is the global --repo now, issue 35)
	run grove -a status --worktrees
	assert_failure 2
	assert_output --partial "does not apply"
}

@test "columns count terminal cells: a CJK name lines up" {
	mkcloned abcdefghij
	mkdir -p src && git clone -q "$HOME/remotes/abcdefghij.git" "src/日本語"
	register src/abcdefghij "src/日本語"
	run grove -a status
	# both names take 14 cells: 10 + 4, and 6 + 2 + 2 + 2 + 2 after "src/"
	assert_line --regexp '^src/abcdefghij  main +'
	assert_line --regexp '^src/日本語      main +'
}

@test "in a pipe long paths and branches are whole and aligned; on a terminal they are cut to fit" {
	local long=src/a-rather-long-folder-name/and-another-level-below-it/service
	local br=feature/a-very-long-branch-name-for-a-ticket-1234
	mkcloned short
	mkdir -p "$(dirname "$long")"
	git clone -q "$HOME/remotes/short.git" "$long"
	git -C src/short checkout -qb "$br"
	register src/short "$long"
	run grove -a status
	assert_line --regexp "^src/short {$((${#long} - 9 + 2))}$br  -  +clean$"
	assert_line --regexp "^$long  main {$((${#br} - 4 + 2))}=  +clean$"
	run script -qec "stty cols 70; '$GROVE_BIN' -a status" /dev/null
	# the branch gives first (to a third of the room), then the path
	assert_line --regexp $'^src/a-rather-long…l-below-it/service  main +=  +clean\r$'
	assert_line --regexp $'^src/short  +feature/a-very-lo…  -  +clean\r$'
	local l
	for l in "${lines[@]}"; do
		l=${l%$'\r'}
		[ "$(printf '%s' "$l" | wc -m)" -le 70 ] || fail "wider than 70: $l"
	done
}

@test "pre_status and post_status run around the row; what pre_status changes is shown" {
	# issue 28: myrepos runs the hooks around every action, native or not
	mkcloned foo
	cat >.mrconfig <<-'EOF2'
	[src/foo]
	pre_status = echo "pre in $(basename "$(pwd)") for $MR_ACTION"; echo pre-err >&2; echo new >untracked.txt
	post_status = echo post
	EOF2
	run --separate-stderr grove -j 1 status
	assert_success
	assert_line --index 0 'pre in foo for status'
	assert_line --index 1 --regexp '^src/foo +main +=  +[?]1$'
	assert_line --index 2 'post'
	[ "$stderr" = pre-err ]
	run grove -v status
	assert_line --partial 'grove pre_status: running pre_status >>echo "pre in'
}

@test "a failing pre_status fails the repository unread; a failing post_status after its row" {
	mkcloned foo
	mkcloned bar
	cat >.mrconfig <<-'EOF2'
	[src/bar]
	pre_status = echo refusing; exit 4

	[src/foo]
	post_status = false
	EOF2
	run --separate-stderr grove status
	assert_failure 1
	assert_line --index 0 'refusing'
	assert_line --index 1 --regexp '^src/bar +ERROR$'
	assert_line --index 2 --regexp '^src/foo +main +=  +clean$'
	assert_regex "$stderr" "grove status: failed: $HOME/src/bar: pre_status failed \\(exit 4\\)"
	assert_regex "$stderr" "grove status: failed: $HOME/src/foo: post_status failed \\(exit 1\\)"
	# -q: only the failed hook's output, on standard error
	run --separate-stderr grove -q status
	assert_failure 1
	refute_output --partial refusing
	assert_regex "$stderr" '^refusing'
}

@test "hooks in --json are in the repository's object; in --porcelain their output is on standard error" {
	mkcloned foo
	cat >.mrconfig <<-'EOF2'
	[src/foo]
	pre_status = echo pre-out; echo pre-err >&2
	post_status = echo post-out; exit 2
	EOF2
	run --separate-stderr grove status --json
	assert_failure 1
	python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin]
repo = lines[0]
assert repo["hooks"] == [{"name": "pre_status", "exit": 0, "output": "pre-out\n"},
                         {"name": "post_status", "exit": 2, "output": "post-out\n"}], repo
assert repo["error"] == "post_status failed (exit 2)", repo
assert lines[1]["type"] == "summary" and lines[1]["failed"] == 1, lines[1]
' <<<"$output"
	assert_regex "$stderr" '^pre-err'
	run --separate-stderr grove status --porcelain
	assert_failure 1
	assert_output --regexp "^$HOME/src/foo	main	"
	assert_equal "${#lines[@]}" 1
	assert_regex "$stderr" 'pre-out'
	assert_regex "$stderr" 'post-out'
}
