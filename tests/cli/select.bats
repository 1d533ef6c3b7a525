#!/usr/bin/env bats
# SPEC 2: which repositories an action works on

setup() {
	load helpers
	common_setup
	mkrepo src/a
	mkrepo src/a/sub
	mkrepo src/b
	mkrepo other/c
	cat >.mrconfig <<-'EOF'
	[src/a]
	groups = work
	[src/a/sub]
	[src/b]
	groups = work oss
	[other/c]
	groups = oss
	EOF
}

@test "the repositories at or below the working directory" {
	cd src
	run grove list
	assert_output "$(printf '%s\n' "$HOME/src/a" "$HOME/src/a/sub" "$HOME/src/b")"
}

@test "inside a repository with nothing below: the deepest one that holds it" {
	mkdir -p src/b/deep/folder && cd src/b/deep/folder
	run grove list
	assert_output "$HOME/src/b"
	run grove status
	assert_line --regexp '^~/src/b +main'
}

@test "-d acts as if run there" {
	run grove -d other list
	assert_output "$HOME/other/c"
	run grove -d "$HOME/src/a" list
	assert_output "$(printf '%s\n' "$HOME/src/a" "$HOME/src/a/sub")"
	run grove -d /nonexistent list
	assert_failure 2
}

@test "-d repeated: each adds what it selects, in registry order (issue 35)" {
	# registry order is myrepos': other/c before src/b
	run grove -d src/b -d other list
	assert_success
	assert_output "$(printf '%s\n' "$HOME/other/c" "$HOME/src/b")"
	# a folder under which nothing is registered adds the repository holding it
	mkdir -p src/a/sub/deep
	run grove -d src/a/sub/deep -d other list
	assert_output "$(printf '%s\n' "$HOME/other/c" "$HOME/src/a/sub")"
	# one selected twice is there once
	run grove -d src -d src/b list
	assert_output "$(printf '%s\n' "$HOME/src/a" "$HOME/src/a/sub" "$HOME/src/b")"
	# -g still narrows the whole
	run grove -d other -d src -g work list
	assert_output "$(printf '%s\n' "$HOME/src/a" "$HOME/src/b")"
	run grove -d other -d /nonexistent list
	assert_failure 2
	assert_output "grove: cannot use '/nonexistent' as the working directory"
}

@test "-r NAME selects by the last parts of a registered path, from anywhere (issue 35)" {
	cd src/a
	run grove -r c list
	assert_success
	assert_output "$HOME/other/c"
	run grove --repo a/sub -r b list
	assert_output "$(printf '%s\n' "$HOME/src/a/sub" "$HOME/src/b")"
	# -r and -d add up
	run grove -r c -d "$HOME/src/b" list
	assert_output "$(printf '%s\n' "$HOME/other/c" "$HOME/src/b")"
	# a trailing slash, as completion writes a folder, is the same name
	run grove -r sub/ list
	assert_output "$HOME/src/a/sub"
	# a part of a name is not a name
	run grove -r ub list
	assert_failure 1
	assert_output "grove list: no registered repository is named 'ub' (-r matches the last parts of a path: -r sub, -r a/sub)"
}

@test "-r with an ambiguous name lists the repositories it could be (issue 35)" {
	mkrepo other/b
	printf '[other/b]\n' >>.mrconfig
	run grove -r b status
	assert_failure 1
	assert_output "grove status: -r 'b' names 2 repositories: ~/other/b, ~/src/b; give more of the path (-r other/b)"
	run grove -r src/b list
	assert_success
	assert_output "$HOME/src/b"
	run grove -r other/b -r b/ list
	assert_failure 1
}

@test "-d names a registered repository that is not on disk: myrepos' recipe for a lazy one" {
	# issue 28: mr -f -d foo checkout clones a skip = lazy repository alone
	mkrepo "$BATS_TEST_TMPDIR/upstream"
	cat >>.mrconfig <<-EOF
	[lazy/one]
	checkout = git clone -q '$BATS_TEST_TMPDIR/upstream' one
	skip = lazy
	[lazy/two]
	checkout = git clone -q '$BATS_TEST_TMPDIR/upstream' two
	skip = lazy
	EOF
	run grove -f -d lazy/one list
	assert_success
	assert_output "$HOME/lazy/one"
	run grove -f -d lazy/one checkout
	assert_success
	assert [ -d lazy/one/.git ]
	assert [ ! -e lazy/two ]
	# a folder that is neither there nor registered is still refused
	run grove -d lazy/three list
	assert_failure 2
	assert_output --partial "cannot use 'lazy/three' as the working directory"
}

@test "-n and -n N limit the depth" {
	cd src/a
	run grove -n list
	assert_output "$HOME/src/a"
	cd "$HOME"
	run grove -n 2 list
	assert_output "$(printf '%s\n' "$HOME/other/c" "$HOME/src/a" "$HOME/src/b")"
	run grove --no-recurse 3 list
	assert_line "$HOME/src/a/sub"
}

@test "-a selects everything from anywhere" {
	mkdir -p /tmp/grove-select-$$ && cd /tmp/grove-select-$$
	run grove -a list
	[ "${#lines[@]}" -eq 4 ]
	rmdir /tmp/grove-select-$$
}

@test "-g selects by group, repeated -g means any" {
	run grove -a -g work list
	assert_output "$(printf '%s\n' "$HOME/src/a" "$HOME/src/b")"
	run grove -a -g oss -g work list
	[ "${#lines[@]}" -eq 3 ]
	# a group nobody is in is named, with the groups in use (issue 33)
	run grove -a --group=nobody list
	assert_failure 1
	assert_output "grove list: no repository is in group 'nobody'; the groups in use: oss, work"
	run grove -a -g nobody -g none status
	assert_failure 1
	assert_output "grove status: no repository is in group 'nobody' or 'none'; the groups in use: oss, work"
	# groups that exist, with nothing of them here
	cd src/a/sub
	run grove -g oss list
	assert_failure 1
	assert_output 'grove list: no repositories found to work on'
}

@test "list --json" {
	run grove -a -g oss list --json
	assert_success
	echo "$output" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert [r["type"] for r in rows] == ["repo", "repo", "summary"], rows
rows = rows[:2]
assert [r["path"].split("/")[-1] for r in rows] == ["c", "b"], rows
assert rows[0]["groups"] == "oss" and rows[0]["order"] == 10 and rows[0]["checkout"] is None
'
}

@test "list --groups names the groups in use; grove config edits them; -g follows" {
	run grove -a list --groups
	assert_success
	assert_output $'oss\nwork'
	cd src
	run grove list --groups
	assert_output $'oss\nwork'
	cd ..
	run grove -d other list --groups
	assert_output 'oss'
	run grove config src/a/sub groups='team, oss'
	assert_success
	run grove config src/a/sub groups
	assert_output 'team, oss'
	run grove -a list --groups
	assert_output $'oss\nteam\nwork'
	run grove -a -g team list
	assert_output "$HOME/src/a/sub"
	run grove -a list --groups --json
	assert_line --index 0 "{\"type\":\"group\",\"group\":\"oss\",\"repositories\":[\"$HOME/other/c\",\"$HOME/src/a/sub\",\"$HOME/src/b\"]}"
	assert_line --index 1 "{\"type\":\"group\",\"group\":\"team\",\"repositories\":[\"$HOME/src/a/sub\"]}"
	run grove config src/a/sub groups=
	run grove -a list --groups
	assert_output $'oss\nwork'
}

@test "a deleted = true folder that still exists is never worked on, and says so everywhere" {
	# issue 28: status showed made-up facts for it, --json had no error,
	# update said 'fetched 0 objects' and doctor saw no problem
	mkrepo old
	printf '[old]\ndeleted = true\n' >>.mrconfig
	local why='should be deleted yet still exists'
	run --separate-stderr grove -d old status
	assert_failure 1
	# (-d makes it the working directory: named as from below it)
	assert_output "~/old  ERROR
grove status: finished (1 failed)"
	assert_equal "$stderr" "grove status: failed: $HOME/old: $why"
	run grove -d old status --json
	assert_failure 1
	assert_line --index 0 --partial "\"path\":\"$HOME/old\""
	assert_line --index 0 --partial "\"error\":\"$why\""
	run grove -d old status --porcelain
	assert_failure 1
	assert_line --index 0 --regexp "^$HOME/old	"
	refute_output --partial '(detached)'
	run --separate-stderr grove -d old update
	assert_failure 1
	assert_output "grove update: finished (1 failed)"
	assert_equal "$stderr" "grove update: failed: $HOME/old: $why"
	run grove -d old update --json
	assert_line --index 0 --partial '"action":"failed"'
	assert_line --index 0 --partial "\"reason\":\"$why\""
	run grove -d old doctor
	assert_failure 1
	refute_output --partial 'no problems'
}
