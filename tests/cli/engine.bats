#!/usr/bin/env bats
# SPEC 3a: repositories libgit2 1.5 cannot read faithfully go through git
# and show the same facts; -v says which path each took.

setup() {
	load helpers
	common_setup
}

# same_facts DIR: grove's counts equal git's, and -v names the git engine
same_facts() {
	run grove_counts "$HOME/$1"
	assert_output "$(git_counts "$1")"
	run grove -a -v status
	assert_line --regexp "^grove status: $HOME/$1: read with git \\(($2)\\)$"
}

@test "sparse checkout" {
	mkcloned foo
	register src/foo
	mkdir -p src/foo/d && echo x >src/foo/d/x && echo y >src/foo/y
	git -C src/foo add . && git -C src/foo commit -qm more
	git -C src/foo sparse-checkout set --no-cone /d/ 2>/dev/null
	echo change >>src/foo/d/x
	same_facts src/foo "sparse checkout|extensions.worktreeConfig"
	run grove -a status
	assert_line --regexp '^src/foo +main +↑1 +~1$'
}

@test "split index" {
	mkcloned foo
	register src/foo
	git -C src/foo update-index --split-index
	echo change >>src/foo/a.txt
	echo new >src/foo/new.txt
	run grove_counts "$HOME/src/foo"
	assert_output "$(git_counts src/foo)"
	assert_output "0 1 0 1"
	run grove -a -v status
	assert_line --regexp "read with git \((index format|split index)\)"
}

@test "shallow clone" {
	mkcloned foo
	upstream_commit foo
	git clone -q --depth 1 "file://$HOME/remotes/foo.git" src/shallow
	register src/shallow
	local_commit src/shallow
	same_facts src/shallow "shallow clone"
	run grove -a status
	assert_line --regexp '^src/shallow +main +↑1 +clean$'
}

@test "files with a filter attribute (as Git LFS uses)" {
	mkrepo src/lfs
	register src/lfs
	cd src/lfs
	git config filter.upper.clean "tr a-z A-Z"
	git config filter.upper.smudge cat
	echo '*.up filter=upper' >.gitattributes
	echo hello >f.up
	git add . && git commit -qm filtered
	# the clean filter makes the work tree differ from the blob: libgit2
	# without the filter would call it modified, git does not
	touch -d '2020-01-01' f.up
	cd "$HOME"
	run grove_counts "$HOME/src/lfs"
	assert_output "$(git_counts src/lfs)"
	run grove -a status
	assert_line --regexp '^src/lfs +main +- +clean$'
}

@test "a repository format libgit2 cannot open (extensions.worktreeConfig)" {
	mkcloned foo
	register src/foo
	git -C src/foo config core.repositoryformatversion 1
	git -C src/foo config extensions.worktreeConfig true
	echo change >>src/foo/a.txt
	same_facts src/foo "repository format|extensions.worktreeConfig"
}

@test "a SHA-256 repository" {
	git init -q --object-format=sha256 src/sha
	echo x >src/sha/x && git -C src/sha add x && git -C src/sha commit -qm x
	echo y >src/sha/y
	register src/sha
	run grove -a -v status
	assert_success
	assert_line --regexp '^src/sha +main +- +\?1$'
	assert_line --partial "read with git (repository format)"
}

@test "git's answer when it cannot read the repository either is the error" {
	mkcloned foo
	register src/foo
	git -C src/foo config core.repositoryformatversion 1
	git -C src/foo config extensions.nosuchthing true
	run grove -a status
	assert_failure 1
	assert_line --regexp '^src/foo +ERROR$'
	assert_line --partial "grove status: failed: $HOME/src/foo: git status failed:"
}

@test "a large index, core.fsmonitor and core.untrackedCache go through git" {
	mkcloned foo
	mkcloned bar
	mkcloned baz
	register src/foo src/bar src/baz
	echo change >>src/foo/a.txt && echo new >src/foo/new.txt
	export GROVE_LARGE_INDEX=1
	same_facts src/foo "large index"
	run grove -a -v status
	assert_line "grove status: $HOME/src/bar: read with git (large index)"
	unset GROVE_LARGE_INDEX
	git -C src/bar config core.untrackedCache true
	echo change >>src/bar/a.txt
	same_facts src/bar "core.untrackedCache"
	printf '#!/bin/sh\nexit 1\n' >"$HOME/fsmonitor-hook" && chmod +x "$HOME/fsmonitor-hook"
	git -C src/baz config core.fsmonitor "$HOME/fsmonitor-hook"
	echo new >src/baz/new.txt
	same_facts src/baz "core.fsmonitor"
	# below the size, libgit2 reads it
	run grove -a -v status
	refute_line --partial "src/foo: read with git"
}

@test "through git, an operation in progress is named, in a plain repository and a linked worktree" {
	mkrepo src/foo
	register src/foo
	git -C src/foo checkout -qb other
	echo theirs >src/foo/a.txt && git -C src/foo commit -qam theirs
	git -C src/foo checkout -q main
	echo ours >src/foo/a.txt && git -C src/foo commit -qam ours
	git -C src/foo worktree add -q ../foo-wt -b wt other
	register src/foo-wt
	echo wt >src/foo-wt/a.txt && git -C src/foo-wt commit -qam wt
	run git -C src/foo merge other
	run git -C src/foo-wt merge main
	export GROVE_LARGE_INDEX=1
	run grove -a status
	assert_line --regexp '^src/foo +main +- +!1  merging$'
	assert_line --regexp '^src/foo-wt +wt +- +!1  merging$'
	unset GROVE_LARGE_INDEX
}

@test "many files with changed times go through git; a few stay with libgit2" {
	mkdir -p src
	git init -q src/t
	for i in $(seq 1 400); do echo "$i" >"src/t/f$i"; done
	git -C src/t add -A && git -C src/t commit -qm files
	register src/t
	touch -d '2001-01-01' src/t/f1 src/t/f2
	run grove -a -v status
	refute_line --partial "read with git"
	# a restore from backup: every file's time changed, no content
	touch -d '2001-01-01' src/t/f*
	run grove -a -v status
	assert_line "grove status: $HOME/src/t: read with git (touched files)"
	# git status refreshed the index, as it does: libgit2 again, same facts
	run grove -a -v status
	refute_line --partial "read with git"
	run grove_counts "$HOME/src/t"
	assert_output "$(git_counts src/t)"
}
