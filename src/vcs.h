/* vcs: which version control system a checkout is, as myrepos' *_test
 * settings tell, and myrepos' own commands for the systems that are not git.
 * grove works on git natively; a checkout of another system runs these,
 * through the shell, for every action (grove(1), OTHER SYSTEMS). */
#ifndef GROVE_VCS_H
#define GROVE_VCS_H

/* "git", "git_bare", "hg", "svn", "bzr", "darcs" or "fossil" (myrepos'
 * names, the prefix of its VCS_ACTION settings), or NULL when path is none
 * of them */
const char *vcs_detect(const char *path);

/* a system that is not git: grove runs its commands instead of its own */
int vcs_is_other(const char *vcs);

/* the action of a VCS_ACTION key (hg_status: status), or NULL */
const char *vcs_action_of_key(const char *key);

/* myrepos' commands for the other systems, as registry text for the
 * built-in [DEFAULT] (a section or [DEFAULT] of the user's overrides any).
 * From myrepos 1.20180726 (/usr/bin/mr, Joey Hess, GPL-2+), word for word
 * but for fossil_clean, whose -f there is the dry run and the plain call
 * removes files (here -f removes, as for every other system); hg_status,
 * which there fails in a clone at revision 0 (grep -v finds nothing left
 * to print); and egrep, which warns that it is obsolescent, spelled
 * grep -E */
#define VCS_REGISTRY_DEFAULTS                                                                      \
	"svn_update = svn update \"$@\"\n"                                                         \
	"bzr_update =\n"                                                                           \
	"\tif is_bzr_checkout; then\n"                                                             \
	"\t\tbzr update \"$@\"\n"                                                                  \
	"\telse\n"                                                                                 \
	"\t\tbzr merge --pull \"$@\"\n"                                                            \
	"\tfi\n"                                                                                   \
	"hg_update = hg pull \"$@\"; hg update \"$@\"\n"                                           \
	"darcs_update = darcs pull -a \"$@\"\n"                                                    \
	"fossil_update = fossil pull \"$@\"\n"                                                     \
	"darcs_fetch = darcs fetch -a \"$@\"\n"                                                    \
	"hg_fetch = hg pull \"$@\"\n"                                                              \
	"svn_clean =\n"                                                                            \
	"\tif [ \"x$1\" = x-f ] ; then\n"                                                          \
	"\t\tshift\n"                                                                              \
	"\t\tsvn-clean \"$@\"\n"                                                                   \
	"\telse\n"                                                                                 \
	"\t\tsvn-clean --print \"$@\"\n"                                                           \
	"\tfi\n"                                                                                   \
	"bzr_clean =\n"                                                                            \
	"\tif [ \"x$1\" = x-f ] ; then\n"                                                          \
	"\t\tshift\n"                                                                              \
	"\t\tbzr clean-tree --verbose --force --ignored --unknown --detritus \"$@\"\n"             \
	"\telse\n"                                                                                 \
	"\t\tbzr clean-tree --verbose --dry-run --ignored --unknown --detritus \"$@\"\n"           \
	"\tfi\n"                                                                                   \
	"hg_clean =\n"                                                                             \
	"\tif [ \"x$1\" = x-f ] ; then\n"                                                          \
	"\t\tshift\n"                                                                              \
	"\t\thg purge --print --all \"$@\"\n"                                                      \
	"\t\thg purge --all \"$@\"\n"                                                              \
	"\telse\n"                                                                                 \
	"\t\thg purge --print --all \"$@\"\n"                                                      \
	"\tfi\n"                                                                                   \
	"fossil_clean =\n"                                                                         \
	"\tif [ \"x$1\" = x-f ] ; then\n"                                                          \
	"\t\tshift\n"                                                                              \
	"\t\tfossil clean --force --dotfiles --emptydirs \"$@\"\n"                                 \
	"\telse\n"                                                                                 \
	"\t\tfossil clean --dry-run --dotfiles --emptydirs \"$@\"\n"                               \
	"\tfi\n"                                                                                   \
	"svn_status = svn status \"$@\"\n"                                                         \
	"bzr_status = bzr status --short \"$@\"; bzr missing\n"                                    \
	"hg_status = hg status --pager never \"$@\"; hg summary --pager never --quiet | grep -v "  \
	"'parent: 0:' || true\n"                                                                   \
	"darcs_status = darcs whatsnew -ls \"$@\" || true\n"                                       \
	"fossil_status = fossil changes \"$@\"\n"                                                  \
	"svn_commit = svn commit \"$@\"\n"                                                         \
	"bzr_commit =\n"                                                                           \
	"\tif is_bzr_checkout; then\n"                                                             \
	"\t\tbzr commit \"$@\"\n"                                                                  \
	"\telse\n"                                                                                 \
	"\t\tbzr commit \"$@\" && bzr push\n"                                                      \
	"\tfi\n"                                                                                   \
	"hg_commit = hg commit \"$@\" && hg push\n"                                                \
	"darcs_commit = darcs record -a \"$@\" && darcs push -a\n"                                 \
	"fossil_commit = fossil commit \"$@\"\n"                                                   \
	"bzr_record =\n"                                                                           \
	"\tif is_bzr_checkout; then\n"                                                             \
	"\t\tbzr commit --local \"$@\"\n"                                                          \
	"\telse\n"                                                                                 \
	"\t\tbzr commit \"$@\"\n"                                                                  \
	"\tfi\n"                                                                                   \
	"hg_record = hg commit \"$@\"\n"                                                           \
	"darcs_record = darcs record -a \"$@\"\n"                                                  \
	"fossil_record = fossil commit \"$@\"\n"                                                   \
	"svn_push = :\n"                                                                           \
	"bzr_push = bzr push \"$@\"\n"                                                             \
	"hg_push = hg push \"$@\" || if [ \"$?\" -eq \"255\" ] ; then exit 1; else exit 0; fi\n"   \
	"darcs_push = darcs push -a \"$@\"\n"                                                      \
	"fossil_push = fossil push \"$@\"\n"                                                       \
	"svn_diff = svn diff \"$@\"\n"                                                             \
	"bzr_diff = bzr diff \"$@\"\n"                                                             \
	"hg_diff = hg diff \"$@\"\n"                                                               \
	"darcs_diff = darcs diff -u \"$@\"\n"                                                      \
	"fossil_diff = fossil diff \"$@\"\n"                                                       \
	"svn_log = svn log \"$@\"\n"                                                               \
	"bzr_log = bzr log \"$@\"\n"                                                               \
	"hg_log = hg log \"$@\"\n"                                                                 \
	"darcs_log = darcs changes \"$@\"\n"                                                       \
	"fossil_log = fossil timeline \"$@\"\n"                                                    \
	"hg_grep = hg grep \"$@\" || true\n"                                                       \
	"svn_grep = if command -v ack-grep > /dev/null 2>&1; then ack-grep \"$@\" || true ; else " \
	"ack \"$@\" || true ; fi\n"                                                                \
	"bzr_grep = if command -v ack-grep > /dev/null 2>&1; then ack-grep \"$@\" || true ; else " \
	"ack \"$@\" || true ; fi\n"                                                                \
	"darcs_grep = if command -v ack-grep > /dev/null 2>&1; then ack-grep \"$@\" || true ; "    \
	"else ack \"$@\" || true ; fi\n"

/* the lib function bzr's commands call, as myrepos' lib has it */
#define VCS_REGISTRY_LIB                                                                           \
	"\tis_bzr_checkout() {\n"                                                                  \
	"\t\tLANG=C bzr info | grep -E -q '^Checkout'\n"                                           \
	"\t}\n"

#endif
