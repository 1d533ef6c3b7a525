#!/bin/sh
# make.sh GOAL...: `make GOAL...` on every CPU, on a Debian machine that
# may not have make yet: make is installed first when it is missing (as
# root, or through sudo; otherwise the exact apt-get command an
# administrator runs is printed, with every package `deps` would install).
# The README's two commands: ./make.sh deps demo, ./make.sh deps check.
set -eu
cd "$(dirname "$0")"
if ! command -v make >/dev/null 2>&1; then
	scripts/deps --with make "$@"
fi
exec make -j"$(nproc)" "$@"
