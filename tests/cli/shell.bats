#!/usr/bin/env bats
# shell actions and user-defined actions, run as myrepos runs them

setup() {
	load helpers
	common_setup
	mkdir -p src
	mkrepo src/a
	mkrepo src/b
}

@test "run: the words after the action are the command's arguments, verbatim" {
	register src/a src/b
	run grove run printf '<%s>' -l --json 'two words' '$HOME' '*'
	assert_success
	assert_output "grove run: $HOME/src/a
<-l><--json><two words><\$HOME><*>
grove run: $HOME/src/b
<-l><--json><two words><\$HOME><*>
grove run: finished (2 ok)"
}

@test "user-defined actions: ACTION, then git_ACTION, then ACTION_default" {
	mkdir -p src/plain
	cat >.mrconfig <<-'EOF2'
	[DEFAULT]
	greet_default = echo "default $1"
	hello = echo "hello $*"

	[src/a]
	greet = echo "own $1"

	[src/b]
	git_greet = echo "git $1"

	[src/plain]
	only_git = true
	git_only = echo never
	EOF2
	run grove greet X
	assert_success
	# (bats drops the blank lines from $lines)
	assert_line --index 1 "own X"
	assert_line --index 3 "git X"
	assert_line --index 5 "default X"
	run grove -d src/plain only
	assert_failure 1
	assert_output --partial "grove only: unknown repository type and no defined only command for $HOME/src/plain"
	run grove hello 1 2
	assert_success
	assert_line --index 1 "hello 1 2"
}

@test "lib runs first; the repository folder, MR_ and GROVE_ variables" {
	cat >.mrconfig <<-'EOF2'
	[DEFAULT]
	lib = say() { echo "said: $*"; }
	where = say "$MR_REPO|$MR_CONFIG|$MR_ACTION|$GROVE_REPO|$GROVE_CONFIG_FILE|$GROVE_ACTION|$(pwd)"

	[src/a]
	EOF2
	run grove where
	assert_success
	assert_line --index 1 "said: $HOME/src/a|$HOME/.mrconfig|where|$HOME/src/a|$HOME/.mrconfig|where|$HOME/src/a"
}

@test "pre_ and post_ hooks run around the action; a failing pre_ hook stops it" {
	cat >.mrconfig <<-'EOF2'
	[src/a]
	act = echo action
	pre_act = echo before
	post_act = echo after

	[src/b]
	act = echo action
	pre_act = echo refusing; false
	EOF2
	run grove act
	assert_failure 1
	assert_output "grove act: $HOME/src/a
before
action
after

grove act: $HOME/src/b
refusing

grove act: finished (1 ok; 1 failed)"
}

@test "skip and deleted decide who takes part; -f ignores skip; -s lists them" {
	mkdir -p src/c
	cat >.mrconfig <<-'EOF2'
	[src/a]
	skip = [ "$1" = hello ]
	hello = echo hi

	[src/b]
	skip = lazy
	hello = echo hi

	[src/gone]
	deleted = true

	[src/c]
	deleted = true
	EOF2
	run grove -s hello
	assert_failure 1
	assert_output --partial "grove hello: $HOME/src/b"
	refute_output --partial "grove hello: $HOME/src/a"
	assert_output --partial "grove error: $HOME/src/c should be deleted yet still exists"
	assert_output --partial "grove hello: finished (1 ok; 1 failed; 2 skipped)"
	assert_output --partial "grove hello: (skipped: $HOME/src/a $HOME/src/gone)"
	assert_output --partial "grove hello: (failed: $HOME/src/c)"
	run grove -f -d src/a hello
	assert_success
	assert_output --partial "hi"
}

@test "[ALIAS], built-in aliases, unique prefixes, ambiguous and unknown actions" {
	cat >.mrconfig <<-'EOF2'
	[ALIAS]
	yo = hello

	[DEFAULT]
	hello = echo hello
	helmet = echo helmet

	[src/a]
	EOF2
	run grove yo
	assert_success
	assert_line --index 1 "hello"
	run grove hell
	assert_success
	assert_line --index 1 "hello"
	run grove hel
	assert_failure 2
	assert_output 'grove: ambiguous action "hel" (matches: hello, helmet)'
	run grove nope
	assert_failure 2
	assert_output --partial 'grove: unknown action "nope" (known actions: checkout, clean, commit, config, diff, doctor, export, fetch, grep, group, hello, helmet, help, import, list, log'
	# commit also pushes, and src/a has nowhere to push to
	echo change >>src/a/a.txt
	run grove ci -m x
	assert_failure 1
	assert_output --partial "grove commit: $HOME/src/a"
	assert_output --partial "No configured push destination"
	run grove help
	assert_output --partial "user-defined actions (from the registry):"
	assert_line "  hello"
}

@test "a registry command for a native action runs for its own repository only" {
	cat >.mrconfig <<-'EOF2'
	[src/a]
	git_status = echo "custom status $*"

	[src/b]
	EOF2
	echo change >>src/b/a.txt
	run grove status
	assert_success
	# the other repository gets grove's own table row, not myrepos' git status
	assert_output "grove status: $HOME/src/a
custom status 

src/b  main        -      ~1
grove status: 1 ran its own status command
grove status: finished (2 ok)"
}

@test "one overridden update leaves every other repository to the native update" {
	rm -rf src/a && mkcloned a
	mkcloned div
	mkcloned behind
	cat >.mrconfig <<-'EOF2'
	[src/a]
	update = git pull --rebase --autostash; echo "own update of $(basename "$MR_REPO")"

	[src/behind]

	[src/div]
	EOF2
	local_commit src/div && upstream_commit div
	upstream_commit behind
	local div_head; div_head=$(git -C src/div rev-parse HEAD)
	run grove update
	assert_failure 1
	assert_output --partial "own update of a"
	assert_line "grove update: failed: $HOME/src/div: diverged (1 ahead, 1 behind): not updated (grove update --rebase, or merge by hand)"
	assert_line 'grove update: 1 ran its own update command'
	# the diverged one is untouched: no merge, no rebase
	[ "$(git -C src/div rev-parse HEAD)" = "$div_head" ]
	[ "$(git -C src/behind rev-parse HEAD)" = "$(git -C "$HOME/remotes/behind.git" rev-parse main)" ]
	# [DEFAULT] applies to the sections after it, as with myrepos
	printf '[DEFAULT]\nfetch = echo "own fetch"\n\n%s' "$(cat .mrconfig)" >.mrconfig
	run grove fetch
	assert_success
	assert_line 'grove fetch: 3 ran their own fetch command'
}

@test "a user-defined action wins over grove's own aliases st and pull, not over myrepos' co, ci, ls" {
	cat >.mrconfig <<-'EOF2'
	[DEFAULT]
	git_st = echo "my st"
	pull = echo "my pull"
	git_ls = echo "my ls"

	[src/a]
	EOF2
	run grove st
	assert_success
	assert_line 'my st'
	run grove pull
	assert_success
	assert_line 'my pull'
	run grove ls
	assert_output "$HOME/src/a"
	printf '[src/a]\n' >.mrconfig
	run grove st
	assert_line --regexp '^src/a +main'
}

@test "an overridden update clones what is missing with checkout, then runs fixups" {
	mkcloned lib
	cat >.mrconfig <<-EOF2
	[src/a]
	update = echo updating a

	[src/lib2]
	checkout = git clone -q '$HOME/remotes/lib.git' lib2
	fixups = echo fixed >fixed.txt
	EOF2
	run grove update
	assert_success
	assert_output --partial "grove update: $HOME/src/a"
	assert_output --partial "updating a"
	# the one missing is the native update's: a clone
	assert_line "src/lib2  cloned"
	[ -d src/lib2/.git ]
	[ "$(cat src/lib2/fixed.txt)" = fixed ]
}

@test "-q prints only failures, -m only repositories with output, -v what runs" {
	cat >.mrconfig <<-'EOF2'
	[src/a]
	t = echo out-a

	[src/b]
	t = echo err-b >&2; exit 3
	EOF2
	run --separate-stderr grove -q t
	assert_failure 1
	assert_output "grove t: $HOME/src/b"
	[ "$stderr" = "err-b
grove t: command failed" ]
	run --separate-stderr grove -m run true
	assert_success
	assert_output ""
	run --separate-stderr grove -m t
	assert_failure 1
	assert_output "grove t: $HOME/src/a
out-a

grove t: $HOME/src/b"
	run grove -v -d src/a t
	assert_success
	assert_output --partial "grove t: running t >>echo out-a<<"
}

@test "untrusted shell code is refused before anything runs" {
	mkdir -p proj/x
	git init -q proj/x
	cat >proj/.mrconfig <<-EOF2
	[x]
	hello = touch $HOME/ran
	EOF2
	cd proj
	run grove hello
	assert_failure 2
	assert_output --partial "grove: illegal setting \"hello=touch $HOME/ran\" in untrusted $HOME/proj/.mrconfig line 2"
	assert_output --partial "(To trust this file, list it in ~/.mrtrust.)"
	[ ! -e "$HOME/ran" ]
	run grove -t hello
	assert_success
	[ -e "$HOME/ran" ]
	rm "$HOME/ran"
	echo "$HOME/proj/.mrconfig" >"$HOME/.mrtrust"
	run grove hello
	assert_success
	[ -e "$HOME/ran" ]
}

@test "a failing command: exit 1, 'command failed', the others still run; signals" {
	cat >.mrconfig <<-'EOF2'
	[src/a]
	t = echo a; exit 4

	[src/b]
	t = kill -TERM $$
	EOF2
	mkrepo src/c
	printf '[src/c]\nt = echo c\n' >>.mrconfig
	run grove t
	assert_failure 1
	assert_output --partial "grove t: command failed"
	assert_output --partial "grove t: received signal 15"
	assert_output --partial "grove t: $HOME/src/c
c"
	assert_line --index -1 "grove t: finished (1 ok; 2 failed)"
}

@test "standard input: /dev/null with several jobs, ours with one" {
	register src/a src/b
	run bash -c "echo typed | '$GROVE_BIN' -j 4 run cat"
	assert_success
	refute_output --partial typed
	run bash -c "echo typed | '$GROVE_BIN' -j 1 run cat"
	assert_success
	assert_line --index 1 typed
}

@test "output is the same whatever -j is" {
	for i in $(seq 1 12); do mkrepo "src/r$i"; done
	printf '[DEFAULT]\nnap = sleep 0.0$((RANDOM %% 9)); echo "$MR_REPO"; echo err >&2\n' >.mrconfig
	for i in $(seq 1 12); do printf '[src/r%s]\n' "$i" >>.mrconfig; done
	one=$(grove -j 1 nap 2>&1)
	many=$(grove -j 12 nap 2>&1)
	[ "$one" = "$many" ]
	[ "$(echo "$one" | grep -c '^grove nap: /')" -eq 12 ]
}

@test "on a terminal with one job, commands get the terminal" {
	command -v script >/dev/null || skip "no script(1)"
	register src/a src/b
	script -qec "'$GROVE_BIN' -j 1 run sh -c 'test -t 0 && test -t 1 && echo tty-yes || echo tty-no'" /dev/null >one.txt
	grep -q tty-yes one.txt
	not grep -q tty-no one.txt
	script -qec "'$GROVE_BIN' -j 2 run sh -c 'test -t 0 && test -t 1 && echo tty-yes || echo tty-no'" /dev/null >two.txt
	grep -q tty-no two.txt
}

@test "log, commit, record, push, grep and clean do what myrepos does" {
	mkcloned p
	printf '[src/p]\n' >.mrconfig
	echo change >>src/p/a.txt
	run grove record -m recorded
	assert_success
	[ "$(git -C src/p log -1 --format=%s)" = recorded ]
	[ "$(git -C remotes/p.git log -1 --format=%s main)" = first ]
	echo more >>src/p/a.txt
	run grove commit -m committed
	assert_success
	[ "$(git -C remotes/p.git log -1 --format=%s main)" = committed ]
	local_commit src/p
	run grove push
	assert_success
	[ "$(git -C remotes/p.git rev-parse main)" = "$(git -C src/p rev-parse HEAD)" ]
	run grove log --format=%s -2
	assert_success
	assert_line --index 1 local
	assert_line --index 2 committed
	run grove grep -n more
	assert_success
	assert_line --index 1 "a.txt:3:more"
	run grove grep nothing-like-this
	assert_success
	echo junk >src/p/junk.txt
	run grove clean
	assert_success
	assert_line --index 1 "Would remove junk.txt"
	[ -e src/p/junk.txt ]
	run grove clean -f
	assert_success
	[ ! -e src/p/junk.txt ]
}

@test "folder names never reach the shell as code" {
	local names=("q'uote" '$(touch pwned-dollar)' '`touch pwned-tick`' 'semi;touch pwned-semi' '-rf' 'a"b' 'sp ace')
	mkdir -p odd
	for n in "${names[@]}"; do
		git init -q "odd/$n"
	done
	run grove register -r odd
	assert_success
	printf '[DEFAULT]\nshow = printf "%%s\\n" "$MR_REPO"\n' | cat - .mrconfig >cfg && mv cfg .mrconfig
	for action in "run true" "show" "log -1" "status" "diff" "list" "run pwd"; do
		run grove -d odd $action
		for n in "${names[@]}"; do
			[ "$action" != show ] || assert_output --partial "$HOME/odd/$n"
		done
	done
	run find "$HOME" -name 'pwned*'
	assert_output ""
}

@test "a folder name with a newline is refused, and nothing runs" {
	mkdir -p odd
	git init -q "odd/new
line"
	printf '[src/a]\n' >.mrconfig
	cp .mrconfig before
	run grove register -r odd
	assert_failure 1
	assert_output --partial "a folder name with a line break cannot be written to a registry file"
	cmp .mrconfig before
	run grove config "$HOME/odd/new
line" hello=true
	assert_failure
	cmp .mrconfig before
	run grove -d odd run touch "$HOME/ran"
	assert_failure 1
	assert_output --partial "no repositories found"
	[ ! -e "$HOME/ran" ]
}

@test "bare repositories: git_bare_ACTION, as myrepos tells them apart" {
	git clone -q --bare src/a bare.git
	git -C bare.git config core.bare TRUE
	printf '[bare.git]\n[src/a]\n' >.mrconfig
	run grove log --format=%s
	assert_success
	assert_line --index 1 first
	assert_line --index 3 first
	git -C src/a remote add origin "$HOME/bare.git"
	run grove push -q origin main
	assert_success
	assert_output --partial "grove push: no defined action for git_bare repository $HOME/bare.git, skipping"
	assert_line --index -1 "grove push: finished (1 ok; 1 skipped)"
}
