#!/usr/bin/env bats
# selection filters for every action, combined with AND; status
# --exit-code; the option parser's errors (issue 18)

setup() {
	load helpers
	common_setup
}

# one repository per state a filter selects
make_states() {
	local r
	for r in ahead behind clean detached dirty gone merging noup stashed; do mkcloned $r; done
	register src/ahead src/behind src/clean src/detached src/dirty src/gone src/merging \
		src/noup src/stashed src/missing
	local_commit src/ahead
	upstream_commit behind && git -C src/behind fetch -q
	git -C src/detached checkout -q --detach
	echo x >>src/dirty/a.txt
	git -C src/gone checkout -q -b feature && git -C src/gone push -q -u origin feature
	git -C "$HOME/remotes/gone.git" branch -q -D feature && git -C src/gone fetch -q --prune
	git -C src/merging checkout -q -b side
	echo side >src/merging/a.txt && git -C src/merging commit -qam side
	git -C src/merging checkout -q main
	echo main >src/merging/a.txt && git -C src/merging commit -qam main
	git -C src/merging merge side >/dev/null 2>&1 || true
	git -C src/noup branch -q --unset-upstream
	echo s >>src/stashed/a.txt && git -C src/stashed stash -q
}

# the repositories `grove list` selects with these options, by name
selected() {
	grove -a list "$@" | sed "s|^$HOME/src/||" | tr '\n' ' '
}

@test "each filter selects its repositories, for any action" {
	make_states
	[ "$(selected --dirty)" = "dirty merging " ]
	[ "$(selected --clean)" = "ahead behind clean detached gone noup stashed " ]
	[ "$(selected --ahead)" = "ahead merging " ]
	[ "$(selected --behind)" = "behind " ]
	[ "$(selected --diverged)" = "" ]
	[ "$(selected --stashed)" = "stashed " ]
	[ "$(selected --no-upstream)" = "noup " ]
	[ "$(selected --detached)" = "detached " ]
	[ "$(selected --gone)" = "gone " ]
	[ "$(selected --in-progress)" = "merging " ]
}

@test "several filters must all hold" {
	make_states
	[ "$(selected --dirty --ahead)" = "merging " ]
	[ "$(selected --dirty --in-progress --ahead)" = "merging " ]
	[ "$(selected --clean --ahead)" = "ahead " ]
	[ "$(selected --dirty --clean)" = "" ]
	# before the action or after it
	[ "$(grove -a --dirty --ahead list | wc -l)" -eq 1 ]
}

@test "grove --dirty run git stash stashes in the dirty ones only" {
	make_states
	run grove -a --dirty --clean run true
	assert_success
	assert_output 'grove run: finished (0 ok)'
	# what this git says when it refuses to stash a merge with a conflict,
	# from a copy of the repository: git 2.47 adds a line on standard
	# error to what 2.39 prints on standard output
	cp -r src/merging "$BATS_TEST_TMPDIR/merging"
	run -1 --separate-stderr git -C "$BATS_TEST_TMPDIR/merging" stash -q
	assert_output "a.txt: needs merge"
	local git_err=$stderr
	run --separate-stderr grove -a --dirty run git stash -q
	assert_failure 1
	# said as myrepos says it, each stream on its own
	assert_output "grove run: $HOME/src/dirty

grove run: $HOME/src/merging
a.txt: needs merge

grove run: finished (1 ok; 1 failed)"
	assert_equal "$stderr" "${git_err:+$git_err
}grove run: command failed"
	[ "$(git -C src/dirty stash list | wc -l)" -eq 1 ]
	[ -z "$(git -C src/dirty status --porcelain)" ]
	[ "$(git -C src/clean stash list | wc -l)" -eq 0 ]
	[ "$(git -C src/stashed stash list | wc -l)" -eq 1 ]
}

@test "filters on network actions: only the behind one is updated" {
	make_states
	local was; was=$(git -C src/ahead rev-parse HEAD)
	run grove -a --behind update
	assert_success
	assert_line --regexp "^src/behind +updated "
	assert_line 'grove update: finished (1 ok)'
	refute_output --partial src/ahead
	[ "$(git -C src/behind rev-parse HEAD)" = "$(git -C "$HOME/remotes/behind.git" rev-parse main)" ]
	[ "$(git -C src/ahead rev-parse HEAD)" = "$was" ]
}

@test "status: a failure shows whatever the filters, and is counted" {
	make_states
	run grove -a status --dirty
	assert_failure 1
	# the path column is as wide as every selected path, filtered or not
	assert_line --regexp '^src/missing +MISSING$'
	assert_line --regexp '^src/dirty +main'
	refute_line --partial 'src/clean '
	assert_line 'grove status: finished (2 ok; 1 failed)'
}

@test "status --exit-code: 1 when anything is not clean and in sync" {
	mkcloned a
	mkcloned b
	register src/a src/b
	run grove -a status --exit-code
	assert_success
	run grove -a -q status --exit-code
	assert_success
	assert_output ''
	echo x >>src/b/a.txt
	run grove -a -q status --exit-code
	assert_failure 1
	assert_output ''
	run grove -a -q --clean status --exit-code
	assert_success
	# without --exit-code a dirty repository is no failure
	run grove -a status
	assert_success
}

@test "option errors: ranges, typos, another action's option, with that action's usage" {
	mkrepo src/a
	printf '[src/a]\n' >.mrconfig
	run grove -n 99999999999 list
	assert_failure 2
	assert_output --partial "grove: -n takes a depth from 0 to 2147483647, not '99999999999'"
	run grove -j 0 -a status
	assert_failure 2
	assert_output --partial "grove: -j takes a number from 1 to 4096, not '0'"
	run grove -a status --lnog
	assert_failure 2
	assert_output "grove status: unknown option '--lnog'; did you mean '--long'?
usage: grove [options] status [-l|--long] [--porcelain[=v1|v2]|--json] [--exit-code]"
	run grove -a status --rebase
	assert_failure 2
	assert_output "grove status: option '--rebase' does not apply to this action
usage: grove [options] status [-l|--long] [--porcelain[=v1|v2]|--json] [--exit-code]"
	run grove -a statsu
	assert_failure 2
	assert_output --partial 'grove: unknown action "statsu"; did you mean "status"?'
	run grove -a list --no-recurse=x
	assert_failure 2
	# a cluster with a letter no option has (the fuzzer's find)
	run grove -nqZ list
	assert_failure 2
	assert_output --partial "grove list: unknown option '-nqZ'"
}
