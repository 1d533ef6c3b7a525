#!/usr/bin/env bats
# The Makefile on a machine without grove's libraries: it names what is
# missing instead of failing at the linker (issue 15). The whole fresh
# machine is tests/fresh-machine/run (make fresh-check).

load helpers

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
