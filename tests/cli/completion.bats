#!/usr/bin/env bats
# shell completion: bash, zsh and fish scripts in config/completions, all
# asking `grove __complete` what fits

setup() {
	load helpers
	common_setup
	COMPLETIONS="$BATS_TEST_DIRNAME/../../config/completions"
	# the scripts run "grove" as the user typed it: this build
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -sf "$GROVE_BIN" "$BATS_TEST_TMPDIR/bin/grove"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	mkrepo src/a
	mkrepo src/b
	mkrepo 'src/with space'
	cat >.mrconfig <<-'EOF2'
	[src/a]
	groups = work c
	hello = echo hi
	[src/b]
	groups = personal,work
	[src/with space]
	[ALIAS]
	greet = hello
	EOF2
}

# bash_complete WORD...: what bash offers for the last word
bash_complete() {
	bash -c 'source "$1/grove.bash"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _grove
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETIONS" "$@"
}

@test "bash: the completion is registered and offers actions, user-defined ones too" {
	run bash -c 'source "$1/grove.bash"; complete -p grove' _ "$COMPLETIONS"
	assert_success
	assert_output 'complete -F _grove grove'
	run bash_complete grove ''
	assert_success
	assert_line status
	assert_line doctor
	assert_line hello
	assert_line greet
	refute_line __complete
	run bash_complete grove st
	assert_output status
	run bash_complete grove he
	assert_output $'help\nhello'
}

@test "bash: options, global and the action's own" {
	run bash_complete grove --no-p
	assert_output $'--no-pager\n--no-progress'
	run bash_complete grove status --di
	assert_output $'--directory\n--dirty\n--diverged'
	run bash_complete grove --di
	assert_output '--directory'
	# the action's own first: they win over a global option of the same name
	run bash_complete grove diff --st
	assert_output $'--staged\n--stat\n--stats\n--stashed'
	run bash_complete grove sync github --sk
	assert_output $'--skip-forks\n--skip-archived'
}

@test "bash: option values, group names, registered paths" {
	run bash_complete grove -g ''
	assert_output $'c\npersonal\nwork'
	run bash_complete grove status --group w
	assert_output work
	run bash_complete grove --color = al
	assert_output always
	run bash_complete grove --color =
	assert_output $'=auto\n=always\n=never'
	run bash_complete grove unregister ''
	assert_output $'src/a\nsrc/b\nsrc/with space'
	cd src
	run bash_complete grove config ''
	assert_output $'a\nb\nwith space'
	run bash_complete grove -d "$HOME" config ''
	assert_output $'src/a\nsrc/b\nsrc/with space'
}

@test "bash: group's verbs, then a group, then registered paths (issue 35)" {
	run bash_complete grove group ''
	assert_output $'add\nrm\nrename'
	run bash_complete grove group r
	assert_output $'rm\nrename'
	run bash_complete grove group rm ''
	assert_output $'c\npersonal\nwork'
	run bash_complete grove group add team ''
	assert_output $'src/a\nsrc/b\nsrc/with space'
	# -r: the registered repositories' names
	run bash_complete grove -r ''
	assert_output $'a\nb\nwith space'
}

@test "bash: folders and files where grove takes them" {
	run bash_complete grove -d sr
	assert_output src
	run bash_complete grove --directory = sr
	assert_output src
	run bash_complete grove register src/w
	assert_output 'src/with space'
	mkdir -p src/a/docs
	touch src/a/notes.txt
	cd src/a
	run bash_complete grove diff no
	assert_output notes.txt
}

@test "bash: a broken registry costs only its candidates" {
	echo 'not a section' >>.mrconfig
	run bash_complete grove ''
	assert_success
	assert_line status
	refute_line hello
	run bash_complete grove -g ''
	assert_output ''
}

@test "zsh: actions, options, groups, paths" {
	# compadd and _files only exist inside zsh's completion system: stand-ins print what they get
	zsh_complete() {
		zsh -fc 'compadd() { while [[ $1 == -* && $1 != -- ]]; do shift; done; shift; print -l -- "$@"; }
			_files() { print -- "_files $* ${IPREFIX:+after $IPREFIX}"; }
			compset() { [[ $PREFIX == --*=* ]] && IPREFIX=${PREFIX%%=*}= PREFIX=${PREFIX#*=}; true; }
			fpath=("$1" $fpath); autoload -Uz _grove; shift
			words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}; _grove' _ "$COMPLETIONS" "$@"
	}
	run zsh_complete grove he
	assert_output $'help\nhello'
	run zsh_complete grove --color=a
	assert_output $'--color=auto\n--color=always'
	run zsh_complete grove -g ''
	assert_output $'c\npersonal\nwork'
	run zsh_complete grove unregister src/w
	assert_output 'src/with space'
	run zsh_complete grove -d ''
	assert_output '_files -/ '
	run zsh_complete grove --directory=sr
	assert_output '_files -/ after --directory='
}

@test "fish: actions, options, groups, paths" {
	fish_complete() {
		fish -c 'source $argv[1]/grove.fish; complete -C "$argv[2]"' "$COMPLETIONS" "$1"
	}
	# fish sorts what it offers
	run fish_complete 'grove he'
	assert_output $'hello\nhelp'
	run fish_complete 'grove status --beh'
	assert_output --regexp '^--behind'
	run fish_complete 'grove -g '
	assert_output $'c\npersonal\nwork'
	run fish_complete 'grove unregister src/w'
	assert_output 'src/with space'
	run fish_complete 'grove -d s'
	assert_output --regexp '^src/\s'
	run fish_complete 'grove --directory=s'
	assert_output --regexp '^--directory=src/\s'

}
