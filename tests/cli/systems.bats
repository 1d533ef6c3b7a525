#!/usr/bin/env bats
# Checkouts of other systems than git (issue 19): Mercurial and Subversion,
# the real programs, run myrepos' own commands for every action; native work
# stays git's; doctor leaves them be.

setup() {
	load helpers
	common_setup
	export HGUSER=tester HGPLAIN=1
	mkcloned g
	# Mercurial: a repository and its clone
	hg init remotes/h
	echo one >remotes/h/a.txt
	hg -R remotes/h commit -qAm first
	hg clone -q remotes/h src/h
	# Subversion: a repository and its working copy
	svnadmin create remotes/svn
	svn checkout -q "file://$HOME/remotes/svn" src/s
	echo one >src/s/a.txt
	svn add -q src/s/a.txt
	svn commit -q -m first src/s
	printf '[src/g]\ncheckout = git clone %s g\n\n' "$HOME/remotes/g.git" >.mrconfig
	printf '[src/h]\ncheckout = hg clone %s h\n\n' "$HOME/remotes/h" >>.mrconfig
	printf '[src/s]\ncheckout = svn co file://%s s\n\n' "$HOME/remotes/svn" >>.mrconfig
}

@test "status runs hg status and svn status in their checkouts, git's row stays native" {
	# myrepos' hg_status fails in a clone at revision 0: grove's does not
	run mr -d "$HOME" status
	assert_failure
	echo new >src/h/new.txt
	echo more >>src/s/a.txt
	run grove -a status
	assert_success
	assert_line --regexp '^src/g +main +=  +clean$'
	assert_line "grove status: $HOME/src/h"
	assert_line '? new.txt'
	assert_line "grove status: $HOME/src/s"
	assert_line --regexp '^M +a.txt$'
	assert_line "grove status: 2 of another system (hg, svn) ran myrepos' status command for it"
	refute_output --partial 'NOT A REPOSITORY'
	run grove -a --json status
	assert_line --partial '"path":"'"$HOME"'/src/h","own_command":true,"system":"hg",'
	# the filters read git's state: other systems are left out
	run grove -a status --dirty
	refute_output --partial 'src/h'
	refute_output --partial 'src/s'
}

@test "update pulls with hg and svn as myrepos does, and git natively" {
	upstream_commit g
	local tmp="$BATS_TEST_TMPDIR/hgwork"
	hg clone -q remotes/h "$tmp"
	echo two >>"$tmp/a.txt"
	hg -R "$tmp" commit -qm second
	hg -R "$tmp" push -q
	svn checkout -q "file://$HOME/remotes/svn" "$BATS_TEST_TMPDIR/svnwork"
	echo two >>"$BATS_TEST_TMPDIR/svnwork/a.txt"
	svn commit -q -m second "$BATS_TEST_TMPDIR/svnwork"
	run grove -a update
	assert_success
	assert_line 'grove update: 1 updated'
	assert_line "grove update: 2 of another system (hg, svn) ran myrepos' update command for it"
	run cat src/h/a.txt
	assert_output "$(printf 'one\ntwo')"
	run cat src/s/a.txt
	assert_output "$(printf 'one\ntwo')"
	run git -C src/g log --oneline
	assert_line --partial upstream
}

@test "an action myrepos defines for no such system is skipped, named; shell actions use the system's" {
	run grove -a fetch
	assert_success
	assert_line "grove fetch: no defined action for svn repository $HOME/src/s, skipping"
	assert_line --regexp '^grove fetch: finished \(2 ok; 1 skipped\)$'
	run grove -a log -l 1
	assert_success
	assert_line --partial 'summary:     first'
}

@test "doctor finds nothing wrong with them and --fix leaves them registered" {
	run grove -a doctor
	assert_success
	refute_output --partial 'not a repository'
	cp .mrconfig before
	run grove -a doctor --fix --yes
	assert_success
	run cmp before .mrconfig
	assert_success
}

@test "a registry command for a system overrides myrepos'" {
	printf '[DEFAULT]\nhg_status = echo my own hg status\n' | cat - .mrconfig >new && mv new .mrconfig
	run grove -a status
	assert_success
	assert_line 'my own hg status'
}

@test "--porcelain and --json: one line and one object per repository, with its system and result" {
	# issue 28: an svn home in a script's listing, and a git repository
	# with its own status command
	echo more >>src/s/a.txt
	mkcloned own
	printf '[src/own]\nstatus = echo own status\n\n' >>.mrconfig
	printf '[src/s]\nsvn_status = echo failing; false\n' >>.mrconfig
	run --separate-stderr grove -a status --porcelain
	assert_failure 1
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 --regexp "^$HOME/src/g	main	"
	assert_line --index 1 --regexp "^$HOME/src/h	-	-	-	-	-	-	-	-	-	-	-	-	-$"
	assert_line --index 2 --regexp "^$HOME/src/own	-	-	-	-	-	-	-	-	-	-	-	-	-$"
	assert_line --index 3 --regexp "^$HOME/src/s	-	-	-	-	-	-	-	-	-	-	-	-	its own status command failed$"
	run --separate-stderr grove -a status --porcelain=v2
	assert_failure 1
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 --regexp "^$HOME/src/g	main	.*	-	-	git	ok$"
	assert_line --index 1 --regexp "^$HOME/src/h	-	.*	-	hg	ok$"
	assert_line --index 2 --regexp "^$HOME/src/own	-	.*	-	git	ok$"
	assert_line --index 3 --regexp "^$HOME/src/s	-	.*	its own status command failed	svn	failed$"
	run --separate-stderr grove -a status --json
	assert_failure 1
	python3 -c '
import json, sys
objs = [json.loads(l) for l in sys.stdin]
repos = {o["path"].rsplit("/", 1)[1]: o for o in objs if o["type"] == "repo"}
assert len(repos) == 4 and len(objs) == 5, objs
want = {"g": ("git", "ok"), "h": ("hg", "ok"), "own": ("git", "ok"), "s": ("svn", "failed")}
for name, (system, result) in want.items():
    assert (repos[name]["system"], repos[name]["result"]) == (system, result), repos[name]
assert repos["s"]["error"] == "its own status command failed", repos["s"]
' <<<"$output"
}
