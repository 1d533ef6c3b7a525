#!/usr/bin/env bats
# The Makefile on a machine without grove's libraries: it names what is
# missing instead of failing at the linker (issue 15). The whole fresh
# machine is tests/fresh-machine/run (make fresh-check).

load helpers

teardown() {
	[ -z "${nosudo_bin:-}" ] || rm -rf "$nosudo_bin"
}

setup() {
	common_setup
	# a copy of the sources, as a clone would have them
	local top="$BATS_TEST_DIRNAME/../.."
	mkdir -p "$BATS_TEST_TMPDIR/tree"
	(cd "$top" && tar -cf - Makefile src scripts) | tar -xf - -C "$BATS_TEST_TMPDIR/tree"
	mkdir -p "$BATS_TEST_TMPDIR/no-pc"
}

@test "make without libgit2's pkg-config file names the package and make deps, before compiling" {
	run env PKG_CONFIG_LIBDIR="$BATS_TEST_TMPDIR/no-pc" PKG_CONFIG_PATH= make -C "$BATS_TEST_TMPDIR/tree" grove
	assert_failure
	assert_output --partial 'pkg-config cannot find libgit2 (Debian package libgit2-dev)'
	assert_output --partial 'run: make deps'
	refute_output --partial 'undefined reference'
	[ ! -e "$BATS_TEST_TMPDIR/tree/build/src/main.o" ]
}

@test "a missing test library is named too, when a unit test is built" {
	run env PKG_CONFIG_LIBDIR="$BATS_TEST_TMPDIR/no-pc" PKG_CONFIG_PATH= \
		"$BATS_TEST_TMPDIR/tree/scripts/pkg-flags" "$BATS_TEST_TMPDIR/out" --libs cmocka
	assert_failure
	assert_output 'make: pkg-config cannot find cmocka (Debian package libcmocka-dev): run: make deps'
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
}

@test "an older libgit2 is refused with the version found and the one needed, before compiling" {
	mkdir -p "$BATS_TEST_TMPDIR/old-pc"
	# libgit2 as version 1.4.6 declares itself, found before the installed one
	sed 's/^Version:.*/Version: 1.4.6/' "$(pkg-config --variable=pcfiledir libgit2)/libgit2.pc" \
		>"$BATS_TEST_TMPDIR/old-pc/libgit2.pc"
	run env PKG_CONFIG_PATH="$BATS_TEST_TMPDIR/old-pc" make -C "$BATS_TEST_TMPDIR/tree" grove
	assert_failure
	assert_output --partial 'make: libgit2 1.4.6 is too old: grove needs libgit2 1.5.0 or newer'
	[ ! -e "$BATS_TEST_TMPDIR/tree/build/src/main.o" ]
}

@test "a plain make shows a compiler's warnings and builds; the test builds fail on them" {
	# a warning a newer compiler might bring, in a file of its own
	printf 'int grove_warned(void)\n{\n\tint unused;\n\treturn 0;\n}\n' >"$BATS_TEST_TMPDIR/tree/src/warned.c"
	run make -C "$BATS_TEST_TMPDIR/tree" -j2 grove
	assert_success
	assert_output --partial "warning: unused variable"
	[ -x "$BATS_TEST_TMPDIR/tree/grove" ]
	mkdir -p "$BATS_TEST_TMPDIR/tree/tests"
	cp -r "$BATS_TEST_DIRNAME/../unit" "$BATS_TEST_TMPDIR/tree/tests/unit"
	run make -C "$BATS_TEST_TMPDIR/tree" unit
	assert_failure
	assert_output --partial "error: unused variable"
}

@test "the README lists the packages make deps installs" {
	local readme="$BATS_TEST_DIRNAME/../../README.md" list pkg
	for list in build test; do
		for pkg in $("$BATS_TEST_TMPDIR/tree/scripts/deps" --list "$list"); do
			run grep -c -w -- "$pkg" "$readme"
			assert_success
		done
	done
	# and nothing it no longer installs
	run grep -c 'libclang-rt-14-dev' "$readme"
	assert_output 0
}

@test "without root or sudo, make deps changes nothing and prints the administrator's apt-get line" {
	[ "$(id -u)" = 0 ] || skip "needs root to run as another user"
	# a PATH without sudo: every tool scripts/deps uses, nothing else, in a
	# folder nobody can enter (the test's own are private)
	nosudo_bin=$(mktemp -d /tmp/grove-nosudo-XXXXXX)
	chmod 755 "$nosudo_bin"
	local t
	for t in sh dpkg-query apt-get id; do ln -s "$(command -v "$t")" "$nosudo_bin/$t"; done
	# the script on standard input, for the same reason
	run runuser -u nobody -- env PATH="$nosudo_bin" \
		sh -s -- --with make --with grove-no-such-package deps <"$BATS_TEST_TMPDIR/tree/scripts/deps"
	assert_failure 1
	assert_line "make deps: these packages are missing and you are not root (and there is no sudo): grove-no-such-package"
	assert_line "    apt-get update && apt-get install -y -q --no-install-recommends grove-no-such-package"
	refute_output --partial 'not found'
}

@test "libgit2's version is asked in one place: gitops/libgit2.h" {
	local src="$BATS_TEST_DIRNAME/../../src"
	run grep -rln 'LIBGIT2_VER_\|LIBGIT2_VERSION' "$src"
	assert_output "$src/gitops/libgit2.h"
	# and git2.h is included there only
	run grep -rln '#include <git2\.h>' "$src"
	assert_output "$src/gitops/libgit2.h"
}
