#!/usr/bin/env bats
# help comes from the command table, and the man page documents it all

setup() {
	load helpers
	common_setup
}

@test "--version and help" {
	run grove --version
	assert_success
	# the libgit2 it runs on: two are supported (doc/libgit2.md)
	assert_output --regexp "^grove [0-9]+\.[0-9]+\.[0-9]+ \(libgit2 1\.[0-9]+\.[0-9]+\)$"
	assert_output --partial "(libgit2 $(pkg-config --modversion libgit2))"
	run grove help
	assert_success
	assert_line --regexp '^  status +show the state'
	run grove
	assert_failure 2
	assert_output --partial 'no action given'
}

@test "every action has help, its synopsis is the man page's, every option in it is documented" {
	# as git's t0450 checks its commands' -h against their documentation
	local man="$BATS_TEST_DIRNAME/../../man/grove.1"
	local actions a usage synopsis opt
	actions=$(grove help | awk '/^actions:/ { on = 1; next } /^$/ { on = 0 } on && /^  [^ ]/ { print $1 }')
	[ "$(wc -w <<<"$actions")" -ge 19 ]
	for a in $actions; do
		run grove help "$a"
		assert_success
		assert_line --index 0 --partial "usage: grove [options] $a"
		# the synopsis, its lines joined (wrapped at 79 columns)
		usage=$(sed '/^$/q' <<<"$output" | tr -s ' \n' '  ' | sed 's/^usage: grove \[options\] //; s/ $//')
		run grove "$a" --help
		assert_success
		synopsis=$(grep -m1 "^\.SS $a\( \|$\)" "$man" | sed 's/^\.SS //; s/\\-/-/g')
		[ -n "$synopsis" ] || fail "action $a is not in man/grove.1"
		[ "$usage" = "$synopsis" ] || fail "$a: help says '$usage', man/grove.1 says '$synopsis'"
		# the action's own options: in its synopsis; the global ones: in OPTIONS
		for opt in $(grove help "$a" | sed -n '/^action options:/,/^$/p' | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
			grep -qF -- "$opt" <<<"$synopsis" || fail "$opt of $a is not in its synopsis in man/grove.1"
		done
	done
	# the options every action takes and the filters: in OPTIONS
	for opt in $(grove help options | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
		grep -qE -- "^\.(B|BR|BI) .*$(sed 's/-/\\\\-/g' <<<"$opt")" "$man" ||
			fail "$opt is not in man/grove.1"
	done
	# hidden: for the completion scripts only
	refute_line --partial __complete
}

@test "unknown and ambiguous actions, unknown options" {
	run grove frobnicate
	assert_failure 2
	assert_output --partial 'unknown action "frobnicate" (known actions: checkout, clean, commit, config, diff, doctor, export, fetch, grep, group, help, import, list, log'
	run grove st -a
	assert_failure 1
	assert_output --partial 'grove status: no registry yet'
	run grove --frob status
	assert_failure 2
	assert_output --partial "unknown option '--frob'"
	run grove -j nope status
	assert_failure 2
	run grove --color=sometimes status
	assert_failure 2
}

@test "no repository selected is exit 1 with myrepos' message" {
	mkrepo src/a
	printf '[src/a]\n' >.mrconfig
	mkdir elsewhere && cd elsewhere
	run grove status
	assert_failure 1
	assert_output 'grove status: no repositories found to work on'
}

@test "a first run says there is no registry and how to make one; a missing -c file is an error" {
	run grove status
	assert_failure 1
	assert_output "grove status: no registry yet: $HOME/.mrconfig does not exist; make one with grove register -r ~/src (every repository below ~/src) or grove sync github OWNER"
	: >.mrconfig
	run grove status
	assert_failure 1
	assert_output "grove status: $HOME/.mrconfig registers no repositories; add some with grove register -r ~/src or grove sync github OWNER"
	mkcloned a
	printf '[src/a]\n' >.mrconfig
	run grove -c nosuch.mrconfig -a list
	assert_failure 2
	assert_output "grove: cannot read $HOME/nosuch.mrconfig: No such file or directory (grove -c FILE register DIR makes one)"
	run grove -c other.mrconfig register src/a
	assert_success
	run grove -c other.mrconfig -a list
	assert_output "$HOME/src/a"
}

@test "the man pages render" {
	run man -l "$BATS_TEST_DIRNAME/../../man/grove.1"
	assert_success
	assert_output --partial 'grove - manage many git repositories at once'
	run man -l "$BATS_TEST_DIRNAME/../../man/grove-config.5"
	assert_success
}

@test "make install and uninstall honour PREFIX and DESTDIR" {
	# -o grove: install the grove under test, never a rebuild with other flags
	local dest="$BATS_TEST_TMPDIR/dest"
	run make -C "$BATS_TEST_DIRNAME/../.." -o grove install PREFIX=/opt/g DESTDIR="$dest"
	assert_success
	[ -x "$dest/opt/g/bin/grove" ]
	[ -f "$dest/opt/g/share/man/man1/grove.1" ]
	[ -f "$dest/opt/g/share/man/man5/grove-config.5" ]
	[ -f "$dest/opt/g/share/bash-completion/completions/grove" ]
	[ -f "$dest/opt/g/share/zsh/site-functions/_grove" ]
	[ -f "$dest/opt/g/share/fish/vendor_completions.d/grove.fish" ]
	run make -C "$BATS_TEST_DIRNAME/../.." uninstall PREFIX=/opt/g DESTDIR="$dest"
	assert_success
	run find "$dest" -type f
	assert_output ''
}

@test "make install under a PREFIX zsh does not search says the fpath line to add" {
	command -v zsh >/dev/null || skip "no zsh"
	local zdir="$HOME/.local/share/zsh/site-functions"
	run make -C "$BATS_TEST_DIRNAME/../.." -o grove install PREFIX="$HOME/.local"
	assert_success
	assert_line "make install: zsh does not look in $zdir for completions; add this line to ~/.zshrc, before compinit:"
	assert_line "    fpath=($zdir \$fpath)"
	[ -f "$zdir/_grove" ] || fail "no _grove"
	# where zsh looks (its own fpath): nothing to say
	run zsh -fc "fpath=($zdir \$fpath); autoload -Uz compinit; compinit -D; print \${_comps[grove]}"
	assert_output _grove
	run make -C "$BATS_TEST_DIRNAME/../.." -o grove install PREFIX=/opt/g DESTDIR="$BATS_TEST_TMPDIR/dest"
	assert_success
	refute_output --partial fpath
}

@test "make install-mr-link: a registry that calls mr inside its commands runs grove" {
	# issue 28: forceremotes = MR_OVERWRITE_REMOTES=y mr remotes, once myrepos is gone
	local dest="$BATS_TEST_TMPDIR/dest"
	run make -C "$BATS_TEST_DIRNAME/../.." -o grove install install-mr-link PREFIX=/opt/g DESTDIR="$dest"
	assert_success
	assert [ -L "$dest/opt/g/bin/mr" ]
	assert_equal "$(readlink "$dest/opt/g/bin/mr")" grove
	mkrepo src/a
	cat >.mrconfig <<-'EOF'
	[src/a]
	remotes = echo "remotes by $MR_ACTION, overwrite=$MR_OVERWRITE_REMOTES"
	forceremotes = MR_OVERWRITE_REMOTES=y mr remotes
	EOF
	PATH="$dest/opt/g/bin:$PATH" run grove forceremotes
	assert_success
	assert_output --partial 'remotes by remotes, overwrite=y'
	assert_output --partial 'grove remotes: finished (1 ok)'
	# uninstall takes the link away with the rest; a plain install makes none
	run make -C "$BATS_TEST_DIRNAME/../.." uninstall PREFIX=/opt/g DESTDIR="$dest"
	assert_success
	assert [ ! -e "$dest/opt/g/bin/mr" ]
	make -C "$BATS_TEST_DIRNAME/../.." -o grove install PREFIX=/opt/g DESTDIR="$dest" >/dev/null
	assert [ ! -e "$dest/opt/g/bin/mr" ]
}

@test "installed completions are found where bash-completion, zsh and fish look" {
	local dest="$BATS_TEST_TMPDIR/dest" share
	make -C "$BATS_TEST_DIRNAME/../.." -o grove install PREFIX=/usr/local DESTDIR="$dest" >/dev/null
	share="$dest/usr/local/share"
	mkdir -p bin && ln -s "$dest/usr/local/bin/grove" bin/grove
	export PATH="$HOME/bin:$PATH"
	mkrepo src/a
	printf '[src/a]\nhello = echo hi\n' >.mrconfig
	# bash-completion loads a command's completion on first use from XDG_DATA_DIRS
	run env XDG_DATA_DIRS="$share" bash -c '
		source /usr/share/bash-completion/bash_completion
		__load_completion grove && complete -p grove
		COMP_WORDS=(grove hel); COMP_CWORD=1; _grove; printf "%s\n" "${COMPREPLY[@]}"'
	assert_success
	assert_output $'complete -F _grove grove\nhelp\nhello'
	run env XDG_DATA_DIRS="$share" fish -c 'complete -C "grove hel"'
	assert_output $'hello\nhelp'
	run zsh -fc 'fpath=("$1" $fpath); autoload -Uz _grove && whence -w _grove' _ "$share/zsh/site-functions"
	assert_output '_grove: function'
}

# the man page as man shows it at 80 columns, its lines joined (a word
# hyphenated at a line's end made whole) and spaces squeezed
man_text() {
	MANWIDTH=80 man -l "$BATS_TEST_DIRNAME/../../man/$1" 2>&1 | sed -z 's/‐\n *//g' | tr -s ' \n' '  '
}

@test "the man pages render with no stray spaces, joined sentences or unknown macros" {
	# (a whole expected rendering would differ between groff 1.22 on
	# bookworm and 1.23 on trixie: the test pins the glitches' kinds)
	local p
	for p in grove.1 grove-config.5; do
		run groff -man -ww -z "$BATS_TEST_DIRNAME/../../man/$p"
		assert_output ''
		run bash -c "MANWIDTH=80 man -l '$BATS_TEST_DIRNAME/../../man/$p' | grep -nE '[^ ] +[,;)]( |\$)|\\( |\" \\]|[a-z)]\\.[A-Z][a-z]'"
		assert_output ''
	done
	run man_text grove.1
	assert_output --partial 'cherry-picking, reverting, bisecting, applying, or update interrupted'
	assert_output --partial 'check out yet). Then the repository'
	assert_output --partial 'INI sections [sync "NAME"] with'
	assert_output --partial 'MR_REPO, MR_CONFIG, MR_ACTION, GROVE_REPO'
}
