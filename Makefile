# grove: make, make check, make deps, make demo, make install, make dist, make bench
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
VERSION = 0.1.0

.DEFAULT_GOAL := all
CC ?= cc
PKGS = libgit2 libcjson inih yaml-0.1
# libcurl is compiled against but loaded when sync needs it (src/http.c)
CFLAGS_PKGS = $(PKGS) libcurl
CFLAGS ?= -O2 -g
# warnings fail the build of the tests and CI, where the compiler is the
# one tested; a user's plain `make` (a newer compiler, new warnings) shows
# them and goes on
STRICT_GOALS = check check-layers unit replay cli check-tsan check-valgrind fuzz fuzz-build distcheck
WERROR ?= $(if $(filter $(STRICT_GOALS),$(MAKECMDGOALS)),-Werror)
WARN = -std=c11 -Wall -Wextra $(WERROR)
CPPFLAGS += -D_GNU_SOURCE -DGROVE_VERSION='"$(VERSION)"' -Isrc
LDLIBS += $(PKG_LIBS) -ldl -lpthread
ifneq ($(SANITIZE),)
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
# a sanitizer finding fails the test that triggered it
export ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS ?= suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
endif

BUILD = build
SRCS = $(wildcard src/*.c src/gitops/*.c src/gitops/*/*.c src/forge/*.c)
LIB_SRCS = $(filter-out src/main.c,$(SRCS))
LIB_OBJS = $(LIB_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

# Debian packages: scripts/deps holds the lists and installs what the goals
# on the same command line need (make deps: building; with a test goal or
# SANITIZE, the test tools too); `make deps-test` installs both. make.sh
# runs make on every CPU and installs make itself first where it is missing.
DEPS_GOALS = deps deps-test

# pkg-config is asked when a recipe first needs the flags (after `make deps`
# when it is on the same command line), not when make reads this file: a
# package it cannot find stops the build with its name and `run: make deps`
PKG_DIR = $(BUILD)/pkg
PKG_CFLAGS = $(file <$(PKG_DIR)/cflags)
PKG_LIBS = $(file <$(PKG_DIR)/libs)
PKG_TEST_LIBS = $(file <$(PKG_DIR)/test-libs)
$(PKG_DIR)/cflags: FORCE | $(filter $(DEPS_GOALS),$(MAKECMDGOALS))
	@scripts/pkg-flags $@ --cflags $(CFLAGS_PKGS)
$(PKG_DIR)/libs: FORCE | $(filter $(DEPS_GOALS),$(MAKECMDGOALS))
	@scripts/pkg-flags $@ --libs $(PKGS)
$(PKG_DIR)/test-libs: FORCE | $(filter $(DEPS_GOALS),$(MAKECMDGOALS))
	@scripts/pkg-flags $@ --libs cmocka

.PHONY: all fmt deps deps-test fresh-check check check-layers check-valgrind check-tsan unit replay cli demo install install-mr-link uninstall dist distcheck clean bench fuzz fuzz-build FORCE

all: grove

# a change of compiler flags (SANITIZE=...) rebuilds everything
FLAGS = $(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS)
$(BUILD)/flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(FLAGS)' | cmp -s - $@ || echo '$(FLAGS)' >$@

grove: $(BUILD)/src/main.o $(LIB_OBJS) $(PKG_DIR)/libs
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

# header dependencies come from the compiler (-MMD -MP, the .d files)
$(BUILD)/%.o: %.c $(BUILD)/flags $(PKG_DIR)/cflags
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) $(BUILD)/flags $(PKG_DIR)/libs $(PKG_DIR)/test-libs
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -MMD -MP -o $@ $< $(LIB_OBJS) \
		$(LDLIBS) $(PKG_TEST_LIBS)

# the benchmarks' floor: the least work that tells a dirty repository;
# and what a first touch of fresh memory costs (behind src/heap.c)
$(BUILD)/floor: bench/floor.c
	@mkdir -p $(BUILD)
	$(CC) -O2 -std=c11 -Wall -Wextra -Werror -o $@ $< -lpthread

$(BUILD)/pagefault: bench/pagefault.c
	@mkdir -p $(BUILD)
	$(CC) -O2 -std=c11 -Wall -Wextra -Werror -o $@ $<

# libgit2's own ssh transport, for bench/network.sh to set beside grove's
$(BUILD)/libgit2-ssh: bench/libgit2-ssh.c $(PKG_DIR)/cflags $(PKG_DIR)/libs
	@mkdir -p $(BUILD)
	$(CC) -O2 -std=c11 -Wall -Wextra $(WERROR) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS) -lpthread

# libFuzzer targets (tests/fuzz), built by clang with AddressSanitizer and
# UndefinedBehaviorSanitizer in their own folder; `make fuzz` runs each for
# FUZZ_SECONDS over its corpus in tests/fuzz/corpus
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = registry link repos status_v2 trust split opt plan
FUZZ_BINS = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
ifneq ($(FUZZ),)
CFLAGS += -fsanitize=fuzzer-no-link
endif

fuzz:
	$(MAKE) BUILD=build/fuzzbuild CC=clang SANITIZE=address,undefined FUZZ=1 fuzz-build
	tests/fuzz/run build/fuzzbuild/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build: $(FUZZ_BINS)

# the same targets without libFuzzer, replayed over their corpora by make check
REPLAY_BINS = $(FUZZ_TARGETS:%=$(BUILD)/tests/replay_%)
$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIB_OBJS) $(BUILD)/flags $(PKG_DIR)/libs
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -MMD -MP -o $@ $< tests/fuzz/replay.c \
		$(LIB_OBJS) $(LDLIBS)

replay: $(REPLAY_BINS)
	$(run-replay)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_OBJS) $(BUILD)/flags $(PKG_DIR)/libs
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -MMD -MP -fsanitize=fuzzer -o $@ $< \
		$(LIB_OBJS) $(LDLIBS)

deps deps-test:
	@SANITIZE='$(SANITIZE)' scripts/deps $(MAKECMDGOALS)

# the tests run one suite after another, whatever -j builds in parallel
define run-unit
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done
endef
define run-replay
	@set -e; for t in $(FUZZ_TARGETS); do $(BUILD)/tests/replay_$$t tests/fuzz/corpus/$$t/*; done
endef
# the command-line suites make check and make cli run (CI narrows it
# for the sanitizer build)
CLI_TESTS ?= tests/cli tests/compat
define run-cli
	bats --timing --print-output-on-failure $(CLI_TESTS)
endef

unit: $(UNIT_BINS)
	$(run-unit)

cli: grove
	$(run-cli)

# src/LAYERS: no file uses one of a layer above its own, includes and the
# objects' symbols both (scripts/check-layers); a fault names the two files
check-layers: grove
	scripts/check-layers -o $(BUILD)/src src

check: $(UNIT_BINS) $(REPLAY_BINS) grove check-layers
	$(run-unit)
	$(run-replay)
	$(run-cli)

# the pool-heavy command-line tests with a ThreadSanitizer build, every
# command on 16 workers: fails on any report (one log per report). Run it
# as make SANITIZE=thread check-tsan, which builds grove so first
TSAN_TESTS ?= tests/cli/status.bats tests/cli/update.bats tests/cli/shell.bats tests/cli/diff.bats \
	tests/cli/doctor.bats
check-tsan: grove
	@grep -q -- '-fsanitize=thread' $(BUILD)/flags || { echo "make check-tsan: build with SANITIZE=thread first"; exit 2; }
	rm -rf $(BUILD)/tsan && mkdir -p $(BUILD)/tsan
	TSAN_OPTIONS="log_path=$(CURDIR)/$(BUILD)/tsan/tsan exitcode=66 second_deadlock_stack=1" \
		GROVE_TEST_JOBS=16 bats --print-output-on-failure $(TSAN_TESTS)
	@if ls $(BUILD)/tsan | grep -q .; then cat $(BUILD)/tsan/*; exit 1; fi
	@echo "ThreadSanitizer: no report"

# the command-line tests with grove under valgrind memcheck: fails on any
# definite leak or memory error (tests that time themselves may fail under
# valgrind's slowness; the verdict is valgrind's). VALGRIND_TESTS narrows it.
VALGRIND_TESTS ?= tests/cli
check-valgrind: grove
	rm -rf $(BUILD)/valgrind && mkdir -p $(BUILD)/valgrind
	-GROVE_BIN=$(CURDIR)/tests/valgrind-grove GROVE_VALGRIND_LOGS=$(CURDIR)/$(BUILD)/valgrind \
		KILL_ROUNDS=2 bats $(VALGRIND_TESTS) >$(BUILD)/valgrind/bats.log 2>&1; \
		grep -c '^not ok' $(BUILD)/valgrind/bats.log | sed 's/$$/ tests failed under valgrind (see $(BUILD)\/valgrind\/bats.log)/'
	tests/valgrind-report $(BUILD)/valgrind

demo: grove
	@scripts/demo.sh

# every benchmark at a reduced size (bench/RESULTS.md has the full runs)
bench: grove $(BUILD)/floor $(BUILD)/pagefault $(BUILD)/libgit2-ssh
	bench/status.sh --quick
	bench/update.sh --quick
	bench/run.sh --quick
	bench/sync.sh --quick
	bench/forges.sh --quick
	bench/import.sh --quick
	bench/diff.sh --quick
	bench/bigrepo.sh --quick
	bench/scale.sh --quick
	bench/startup.sh --quick
	bench/network.sh --quick
	bench/tags.sh -n 500 -r 3

BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR = $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d
INSTALLED = $(BINDIR)/grove $(MANDIR)/man1/grove.1 $(MANDIR)/man5/grove-config.5 \
	$(BASHCOMPDIR)/grove $(ZSHCOMPDIR)/_grove $(FISHCOMPDIR)/grove.fish

install: grove
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 grove $(DESTDIR)$(BINDIR)/grove
	install -m 644 man/grove.1 $(DESTDIR)$(MANDIR)/man1/grove.1
	install -m 644 man/grove-config.5 $(DESTDIR)$(MANDIR)/man5/grove-config.5
	install -m 644 config/completions/grove.bash $(DESTDIR)$(BASHCOMPDIR)/grove
	install -m 644 config/completions/_grove $(DESTDIR)$(ZSHCOMPDIR)/_grove
	install -m 644 config/completions/grove.fish $(DESTDIR)$(FISHCOMPDIR)/grove.fish
	@[ -n "$(DESTDIR)" ] || scripts/zsh-fpath-note $(ZSHCOMPDIR)

# opt-in: `mr` as a link to grove, for registries whose own commands run
# mr (README, For myrepos users); taken away by uninstall only while it
# is that link
install-mr-link:
	install -d $(DESTDIR)$(BINDIR)
	@if [ -e $(DESTDIR)$(BINDIR)/mr ] && [ "$$(readlink $(DESTDIR)$(BINDIR)/mr)" != grove ]; then \
		echo "make install-mr-link: $(DESTDIR)$(BINDIR)/mr exists and is not grove's: not replacing it"; \
		exit 1; fi
	ln -sfn grove $(DESTDIR)$(BINDIR)/mr

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	if [ "$$(readlink $(DESTDIR)$(BINDIR)/mr)" = grove ]; then rm -f $(DESTDIR)$(BINDIR)/mr; fi

# the release tarball: what HEAD holds (git archive), named for VERSION
DIST = grove-$(VERSION)
dist:
	@git diff --quiet HEAD -- || echo "make dist: uncommitted changes are not in $(DIST).tar.gz" >&2
	git archive --format=tar.gz --prefix=$(DIST)/ -o $(DIST).tar.gz HEAD
	@echo "$(DIST).tar.gz"

# the tarball builds and installs on this machine as README.md says: make
# deps (apt-get), make; then the unit tests and an installed grove run
distcheck: dist
	rm -rf $(BUILD)/distcheck && mkdir -p $(BUILD)/distcheck
	tar -xzf $(DIST).tar.gz -C $(BUILD)/distcheck
	cd $(BUILD)/distcheck/$(DIST) && $(MAKE) deps && $(MAKE) && test -x grove && $(MAKE) deps unit && \
		$(MAKE) install DESTDIR=$(CURDIR)/$(BUILD)/distcheck/dest
	$(BUILD)/distcheck/dest$(BINDIR)/grove --version
	$(BUILD)/distcheck/dest$(BINDIR)/grove help >/dev/null
	@echo "distcheck: $(DIST).tar.gz builds, passes its unit tests and installs"

# the code in the style of .clang-format (CODING.md)
FMT_FILES = $(wildcard src/*.[ch] src/gitops/*.[ch] src/gitops/*/*.[ch] src/forge/*.[ch] tests/unit/*.[ch] tests/fuzz/*.c bench/*.c)
fmt:
	clang-format -i $(FMT_FILES)

# the README's two commands on a fresh Debian root (as root: debootstrap, chroot)
fresh-check:
	tests/fresh-machine/run

clean:
	rm -rf $(BUILD) grove

-include $(patsubst %,%.d,$(basename $(LIB_OBJS) $(BUILD)/src/main.o) $(UNIT_BINS) $(REPLAY_BINS) $(FUZZ_BINS))
