#!/usr/bin/env bats
# doctor: the registry against the disk, and --fix

setup() {
	load helpers
	common_setup
	mkcloned a
	mkcloned b
	grove register src/a src/b >/dev/null
}

@test "a registry that agrees with the disk: no problems, exit 0" {
	run grove doctor
	assert_success
	assert_output 'grove doctor: finished (no problems)'
}

@test "each kind of problem is named, the registry is left alone, exit 1" {
	mkcloned c
	mkdir src/plain
	printf 'x' >src/file
	cat >>.mrconfig <<-'EOF2'
	[src/gone]
	checkout = git clone 'https://example.com/gone.git' 'gone'

	[src/plain]
	checkout = git clone 'https://example.com/plain.git' 'plain'

	[src/file]

	[src/file/below]

	[src/a/]
	checkout = git clone 'https://example.com/other.git' 'a'
	EOF2
	git -C src/b remote set-url origin https://example.com/b-moved.git
	cp .mrconfig before
	run grove doctor
	assert_failure 1
	assert_line "grove doctor: checkout differs: src/a: checkout clones https://example.com/other.git, but remote 'origin' is $HOME/remotes/a.git"
	assert_line "grove doctor: checkout differs: src/b: checkout clones $HOME/remotes/b.git, but remote 'origin' is https://example.com/b-moved.git"
	assert_line 'grove doctor: missing: src/gone (grove checkout clones it; --fix unregisters it)'
	assert_line 'grove doctor: not a repository: src/plain (the folder is there: --fix leaves it)'
	assert_line 'grove doctor: not a repository: src/file: not a folder (the folder is there: --fix leaves it)'
	assert_line 'grove doctor: missing: src/file/below (grove checkout clones it; --fix unregisters it)'
	assert_line --regexp '^grove doctor: registered 2 times: src/a \(\.mrconfig line 1, \.mrconfig line [0-9]+\)$'
	assert_line "grove doctor: not registered: src/c (grove register 'src/c'; --fix registers it)"
	assert_line 'grove doctor: finished (8 problems)'
	assert_line "grove doctor: 'grove doctor --fix' registers 1 and unregisters 2 of them"
	cmp .mrconfig before
}

@test "--fix asks first; no (or no answer) changes nothing, yes registers and unregisters" {
	mkcloned c
	printf '[src/gone]\ncheckout = git clone x gone\n' >>.mrconfig
	cp .mrconfig before
	run grove doctor --fix <<<'n'
	assert_failure 1
	assert_output --partial 'register 1 and unregister 1 (files stay as they are)? [y/N]'
	assert_line 'grove doctor: nothing changed'
	cmp .mrconfig before
	run grove doctor --fix </dev/null
	assert_failure 1
	cmp .mrconfig before
	run grove doctor --fix <<<'y'
	assert_success
	assert_line "grove doctor: registered $HOME/src/c in $HOME/.mrconfig"
	assert_line "grove doctor: unregistered $HOME/src/gone in $HOME/.mrconfig"
	assert_line 'grove doctor: finished (2 problems; 2 fixed, 0 left)'
	grep -qF "[src/c]" .mrconfig
	not grep -qF "[src/gone]" .mrconfig
	[ -d src/c ]
	run grove doctor
	assert_success
	assert_output 'grove doctor: finished (no problems)'
}

@test "--fix --yes does not ask; --yes alone is a usage error" {
	mkcloned c
	run grove doctor --yes
	assert_failure 2
	run grove doctor --fix --yes </dev/null
	assert_success
	refute_output --partial '[y/N]'
	grep -qF "[src/c]" .mrconfig
}

@test "what only looks different is not reported: .git, a trailing slash, a relative path" {
	cat >.mrconfig <<-EOF2
	[src/a]
	checkout = git clone '../remotes/a.git/' 'a'
	[src/b]
	checkout = git clone --branch main -o origin "https://example.com/b" b
	[src/x]
	checkout = cd .. && git clone \$(cat url) x
	EOF2
	git -C src/b remote set-url origin https://example.com/b.git/
	mkcloned x
	run grove doctor
	assert_success
	assert_output 'grove doctor: finished (no problems)'
}

@test "a checkout naming another remote is checked against that remote" {
	git -C src/a remote rename origin upstream
	printf '[src/a]\ncheckout = git clone -o upstream %s a\n[src/b]\ncheckout = git clone %s b\n' \
		"$HOME/remotes/a.git" "$HOME/remotes/b.git" >.mrconfig
	run grove doctor
	assert_success
	git -C src/b remote rename origin upstream
	run grove doctor
	assert_failure 1
	assert_line "grove doctor: checkout differs: src/b: checkout clones $HOME/remotes/b.git, but the repository has no remote 'origin'"
}

@test "submodules and registered folders reached through a symlink are not unregistered" {
	git -C src/a -c protocol.file.allow=always submodule add -q "$HOME/remotes/b.git" sub
	ln -s src links
	printf '[links/b]\ncheckout = git clone %s b\n' "$HOME/remotes/b.git" >>.mrconfig
	run grove doctor
	refute_output --partial 'not registered'
	assert_line --regexp '^grove doctor: registered 2 times: src/b '
}

@test "skipped repositories are counted, not examined; no registered repository here is no error" {
	printf '[src/gone]\nskip = true\n' >>.mrconfig
	run grove doctor
	assert_success
	assert_output 'grove doctor: finished (no problems; 1 skipped)'
	mkdir -p elsewhere && git init -q elsewhere/new
	cd elsewhere
	run grove doctor
	assert_failure 1
	assert_line "grove doctor: not registered: new (grove register 'new'; --fix registers it)"
}

@test "--fix exits 1 while a problem remains, and never unregisters a folder that is there" {
	mkdir -p src/plain
	git init -q src/broken && rm -rf src/broken/.git/objects
	printf '[src/gone]\n[src/broken]\n[src/plain]\n' >.mrconfig
	run grove doctor --fix --yes
	assert_failure 1
	assert_line "grove doctor: unregistered $HOME/src/gone in $HOME/.mrconfig"
	assert_line 'grove doctor: finished (5 problems; 3 fixed, 2 left)'
	grep -qF '[src/broken]' .mrconfig
	grep -qF '[src/plain]' .mrconfig
	# what --fix said is what a doctor after it finds
	run grove doctor
	assert_failure 1
	assert_line 'grove doctor: finished (2 problems)'
}
