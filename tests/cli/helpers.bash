# Shared set-up for grove's command-line tests: every test gets its own HOME,
# git identity and clock, as git's test-lib.sh does, and builds real
# repositories in a temporary folder.

bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

GROVE_BIN="${GROVE_BIN:-$BATS_TEST_DIRNAME/../../grove}"
GROVE_BIN=$(cd "$(dirname "$GROVE_BIN")" && pwd)/$(basename "$GROVE_BIN")

common_setup() {
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	HOME=$(cd "$HOME" && pwd -P)
	export TZ=UTC LC_ALL=C.UTF-8 GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
	unset GROVE_CONFIG MR_CONFIG GIT_DIR GIT_WORK_TREE XDG_CONFIG_HOME
	export GIT_AUTHOR_NAME=tester GIT_AUTHOR_EMAIL=tester@example.invalid
	export GIT_COMMITTER_NAME=tester GIT_COMMITTER_EMAIL=tester@example.invalid
	export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
	git config --global init.defaultBranch main
	git config --global advice.detachedHead false
	cd "$HOME"
}

# not CMD...: fails when CMD succeeds. (bats does not stop a test on a
# failing `! CMD`: errexit ignores negated commands.)
not() {
	if "$@"; then
		echo "expected to fail: $*" >&2
		return 1
	fi
}

grove() {
	# GROVE_TEST_JOBS: the thread-sanitizer run puts every command on many workers
	"$GROVE_BIN" ${GROVE_TEST_JOBS:+-j "$GROVE_TEST_JOBS"} "$@"
}

# mkrepo PATH: a repository with one commit on main
mkrepo() {
	git init -q "$1"
	echo one >"$1/a.txt"
	git -C "$1" add a.txt
	git -C "$1" commit -qm first
}

# mkcloned NAME: $HOME/remotes/NAME.git and its clone at $HOME/src/NAME
mkcloned() {
	local seed="$BATS_TEST_TMPDIR/seed-$1"
	mkrepo "$seed"
	mkdir -p "$HOME/remotes" "$HOME/src"
	git clone -q --bare "$seed" "$HOME/remotes/$1.git"
	git clone -q "$HOME/remotes/$1.git" "$HOME/src/$1"
	rm -rf "$seed"
}

# upstream_commit NAME: a new commit lands in the remote of NAME
upstream_commit() {
	local tmp="$BATS_TEST_TMPDIR/up-$1-$RANDOM"
	git clone -q "$HOME/remotes/$1.git" "$tmp"
	echo "upstream $RANDOM" >>"$tmp/up.txt"
	git -C "$tmp" add up.txt
	git -C "$tmp" commit -qm upstream
	git -C "$tmp" push -q origin main
	rm -rf "$tmp"
}

# local_commit DIR [FILE]
local_commit() {
	echo "local $RANDOM" >>"$1/${2:-local.txt}"
	git -C "$1" add "${2:-local.txt}"
	git -C "$1" commit -qm local
}

# register PATH... in ~/.mrconfig the way myrepos writes it
register() {
	local p
	for p in "$@"; do
		printf '[%s]\ncheckout = git clone %s %s\n\n' "$p" "x" "$(basename "$p")" >>"$HOME/.mrconfig"
	done
}

# git's own counts for a repository: "staged modified conflicted untracked"
git_counts() {
	# the reference reads only: a git status that refreshed the index would
	# hide from grove what git saw
	GIT_OPTIONAL_LOCKS=0 git -C "$1" status --porcelain=v2 | awk '
		$1 == "1" || $1 == "2" { if (substr($2,1,1) != ".") s++; if (substr($2,2,1) != ".") m++ }
		$1 == "u" { c++ }
		$1 == "?" { u++ }
		END { printf "%d %d %d %d\n", s, m, c, u }'
}

# the same four counts from grove --porcelain for the repository at PATH
grove_counts() {
	grove -a --porcelain status | awk -F'\t' -v p="$1" '$1 == p { printf "%s %s %s %s\n", $8, $9, $10, $11 }'
}

# max_rss_kb CMD...: runs CMD, leaves its status in $status, output in
# $output and its peak memory (KiB) in $rss
max_rss() {
	local t="$BATS_TEST_TMPDIR/time.out"
	run /usr/bin/time -o "$t" -f '%M' "$@"
	rss=$(tail -n 1 "$t")
}
