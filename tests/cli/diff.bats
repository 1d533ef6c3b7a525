#!/usr/bin/env bats
# diff: git diff's own output, in the repositories that have something to show

setup() {
	load helpers
	common_setup
}

# the block grove prints for one repository whose git diff prints $2
expect_block() {
	printf 'grove diff: %s\n%s\n' "$1" "$2"
}

# grove diff ARGS for one repository, without the header, the blank line and the summary
grove_diff_body() {
	local repo=$1
	shift
	grove -d "$repo" diff "$@" | sed '1d' | sed '$d' | sed '$d'
}

@test "work tree against index: the same hunks as git diff over many random edits" {
	mkdir -p src
	git init -q src/r
	cd src/r
	# C-like text where the indent heuristic changes where hunks fall
	for i in $(seq 1 60); do
		printf 'int f%d(void)\n{\n\tif (x) {\n\t\treturn %d;\n\t}\n\n\treturn 0;\n}\n\n' "$i" "$i"
	done >code.c
	seq 1 200 >nums.txt
	printf 'no newline at end' >tail.txt
	git add . && git commit -qm base
	cd "$HOME"
	printf '[src/r]\n' >.mrconfig
	for round in $(seq 1 25); do
		git -C src/r checkout -q -- .
		RANDOM=$round
		awk -v seed=$round 'BEGIN { srand(seed) } { if (rand() < 0.04) print "\t/* inserted */\n\tif (y) {\n\t\treturn 1;\n\t}\n"; if (rand() > 0.03) print }' src/r/code.c >src/r/tmp && mv src/r/tmp src/r/code.c
		awk -v seed=$round 'BEGIN { srand(seed + 7) } { if (rand() > 0.05) print; else print $0 "x" }' src/r/nums.txt >src/r/tmp && mv src/r/tmp src/r/nums.txt
		[ $((round % 3)) -eq 0 ] && printf 'now with newline\n' >src/r/tail.txt
		want=$(git -C src/r diff)
		got=$(grove_diff_body src/r)
		[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); fail "round $round differs"; }
	done
}

@test "--cached, renames, new and deleted files, binary files, modes, unborn HEAD" {
	mkdir -p src
	git init -q src/r
	seq 1 50 >src/r/moved.txt
	echo gone >src/r/gone.txt
	echo x >src/r/script.sh
	git -C src/r add . && git -C src/r commit -qm base
	git -C src/r mv moved.txt renamed.txt
	git -C src/r rm -q gone.txt
	printf 'new\n' >src/r/new.txt
	printf '\000\001binary' >src/r/blob.bin
	chmod +x src/r/script.sh
	git -C src/r add -A
	printf '[src/r]\n' >.mrconfig
	want=$(git -C src/r diff --cached)
	got=$(grove_diff_body src/r --cached)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); false; }
	got=$(grove_diff_body src/r --staged)
	[ "$got" = "$want" ]

	git init -q src/u
	echo first >src/u/f
	git -C src/u add f
	printf '[src/u]\n' >>.mrconfig
	want=$(git -C src/u diff --cached)
	got=$(grove_diff_body src/u --cached)
	[ "$got" = "$want" ]
}

@test "--stat is git's diffstat: widths, scaling, long names, renames, binary" {
	mkdir -p src
	git init -q src/r
	mkdir -p src/r/a/deep/folder
	seq 1 400 >src/r/big.txt
	seq 1 10 >src/r/a/deep/folder/with-a-rather-long-file-name-that-needs-shortening-in-the-stat.txt
	seq 1 30 >src/r/a/deep/folder/old-name.txt
	printf '\000bin' >src/r/b.bin
	git -C src/r add . && git -C src/r commit -qm base
	seq 100 700 >src/r/big.txt
	seq 5 12 >src/r/a/deep/folder/with-a-rather-long-file-name-that-needs-shortening-in-the-stat.txt
	printf '\000binary grew' >src/r/b.bin
	printf '[src/r]\n' >.mrconfig
	for cols in 80 40 200; do
		want=$(COLUMNS=$cols git -C src/r diff --stat)
		got=$(COLUMNS=$cols grove_diff_body src/r --stat)
		[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); fail "COLUMNS=$cols"; }
	done
	git -C src/r add -A
	git -C src/r mv a/deep/folder/old-name.txt a/deep/folder/new-name.txt
	want=$(git -C src/r diff --cached --stat)
	got=$(grove_diff_body src/r --cached --stat)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); false; }
}

@test "colour is git's colour" {
	mkdir -p src
	mkrepo src/r
	printf 'one\nadded with trailing space  \n' >src/r/a.txt
	printf '[src/r]\n' >.mrconfig
	want=$(git -C src/r diff --color=always)
	got=$(grove --color=always -d src/r diff | sed '1d' | sed '$d' | sed '$d')
	[ "$got" = "$want" ] || { diff <(echo "$want" | cat -v) <(echo "$got" | cat -v); false; }
}

@test "clean repositories print nothing, their header with -v; pathspecs; skip" {
	mkdir -p src
	mkrepo src/clean
	mkrepo src/dirty
	echo more >>src/dirty/a.txt
	echo other >src/dirty/b.txt
	git -C src/dirty add b.txt
	git -C src/dirty commit -qm b
	echo changed >>src/dirty/b.txt
	mkrepo src/skipped
	echo x >>src/skipped/a.txt
	printf '[src/clean]\n[src/dirty]\n[src/skipped]\nskip = true\n' >.mrconfig
	run grove -v diff
	assert_success
	assert_line --index 0 "grove diff: $HOME/src/clean"
	assert_line --index 1 "grove diff: $HOME/src/dirty"
	assert_output --partial "diff --git a/a.txt b/a.txt"
	assert_line --index -1 "grove diff: finished (2 ok; 1 skipped)"
	run grove diff
	assert_success
	refute_output --partial "src/clean"
	assert_line --index 0 "grove diff: $HOME/src/dirty"
	assert_line --index -1 "grove diff: finished (2 ok; 1 skipped)"
	run grove -m diff
	assert_success
	refute_output --partial "src/clean"
	assert_line --index 0 "grove diff: $HOME/src/dirty"
	run grove diff b.txt
	assert_success
	refute_output --partial "a/a.txt"
	assert_output --partial "diff --git a/b.txt b/b.txt"
	run grove -q diff
	assert_success
	assert_output ""
}

@test "a repository that is missing or not a repository fails; others still print" {
	mkdir -p src/plain
	mkrepo src/ok
	echo x >>src/ok/a.txt
	printf '[src/gone]\n[src/ok]\n[src/plain]\n' >.mrconfig
	run grove diff
	assert_failure 1
	# the whole output: each failure names its repository where it happens,
	# and again after the summary
	assert_output "grove diff: $HOME/src/gone
grove diff: failed: $HOME/src/gone: missing

grove diff: $HOME/src/ok
$(git -C src/ok diff)

grove diff: $HOME/src/plain
grove diff: failed: $HOME/src/plain: not a git repository

grove diff: finished (1 ok; 2 failed)
grove diff: failed: $HOME/src/gone: missing
grove diff: failed: $HOME/src/plain: not a git repository"
}

@test "files with filter attributes are diffed by git" {
	mkdir -p src
	mkrepo src/r
	git -C src/r config filter.upper.clean "tr a-z A-Z"
	git -C src/r config filter.upper.smudge cat
	echo '*.up filter=upper' >src/r/.gitattributes
	echo 'hello' >src/r/f.up
	git -C src/r add . && git -C src/r commit -qm filtered
	echo 'hello again' >src/r/f.up
	printf '[src/r]\n' >.mrconfig
	want=$(git -C src/r diff)
	run grove diff
	assert_success
	assert_output --partial "$want"
}

@test "on a terminal the diff goes through the pager" {
	command -v script >/dev/null || skip "no script(1)"
	mkdir -p src
	mkrepo src/r
	echo x >>src/r/a.txt
	printf '[src/r]\n' >.mrconfig
	GIT_PAGER="cat >$HOME/paged.txt" script -qec "$GROVE_BIN --color=never diff" /dev/null >/dev/null
	run cat "$HOME/paged.txt"
	assert_output --partial "grove diff: $HOME/src/r"
	assert_output --partial "+x"
	assert_output --partial "grove diff: finished (1 ok)"
	# not on a pipe
	rm "$HOME/paged.txt"
	GIT_PAGER="cat >$HOME/paged.txt" grove diff >/dev/null
	[ ! -e "$HOME/paged.txt" ]
}

@test "colour: function names in hunk headers, missing newlines, deletions" {
	mkdir -p src
	git init -q src/r
	{ echo 'int main(void)'; echo '{'; seq 1 10; echo '}'; } >src/r/g.c
	printf 'nonl' >src/r/h
	printf 'a\nb\n' >src/r/d
	git -C src/r add . && git -C src/r commit -qm base
	sed -i 's/^8$/eight/' src/r/g.c
	printf 'nonl2' >src/r/h
	printf 'a\n   \nz\n' >src/r/d
	printf '[src/r]\n' >.mrconfig
	want=$(git -C src/r diff --color=always)
	got=$(grove --color=always -d src/r diff | sed '1d' | sed '$d' | sed '$d')
	[ "$got" = "$want" ] || { diff <(echo "$want" | cat -v) <(echo "$got" | cat -v); false; }
}
