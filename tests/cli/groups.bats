#!/usr/bin/env bats
# Groups as gita and mani users use them (issue 35): -g a+b for both,
# grove group add/rm/rename, register -r --group-by-folder

setup() {
	load helpers
	common_setup
	mkrepo src/a
	mkrepo src/b
	mkrepo other/c
	cat >.mrconfig <<-'EOF2'
	[src/a]
	groups = work
	[src/b]
	groups = work oss
	[other/c]
	groups = oss
	EOF2
}

@test "-g a+b selects repositories in both groups; -g a -g b stays either" {
	run grove -a -g work+oss list
	assert_success
	assert_output "$HOME/src/b"
	run grove -a -g oss+work -g nobody+work list
	assert_output "$HOME/src/b"
	run grove -a -g work -g oss list
	assert_output "$(printf '%s\n' "$HOME/other/c" "$HOME/src/a" "$HOME/src/b")"
	# a group in a+b that nobody is in is named as a single one is
	run grove -a -g work+nobody list
	assert_failure 1
	assert_output "grove list: no repository is in group 'nobody'; the groups in use: oss, work"
}

@test "group add NAME REPO... adds the group to each, keeping the others and the rest of the file" {
	printf '# my notes\n' >>.mrconfig
	run grove group add team src/a other/c
	assert_success
	assert_output "grove group: team added to 2 repositories"
	run grove config src/a groups
	assert_output 'work team'
	run grove config other/c groups
	assert_output 'oss team'
	run grep -c '^# my notes$' .mrconfig
	assert_output 1
	# already there: nothing written for it
	run grove group add team src/a src/b
	assert_output "grove group: team added to 1 repository (1 already in it)"
	run grove config src/b groups
	assert_output 'work oss team'
	run grove -a -g team list
	assert_output "$(printf '%s\n' "$HOME/other/c" "$HOME/src/a" "$HOME/src/b")"
}

@test "group add without REPO takes the selection: -r, -d, -g" {
	run grove -r c -r a group add picked
	assert_success
	run grove -a -g picked list
	assert_output "$(printf '%s\n' "$HOME/other/c" "$HOME/src/a")"
	cd src
	run grove group add here
	run grove -a -g here list
	assert_output "$(printf '%s\n' "$HOME/src/a" "$HOME/src/b")"
}

@test "group rm NAME [REPO...]: from those, or from every repository; the last group takes the key" {
	run grove group rm oss other/c
	assert_success
	assert_output "grove group: oss removed from 1 repository"
	run grove config other/c groups
	assert_failure 1
	run grep -A1 '^\[other/c\]' .mrconfig
	assert_output '[other/c]'
	run grove group rm work
	assert_output "grove group: work removed from 2 repositories"
	run grove -a list --groups
	assert_output 'oss'
	run grove group rm nobody
	assert_failure 1
	assert_output "grove group: no repository is in group 'nobody'; the groups in use: oss"
}

@test "group rename OLD NEW renames it everywhere, and merges into a group already there" {
	run grove group rename work job
	assert_success
	assert_output "grove group: work renamed to job in 2 repositories"
	run grove config src/b groups
	assert_output 'job oss'
	run grove group rename oss job
	run grove config src/b groups
	assert_output 'job'
	run grove -a list --groups
	assert_output 'job'
}

@test "group names are checked: no spaces, commas, + or option-like names" {
	run grove group add 'two words' src/a
	assert_failure 2
	assert_output "grove group: 'two words' is not a group name (letters, digits, . _ -, not first -)"
	run grove group add a+b src/a
	assert_failure 2
	run grove group add -- -x src/a
	assert_failure 2
	run grove group add team src/nope
	assert_failure 1
	assert_output --partial "src/nope is not registered"
	run grove group frob
	assert_failure 2
	assert_output --partial 'usage: grove group add NAME [REPO...]'
}

@test "register -r --group-by-folder: each repository gets its parent folder's name, as gita add -a" {
	rm .mrconfig
	mkrepo work/api
	mkrepo work/web
	mkrepo oss/lib
	run grove register --group-by-folder -r work -r oss
	assert_success
	run grove -a -g work list
	assert_output "$(printf '%s\n' "$HOME/work/api" "$HOME/work/web")"
	run grove -a -g oss list
	assert_output "$HOME/oss/lib"
	run grove config work/api groups
	assert_output 'work'
}
