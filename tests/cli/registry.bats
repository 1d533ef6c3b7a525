#!/usr/bin/env bats
# SPEC 1: the registry, read and written as myrepos does

setup() {
	load helpers
	common_setup
}

@test "register writes what mr register writes, and mr list sees the same repositories" {
	mkcloned foo
	mkcloned bar
	run grove register src/foo
	assert_success
	assert_output "grove register: registered $HOME/src/foo in $HOME/.mrconfig"
	cd src/bar && grove register && cd "$HOME"
	run cat .mrconfig
	assert_output "$(printf "[src/foo]\ncheckout = git clone '%s' 'foo'\n\n[src/bar]\ncheckout = git clone '%s' 'bar'" "$HOME/remotes/foo.git" "$HOME/remotes/bar.git")"
	run mr -d "$HOME" list
	assert_line "mr list: $HOME/src/bar"
	assert_line "mr list: $HOME/src/foo"
	run grove -a list
	assert_output "$(printf '%s\n%s' "$HOME/src/bar" "$HOME/src/foo")"
}

@test "register of a repository myrepos already registered changes nothing else" {
	mkcloned foo
	(cd src/foo && mr register >/dev/null)
	cp .mrconfig before
	grove register src/foo
	run cmp before .mrconfig
	assert_success
}

@test "register -r finds every repository below a folder, not inside .git" {
	mkcloned a
	mkcloned b
	mkdir -p src/deep/er && mkrepo src/deep/er/c
	mkdir -p src/notrepo
	run grove register -r src
	assert_success
	run grove -a list
	assert_output "$(printf '%s\n' "$HOME/src/a" "$HOME/src/b" "$HOME/src/deep/er/c")"
	run grep -c '^\[' .mrconfig
	assert_output 3
}

@test "register -r leaves submodules to their superproject, and linked worktrees unless --worktrees" {
	mkcloned lib
	mkcloned app
	git -C src/app -c protocol.file.allow=always submodule add -q "$HOME/remotes/lib.git" vendor/lib
	git -C src/app commit -qm 'add lib'
	git -C src/app worktree add -q "$HOME/src/app-feature" -b feature
	rm -rf src/lib
	run grove register -r src
	assert_success
	run grove -a list
	assert_output "$HOME/src/app"
	run grove register -r src --worktrees
	assert_success
	run grove -a list
	assert_output "$(printf '%s\n' "$HOME/src/app" "$HOME/src/app-feature")"
	# doctor does not ask for them either
	run grove doctor
	refute_output --partial 'vendor/lib'
	# named on the command line, it is registered
	run grove register src/app/vendor/lib
	assert_success
}

@test "a repository with no remote is registered and its checkout says so" {
	mkrepo src/local
	run grove register src/local
	assert_success
	run grove config src/local checkout
	assert_output "error 'no remote URL known'"
	run grove -a status
	assert_line --regexp '^src/local +main +- +clean$'
}

@test "register refuses a folder that is not a repository" {
	mkdir -p src/plain
	run grove register src/plain
	assert_failure 1
	assert_output "grove register: failed: $HOME/src/plain: not a git repository"
	[ ! -e .mrconfig ] || [ ! -s .mrconfig ]
}

@test "20 concurrent registers of different folders lose none" {
	for i in $(seq 1 20); do mkrepo "src/r$i"; done
	printf '# my repositories\n\n[DEFAULT]\njobs = 4\n' >.mrconfig
	for i in $(seq 1 20); do "$GROVE_BIN" -q register "src/r$i" & done
	wait
	run grep -c '^\[src/r' .mrconfig
	assert_output 20
	head -1 .mrconfig | grep -qx '# my repositories'
	run grove -a list
	[ "${#lines[@]}" -eq 20 ]
	ls -a | grep -v grove- >/dev/null
	run bash -c "ls -a | grep -c '\.grove-'"
	assert_output 0
}

@test "unregister removes the section and keeps every other byte" {
	mkcloned foo
	mkcloned bar
	cat >.mrconfig <<-'EOF'
	# top comment
	[DEFAULT]
	order = 10

	[src/foo]
	checkout = git clone 'x' 'foo'
	# about bar
	[src/bar]
	checkout =   git clone 'y' 'bar'   
	custom_key = keep me ; and me
	EOF
	run grove unregister src/foo
	assert_success
	run cat .mrconfig
	assert_output "$(printf "# top comment\n[DEFAULT]\norder = 10\n\n# about bar\n[src/bar]\ncheckout =   git clone 'y' 'bar'   \ncustom_key = keep me ; and me")"
	[ -d src/foo ]
	run grove unregister src/foo
	assert_failure 1
	assert_output --partial "is not registered"
}

@test "unregister takes an indented comment inside the section with it" {
	# found by tests/fuzz/fuzz_registry.c: left behind, it continued the key
	# of the section above
	mkrepo src/a
	mkrepo src/b
	printf '[src/a]\nupdate = git pull\n[src/b]\n  # about b\n' >.mrconfig
	run grove unregister src/b
	assert_success
	run grove config src/a update
	assert_output "git pull"
	[ "$(cat .mrconfig)" = "$(printf '[src/a]\nupdate = git pull')" ]
}

@test "config reads and writes keys as mr config does" {
	mkcloned foo
	grove register src/foo
	run grove config src/foo groups=work
	assert_success
	run grove config src/foo groups
	assert_output work
	run mr config src/foo groups
	assert_output work
	run grove config "$HOME/src/foo" checkout
	assert_output "git clone '$HOME/remotes/foo.git' 'foo'"
	run grove config DEFAULT jobs=3
	assert_success
	grep -q '^\[DEFAULT\]$' .mrconfig
	run grove config src/foo nosuch
	assert_failure 1
	assert_output "grove config: src/foo nosuch not set"
	run grove config src/foo groups=
	run grove config src/foo groups
	assert_failure 1
	run grove config src/foo 'bad key=1'
	assert_failure 2
}

@test "config finds SECTION as register does and makes no phantom section" {
	mkcloned api
	grove register src/api
	cp .mrconfig before
	cd src
	run grove __complete config a
	assert_line api
	run grove config api groups=work
	assert_success
	run grep -c '^\[' "$HOME/.mrconfig"
	assert_output 1
	run grove config api groups
	assert_output work
	run grove config "$HOME/src/api" groups
	assert_output work
	cd "$HOME"
	run grove config src/api groups
	assert_output work
	run grove config nothere groups=work
	assert_failure 1
	assert_output "grove config: $HOME/nothere is not registered (grove register nothere, or grove config --add to make its section)"
	run grep -c '^\[' .mrconfig
	assert_output 1
	run grove config --add nothere groups=work
	assert_success
	run grove config nothere groups
	assert_output work
}

@test "config adds a key below an indented comment, not into it" {
	# found by tests/fuzz/fuzz_registry.c: a line that starts with whitespace
	# right after a header is a comment there, but continues a key put above it
	mkrepo src/a
	printf '[src/a]\n   # kept as a comment\n' >.mrconfig
	run grove config src/a groups=work
	assert_success
	run grove config src/a groups
	assert_output work
	grep -qx '   # kept as a comment' .mrconfig
}

@test "GROVE_CONFIG and -c choose the registry" {
	mkrepo src/a
	mkrepo src/b
	mkdir -p alt
	printf '[%s]\ncheckout = true\n' "$HOME/src/a" >alt/reg
	printf '[%s]\ncheckout = true\n' "$HOME/src/b" >alt/other
	GROVE_CONFIG=$HOME/alt/reg run grove -a list
	assert_output "$HOME/src/a"
	GROVE_CONFIG=$HOME/alt/reg run grove -a -t -c alt/other list
	assert_output "$(printf '%s\n%s' "$HOME/src/a" "$HOME/src/b")"
}

@test "the nearest .mrconfig above the working directory is read" {
	mkdir -p proj/sub
	mkrepo proj/sub/x
	printf '[sub/x]\nchain = true\n' >proj/.mrconfig
	echo "$HOME/proj/.mrconfig" >.mrtrust
	cd proj/sub
	run grove list
	assert_output "$HOME/proj/sub/x"
}

@test "DEFAULT is copied into the sections that follow it, in that file" {
	mkrepo src/a
	mkrepo src/b
	cat >.mrconfig <<-'EOF'
	[src/a]
	checkout = true

	[DEFAULT]
	skip = true

	[src/b]
	checkout = true
	EOF
	run grove -a list
	assert_output "$HOME/src/a"
}

@test "order sorts repositories, then the path" {
	for r in a b c; do mkrepo src/$r; done
	printf '[src/a]\norder = 20\n[src/b]\ncheckout = true\n[src/c]\norder = 5\n' >.mrconfig
	run grove -a list
	assert_output "$(printf '%s\n' "$HOME/src/c" "$HOME/src/b" "$HOME/src/a")"
}

@test "section names: absolute, relative, ~, \$VAR and \${VAR} are expanded, never by a shell" {
	mkrepo src/a
	mkrepo src/b
	mkrepo src/c
	mkrepo 'src/x$(touch pwned)'
	export WHERE=src
	cat >.mrconfig <<-EOF
	[$HOME/src/a]
	[~/src/b]
	[\${HOME}/\$WHERE/c]
	[src/x\$(touch pwned)]
	EOF
	run grove -a list
	assert_success
	assert_line "$HOME/src/a"
	assert_line "$HOME/src/b"
	assert_line "$HOME/src/c"
	assert_line "$HOME/src/x\$(touch pwned)"
	[ ! -e pwned ]
	[ ! -e src/pwned ]
}

@test "continuation lines, # only at line start and ; inside values" {
	mkrepo src/a
	cat >.mrconfig <<-'EOF'
	[src/a]
	groups = one ; two # not a comment
	lib =
	  f() {
	    echo hi
	  }
	  # a continued line, not a comment
	# a real comment
	order = 3
	EOF
	run grove config src/a groups
	assert_output 'one ; two # not a comment'
	run grove config src/a order
	assert_output 3
	run grove -a -g one list
	assert_output "$HOME/src/a"
}

@test "include reads the output of a command as registry lines" {
	mkrepo src/a
	mkrepo src/b
	printf '[src/b]\ncheckout = true\n' >extra
	printf '[src/a]\ncheckout = true\ninclude = cat %s/extra\n' "$HOME" >.mrconfig
	run grove -a list
	assert_output "$(printf '%s\n%s' "$HOME/src/a" "$HOME/src/b")"
}

@test "a parse error in included text names the include's line and the included line" {
	# issue 28: mr names the included line; the include's own line finds it
	printf '[src/a]\ncheckout = true\n\n' >.mrconfig
	printf '[src/x]\ncheckout = true\nthis is no key\n' >"$HOME/extra"
	printf 'include = cat %s/extra\n' "$HOME" >>.mrconfig
	run grove -a list
	assert_failure 2
	assert_line "grove: parse error at $HOME/.mrconfig line 4, included line 3: this is no key"
}

@test "an include loop stops with an error naming the file and line" {
	printf 'include = cat %s/.mrconfig\n' "$HOME" >.mrconfig
	run grove -a list
	assert_failure 2
	assert_output --partial "include nested more than 8 deep at $HOME/.mrconfig line 1"
}

@test "chain loads the .mrconfig of a registered folder, once even in a loop" {
	mkdir -p sub && mkrepo sub/inner
	printf '[sub]\nchain = true\n' >.mrconfig
	printf '[inner]\ncheckout = true\n[..]\nchain = true\n' >sub/.mrconfig
	echo "$HOME/sub/.mrconfig" >.mrtrust
	run grove -a list
	assert_success
	# myrepos' order (mr -j 1 list prints the same): ~/.mrconfig's [sub]
	# first, then sub/.mrconfig's [..] and [inner]
	assert_output "$(printf '%s\n%s\n%s' "$HOME/sub" "$HOME" "$HOME/sub/inner")"
}

@test "an untrusted file may not run anything: exit 2 before any work" {
	mkdir -p proj && mkrepo proj/a
	printf '[a]\nstatus = touch %s/ran\n' "$HOME" >proj/.mrconfig
	cd proj
	run grove status
	assert_failure 2
	assert_line "grove: illegal setting \"status=touch $HOME/ran\" in untrusted $HOME/proj/.mrconfig line 2"
	assert_line "(To trust this file, list it in ~/.mrtrust.)"
	[ ! -e "$HOME/ran" ]
	echo "~/proj/.mrconfig" >"$HOME/.mrtrust"
	run grove status
	assert_success
	rm "$HOME/.mrtrust"
	run grove -t status
	assert_success
}

@test "an untrusted file may hold safe sections, git clone checkouts, order and booleans" {
	mkdir -p proj && mkrepo proj/a
	printf "[a]\ncheckout = git clone 'https://example.invalid/a.git' 'a'\norder = 3\nskip = false\n" >proj/.mrconfig
	cd proj
	run grove list
	assert_success
	assert_output "$HOME/proj/a"
	printf '[../escape]\n' >"$HOME/proj/.mrconfig"
	run grove list
	assert_failure 2
	assert_output --partial 'illegal section "[../escape]"'
	printf "[a]\ncheckout = git clone 'https://x/a.git' 'a'; touch pwned\n" >"$HOME/proj/.mrconfig"
	run grove list
	assert_failure 2
	assert_output --partial 'illegal checkout command'
}

@test "an untrusted checkout cannot hide a second command on a continuation line" {
	# found by tests/fuzz/fuzz_trust.c: the words were checked, not the line
	# break between them, and a shell runs each line
	mkdir -p proj/bin && printf '#!/bin/sh\ntouch "$HOME/ran"\n' >proj/bin/evil && chmod +x proj/bin/evil
	printf '[x]\ncheckout = git clone file:///nonexistent/a.git\n\tbin/evil\n' >proj/.mrconfig
	cd proj
	run grove checkout
	assert_failure 2
	assert_output --partial 'illegal checkout command'
	[ ! -e "$HOME/ran" ]
}

@test "an untrusted checkout cannot hand git clone an option: no word may start with -" {
	# the program an attacker ships beside the untrusted .mrconfig, and a
	# repository for git clone to read with it as upload-pack
	mkdir -p proj
	printf '#!/bin/sh\ntouch "$HOME/ran"\nexec git-upload-pack "$@"\n' >proj/evil.sh
	chmod +x proj/evil.sh
	git init -q --bare proj/b.git
	cd proj
	local c
	for c in 'git clone -u./evil.sh b.git' 'git clone b.git -u./evil.sh' \
		"git clone '-u./evil.sh' b.git" 'git clone --upload-pack=./evil.sh b.git' \
		'git clone -q -u./evil.sh b.git x' 'git clone ext::./evil.sh x' \
		'git clone fd::3 x' 'git clone b.git -x' \
		'git clone --template=t b.git x' 'git clone -- b.git x'; do
		printf '[x]\ncheckout = %s\n' "$c" >.mrconfig
		run grove checkout
		assert_failure 2
		assert_line "grove: illegal checkout command \"$c\" in untrusted $HOME/proj/.mrconfig line 2"
		[ ! -e "$HOME/ran" ]
		[ ! -e x ]
	done
	# what myrepos writes, with the options git clone can safely take
	for c in "git clone 'https://example.invalid/a.git' 'x'" 'git clone -q ssh://git@example.invalid/o/a.git x' \
		'git clone --quiet git@example.invalid:o/a.git x' 'git clone example.invalid:o/a.git x' \
		'git clone git://example.invalid/a.git x' 'git clone file:///srv/git/a.git x' \
		'git clone /srv/git/a.git x' 'git clone ../a.git x' 'git clone --bare b.git x' 'git clone x.git'; do
		printf '[x]\ncheckout = %s\n' "$c" >.mrconfig
		run grove list
		assert_success
	done
}

@test "bad registry files exit 2, name file and line, and change nothing" {
	mkrepo src/a
	check_bad() {
		cp "$1" .mrconfig
		local sum; sum=$(sha256sum .mrconfig)
		run grove -a status
		assert_failure 2
		assert_output --partial "at $HOME/.mrconfig line $2"
		[ "$(sha256sum .mrconfig)" = "$sum" ]
		run grove register src/a
		assert_failure 2
		[ "$(sha256sum .mrconfig)" = "$sum" ]
	}
	printf '[src/a]\nthis is not a setting\n' >garbage;  check_bad garbage 2
	head -c 300 /dev/urandom | tr -d '\n' | sed 's/^/\x01/' >binary; check_bad binary 1
	printf '[src/a]\ncheckout = a\0b\n' >nul;              check_bad nul 2
	{ printf '[src/a]\nkey = '; head -c 1048576 /dev/zero | tr '\0' x; printf '\n'; } >long; check_bad long 2
	printf '[src/a\ncheckout = true\n' >unterminated;     check_bad unterminated 1
	printf 'checkout = true\n' >nosection;                check_bad nosection 1
}

@test "an unreadable registry file is an error" {
	[ "$(id -u)" != 0 ] || skip "root reads every file"
	printf '[src/a]\n' >.mrconfig
	chmod 000 .mrconfig
	run grove -a list
	assert_failure 2
}

@test "writing goes through a symlinked ~/.mrconfig to its target" {
	mkdir -p dotfiles && mkrepo src/a
	printf '# kept\n' >dotfiles/mrconfig
	ln -s dotfiles/mrconfig .mrconfig
	grove register src/a
	[ -L .mrconfig ]
	run cat dotfiles/mrconfig
	assert_line '# kept'
	assert_line '[src/a]'
}

@test "the annotated example registry parses" {
	mkdir -p src/grove src/team
	run env GROVE_CONFIG="$BATS_TEST_DIRNAME/../../config/mrconfig.example" "$GROVE_BIN" -a list
	assert_success
	assert_line --regexp '/config/src/grove$'
	assert_line "$HOME/src/dotfiles"
	run env GROVE_CONFIG="$BATS_TEST_DIRNAME/../../config/mrconfig.example" "$GROVE_BIN" -a -g work list
	assert_output --regexp '/config/src/grove$'
}

@test "a writer removes the temporary copies killed writers left, never one being written" {
	mkrepo a
	mkrepo b
	printf 'stale copy\n' >"..mrconfig.grove-Ab12Cd"
	printf 'being written\n' >"..mrconfig.grove-Zz99Yy"
	# a writer at work holds its temporary file locked
	flock -o "..mrconfig.grove-Zz99Yy" sleep 30 &
	local holder=$!
	sleep 0.2
	run grove register a
	assert_success
	[ ! -e "..mrconfig.grove-Ab12Cd" ]
	[ -e "..mrconfig.grove-Zz99Yy" ]
	pkill -P "$holder" sleep || true
	kill "$holder" 2>/dev/null || true
	wait "$holder" || true
	run grove register b
	assert_success
	[ ! -e "..mrconfig.grove-Zz99Yy" ]
	[ "$(ls -a | grep -c 'grove-')" -eq 0 ]
}

@test "an untrusted checkout clones only into its own section's folder, never into a .git" {
	# issue 29, item 1: 'git clone URL sub/.git' made an attacker's
	# repository the git folder of sub, with core.fsmonitor set: the next
	# status ran it
	mkdir -p proj
	git init -q --bare proj/evil.git
	git -C proj/evil.git config core.fsmonitor "touch $HOME/ran; false"
	git init -q proj/sub
	cd proj
	local c
	for c in 'git clone evil.git sub/.git' 'git clone evil.git .git' 'git clone evil.git sub/.GIT.' \
		'git clone evil.git elsewhere' 'git clone evil.git'; do
		printf '[sub]\ncheckout = %s\n' "$c" >.mrconfig
		run grove checkout
		assert_failure 2
		assert_line "grove: illegal checkout command \"$c\" in untrusted $HOME/proj/.mrconfig line 2"
	done
	for c in '[sub/.git]' '[.git]' '[sub/.Git..]'; do
		printf '%s\ncheckout = git clone evil.git .git\n' "$c" >.mrconfig
		run grove status
		assert_failure 2
		assert_line --partial "illegal section \"$c\""
	done
	run grove -d sub status
	[ ! -e "$HOME/ran" ]
	[ ! -e sub/.git/HEAD ] || [ "$(git -C sub rev-parse --git-dir)" = .git ]
	# the section's own folder, by name or from the URL, as myrepos writes it
	for c in 'git clone evil.git new' "git clone 'evil.git' 'new'" 'git clone -q file:///x/new.git' \
		'git clone https://h.invalid/o/new/' 'git clone h.invalid:o/new.git/'; do
		printf '[new]\ncheckout = %s\n' "$c" >.mrconfig
		run grove list
		assert_success
	done
}

@test "an untrusted section through a symlink is refused: nothing is cloned outside its file's folder" {
	# issue 29, item 2: a repository of the file commits a symlink, a later
	# section goes through it, and the clone lands where vim loads plugins
	mkdir -p outside proj
	mkcloned theme
	git init -q proj/host
	ln -s "$HOME/outside" proj/host/pack
	git -C proj/host add pack && git -C proj/host commit -qm link
	printf "[host]\ncheckout = git clone 'x' 'host'\n\n[host/pack/theme]\ncheckout = git clone '%s' 'theme'\n" \
		"$HOME/remotes/theme.git" >proj/.mrconfig
	# beside it, clones into the file's own folders: natively, and by git
	printf "\n[deps/a]\ncheckout = git clone '%s' 'a'\n\n[deps/b]\ncheckout = git clone -q '%s' b\n" \
		"$HOME/remotes/theme.git" "$HOME/remotes/theme.git" >>proj/.mrconfig
	cd proj
	run --separate-stderr grove checkout
	assert_failure 1
	assert_line --regexp "^deps/a +cloned$"
	assert_line --regexp "^deps/b +cloned$"
	[ -f deps/a/.git/HEAD ]
	[ -f deps/b/.git/HEAD ]
	assert_regex "$stderr" "grove checkout: failed: $HOME/proj/host/pack/theme: a symlink in the way \\(host/pack\\), in a section of the untrusted $HOME/proj/.mrconfig"
	[ ! -e "$HOME/outside/theme" ]
	# every action refuses it, not only the clone
	git clone -q "$HOME/remotes/theme.git" "$HOME/outside/theme"
	run --separate-stderr grove update
	assert_failure 1
	assert_regex "$stderr" "failed: $HOME/proj/host/pack/theme: a symlink in the way"
	# the user's own registry may go through symlinks: ~/src -> /data/src
	cd "$HOME"
	printf '[proj/host/pack/theme]\n' >.mrconfig
	run grove status
	assert_success
	assert_line --regexp '^proj/host/pack/theme +main'
}
