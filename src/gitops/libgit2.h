/* gitops/libgit2: the one include of libgit2 for gitops, and the one
 * place where the libgit2 versions grove builds against differ (1.5 to
 * 1.9; doc/libgit2.md says what differs and why each workaround stays).
 *
 * 1.8 moved the functions that set and clear the thread's error (which a
 * custom transport or stream must call) from git2/errors.h to
 * git2/sys/errors.h; older versions have no such header. */
#ifndef GROVE_GITOPS_LIBGIT2_H
#define GROVE_GITOPS_LIBGIT2_H

#include <git2.h>

#if LIBGIT2_VER_MAJOR != 1 || LIBGIT2_VER_MINOR < 5
#error "grove needs libgit2 1.5 or newer (1.x)"
#endif

#if LIBGIT2_VER_MINOR >= 8
#include <git2/sys/errors.h>
#endif

/* 1.5 reports a repository owned by another user as a missing
 * safe.directory value (GIT_ENOTFOUND); 1.9 says GIT_EOWNER. Measured
 * on those two (tests/unit/test_libgit2.c); the versions between get
 * both checks. */
#define LIBGIT2_OWNER_AS_NOTFOUND (LIBGIT2_VER_MINOR < 9)

/* a fetch into a repository holding an annotated tag of a blob or a tree
 * fails in negotiation ("object is not a committish"): 1.5 and 1.9 alike */
#define LIBGIT2_NONCOMMIT_TAG_FETCH_FAILS 1

#endif
