#!/usr/bin/env bats
# grove against myrepos: one set of repositories and one .mrconfig that use
# every feature grove shares with mr; each case runs `mr ARGS` and
# `grove ARGS` on fresh copies of the same tree and compares exit status,
# standard output and standard error, with "mr" replaced by "grove" at the
# start of lines. What is left to differ is in KNOWN-DIFFERENCES.md, and
# normalize_known below names the entry for each rewrite it makes.

setup_file() {
	# make deps installs myrepos; without it this suite proves nothing
	command -v mr >/dev/null || { echo "myrepos (mr) is not installed: run make deps" >&2; return 1; }
}

setup() {
	load ../cli/helpers
	common_setup
	FIXTURE="$BATS_TEST_TMPDIR/fixture"
	build_fixture
	cp -a "$HOME" "$FIXTURE"
}

# the tree every case starts from, built in $HOME (remote URLs name it),
# kept in $FIXTURE and copied back before each run
build_fixture() {
	local f=$HOME
	mkdir -p "$f/remotes" "$f/src"
	# a remote and its clone, behind by nothing, with a commit to push
	git init -q --bare "$f/remotes/shared.git"
	git clone -q "$f/remotes/shared.git" "$f/src/pushy" 2>/dev/null
	echo one >"$f/src/pushy/a.txt"
	git -C "$f/src/pushy" add a.txt
	git -C "$f/src/pushy" commit -qm first
	git -C "$f/src/pushy" push -q origin main
	echo two >>"$f/src/pushy/a.txt"
	# clean, dirty, untracked, a repository with its own .mrconfig chained in
	for r in clean dirty sub/inner; do
		git init -q "$f/src/$r"
		printf 'line one\nline two\nline three\n' >"$f/src/$r/file.txt"
		git -C "$f/src/$r" add file.txt
		git -C "$f/src/$r" commit -qm "init $r"
	done
	printf 'line one\nline 2\nline three\nline four\n' >"$f/src/dirty/file.txt"
	echo junk >"$f/src/dirty/junk.tmp"
	mkdir -p "$f/src/plain"
	echo "not a repository" >"$f/src/plain/README"
	cat >"$f/src/sub/.mrconfig" <<-'EOF2'
	[inner]
	greet = echo "inner greets $1"
	EOF2
	cat >"$f/.mrconfig" <<-'EOF2'
	[ALIAS]
	yo = hello
	gr = greet

	[DEFAULT]
	lib =
	    shout() {
	        echo "$*" | tr a-z A-Z
	    }
	hello = echo "hello from $(basename "$MR_REPO") with $# args: $*"
	greet_default = echo "default greeting $1"
	fail = echo "about to fail"; false
	env = echo "$MR_ACTION $(basename "$MR_CONFIG") $(basename "$MR_REPO") $(basename "$(pwd)")"
	loud = shout "quiet words"
	noisy = echo to-out; echo to-err >&2
	git_fetch = echo "fetching $(basename "$MR_REPO")"
	tested = echo tested

	[src/clean]
	greet = echo "clean greets $1"
	pre_hello = echo "before hello"
	post_hello = echo "after hello"

	[src/dirty]
	git_greet = echo "dirty git-greets $1"
	fail = echo "dirty fails differently" >&2; exit 3
	skip = [ "$1" = tested ]

	[src/plain]
	order = 5

	[src/pushy]
	pre_fail = echo "pre hook refuses"; false

	[src/gone]
	deleted = true

	[src/sub]
	chain = true
	skip = true

	[src/lazy]
	skip = lazy
	checkout = git clone -q "$HOME/remotes/shared.git" lazy
	EOF2
	echo "$HOME/src/sub/.mrconfig" >"$f/.mrtrust"
}

# a fresh copy of the fixture at $HOME, the same path for both tools
reset_tree() {
	cd /
	rm -rf "$HOME"
	cp -a "$FIXTURE" "$HOME"
}

# rewrites for differences KNOWN-DIFFERENCES.md lists, applied to mr's output
normalize_known() {
	# "Paths without a trailing slash"
	sed -E 's#(/src/[A-Za-z/]+)/([: )]|$)#\1\2#g; s#(/src/[A-Za-z/]+)/ #\1 #g' |
		# "No empty blocks for diff, grep and log": a header, then nothing
		awk '{
			if (held != "") { if ($0 == "") { held = ""; next } print held; held = "" }
			if ($0 ~ /^grove (diff|grep|log): \//) { held = $0; next }
			print
		} END { if (held != "") print held }'
}

# grove's side of a difference KNOWN-DIFFERENCES.md lists
normalize_grove() {
	# "Native actions print grove's own output": the count of repositories
	# that ran their own command for a native action
	sed -E '/^grove [a-z]+: [0-9]+ ran (its|their) own [a-z]+ command$/d'
}

# compare ARGS...: mr and grove agree on status, stdout and stderr
compare() {
	local mr_rc=0 grove_rc=0
	reset_tree
	(cd "$HOME/${CWD:-}" && mr "$@") >"$BATS_TEST_TMPDIR/mr.out" 2>"$BATS_TEST_TMPDIR/mr.err" </dev/null || mr_rc=$?
	reset_tree
	(cd "$HOME/${CWD:-}" && "$GROVE_BIN" "$@") >"$BATS_TEST_TMPDIR/grove.out" 2>"$BATS_TEST_TMPDIR/grove.err" </dev/null || grove_rc=$?
	local bad=0 stream
	for stream in out err; do
		sed -E 's/^mr( |:|$)/grove\1/' "$BATS_TEST_TMPDIR/mr.$stream" | normalize_known >"$BATS_TEST_TMPDIR/mr.$stream.n"
		normalize_grove <"$BATS_TEST_TMPDIR/grove.$stream" >"$BATS_TEST_TMPDIR/grove.$stream.n"
		if ! diff -u "$BATS_TEST_TMPDIR/mr.$stream.n" "$BATS_TEST_TMPDIR/grove.$stream.n" >"$BATS_TEST_TMPDIR/diff.$stream"; then
			echo "standard $stream of '$*' differs (- mr, + grove):"
			cat "$BATS_TEST_TMPDIR/diff.$stream"
			bad=1
		fi
	done
	if [ "$mr_rc" != "$grove_rc" ]; then
		echo "exit status of '$*': mr $mr_rc, grove $grove_rc"
		bad=1
	fi
	return $bad
}

@test "compat: run, with arguments" {
	compare run echo hi
	compare run printf '%s|' 'two words' '$HOME' -x
	compare run false
}

@test "compat: user-defined actions from DEFAULT and sections, git_ACTION, ACTION_default" {
	compare hello a 'b c'
	compare greet X
	compare env
	compare loud
}

@test "compat: lib, chain, order, skip, deleted, lazy" {
	compare tested
	compare -f tested
	compare -d src/sub greet Y
	compare -d src/sub -f greet Y
}

@test "compat: a chained file's repositories in myrepos' order: order, file's folder, section" {
	# issue 28: src/zed sorts after src/sub/inner by path, but its file's
	# folder (~) sorts before the chained file's (~/src/sub)
	git init -q "$FIXTURE/src/zed"
	printf '\n[src/zed]\n' >>"$FIXTURE/.mrconfig"
	compare -f tested
	compare -f -j 1 tested
}

@test "compat: pre_ and post_ hooks, failing commands and hooks" {
	compare hello
	compare fail
	compare -d src/pushy fail
}

@test "compat: -q, -m, -s and their mixes" {
	compare -q hello
	compare -q fail
	compare -m hello
	compare -m run true
	# (standard error of a failing command with -m: KNOWN-DIFFERENCES.md)
	compare -m -d src/clean fail
	compare -q -m noisy
	compare -s fail
	compare -s -q fail
}

@test "compat: aliases and unique prefixes" {
	compare yo 1
	compare gr Z
	compare hell
	compare nois
}

@test "compat: log, grep, clean, record, commit, push" {
	compare -d src/clean log --format='%s %an'
	compare grep -n line
	compare grep nothing-matches-this
	compare clean
	compare -d src/dirty clean -f
	compare -d src/dirty record -m recorded
	compare -d src/pushy commit -m 'commit and push'
	compare -d src/pushy push
}

@test "compat: diff is git diff, made natively" {
	# (a folder that is not a repository: KNOWN-DIFFERENCES.md)
	compare -d src/clean diff
	compare -d src/dirty diff
	compare -d src/pushy diff
}

@test "compat: a registry override of a native action runs, as with myrepos" {
	# a folder that is no repository fails in other words (KNOWN-DIFFERENCES.md)
	sed -i '/^\[src\/plain\]$/,/^$/d' "$FIXTURE/.mrconfig"
	compare fetch
	# (an option word fetch does not know is refused, even where a repository
	# runs its own command: KNOWN-DIFFERENCES.md, option words)
	compare -d src/clean fetch
}

@test "compat: selection with -d and -n, and nothing selected" {
	compare -d src/clean run pwd
	CWD=src/clean compare run pwd
	CWD=src/clean compare -n run pwd
	CWD=src/sub compare -n 1 run pwd
}

@test "compat: one overridden update; myrepos merges a diverged repository, grove leaves it untouched" {
	# a tree of its own: the fixture's registry overrides fetch for everyone
	cd / && rm -rf "$HOME" && mkdir -p "$HOME" && cd "$HOME"
	git config --global init.defaultBranch main
	git config --global pull.rebase false
	mkcloned over
	mkcloned div
	local_commit src/div
	upstream_commit div
	cat >.mrconfig <<-'EOF2'
	[src/over]
	update = echo "own update of $(basename "$MR_REPO")"

	[src/div]
	checkout = git clone -q "$HOME/remotes/div.git" div
	EOF2
	local before; before=$(git -C src/div rev-parse HEAD)
	cp -a "$HOME" "$BATS_TEST_TMPDIR/tree"
	run mr update
	assert_line 'own update of over'
	# myrepos' git pull merged: a commit with two parents
	run git -C src/div rev-list --parents -n 1 HEAD
	assert_output --regexp '^[0-9a-f]{40} [0-9a-f]{40} [0-9a-f]{40}$'
	cd / && rm -rf "$HOME" && cp -a "$BATS_TEST_TMPDIR/tree" "$HOME" && cd "$HOME"
	run "$GROVE_BIN" update
	assert_failure 1
	assert_line 'own update of over'
	assert_line "grove update: failed: $HOME/src/div: diverged (1 ahead, 1 behind): not updated (grove update --rebase, or merge by hand)"
	assert_line 'grove update: 1 ran its own update command'
	run git -C src/div rev-parse HEAD
	assert_output "$before"
	run git -C src/div status --porcelain
	assert_output ''
}

# issue 28: a registry that leans on hooks, as real dotfiles setups do: a
# [DEFAULT] post_checkout, a section's own post_checkout that chmods, pre_
# and post_update, a failing pre_update, fixups on standard error, a deleted
# folder that is still there, a chained file with order, a lazy repository.
# Every hook logs "REPO|HOOK|MR_ACTION|WORKING-DIR" and prints a "hook:"
# line on standard output and one on standard error.
build_hooked_home() {
	cd / && rm -rf "$HOME" && mkdir -p "$HOME" && cd "$HOME"
	git config --global init.defaultBranch main
	git config --global pull.rebase false
	local n
	for n in a fail gone new pass lazy ch; do mkcloned "$n"; done
	rm -rf src/new src/pass src/lazy
	mkdir -p src/sub && mv src/ch src/sub/ch
	upstream_commit a
	cat >.mrconfig <<-EOF2
	[DEFAULT]
	lib =
	    hook() {
	        echo "\$(basename "\$MR_REPO")|\$1|\$MR_ACTION|\$(pwd | sed "s#^\$HOME#~#")" >>"\$HOME/hooks.log"
	        echo "hook: \$1 \$(basename "\$MR_REPO") out"
	        echo "hook: \$1 \$(basename "\$MR_REPO") err" >&2
	    }
	post_checkout = hook post_checkout; git -C "\$MR_REPO" remote add mirror "\$HOME/remotes/mirror.git"
	pre_update = hook pre_update
	post_update = hook post_update
	fixups = hook fixups
	pre_status = hook pre_status
	post_status = hook post_status
	pre_fetch = hook pre_fetch
	post_fetch = hook post_fetch
	pre_diff = hook pre_diff
	post_diff = hook post_diff

	[src/a]
	checkout = git clone '$HOME/remotes/a.git' 'a'

	[src/new]
	checkout = git clone '$HOME/remotes/new.git' 'new'

	[src/pass]
	checkout = git clone "\$HOME/remotes/pass.git" pass
	post_checkout = hook post_checkout-pass; chmod go-rwx "\$MR_REPO"

	[src/lazy]
	checkout = git clone '$HOME/remotes/lazy.git' 'lazy'
	skip = lazy

	[src/fail]
	pre_update = hook pre_update-refuses; false

	[src/gone]
	deleted = true

	[src/sub]
	chain = true
	skip = true
	EOF2
	cat >src/sub/.mrconfig <<-'EOF2'
	[ch]
	order = 5
	pre_update = hook pre_update-chained
	EOF2
	echo "$HOME/src/sub/.mrconfig" >.mrtrust
	cp -a "$HOME" "$BATS_TEST_TMPDIR/hooked"
}

# the facts a hooked run leaves: the hook log (each repository's lines in
# their order; grove's jobs run at once), modes, remotes
hooked_facts() {
	echo "== hooks"
	[ ! -e "$HOME/hooks.log" ] || sort -s -t'|' -k1,1 "$HOME/hooks.log"
	echo "== modes and remotes"
	local d
	for d in "$HOME"/src/* "$HOME"/src/sub/*; do
		[ -d "$d/.git" ] || continue
		stat -c '%a %n' "$d"
		git -C "$d" remote -v
	done
}

# compare_hooked ARGS...: under mr and grove, the same exit status, the
# same "hook:" lines on each stream in the same order, the same facts
# ($FACTS, hooked_facts by default), and the "should be deleted" error on
# standard error or not
compare_hooked() {
	local mr_rc=0 grove_rc=0 t=$BATS_TEST_TMPDIR tool bad=0 f
	for tool in mr grove; do
		cd / && rm -rf "$HOME" && cp -a "$t/hooked" "$HOME" && cd "$HOME"
		local bin=mr rc=0
		[ "$tool" = mr ] || bin=$GROVE_BIN
		"$bin" "$@" >"$t/$tool.out" 2>"$t/$tool.err" </dev/null || rc=$?
		eval "${tool}_rc=$rc"
		grep '^hook:' "$t/$tool.out" >"$t/$tool.hooks-out" || true
		grep '^hook:' "$t/$tool.err" >"$t/$tool.hooks-err" || true
		# (grove lists its failures again at the end)
		grep -c 'should be deleted yet still exists' "$t/$tool.err" | sed 's/^[1-9][0-9]*$/some/' >"$t/$tool.deleted" || true
		"${FACTS:-hooked_facts}" >"$t/$tool.facts"
	done
	for f in hooks-out hooks-err deleted facts; do
		if ! diff -u "$t/mr.$f" "$t/grove.$f" >"$t/diff.$f"; then
			echo "$f of '$*' differs (- mr, + grove):"
			cat "$t/diff.$f"
			bad=1
		fi
	done
	if [ "$mr_rc" != "$grove_rc" ]; then
		echo "exit status of '$*': mr $mr_rc, grove $grove_rc"
		bad=1
	fi
	if [ $bad = 1 ]; then
		echo "--- mr's output:"; cat "$t/mr.out"; echo "--- mr's errors:"; cat "$t/mr.err"
		echo "--- grove's output:"; cat "$t/grove.out"; echo "--- grove's errors:"; cat "$t/grove.err"
	fi
	return $bad
}

@test "compat: hooks around update, clones, fixups and the lazy checkout, as myrepos runs them" {
	build_hooked_home
	compare_hooked update
	compare_hooked -q update
	compare_hooked -f -d src/lazy checkout
	compare_hooked checkout
}

@test "compat: hooks around status, fetch and diff" {
	build_hooked_home
	# the folders that are not there yet fail in other words
	# (KNOWN-DIFFERENCES.md, a missing folder): only those that are
	sed -i '/^\[src\/\(new\|pass\|lazy\)\]$/,/^$/d' "$BATS_TEST_TMPDIR/hooked/.mrconfig"
	compare_hooked status
	compare_hooked fetch
	compare_hooked diff
}

# myrepos' own example configuration (tests/fixtures/myrepos), as its
# author used it: lib functions in skip tests, include of myrepos' plug-ins
# (whose stow plug-in appends to post_checkout and post_update and runs mr
# inside them), order, shell checkouts, a checkout that only makes a
# folder, fixups. Its clone URLs point at local repositories here; the
# home folder is itself a checkout ([.]).
build_example_home() {
	cd / && rm -rf "$HOME" && mkdir -p "$HOME" && cd "$HOME"
	git config --global init.defaultBranch main
	local n r=$HOME/remotes
	for n in home home-etc cron; do
		mkrepo "$BATS_TEST_TMPDIR/seed-$n"
		git clone -q --bare "$BATS_TEST_TMPDIR/seed-$n" "$r/$n.git"
	done
	git init -q && git remote add origin "$r/home.git" && git fetch -q origin
	git reset -q origin/main && git branch -q -u origin/main
	printf '/*\n' >.git/info/exclude
	sed -e "s#git://git.kitenet.net/joey/\([a-z-]*\)#$r/\1.git#" \
		-e "s#ssh://git.kitenet.net/srv/git/kitenet.net/joey/\([a-z-]*\)#$r/\1.git#" \
		"$BATS_TEST_DIRNAME/../fixtures/myrepos/mrconfig.complex" >.mrconfig
	# [tmp]'s fixups
	mkdir bin
	printf '#!/bin/sh\necho "hook: fixups in $(pwd) for $MR_REPO"\necho "$MR_REPO|fixups|$MR_ACTION|$(pwd)" >>"$HOME/hooks.log"\n' >bin/fixups
	chmod +x bin/fixups
	cp -a "$HOME" "$BATS_TEST_TMPDIR/hooked"
}

# what myrepos' example leaves: the folders, each checkout's commit and
# remotes, what fixups logged, the stow plug-in's folder
example_facts() {
	echo "== hooks"
	[ ! -e "$HOME/hooks.log" ] || cat "$HOME/hooks.log"
	echo "== folders"
	(cd "$HOME" && find . -maxdepth 1 ! -name .local ! -name hooks.log | sort)
	local d
	for d in "$HOME" "$HOME/.etc" "$HOME/.cron"; do
		[ -d "$d/.git" ] || continue
		echo "== $d"
		git -C "$d" rev-parse HEAD
		git -C "$d" remote -v
	done
	stat -c '%a %n' "$HOME/tmp" 2>/dev/null || true
}

@test "compat: myrepos' own example configuration, with its plug-ins, under mr and grove" {
	# (grove's run log in ~/.local is left out of the facts)
	build_example_home
	FACTS=example_facts compare_hooked update
	FACTS=example_facts compare_hooked checkout
	FACTS=example_facts compare_hooked -q update
}
