#!/usr/bin/env bats
# Data safety (issue 16, tests/RELIABILITY.md): one repository is never
# worked on twice at once, a prune never loses local data, status never
# loses staged work, and a journal never lies.

setup() {
	load helpers
	common_setup
}

# push_files NAME TAG N: a commit adding N files lands in the remote of NAME
push_files() {
	local k
	{
		printf 'commit refs/heads/main\ncommitter t <t@example.invalid> %s +0000\n' "$(date +%s)"
		printf 'data <<EOM\n%s\nEOM\nfrom refs/heads/main^0\n' "$2"
		for ((k = 0; k < $3; k++)); do
			printf 'M 100644 inline %s-%s.txt\ndata <<EOM\n%s %s\nEOM\n' "$2" "$k" "$2" "$k"
		done
	} | git --git-dir="$HOME/remotes/$1.git" fast-import --quiet
}

# consistent NAME: the clone is at its upstream, its index and work tree
# with it, and no update journal is left
consistent() {
	local d="$HOME/src/$1"
	[ "$(git -C "$d" rev-parse HEAD)" = "$(git -C "$HOME/remotes/$1.git" rev-parse main)" ] ||
		{ echo "$1: HEAD is not the upstream" >&2; return 1; }
	[ -z "$(git -C "$d" status --porcelain)" ] ||
		{ git -C "$d" status --porcelain >&2; return 1; }
	[ ! -e "$d/.git/grove-update" ] || { echo "$1: a journal is left" >&2; return 1; }
}

@test "one folder registered twice (two files, and [x] beside [x/]) is selected and updated once" {
	mkcloned r
	register src/r
	printf '[r/]\ncheckout = git clone x r\n' >src/.mrconfig
	echo "$HOME/src/.mrconfig" >.mrtrust
	printf '[src/r/]\ncheckout = git clone x r\n' >>.mrconfig
	ln -s src/r alias
	printf '[alias]\ncheckout = git clone x alias\n' >>.mrconfig
	run grove -a list
	assert_success
	assert_output "$HOME/alias"
	local round
	for round in $(seq 1 10); do
		push_files r "f$round" 40
		run grove -a -j 8 update
		assert_success
		assert_line 'grove update: 1 updated'
		run consistent r
		assert_success
	done
}

@test "two grove processes never update one repository at once" {
	local i round
	for i in $(seq -w 1 12); do
		mkcloned "r$i"
		register "src/r$i"
	done
	for round in $(seq 1 8); do
		for i in $(seq -w 1 12); do push_files "r$i" "f$round" 30; done
		"$GROVE_BIN" -a -j 4 update >one.txt 2>&1 &
		local a=$!
		"$GROVE_BIN" -a -j 4 update >two.txt 2>&1 &
		local b=$! rca=0 rcb=0
		wait "$a" || rca=$?
		wait "$b" || rcb=$?
		[ "$rca" -eq 0 ] || { cat one.txt; false; }
		[ "$rcb" -eq 0 ] || { cat two.txt; false; }
		for i in $(seq -w 1 12); do
			run consistent "r$i"
			assert_success
		done
	done
}

@test "a shell checkout run by two grove processes at once: one clone, whole, nobody deletes it" {
	mkrepo seed
	git clone -q --bare seed remotes/r.git
	printf '[src/r]\ncheckout = git clone --quiet %s r\n\n[src/r/]\ncheckout = git clone --quiet %s r\n' \
		"$HOME/remotes/r.git" "$HOME/remotes/r.git" >.mrconfig
	local round
	for round in $(seq 1 10); do
		rm -rf src
		"$GROVE_BIN" -a checkout >one.txt 2>&1 &
		local a=$!
		"$GROVE_BIN" -a checkout >two.txt 2>&1 &
		local b=$! rca=0 rcb=0
		wait "$a" || rca=$?
		wait "$b" || rcb=$?
		[ -d src/r/.git ] || { cat one.txt two.txt; false; }
		git -C src/r fsck --no-progress
		[ "$rca" -eq 0 ] || { cat one.txt; false; }
		[ "$rcb" -eq 0 ] || { cat two.txt; false; }
	done
}

@test "grove status beside git add never loses a staged file, and writes nothing with GIT_OPTIONAL_LOCKS=0" {
	command -v strace >/dev/null || skip "strace not installed (make deps-test)"
	mkrepo r
	register r
	local i round lost=0 refused=0
	mkdir r/big
	for i in $(seq 1 500); do echo "$i" >"r/big/$i"; done
	git -C r add big && git -C r commit -qm big
	for round in $(seq 1 10); do
		echo "new $round" >"r/f$round"
		# stale file times (a few: many go to git status, which locks as
		# git does): status refreshes the index and writes it
		touch -d '2001-01-01' r/big/[1-8]
		# the race, made wide: grove is held back 0.8 s as it opens
		# index.lock; a git add lands in that window
		# (LeakSanitizer cannot run under ptrace: off for this run only)
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
			strace -f -o /dev/null -e trace=openat -e inject=openat:delay_enter=800000 \
			-P "$HOME/r/.git/index.lock" "$GROVE_BIN" -a status >/dev/null 2>&1 &
		local pid=$!
		sleep "0.$((2 + RANDOM % 5))"
		if git -C r add "f$round" 2>/dev/null; then
			wait "$pid"
			[ -n "$(git -C r ls-files "f$round")" ] || lost=$((lost + 1))
		else
			wait "$pid"
			refused=$((refused + 1))
		fi
	done
	echo "# 10 rounds: $refused adds met index.lock (git's promise), $lost added and then lost" >&3
	[ "$lost" -eq 0 ]
	# a prompt tool's status: nothing written, even when a refresh would help
	touch -d '2001-01-01' r/big/[1-8]
	local before
	before=$(stat -c %i.%Y r/.git/index)
	GIT_OPTIONAL_LOCKS=0 run grove -a status
	assert_success
	[ "$(stat -c %i.%Y r/.git/index)" = "$before" ]
	# and without it the refresh is written
	run grove -a status
	assert_success
	[ "$(stat -c %i.%Y r/.git/index)" != "$before" ]
}

@test "an update that fails before writing a file leaves no journal; a finished journal says updated FROM..TO" {
	mkcloned r
	register src/r
	upstream_commit r
	local from to
	from=$(git -C src/r rev-parse HEAD)
	# a corrupt index: the update fails before any file is written
	printf 'DIRC\0\0\0\2garbage' >src/r/.git/index
	run grove update
	assert_failure 1
	assert_output --partial "index"
	[ ! -e src/r/.git/grove-update ]
	run grove status
	refute_output --partial "update interrupted"
	# repaired, the next update moves the branch and says so
	rm src/r/.git/index
	git -C src/r reset -q
	run grove update
	assert_success
	to=$(git -C src/r rev-parse HEAD)
	[ "$to" != "$from" ]
	assert_line "src/r  updated ${from:0:7}..${to:0:7} (1 commit)"
	# a journal the next update finishes: the line says what moved
	upstream_commit r
	git -C src/r fetch -q
	from=$(git -C src/r rev-parse HEAD) to=$(git -C src/r rev-parse origin/main)
	printf '%s %s refs/heads/main\n' "$from" "$to" >src/r/.git/grove-update
	git -C src/r checkout -q origin/main -- up.txt
	run grove update
	assert_success
	assert_line "src/r  updated ${from:0:7}..${to:0:7} (1 commit)"
	refute_output --partial "already up to date"
}

@test "a clone's folder has the mode the umask gives, as with git clone" {
	mkrepo seed
	git clone -q --bare seed remotes/r.git
	printf '[src/r]\ncheckout = git clone %s r\n' "$HOME/remotes/r.git" >.mrconfig
	local m
	for m in 022:755 027:750 002:775; do
		rm -rf src
		(umask "${m%:*}" && "$GROVE_BIN" checkout >/dev/null)
		[ "$(stat -c %a src/r)" = "${m#*:}" ] || { stat -c %a src/r >&2; false; }
	done
}

@test "a racily clean file changed in the index's second stays changed for git after grove status" {
	# git (Debian's, without USE_NSEC) compares times in whole seconds: an
	# entry as new as the index it is read from is "racily clean" and
	# hashed. An index grove writes later must not hide such a change: the
	# entry is smudged (size 0), as git's own index writer does.
	mkrepo src/r
	printf '[src/r]\n' >.mrconfig
	git -C src/r config core.trustctime false
	printf 'no newline at end' >src/r/tail.txt
	git -C src/r add tail.txt && git -C src/r commit -qm tail
	local s=$(($(date +%s) - 100))
	touch -d "@$s.5" src/r/tail.txt
	git -C src/r update-index --refresh >/dev/null
	touch -d "@$s.9" src/r/.git/index
	printf 'now with newline\n' >src/r/tail.txt # the same size
	touch -d "@$s.6" src/r/tail.txt
	run git -C src/r diff --stat
	assert_output --partial 'tail.txt'
	run grove -a --porcelain status
	assert_success
	# grove saw it, and wrote the index (it hashed a file)
	[ "$(cut -f9 <<<"$output")" = 1 ]
	[ "$(stat -c %Y src/r/.git/index)" -gt "$((s + 50))" ]
	run git -C src/r diff --stat
	assert_output --partial 'tail.txt'
	run git -C src/r status --porcelain
	assert_output ' M tail.txt'
}

# race_index DIR STOP LOG [commit]: until STOP exists, git add a new file
# in DIR and, with commit, once grove's move has begun (its journal seen),
# git commit every third; each add and commit that git says it made is
# written to LOG ("add FILE", "commit SHA"), and a commit that failed
# because HEAD moved under it as "stale-commit"
race_index() {
	local j=0 begun= err
	while [ ! -e "$2" ]; do
		j=$((j + 1))
		echo "u $j" >"$1/u$j"
		git -C "$1" add "u$j" 2>/dev/null && echo "add u$j" >>"$3"
		[ -e "$1/.git/grove-update" ] && begun=1
		[ -n "$4" ] && [ -n "$begun" ] && [ $((j % 3)) -eq 0 ] || continue
		if err=$(git -C "$1" commit -qm "u$j" 2>&1); then
			echo "commit $(git -C "$1" rev-parse HEAD)" >>"$3"
		elif [[ $err == *"cannot lock ref 'HEAD'"* ]]; then
			echo stale-commit >>"$3"
		fi
	done
}

# kept DIR LOG: every add of LOG is in the index, every commit in HEAD's
# history, and no tracked file of d/ is staged or changed (a revert of a
# commit, or a move half made). Unless a commit failed because HEAD moved
# under it: git commit reads the index before it takes index.lock
# (builtin/commit.c, prepare_index) and writes that copy back before it
# updates HEAD, so such a commit puts the index of before the move back,
# whoever moved HEAD (git merge --ff-only in grove's place does the same,
# measured: round 3 of 25). Then only the commits are checked.
kept() {
	local what x
	if grep -qx stale-commit "$2"; then
		while read -r what x; do
			[ "$what" != commit ] || git -C "$1" merge-base --is-ancestor "$x" HEAD ||
				{ echo "lost: commit $x" >&2; return 1; }
		done <"$2"
		return 0
	fi
	while read -r what x; do
		case $what in
		add) [ -n "$(git -C "$1" ls-files -- "$x")" ] || { echo "lost: git add $x" >&2; return 1; } ;;
		commit) git -C "$1" merge-base --is-ancestor "$x" HEAD ||
			{ echo "lost: commit $x" >&2; return 1; } ;;
		esac
	done <"$2"
	x=$(git -C "$1" status --porcelain -- d)
	[ -z "$x" ] || { echo "d/ not as HEAD has it: $x" >&2; return 1; }
}

@test "update and undo beside git add and git commit (x50) of a 5,000-file repository: nothing is lost" {
	# issue 29, item 4: update and undo wrote back an index read before
	# their checkout without holding index.lock throughout
	mkcloned r
	register src/r
	local k rounds=${RACE_ROUNDS:-25} moves=0 adds=0 a b
	{
		for a in base next; do
			printf 'commit refs/heads/main\ncommitter t <t@example.invalid> %s +0000\n' "$(date +%s)"
			printf 'data <<EOM\n%s\nEOM\nfrom refs/heads/main^0\n' "$a"
			for ((k = 0; k < 5000; k++)); do
				printf 'M 100644 inline d/%s/%s.txt\ndata <<EOM\n%s %s\nEOM\n' $((k % 50)) "$k" "$a" "$k"
			done
		done
	} | git --git-dir="$HOME/remotes/r.git" fast-import --quiet
	b=$(git -C remotes/r.git rev-parse main)
	a=$(git -C remotes/r.git rev-parse main^)
	for ((k = 0; k < rounds; k++)); do
		git -C src/r reset -q --hard "$a"
		git -C src/r clean -qfd
		local log="$BATS_TEST_TMPDIR/race$k" op
		: >"$log"
		for op in update undo; do
			rm -f "$BATS_TEST_TMPDIR/stop"
			# odd rounds commit too (after which there is nothing to undo)
			local commit=
			if [ $((k % 2)) -eq 1 ]; then commit=commit; fi
			race_index src/r "$BATS_TEST_TMPDIR/stop" "$log" $commit &
			local pid=$!
			if [ "$op" = update ]; then run grove -a update; else run grove undo; fi
			touch "$BATS_TEST_TMPDIR/stop"
			wait "$pid"
			local rc=$status out=$output
			run kept src/r "$log"
			assert_success
			# a failure is git's lock met, or the branch moved meanwhile
			if [ "$rc" -eq 0 ]; then
				moves=$((moves + 1))
			else
				run echo "$out"
				assert_output --regexp 'index\.lock|moved|local changes|diverged|ahead'
			fi
			[ "$(git -C src/r rev-parse HEAD)" = "$b" ] || break
		done
		adds=$((adds + $(grep -c '^add' "$log")))
	done
	echo "# $rounds rounds: $moves moves made, $adds files added beside them, none lost" >&3
	[ "$moves" -gt 0 ]
}
