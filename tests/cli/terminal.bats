#!/usr/bin/env bats
# colour and pager follow git's conventions: --color, color.ACTION,
# color.ui, NO_COLOR; GIT_PAGER, pager.ACTION, core.pager, PAGER, less

setup() {
	load helpers
	common_setup
	command -v script >/dev/null || skip "no script(1)"
	mkdir -p src
	mkrepo src/a
	mkrepo src/b
	echo change >>src/a/a.txt
	echo change >>src/b/a.txt
	printf '[src/a]\n[src/b]\n' >.mrconfig
}

# on_tty CMD...: runs a grove command line with a terminal as its output
on_tty() {
	script -qec "$*" /dev/null
}

has_colour() {
	grep -q $'\033\\[' <<<"$1"
}

@test "colour: git's color.ui and color.status outrank NO_COLOR; --color outranks them" {
	run grove status
	not has_colour "$output"
	git config --global color.ui always
	run grove status
	has_colour "$output"
	git config --global color.status never
	run grove status
	not has_colour "$output"
	git config --global color.ui never
	git config --global color.status true
	run on_tty "NO_COLOR= '$GROVE_BIN' status"
	has_colour "$output"
	run on_tty "NO_COLOR=1 '$GROVE_BIN' status"
	not has_colour "$output"
	git config --global color.status always
	run grove --color=never status
	not has_colour "$output"
	git config --global --unset color.status
	git config --global --unset color.ui
	run grove --color=always status
	has_colour "$output"
}

@test "colour on a terminal unless NO_COLOR; diff follows color.diff" {
	run on_tty "NO_COLOR= '$GROVE_BIN' status"
	has_colour "$output"
	run on_tty "NO_COLOR=1 '$GROVE_BIN' status"
	not has_colour "$output"
	git config --global color.diff always
	run grove diff
	has_colour "$output"
	assert_output --partial $'\033[32m+\033[m\033[32mchange'
	run grove status
	not has_colour "$output"
}

@test "help on a terminal: paged, wrapped at its width (60 columns)" {
	local line
	on_tty "stty cols 60 rows 20; GIT_PAGER='cat >$HOME/paged.txt' '$GROVE_BIN' help" >/dev/null
	grep -q '^  status' "$HOME/paged.txt" || fail "help was not paged: $(cat "$HOME/paged.txt")"
	while IFS= read -r line; do
		[ "${#line}" -le 60 ] || fail "a line of ${#line} columns: '$line'"
	done <"$HOME/paged.txt"
	on_tty "stty cols 60 rows 20; GIT_PAGER='cat >$HOME/paged-status.txt' '$GROVE_BIN' help status" >/dev/null
	while IFS= read -r line; do
		[ "${#line}" -le 60 ] || fail "help status: a line of ${#line} columns: '$line'"
	done <"$HOME/paged-status.txt"
}

@test "the pager: GIT_PAGER, then pager.diff, then core.pager, then PAGER" {
	git config --global core.pager "cat >$HOME/core.txt"
	git config --global pager.diff "cat >$HOME/per-action.txt"
	on_tty "PAGER='cat >$HOME/pager.txt' GIT_PAGER='cat >$HOME/git-pager.txt' '$GROVE_BIN' diff" >/dev/null
	[ -s git-pager.txt ]
	[ ! -e per-action.txt ]
	[ ! -e core.txt ]
	[ ! -e pager.txt ]
	on_tty "PAGER='cat >$HOME/pager.txt' '$GROVE_BIN' diff" >/dev/null
	[ -s per-action.txt ]
	[ ! -e core.txt ]
	[ ! -e pager.txt ]
	git config --global --unset pager.diff
	on_tty "PAGER='cat >$HOME/pager.txt' '$GROVE_BIN' diff" >/dev/null
	[ -s core.txt ]
	[ ! -e pager.txt ]
	git config --global --unset core.pager
	on_tty "PAGER='cat >$HOME/pager.txt' '$GROVE_BIN' diff" >/dev/null
	[ -s pager.txt ]
	run cat pager.txt
	assert_line "grove diff: $HOME/src/a"
	assert_line 'grove diff: finished (2 ok)'
}

@test "no pager with --no-pager, pager.diff=false, GIT_PAGER=cat, or not on a terminal" {
	export GIT_PAGER="cat >>$HOME/paged.txt"
	run on_tty "'$GROVE_BIN' --no-pager diff"
	assert_output --partial '+change'
	[ ! -e paged.txt ]
	git config --global pager.diff false
	run on_tty "'$GROVE_BIN' diff"
	assert_output --partial '+change'
	[ ! -e paged.txt ]
	git config --global --unset pager.diff
	run grove diff
	[ ! -e paged.txt ]
	GIT_PAGER=cat run on_tty "'$GROVE_BIN' diff"
	assert_output --partial '+change'
	[ ! -e paged.txt ]
}

@test "log: one pager for every repository, even with one job" {
	run on_tty "GIT_PAGER='cat >>$HOME/paged.txt' '$GROVE_BIN' -j 1 log --oneline"
	refute_output --partial 'first'
	run cat paged.txt
	assert_line "grove log: $HOME/src/a"
	assert_line "grove log: $HOME/src/b"
	assert_line 'grove log: finished (2 ok)'
	[ "$(grep -c first paged.txt)" = 2 ]
}

@test "a status git reads alone starts libgit2 for git's colour settings only on a terminal" {
	export GROVE_LARGE_INDEX=1
	run grove -v status
	assert_output --partial 'read with git (large index)'
	git config --global color.ui always
	run grove status
	not has_colour "$output"
	git config --global color.ui never
	run on_tty "NO_COLOR= '$GROVE_BIN' status"
	not has_colour "$output"
	git config --global --unset color.ui
	run on_tty "NO_COLOR= '$GROVE_BIN' status"
	has_colour "$output"
}

@test "a git configuration that cannot be read is named, once" {
	printf '[color\n' >>"$HOME/.gitconfig"
	run grove status
	assert_failure
	assert_line --regexp "^grove: cannot read git's configuration: failed to parse config file: .*\.gitconfig"
	[ "$(grep -c "cannot read git's configuration" <<<"$output")" = 1 ]
}

# the table's states: ahead, behind, dirty with a stash, unborn, rebasing,
# detached, missing, ten short names and one of 84 cells
make_table() {
	local r long=src/$(printf 'x%.0s' $(seq 1 80))
	for r in ahead behind dirty det s1 s2 s3 s4 s5 s6 s7 s8 s9; do mkcloned "$r"; done
	mkdir -p "$(dirname "$long")" && git clone -q "$HOME/remotes/s1.git" "$long"
	git init -q src/unborn
	mkrepo src/reb
	git -C src/reb checkout -qb side
	echo side >src/reb/a.txt && git -C src/reb commit -qam side
	echo side2 >src/reb/b.txt && git -C src/reb add b.txt && git -C src/reb commit -qm side2
	git -C src/reb checkout -q main
	echo main >src/reb/a.txt && git -C src/reb commit -qam main
	git -C src/reb checkout -q side
	git -C src/reb rebase main >/dev/null 2>&1 || true
	: >.mrconfig
	register src/ahead src/behind src/det src/dirty src/missing src/reb src/unborn \
		src/s1 src/s2 src/s3 src/s4 src/s5 src/s6 src/s7 src/s8 src/s9 "$long"
	local_commit src/ahead
	upstream_commit behind && git -C src/behind fetch -q
	echo x >>src/dirty/a.txt && git -C src/dirty stash -q && echo y >>src/dirty/a.txt
	echo u >src/dirty/u.txt
	git -C src/det checkout -q --detach
}

# table COLS: grove status on a terminal COLS wide, its lines, \r gone
table() {
	script -qec "stty cols $1 rows 100; '$GROVE_BIN' -a --no-pager status" /dev/null | tr -d '\r'
}

@test "the status table on a terminal, whole, at 120, 80, 60 and 40 columns: no line wider" {
	make_table
	local want cols l
	# the path column as wide as nine names in ten need: the long one cut
	want="src/ahead    main        ↑1     clean
src/behind   main        ↓1     clean
src/det      (detached)  -      clean
src/dirty    main        =      ~1 ?1 \$1
src/missing  MISSING
src/reb      side        -      !1  rebasing 1/2
src/s1       main        =      clean
src/s2       main        =      clean
src/s3       main        =      clean
src/s4       main        =      clean
src/s5       main        =      clean
src/s6       main        =      clean
src/s7       main        =      clean
src/s8       main        =      clean
src/s9       main        =      clean
src/unborn   main        -      clean  no commits
src/x…xxxxx  main        =      clean
grove status: finished (16 ok; 1 failed)
grove status: failed: $HOME/src/missing: missing"
	for cols in 120 80 60; do
		run table "$cols"
		assert_output "$want"
	done
	# 40 columns: the branch gives, then the path, then the rest is cut
	run table 40
	assert_output "src…head  main    ↑1     clean
src…hind  main    ↓1     clean
src/det   (deta…  -      clean
src…irty  main    =      ~1 ?1 \$1
src…sing  MISSING
src/reb   side    -      !1  rebasing 1…
src/s1    main    =      clean
src/s2    main    =      clean
src/s3    main    =      clean
src/s4    main    =      clean
src/s5    main    =      clean
src/s6    main    =      clean
src/s7    main    =      clean
src/s8    main    =      clean
src/s9    main    =      clean
src…born  main    -      clean  no comm…
src…xxxx  main    =      clean
grove status: finished (16 ok; 1 failed)
grove status: failed: $HOME/src/missing: missing"
	for cols in 80 40 30; do
		run table "$cols"
		# the rows (a message, with its absolute path, is the terminal's to wrap)
		for l in "${lines[@]}"; do
			[[ $l == "grove status: "* ]] && continue
			[ "$(printf '%s' "$l" | wc -m)" -le "$cols" ] || fail "$cols columns: a line of $(printf '%s' "$l" | wc -m): $l"
		done
	done
}

@test "a detached row in colour has no reset without a colour" {
	mkcloned det
	printf '[src/det]\n' >.mrconfig
	git -C src/det checkout -q --detach
	run script -qec "stty cols 80; '$GROVE_BIN' -a --color=always --no-pager status" /dev/null
	assert_line --index 0 $'src/det  (detached)  -      \e[32mclean\e[m\r'
}

# fetch_shows TEXT: grove -a -j 4 --jobs-per-host 1 fetch on a terminal
# until its progress line shows TEXT (10 s at most), then Ctrl-C; fails
# when it never did
fetch_shows() {
	local pid k
	script -qfec "'$GROVE_BIN' -a -j 4 --jobs-per-host 1 fetch" "$HOME/tty.txt" >/dev/null &
	pid=$!
	for k in $(seq 1 200); do
		grep -qF "$1" "$HOME/tty.txt" 2>/dev/null && break
		sleep 0.05
	done
	pkill -INT -f "$GROVE_BIN -a -j 4" || true
	wait "$pid" || true
	grep -qF "$1" "$HOME/tty.txt" || fail "progress: $(tr '\r' '\n' <"$HOME/tty.txt" | tail -3)"
}

# four_repositories URL-PREFIX: r1..r4, their origin URL-PREFIXrN.git
four_repositories() {
	local i
	for i in 1 2 3 4; do
		mkcloned "r$i"
		git -C "src/r$i" remote set-url origin "$1r$i.git"
	done
	printf '[src/r1]\n[src/r2]\n[src/r3]\n[src/r4]\n' >.mrconfig
}

@test "the progress line names what the run waits for, not only a count" {
	load servers
	start_stall
	four_repositories "git://127.0.0.1:$STALL_PORT/"
	# one connection at a time to the server, which never answers: the
	# three other jobs wait for it
	fetch_shows "fetch 3 waiting for a connection to 127.0.0.1:$STALL_PORT"
	stop_servers
}

@test "the progress line names the ssh host the run waits for" {
	# an ssh that connects and then never answers
	mkdir -p "$HOME/bin"
	printf '#!/bin/sh\necho connected >>"%s/ssh.log"\nexec sleep 60\n' "$HOME" >"$HOME/bin/hang-ssh"
	chmod +x "$HOME/bin/hang-ssh"
	four_repositories "gitbox:remotes/"
	GIT_SSH_COMMAND="$HOME/bin/hang-ssh" GROVE_SSH_SHARE=0 fetch_shows "fetch 3 waiting for an ssh session to gitbox"
	[ "$(wc -l <"$HOME/ssh.log")" -eq 1 ] || fail "$(wc -l <"$HOME/ssh.log") ssh connections, not 1"
}
