#!/usr/bin/env bats
# scripts/check-layers (make check-layers, issue 34): src/LAYERS says which
# layer each file is in; a file that includes or calls a file of a layer
# above its own, or two files that use each other, fail the check with the
# files named. Each case is a scratch copy, never the tree itself.

load helpers

setup() {
	common_setup
	top="$BATS_TEST_DIRNAME/../.."
	tree="$BATS_TEST_TMPDIR/tree"
	mkdir -p "$tree"
	(cd "$top" && tar -cf - src scripts/check-layers) | tar -xf - -C "$tree"
}

# a small tree of its own: LAYERS from stdin, files written by the test
mini() {
	mini="$BATS_TEST_TMPDIR/mini"
	mkdir -p "$mini/src" "$mini/obj"
	cat >"$mini/src/LAYERS"
}

# compiles every .c of the mini tree into obj/, as make does into build/
mini_build() {
	local c
	for c in "$mini"/src/*.c; do
		cc -c -I"$mini/src" -o "$mini/obj/$(basename "${c%.c}").o" "$c"
	done
}

@test "grove's own tree passes, includes only" {
	run "$tree/scripts/check-layers" "$tree/src"
	assert_success
	assert_output ''
}

@test "the three gitops layers are folders" {
	[ -d "$tree/src/gitops/read" ]
	[ -d "$tree/src/gitops/net" ]
	[ -d "$tree/src/gitops/write" ]
	run grep -E '^layer gitops-(read|net|write) ' "$tree/src/LAYERS"
	assert_success
	assert_equal "${#lines[@]}" 3
}

@test "an upward include fails the check, the two files and the layers named" {
	echo '#include "gitops/write/update.h"' >>"$tree/src/gitops/read/status.c"
	run "$tree/scripts/check-layers" "$tree/src"
	assert_failure
	assert_output 'check-layers: src/gitops/read/status.c uses src/gitops/write/update.h (#include "gitops/write/update.h"), but gitops-read may not use gitops-write'
}

@test "a call upward without an include is found in the objects' symbols" {
	mini <<-'EOF'
		layer low low.*
		layer high high.*
	EOF
	printf 'int high_fn(void);\nint low_fn(void) { return high_fn(); }\n' >"$mini/src/low.c"
	printf 'int high_fn(void) { return 1; }\n' >"$mini/src/high.c"
	mini_build
	run "$tree/scripts/check-layers" "$mini/src"
	assert_success
	run "$tree/scripts/check-layers" -o "$mini/obj" "$mini/src"
	assert_failure
	assert_output 'check-layers: src/low.c uses src/high.c (calls high_fn), but low may not use high'
}

@test "two files of one layer that use each other fail, the loop named" {
	mini <<-'EOF'
		layer one a.* b.* c.*
	EOF
	printf 'int a_fn(void);\n' >"$mini/src/a.h"
	printf 'int b_fn(void);\n' >"$mini/src/b.h"
	printf '#include "b.h"\nint a_fn(void) { return b_fn(); }\n' >"$mini/src/a.c"
	printf '#include "c.h"\nint b_fn(void) { return 2; }\n' >"$mini/src/b.c"
	printf '#include "a.h"\n' >"$mini/src/c.h"
	run "$tree/scripts/check-layers" "$mini/src"
	assert_failure
	assert_output --partial 'check-layers: a loop in layer one: '
	assert_output --partial 'src/a'
	assert_output --partial 'src/b'
	assert_output --partial 'src/c'
}

@test "a layer marked loops may hold one, and a deny line still holds inside it" {
	mini <<-'EOF'
		layer top loops runner.* cmd.* cmd_*
		deny runner.* cmd_*
	EOF
	printf 'int cmd_error(void);\nint cmd_fn(void) { return cmd_error(); }\n' >"$mini/src/cmd_x.c"
	printf 'int cmd_fn(void);\nint cmd_error(void) { return 0; }\nint cmd_run(void) { return cmd_fn(); }\n' >"$mini/src/cmd.c"
	printf 'int cmd_error(void);\nint runner_go(void) { return cmd_error(); }\n' >"$mini/src/runner.c"
	mini_build
	run "$tree/scripts/check-layers" -o "$mini/obj" "$mini/src"
	assert_success
	printf 'int cmd_fn(void);\nint runner_go(void) { return cmd_fn(); }\n' >"$mini/src/runner.c"
	mini_build
	run "$tree/scripts/check-layers" -o "$mini/obj" "$mini/src"
	assert_failure
	assert_output 'check-layers: src/runner.c uses src/cmd_x.c (calls cmd_fn), but src/LAYERS denies it: deny runner.* cmd_*'
}

@test "a file in no layer fails, named" {
	touch "$tree/src/stray.c"
	run "$tree/scripts/check-layers" "$tree/src"
	assert_failure
	assert_output 'check-layers: src/stray.c is in no layer of src/LAYERS'
}
