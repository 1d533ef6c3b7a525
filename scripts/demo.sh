#!/usr/bin/env bash
# make demo: builds a few repositories in mixed states with a local upstream,
# registers them in a registry of their own, and shows `grove status`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
demo=${GROVE_DEMO_DIR:-$root/build/demo}
grove=$root/grove

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.invalid
export GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.invalid
export GROVE_CONFIG=$demo/mrconfig

rm -rf "$demo"
mkdir -p "$demo/upstream" "$demo/src"
q() { "$@" >/dev/null 2>&1; }

make_project() { # NAME: an upstream with two commits and a clone of it
	local seed=$demo/seed-$1
	q git init -b main "$seed"
	echo "# $1" >"$seed/README.md"
	echo "int main(void) { return 0; }" >"$seed/main.c"
	q git -C "$seed" add -A
	q git -C "$seed" commit -m "start $1"
	q git clone --bare "$seed" "$demo/upstream/$1.git"
	q git clone "$demo/upstream/$1.git" "$demo/src/$1"
	rm -rf "$seed"
}

upstream_moves() { # NAME: someone else pushes a commit
	local tmp=$demo/tmp-$1
	q git clone "$demo/upstream/$1.git" "$tmp"
	echo "// news" >>"$tmp/main.c"
	q git -C "$tmp" commit -am "upstream work"
	q git -C "$tmp" push origin main
	rm -rf "$tmp"
	q git -C "$demo/src/$1" fetch
}

for p in api web docs tools infra; do make_project "$p"; done
echo "// wip" >>"$demo/src/api/main.c"                       # modified
echo "draft" >"$demo/src/web/notes.txt"                      # untracked
echo "x" >>"$demo/src/web/README.md"; q git -C "$demo/src/web" add README.md  # staged
upstream_moves docs                                          # behind
echo "// mine" >>"$demo/src/tools/main.c"; q git -C "$demo/src/tools" commit -am "local work"  # ahead
upstream_moves tools                                         # and so diverged
echo "// stash me" >>"$demo/src/infra/main.c"; q git -C "$demo/src/infra" stash
q git init -b main "$demo/src/scratch"                       # no commits, no upstream

"$grove" register -r "$demo/src"
printf '[%s]\ncheckout = git clone https://example.invalid/lost.git lost\n' "$demo/src/lost" >>"$GROVE_CONFIG"

echo
echo "\$ grove -d $demo/src status"
"$grove" -d "$demo/src" status || true
echo
echo "(the registry is $GROVE_CONFIG; try: GROVE_CONFIG=$GROVE_CONFIG $grove -d $demo/src status --long)"
