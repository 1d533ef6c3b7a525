#!/usr/bin/env bats
# Bad input (issue 7): broken registry files, broken repositories and
# servers that misbehave. Each gives a clear error naming the thing, and
# leaves every file as it was.

setup() {
	load helpers
	load servers
	common_setup
}

teardown() {
	stop_servers
}

# snapshot DIR: every file below DIR with its size, mode and content hash
snapshot() {
	(cd "$1" && find . -printf '%p %s %m %y\n' | sort && find . -type f -print0 | sort -z | xargs -0 -r sha1sum)
}

@test "registry files: 100,000 sections load; a continuation to the end of the file; a stray continuation line" {
	mkrepo src/a
	python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        f.write("[src/r%06d]\ncheckout = git clone https://example.invalid/r%06d.git r%06d\n" % (i, i, i))
' .mrconfig
	run grove -a list
	assert_success
	[ "${#lines[@]}" -eq 100000 ]
	# a value continued to the end of a file with no final newline
	printf '[src/a]\nupdate = git pull\n\t--ff-only' >.mrconfig
	run grove config src/a update
	assert_success
	assert_output $'git pull\n--ff-only'
	# a continuation line with no key above it
	printf '[src/a]\n\tcontinued\n' >.mrconfig
	local sum
	sum=$(sha256sum .mrconfig)
	run grove -a status
	assert_failure 2
	assert_output --partial "at $HOME/.mrconfig line 2"
	[ "$(sha256sum .mrconfig)" = "$sum" ]
}

@test "a registry that is a folder is named in the error; a dangling symlink is a registry yet to be written" {
	mkdir .mrconfig
	run grove -a list
	assert_failure 2
	assert_output "grove: cannot read $HOME/.mrconfig: Is a directory"
	rmdir .mrconfig
	# as a missing ~/.mrconfig: empty, and the first write creates the target
	mkdir dotfiles
	ln -s "$HOME/dotfiles/mrconfig" .mrconfig
	run grove -a list
	assert_failure 1
	assert_output --partial "no registry yet: $HOME/.mrconfig does not exist"
	mkrepo src/a
	run grove register src/a
	assert_success
	[ -L .mrconfig ]
	grep -qxF '[src/a]' dotfiles/mrconfig
}

@test "broken repositories fail one by one, named, and are left as they were" {
	mkrepo corrupt && head -c 200 /dev/urandom >corrupt/.git/index
	mkrepo missing
	local t; t=$(git -C missing rev-parse 'HEAD^{tree}')
	rm "missing/.git/objects/${t:0:2}/${t:2}"
	ln -s loop2 loop1 && ln -s loop1 loop2
	mkdir nowhere && echo "gitdir: $HOME/nonexistent" >nowhere/.git
	mkrepo fine
	printf '[%s]\n' corrupt missing loop1 nowhere fine >.mrconfig
	local before; before=$(snapshot .)
	run grove -a status
	assert_failure 1
	assert_line "grove status: failed: $HOME/corrupt: git status failed: error: bad signature $(grep -o -m1 'bad signature 0x[0-9a-f]*' <<<"$output" | head -1 | cut -d' ' -f3)"
	assert_line "fatal: index file corrupt"
	assert_line --regexp "^grove status: failed: $HOME/missing: .*$t"
	assert_line "grove status: failed: $HOME/loop1: cannot stat: Too many levels of symbolic links"
	assert_line "grove status: failed: $HOME/nowhere: not a git repository"
	assert_output --partial "finished (1 ok; 4 failed)"
	[ "$(snapshot .)" = "$before" ]
	# git agrees the missing tree is fatal: grove never calls that repository clean
	run git -C missing status
	assert_failure
}

@test "a locked index: status reads without refreshing, update names the lock and moves nothing" {
	mkcloned foo
	register src/foo
	upstream_commit foo
	touch src/foo/.git/index.lock
	run grove status
	assert_success
	local head; head=$(git -C src/foo rev-parse HEAD)
	run grove update
	assert_failure
	assert_output --partial "index is locked"
	[ "$(git -C src/foo rev-parse HEAD)" = "$head" ]
	[ ! -e src/foo/.git/grove-update ]
	[ -e src/foo/.git/index.lock ]
	rm src/foo/.git/index.lock
	run grove update
	assert_success
	[ "$(git -C src/foo rev-parse HEAD)" != "$head" ]
}

@test "bare repositories, submodules and linked worktrees are read as git reads them" {
	mkrepo seed
	git clone -q --bare seed bare.git
	mkrepo inner
	mkrepo outer
	git -C outer -c protocol.file.allow=always submodule add -q "$HOME/inner" inner 2>/dev/null
	git -C outer commit -qm submodule
	git -C seed worktree add -q ../linked -b other
	echo change >>linked/a.txt
	printf '[%s]\n' bare.git outer outer/inner linked >.mrconfig
	run grove -a status
	assert_success
	assert_line --regexp "^bare.git +main +- +bare$"
	assert_line --regexp "^outer +main +- +clean$"
	assert_line --regexp "^outer/inner +main +="
	assert_line --regexp "^linked +other +- +~1$"
	[ "$(grove_counts "$HOME/linked")" = "$(git_counts linked)" ]
	[ "$(grove_counts "$HOME/outer")" = "$(git_counts outer)" ]
}

@test "a repository owned by another user is refused until safe.directory lists it" {
	[ "$(id -u)" = 0 ] || skip "needs root to give a folder to another user"
	mkrepo theirs
	chown -R nobody theirs
	printf '[theirs]\n' >.mrconfig
	local before; before=$(snapshot theirs)
	run grove -a status
	assert_failure 1
	assert_output --partial "dubious ownership"
	assert_output --partial "safe.directory"
	[ "$(snapshot theirs)" = "$before" ]
	git config --global --add safe.directory "$HOME/theirs"
	run grove -a status
	assert_success
}

@test "a folder without permission fails by name" {
	[ "$(id -u)" != 0 ] || skip "root reads every folder"
	mkrepo closed
	chmod 000 closed
	printf '[closed]\n' >.mrconfig
	run grove -a status
	chmod 755 closed
	assert_failure 1
	assert_output --partial "$HOME/closed"
}

# faulty_server: tests/servers/faulty_git.py over $HOME/served; sets FAULTY_PORT
faulty_server() {
	local pf="$BATS_TEST_TMPDIR/faulty.port"
	python3 "$SERVERS_DIR/faulty_git.py" "$HOME/served" "$pf" 2>"$BATS_TEST_TMPDIR/faulty.err" &
	SERVER_PIDS+=($!)
	wait_file "$pf"
	FAULTY_PORT=$(cat "$pf")
}

@test "servers that reset mid-pack, truncate the pack or send a 10 MB line: named, nothing changed" {
	mkrepo seed
	local f
	for f in reset truncate longline; do
		git clone -q seed "src/$f"
		register "src/$f"
	done
	# a pack big enough to cut in half
	head -c 400000 /dev/urandom >seed/big.bin
	git -C seed add big.bin && git -C seed commit -qm big
	for f in reset truncate longline ok; do
		mkdir -p "served/$f"
		git clone -q --bare seed "served/$f/r.git"
	done
	faulty_server
	for f in reset truncate longline; do
		git -C "src/$f" remote set-url origin "http://127.0.0.1:$FAULTY_PORT/$f/r.git"
	done
	local before; before=$(snapshot src)
	run grove -a update
	assert_failure 1
	assert_output --partial "finished (3 failed)"
	[ "$(snapshot src)" = "$before" ]
	for f in reset truncate longline; do
		git -C "src/$f" fsck --strict --no-progress
	done
	# and a clone from them leaves no folder
	printf '[src/new]\ncheckout = git clone http://127.0.0.1:%s/truncate/r.git new\n' "$FAULTY_PORT" >>.mrconfig
	run grove -a checkout
	assert_failure 1
	assert_output --partial "src/new"
	[ ! -e src/new ]
	[ -z "$(ls -a src | grep grove-clone)" ]
	# the same server without a fault: the tests above failed for the fault
	git -C src/reset remote set-url origin "http://127.0.0.1:$FAULTY_PORT/ok/r.git"
	run grove -d src/reset update
	assert_success
	[ -e src/reset/big.bin ]
}
