/* errcode: what kind of failure a result carries, next to its message:
 * counts, hints and exit codes read the code, never the text (issue 18) */
#ifndef GROVE_ERRCODE_H
#define GROVE_ERRCODE_H

enum errcode {
	ERR_NONE,
	ERR_GENERIC,     /* anything else */
	ERR_AUTH,        /* credentials missing or refused */
	ERR_TIMEOUT,     /* no progress, or no whole reply in time */
	ERR_INTERRUPTED, /* a signal stopped it */
	ERR_NOT_FOUND,   /* missing, not a repository, no such remote or branch */
	ERR_CONFLICT,    /* refused: local work, a diverged branch, something in the way */
	ERR_DROPPED,     /* the server dropped the connection before answering (busy) */
};

/* the name JSON output gives a kind ("error_kind") */
static inline const char *errcode_name(enum errcode c)
{
	static const char *const names[] = { "none",        "generic",   "auth",     "timeout",
					     "interrupted", "not-found", "conflict", "dropped" };
	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "generic";
}

#endif
