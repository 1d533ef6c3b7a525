/* gitops: process-wide libgit2 set-up.
 *
 * git_libgit2_init costs about 11 ms on the measured machine (libgit2 1.5
 * parses every CA certificate at init), more than a whole status of a
 * small repository. gitops_init does the cheap process set-up;
 * gitops_libgit2 initialises libgit2 and sets its process-wide options,
 * on the main thread before any worker starts (SPEC 3a). A status whose
 * repositories all go to git skips it. */
#ifndef GROVE_GITOPS_H
#define GROVE_GITOPS_H

int gitops_init(void);
/* initialise libgit2 (once; main thread, before workers): 0 or -1 */
int gitops_libgit2(void);
/* the version of the libgit2 grove runs on, "1.9.0" */
const char *gitops_libgit2_version(void);
/* libgit2's last message on this thread (why gitops_libgit2 failed, or
 * any call): read it on the failing thread before anything else runs */
const char *gitops_error(void);
/* "WHAT: libgit2's message", allocated */
char *gitops_message(const char *what);
/* has gitops_libgit2 succeeded: workers ask before using libgit2 */
int gitops_ready(void);
/* a setting from the user's git configuration (global, XDG, system; not a
 * repository's), read once, initialising libgit2 if needed; main thread.
 * 0 with *value set, 1 when it is not set, -1 with *err set when the
 * configuration cannot be read */
int gitops_user_config(const char *key, char **value, char **err);
/* a configuration value as git reads a boolean (true/yes/on, false/no/off,
 * numbers): 1, 0, or -1 when it is not one (a pager command, "always") */
int gitops_config_bool(const char *value);
/* after every worker has been joined */
void gitops_shutdown(void);

#endif
