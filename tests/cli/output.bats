#!/usr/bin/env bats
# what people and scripts read, pinned whole (git's test_cmp style): the
# status table, --long, --porcelain, --json, help, the update and fetch
# summaries, and the failure lines (issue 18)

setup() {
	load helpers
	common_setup
}

teardown() {
	if declare -F stop_servers >/dev/null; then stop_servers; fi
}

# four repositories in every state the table shows, and one missing
make_states() {
	local r
	for r in ahead clean dirty behind; do mkcloned $r; done
	register src/ahead src/behind src/clean src/dirty src/missing
	local_commit src/ahead
	upstream_commit behind && git -C src/behind fetch -q
	echo x >>src/dirty/a.txt
	echo new >src/dirty/new.txt
	git -C src/dirty add new.txt
	echo u >src/dirty/untracked.txt
	git -C src/dirty mv a.txt moved.txt
	echo s >>src/clean/a.txt && git -C src/clean stash -q
}

@test "the status table, whole" {
	make_states
	run grove -a status
	assert_failure 1
	assert_output "src/ahead    main        ↑1     clean
src/behind   main        ↓1     clean
src/clean    main        =      \$1
src/dirty    main        =      +2 ~1 ?1
src/missing  MISSING
grove status: finished (4 ok; 1 failed)
grove status: failed: $HOME/src/missing: missing"
}

@test "README's tour shows exactly what grove status prints" {
	local r readme="$BATS_TEST_DIRNAME/../../README.md"
	for r in api docs infra tools web; do mkcloned "$r"; done
	git init -q src/scratch
	register src/api src/docs src/infra src/lost src/scratch src/tools src/web
	echo x >>src/api/a.txt
	upstream_commit docs && git -C src/docs fetch -q
	echo s >>src/infra/a.txt && git -C src/infra stash -q
	local_commit src/tools && upstream_commit tools && git -C src/tools fetch -q
	echo new >src/web/new.txt && git -C src/web add new.txt && echo u >src/web/u.txt
	cd src
	run grove status
	assert_failure 1
	# the block after "$ cd ~/src && grove status", its 4-space indent off,
	# the README's home folder ours
	assert_output "$(sed -n '/^    \$ cd ~\/src && grove status$/,/^$/p' "$readme" | sed '1d; $d; s/^    //' |
		sed "s#/home/you#$HOME#")"
}

@test "status names a repository the same in its folder and in a subfolder of it" {
	mkcloned ahead
	register src/ahead
	mkdir -p src/ahead/sub
	cd src/ahead
	run grove status
	assert_success
	assert_output "~/src/ahead  main        =      clean
grove status: finished (1 ok)"
	cd sub
	run grove status
	assert_output "~/src/ahead  main        =      clean
grove status: finished (1 ok)"
}

@test "status --long, whole: the files as git status -s, unpushed commits, stashes" {
	make_states
	local id; id=$(git -C src/ahead rev-parse --short HEAD)
	run grove -a status --long
	assert_failure 1
	assert_output "src/ahead    main        ↑1     clean
    $id (HEAD -> main) local
src/behind   main        ↓1     clean
src/clean    main        =      \$1
    stash@{0}: WIP on main: $(git -C src/clean log -1 --format='%h %s')
src/dirty    main        =      +2 ~1 ?1
    RM a.txt -> moved.txt
    A  new.txt
    ?? untracked.txt
src/missing  MISSING
grove status: finished (4 ok; 1 failed)
grove status: failed: $HOME/src/missing: missing"
	# git's own short status agrees, line for line
	run bash -c "cd src/dirty && git status -s"
	assert_output $'RM a.txt -> moved.txt\nA  new.txt\n?? untracked.txt'
}

@test "status --porcelain, whole: v1 by default and by name, no summary" {
	make_states
	local a b c d
	a=$(git -C src/ahead rev-parse HEAD) b=$(git -C src/behind rev-parse HEAD)
	c=$(git -C src/clean rev-parse HEAD) d=$(git -C src/dirty rev-parse HEAD)
	run --separate-stderr grove -a status --porcelain
	assert_failure 1
	local want
	want=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$HOME/src/ahead" main "$a" origin/main tracking 1 0 0 0 0 0 0 - - \
		"$HOME/src/behind" main "$b" origin/main tracking 0 1 0 0 0 0 0 - - \
		"$HOME/src/clean" main "$c" origin/main tracking 0 0 0 0 0 0 1 - - \
		"$HOME/src/dirty" main "$d" origin/main tracking 0 0 2 1 0 1 0 - - \
		"$HOME/src/missing" - - - - - - - - - - - - missing)
	assert_output "$want"
	[ "$stderr" = "grove status: failed: $HOME/src/missing: missing" ]
	run --separate-stderr grove -a status --porcelain=v1
	assert_output "$want"
	# v2: v1's fields, then the system and the result (issue 28)
	run --separate-stderr grove -a status --porcelain=v2
	want=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$HOME/src/ahead" main "$a" origin/main tracking 1 0 0 0 0 0 0 - - git ok \
		"$HOME/src/behind" main "$b" origin/main tracking 0 1 0 0 0 0 0 - - git ok \
		"$HOME/src/clean" main "$c" origin/main tracking 0 0 0 0 0 0 1 - - git ok \
		"$HOME/src/dirty" main "$d" origin/main tracking 0 0 2 1 0 1 0 - - git ok \
		"$HOME/src/missing" - - - - - - - - - - - - missing - failed)
	assert_output "$want"
	run grove -a status --porcelain=v3
	assert_failure 2
	assert_output "grove status: unknown --porcelain version 'v3' (known: v1, v2)"
}

@test "status --json, whole: a type on every line, the summary's version" {
	make_states
	run --separate-stderr grove -a status --json
	assert_failure 1
	H="$HOME" A=$(git -C src/ahead rev-parse HEAD) python3 - "$output" <<-'EOF'
	import json, os, sys
	h, a = os.environ["H"], os.environ["A"]
	lines = [json.loads(l) for l in sys.argv[1].splitlines()]
	want_ahead = {"type": "repo", "path": h + "/src/ahead", "branch": "main", "head": a,
	              "upstream": "origin/main", "upstream_gone": False, "ahead": 1, "behind": 0,
	              "staged": 0, "modified": 0, "conflicted": 0, "untracked": 0, "stashes": 0,
	              "unborn": False, "bare": False, "state": None, "step": None, "steps": None,
	              "error": None, "system": "git", "result": "ok"}
	assert lines[0] == want_ahead, lines[0]
	assert [l["type"] for l in lines] == ["repo"] * 5 + ["summary"], lines
	assert lines[4] == {"type": "repo", "path": h + "/src/missing", "branch": None, "head": None,
	                    "upstream": None, "upstream_gone": False, "ahead": None, "behind": None,
	                    "staged": None, "modified": None, "conflicted": None, "untracked": None,
	                    "stashes": None, "unborn": False, "bare": False, "state": None,
	                    "step": None, "steps": None, "error": "missing", "system": None,
	                    "result": "failed"}, lines[4]
	assert lines[5] == {"type": "summary", "version": 1, "action": "status", "ok": 4, "failed": 1,
	                    "skipped": 0, "not_started": 0, "interrupted": False}, lines[5]
	EOF
}

@test "status --long --json carries the details as data" {
	make_states
	run --separate-stderr grove -a status --long --json
	assert_failure 1
	python3 - "$output" <<-'EOF'
	import json, sys
	lines = [json.loads(l) for l in sys.argv[1].splitlines()]
	dirty = [l for l in lines if l.get("path", "").endswith("/src/dirty")][0]
	assert dirty["files"] == [
	    {"code": "RM", "path": "moved.txt", "orig_path": "a.txt"},
	    {"code": "A ", "path": "new.txt", "orig_path": None},
	    {"code": "??", "path": "untracked.txt", "orig_path": None}], dirty["files"]
	assert dirty["unpushed"] == [] and dirty["stash_messages"] == [], dirty
	clean = [l for l in lines if l.get("path", "").endswith("/src/clean")][0]
	assert len(clean["stash_messages"]) == 1 and clean["stash_messages"][0].startswith("WIP on main: ")
	ahead = [l for l in lines if l.get("path", "").endswith("/src/ahead")][0]
	assert len(ahead["unpushed"]) == 1 and ahead["unpushed"][0].endswith("(HEAD -> main) local")
	missing = [l for l in lines if l.get("path", "").endswith("/src/missing")][0]
	assert "files" not in missing, missing
	EOF
}

@test "a path that is not UTF-8 is kept whole in JSON: U+FFFD and its bytes in base64" {
	local name=$'caf\xe9'
	mkrepo "src/$name"
	echo x >"src/$name/$name.txt"
	printf '[src/%s]\n' "$name" >.mrconfig
	run --separate-stderr grove -a status --long --json
	assert_success
	python3 - "$output" "$HOME" <<-'EOF'
	import base64, json, sys
	line = json.loads(sys.argv[1].splitlines()[0])
	home = sys.argv[2]
	assert line["path"] == home + "/src/caf\ufffd", line["path"]
	assert base64.b64decode(line["path_base64"]) == (home + "/src/caf").encode() + b"\xe9"
	assert line["files"][0]["path"] == "caf\ufffd.txt", line["files"]
	assert base64.b64decode(line["files"][0]["path_base64"]) == b"caf\xe9.txt"
	EOF
	# the table quotes it as git does
	run grove -a status --long
	assert_line "    ?? \"caf\\351.txt\""
}

@test "update and fetch summaries, whole" {
	for r in div done new; do mkcloned $r; done
	register src/div src/done src/new
	upstream_commit new
	local_commit src/div && upstream_commit div
	local from to
	from=$(git -C src/new rev-parse --short=7 HEAD)
	to=$(git -C "$HOME/remotes/new.git" rev-parse --short=7 main)
	# a line for what changed, nothing for what did not, the failure once
	# after the summary (issue 33)
	run grove -a update
	assert_failure 1
	assert_output "src/new   updated $from..$to (1 commit)
grove update: 1 updated, 1 up to date, 1 refused
grove update: finished (2 ok; 1 failed)
grove update: failed: $HOME/src/div: diverged (1 ahead, 1 behind): not updated (grove update --rebase, or merge by hand)"
	# -v: every repository
	run grove -a -v update
	assert_failure 1
	assert_output "src/done  already up to date
src/new   already up to date
grove update: 2 up to date, 1 refused
grove update: finished (2 ok; 1 failed)
grove update: failed: $HOME/src/div: diverged (1 ahead, 1 behind): not updated (grove update --rebase, or merge by hand)"
	upstream_commit done
	run grove -a fetch
	assert_success
	assert_output --regexp "^src/done  fetched [0-9]+ objects
grove fetch: 1 fetched, 2 up to date
grove fetch: finished \\(3 ok\\)\$"
}

@test "a no-op update of 50 repositories prints its summary only; one change, one line" {
	local i from to
	for i in $(seq -w 1 50); do
		mkcloned "r$i"
		register "src/r$i"
	done
	run grove -a update
	assert_success
	assert_output "grove update: 50 up to date
grove update: finished (50 ok)"
	upstream_commit r07
	from=$(git -C src/r07 rev-parse --short=7 HEAD)
	to=$(git -C "$HOME/remotes/r07.git" rev-parse --short=7 main)
	run grove -a update
	assert_success
	assert_output "src/r07  updated $from..$to (1 commit)
grove update: 1 updated, 49 up to date
grove update: finished (50 ok)"
}

@test "fetch of a repository without a remote says so" {
	mkcloned one
	mkrepo src/local
	register src/local src/one
	run grove -a fetch
	assert_success
	assert_output "src/local  skipped: no remote
grove fetch: 1 up to date
grove fetch: finished (1 ok; 1 skipped)"
}

@test "an interrupted fetch prints one line and exits 130" {
	load servers
	local i pid rc=0
	start_stall
	for i in 1 2 3 4; do
		mkcloned "r$i"
		register "src/r$i"
		git -C "src/r$i" remote set-url origin "git://127.0.0.1:$STALL_PORT/r.git"
	done
	"$GROVE_BIN" -a -j 2 fetch >out.txt 2>err.txt &
	pid=$!
	# both workers wait on the server; the other two never start
	wait_connections 2
	kill -INT "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ] || fail "exit $rc"
	run cat out.txt err.txt
	assert_output "grove fetch: interrupted: 2 stopped, 2 not started; nothing half-applied"
}

@test "diff, grep and log: a repository's header only when it has output; -v every one" {
	local r
	for r in a b c; do mkrepo "src/$r"; done
	echo two >>src/b/a.txt
	echo new >src/b/b.txt && git -C src/b add b.txt && git -C src/b commit -qm b
	printf '[src/a]\n[src/b]\n[src/c]\n' >.mrconfig
	run grove -a diff
	assert_success
	assert_output "grove diff: $HOME/src/b
$(git -C src/b diff)

grove diff: finished (3 ok)"
	run grove -a grep -e two
	assert_success
	assert_output "grove grep: $HOME/src/b
a.txt:two

grove grep: finished (3 ok)"
	run grove -a log --format=%s -- b.txt
	assert_success
	assert_output "grove log: $HOME/src/b
b

grove log: finished (3 ok)"
	run grove -a -v diff
	assert_success
	assert_line "grove diff: $HOME/src/a"
	assert_line "grove diff: $HOME/src/c"
	# run and user-defined actions keep myrepos' headers
	run grove -a run true
	assert_success
	assert_line "grove run: $HOME/src/a"
}

@test "-q: a failed repository prints nothing on standard output" {
	mkcloned det
	mkcloned fine
	register src/det src/fine
	git -C src/det checkout -q --detach
	run --separate-stderr grove -a -q update
	assert_failure 1
	assert_output ''
	[ "$stderr" = "grove update: failed: $HOME/src/det: detached HEAD" ]
}

@test "help, whole: the actions first, wrapped at 80 columns off a terminal" {
	run grove help
	assert_output "usage: grove [options] ACTION [ARGS]

actions:
  status       show the state of every repository at a glance
  fetch        fetch every remote, pruning deleted branches, with tags
  update       clone what is missing, fetch and fast-forward the rest (never
               losing work)
  checkout     clone every repository that is missing
  diff         show changes not yet committed (git diff) in each repository
  log          git log in each repository
  commit       git commit -a, then git push --all, in each repository
  record       git commit -a in each repository
  push         git push in each repository
  grep         git grep in each repository
  clean        show what git clean -dx would delete; -f deletes it
  run          run a command in each repository
  sync         clone, update and register every repository of a forge account
               (GitHub, GitLab, Gitea, Bitbucket, Azure DevOps, SourceHut)
  runs         list the runs grove undo can take back, or one run's changes
  undo         take a run of update, fetch, checkout or sync back (the last by
               default)
  list         list the registered repositories, or the groups they are in
  register     add existing checkouts to the registry
  unregister   remove repositories from the registry (files stay)
  config       read or write keys in the registry
  export       write the repositories down, to rebuild them elsewhere
  import       clone and register what a .repos file or an export lists
  group        add a group to repositories, remove it, or rename it
  doctor       check the registry against the disk: missing, broken, duplicate,
               unregistered
  help         show the actions, or one action's usage

'grove help ACTION' shows one action, 'grove help options' the options every
action takes and the selection filters; 'man grove' tells everything."
}

@test "help for an action, whole: its own options, then where the others are" {
	run grove help diff
	assert_success
	assert_output "usage: grove [options] diff [--cached|--staged] [--stat] [PATH...]

show changes not yet committed (git diff) in each repository

action options:
      --cached          what is staged, against HEAD
      --stat            a diffstat instead of the patch

selection filters and the options every action takes: grove help options"
}

@test "help of a user-defined action shows a registry's control bytes escaped" {
	mkrepo src/a
	printf '[DEFAULT]\nred = echo \033[31mred\n\n[src/a]\n' >.mrconfig
	run grove help red
	assert_success
	assert_line "  echo \\x1b[31mred  ([DEFAULT] of $HOME/.mrconfig)"
	refute_output --partial $'\033'
}

@test "help run, whole: a shell action with no options of its own" {
	run grove help run
	assert_success
	assert_output "usage: grove [options] run COMMAND [ARGS...]

run a command in each repository

selection filters and the options every action takes: grove help options"
}

@test "help status, whole: the table's legend" {
	run grove help status
	assert_success
	assert_output "usage: grove [options] status [-l|--long] [--porcelain[=v1|v2]|--json]
       [--exit-code]

show the state of every repository at a glance

action options:
  -l, --long            each changed file, unpushed commits and stashes below
                        the row
      --porcelain[=VERSION]
                        tab-separated fields, a line per repository, stable for
                        scripts (v1, the default; v2 adds the system and the
                        result)
      --json            one JSON object per repository, then a summary
      --exit-code       exit 1 when a repository is not clean and in sync (what
                        -m shows)

the table: PATH  BRANCH  UPSTREAM  CHANGES  OPERATION
  ↑N ↓M    N commits ahead of the upstream, M behind
  =        in sync with the upstream
  -        no upstream
  gone     the upstream branch was deleted
  +N       N files staged
  ~N       N files modified
  !N       N files conflicted
  ?N       N untracked (a folder counts once)
  \$N       N stashes
  clean    no changes
  OPERATION: merging, rebasing 2/5, cherry-picking, reverting, bisecting,
  applying, no commits (an unborn branch), update interrupted

selection filters and the options every action takes: grove help options"
}

@test "help options, whole: the options every action takes and the selection filters" {
	run grove help options
	assert_success
	assert_output "the options every action takes (before it):
  -d, --directory DIR   act as if run in DIR (repeatable: each adds what it
                        selects)
  -r, --repo NAME       the registered repository whose path ends in NAME (api,
                        acme/api; repeatable)
  -c, --config FILE     read FILE instead of the nearest .mrconfig
  -j, --jobs N          run N repositories at once (default: 2 x CPUs; 16 for
                        network actions; 1 for commit and record)
      --jobs-per-host N
                        at most N connections at once to one host (8)
  -a, --all             every registered repository, wherever you are
  -n, --no-recurse [N]  only the repository here, or N levels below
  -g, --group NAME      only repositories whose groups hold NAME (repeatable:
                        any; a+b: both)
  -q, --quiet           print only failures
  -m, --minimal         print a repository only if it has something to say
  -v, --verbose         say more, such as which engine read a repository
  -s, --stats           list failed and skipped repositories after the summary
  -k, --keep-going      a failing repository never stops the others (always)
  -f, --force           ignore skip settings; import: move clean checkouts
  -t, --trust-all       trust every registry file
      --color WHEN      auto, always or never (default: git's color.ui, else
                        auto)
      --no-pager        never page the output
      --no-progress     never show the progress line
      --timeout SECONDS
                        network work that moves under 1 KiB in this long fails
                        (120)
  -h, --help            show help
      --version         show the version

selection filters (actions that work on each repository; all must hold):
      --dirty           only repositories with changes
      --clean           only repositories without changes
      --ahead           only repositories ahead of their upstream
      --behind          only repositories behind their upstream
      --diverged        only repositories both ahead and behind
      --stashed         only repositories with stashes
      --no-upstream     only repositories whose branch has no upstream
      --detached        only repositories with a detached HEAD
      --gone            only repositories whose upstream branch is gone
      --in-progress     only repositories in the middle of a merge, rebase, ..."
}

@test "help of a user-defined action, whole: what it runs and where it is defined" {
	mkrepo src/a
	mkrepo src/b
	printf '[DEFAULT]\nhello = echo hello\n\n[src/a]\n\n[src/b]\nhello = echo hi from b\n' >.mrconfig
	run grove help hello
	assert_success
	assert_output "usage: grove [options] hello [ARGS...]

an action defined in the registry; in each repository it runs
  echo hello        ([DEFAULT] of $HOME/.mrconfig)
  echo hi from b    ([src/b] of $HOME/.mrconfig)

selection filters and the options every action takes: grove help options"
}

@test "output that cannot be written is an error: exit 2 with a message" {
	mkrepo src/a
	printf '[src/a]\n' >.mrconfig
	run --separate-stderr bash -c "'$GROVE_BIN' -a --json status >/dev/full"
	assert_failure 2
	[ "$stderr" = "grove: cannot write the output: No space left on device" ]
	run --separate-stderr bash -c "'$GROVE_BIN' help >/dev/full"
	assert_failure 2
	# a reader that stops early is not an error
	run bash -c "set -o pipefail; '$GROVE_BIN' -a status | head -c0"
	assert_success
}
