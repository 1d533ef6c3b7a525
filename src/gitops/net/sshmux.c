#include "gitops/net/sshmux.h"
#include "gitops/net/hostslot.h"
#include "gitops/net/net.h"
#include "proc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum master_state { MASTER_STARTING, MASTER_READY, MASTER_FAILED };

struct master {
	char *path; /* the control socket */
	enum master_state state;
	size_t sessions; /* ssh running through it now */
};

/* whether a host's connections are shared: asked once (ssh -G) */
enum host_sharing { SHARING_UNKNOWN, SHARING_PROBING, SHARING_ON, SHARING_OFF };

struct host {
	struct ssh_command command;
	char *userhost, *port;
	enum host_sharing sharing;
	struct master *masters;
	size_t nmasters;
	size_t uses; /* sessions through a master, for -v */
	char *why;   /* a master would not start: ssh's reason, for -v */
	/* its entry in the per-host table: unshared ssh running now
	 * (active), acquires waiting for a connection or session */
	struct hostslot *slot;
};

struct sshmux_use {
	struct host *host;
	int shared;    /* through a master ... */
	size_t master; /* ... this one; else a connection of its own */
};

/* under the per-host table's lock (gitops/net/hostslot) */
static int sharing_on = 1;
static char *dir;       /* the private folder, once made */
static size_t nsockets; /* names the sockets: 0, 1, ... */

/* ControlPersist: how long a master grove could not close outlives its
 * last use; a run closes its masters itself */
#define PERSIST_SECONDS "60"

void sshmux_setup(int share)
{
	sharing_on = share;
}

/* the argv of the host's ssh command with opts and no remote command */
static void host_argv(const struct host *h, const char *const *opts, struct strlist *argv)
{
	struct strlist o = STRLIST_INIT;
	for (size_t i = 0; opts[i]; i++)
		strlist_push(&o, opts[i]);
	sshcmd_argv(&h->command, h->userhost, h->port, &o, NULL, argv);
	strlist_push_owned(argv, NULL);
	strlist_release(&o);
}

/* runs argv, its standard output and error into files (or /dev/null), for
 * at most timeout_ms and (cancellable) until the run is interrupted: its
 * wait status, or -1 when it could not start or was ended (with what it
 * started) */
static int run_waiting(const struct strlist *argv, const char *out, const char *err,
		       long timeout_ms, int cancellable)
{
	struct proc_opts o = { .argv = (const char *const *)argv->items,
			       .out_file = out ? out : "/dev/null",
			       .err_file = err ? err : "/dev/null",
			       .timeout_ms = timeout_ms,
			       .cancelled = cancellable ? net_cancelled : NULL };
	int status = -1;
	return proc_run(&o, NULL, NULL, &status) < 0 ? -1 : status;
}

/* does the user's configuration for the host leave sharing to grove:
 * ssh -G says controlmaster false and no controlpath. Anything else (the
 * user's own set-up, a program that does not know -G) is left alone */
static int config_leaves_it(const struct host *h, const char *scratch)
{
	static const char *const opts[] = { "-G", NULL };
	struct strlist argv = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	int ok = 0;
	host_argv(h, opts, &argv);
	/* ssh -G reads files only; a program that waits here is no OpenSSH */
	long wait_ms = net_timeout() < 10 ? (long)net_timeout() * 1000 : 10 * 1000;
	int st = run_waiting(&argv, scratch, NULL, wait_ms, 1);
	if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    file_read_bounded(scratch, 1 << 20, &sb) == 0)
		ok = strstr(sb.buf, "\ncontrolmaster false\n") && !strstr(sb.buf, "\ncontrolpath ");
	unlink(scratch);
	strbuf_release(&sb);
	strlist_release(&argv);
	return ok;
}

/* starts a master: authenticated, in the background, its socket at path;
 * when it will not, why (ssh's first line) in *why */
static enum master_state start_master(const struct host *h, const char *path, char **why)
{
	char *cp = xasprintf("ControlPath=%s", path), *log = xasprintf("%s.log", path);
	const char *const opts[] = { "-o", "ControlMaster=yes",
				     "-o", cp,
				     "-o", "ControlPersist=" PERSIST_SECONDS,
				     "-f", "-N",
				     NULL };
	struct strlist argv = STRLIST_INIT;
	struct stat st;
	host_argv(h, opts, &argv);
	int status = run_waiting(&argv, NULL, log, (long)net_timeout() * 1000, 1);
	int up = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		 stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
	struct strbuf said = STRBUF_INIT;
	if (!up && file_read_bounded(log, 4096, &said) == 0 && said.len)
		*why = xstrndup(said.buf, strcspn(said.buf, "\r\n"));
	else if (!up)
		*why = xstrdup(status < 0 ? "no answer in time" : "ssh gave no reason");
	strbuf_release(&said);
	unlink(log);
	free(log);
	free(cp);
	strlist_release(&argv);
	return up ? MASTER_READY : MASTER_FAILED;
}

/* the host's entry, made on first use; under the lock */
static struct host *host_of(const struct ssh_command *c, const char *userhost, const char *port)
{
	char *key = xasprintf("ssh %d\n%s\n%s\n%s", c->shell, c->cmd, userhost, port ? port : "");
	char *words = xasprintf("an ssh session to %s", userhost);
	struct hostslot *slot = hostslot_of(key, words);
	free(words);
	free(key);
	if (slot->own)
		return slot->own;
	struct host *h = xcalloc(1, sizeof(*h));
	h->command = (struct ssh_command){ .cmd = xstrdup(c->cmd),
					   .shell = c->shell,
					   .variant = c->variant };
	h->userhost = xstrdup(userhost);
	h->port = port ? xstrdup(port) : NULL;
	h->sharing = sharing_on && c->variant == SSH_OPENSSH ? SHARING_UNKNOWN : SHARING_OFF;
	h->slot = slot;
	slot->own = h;
	return h;
}

/* the next socket's path in the private folder (made on first use), or
 * NULL when it cannot be made; under the lock */
static char *socket_path(void)
{
	if (!dir) {
		const char *tmp = getenv("TMPDIR");
		/* a socket's path has room for about 100 bytes */
		if (!tmp || !*tmp || strlen(tmp) > 40)
			tmp = "/tmp";
		char *t = xasprintf("%s/grove-ssh-XXXXXX", tmp);
		if (!mkdtemp(t)) {
			free(t);
			return NULL;
		}
		dir = t;
	}
	return xasprintf("%s/%zu", dir, nsockets++);
}

/* asks ssh -G once for the host, outside the lock (the lock is held on
 * entry and on return) */
static void probe(struct host *h)
{
	char *path = socket_path();
	h->sharing = SHARING_PROBING;
	hostslot_unlock();
	char *scratch = path ? xasprintf("%s.conf", path) : NULL;
	int ok = scratch && config_leaves_it(h, scratch);
	free(scratch);
	free(path);
	hostslot_lock();
	h->sharing = ok ? SHARING_ON : SHARING_OFF;
	hostslot_changed();
}

/* starts one more master for the host, outside the lock; a master that
 * will not start turns sharing off for the host (each ssh then connects
 * by itself and says why) */
static void add_master(struct host *h)
{
	char *path = socket_path();
	if (!path) {
		h->sharing = SHARING_OFF;
		return;
	}
	h->masters = xrealloc(h->masters, (h->nmasters + 1) * sizeof(*h->masters));
	size_t k = h->nmasters++;
	h->masters[k] = (struct master){ .path = path, .state = MASTER_STARTING };
	hostslot_unlock();
	char *why = NULL;
	enum master_state s = start_master(h, path, &why);
	hostslot_lock();
	h->masters[k].state = s;
	if (s == MASTER_FAILED) {
		h->sharing = SHARING_OFF;
		free(h->why);
		h->why = why;
	}
	hostslot_changed();
}

/* a master of the host with room, or NULL; *starting when one is starting */
static struct master *room(struct host *h, int *starting)
{
	*starting = 0;
	for (size_t i = 0; i < h->nmasters; i++) {
		struct master *m = &h->masters[i];
		*starting |= m->state == MASTER_STARTING;
		if (m->state == MASTER_READY && m->sessions < SSHMUX_SESSIONS)
			return m;
	}
	return NULL;
}

/* one step towards a use of the host, under the lock: 1 when use is set */
static int try_use(struct host *h, struct sshmux_use *use)
{
	int starting;
	struct master *m;
	switch (h->sharing) {
	case SHARING_UNKNOWN: probe(h); return 0;
	case SHARING_PROBING: hostslot_wait(); return 0;
	case SHARING_OFF:
		if (h->slot->active >= hostslot_limit()) {
			hostslot_wait();
			return 0;
		}
		h->slot->active++;
		return 1;
	case SHARING_ON: break;
	}
	if ((m = room(h, &starting))) {
		m->sessions++;
		h->uses++;
		use->shared = 1;
		use->master = (size_t)(m - h->masters);
		return 1;
	}
	/* one master starting at a time: gentle on MaxStartups */
	if (starting || h->nmasters >= hostslot_limit())
		hostslot_wait();
	else
		add_master(h);
	return 0;
}

struct sshmux_use *sshmux_acquire(const struct ssh_command *c, const char *userhost,
				  const char *port, struct strlist *opts)
{
	struct sshmux_use *use = xcalloc(1, sizeof(*use));
	hostslot_lock();
	use->host = host_of(c, userhost, port);
	struct host *h = use->host;
	h->slot->waiting++;
	while (!try_use(h, use))
		if (net_cancelled()) {
			free(use);
			use = NULL;
			break;
		}
	h->slot->waiting--;
	if (use && use->shared) {
		strlist_push(opts, "-o");
		strlist_push_owned(
		    opts, xasprintf("ControlPath=%s", use->host->masters[use->master].path));
		strlist_push(opts, "-o");
		strlist_push(opts, "ControlMaster=no");
	}
	hostslot_unlock();
	return use;
}

void sshmux_release(struct sshmux_use *use)
{
	if (!use)
		return;
	hostslot_lock();
	if (use->shared) {
		use->host->masters[use->master].sessions--;
		hostslot_changed();
	} else {
		hostslot_leave(use->host->slot);
	}
	hostslot_unlock();
	free(use);
}

/* closes an ssh host's masters, a line for it in report (a struct strbuf) */
static void host_close(struct hostslot *slot, void *report_arg)
{
	struct host *h = slot->own;
	struct strbuf *report = report_arg;
	if (!h)
		return;
	slot->own = NULL;
	size_t up = 0;
	for (size_t i = 0; i < h->nmasters; i++) {
		struct master *m = &h->masters[i];
		if (m->state == MASTER_READY) {
			char *cp = xasprintf("ControlPath=%s", m->path);
			const char *const opts[] = { "-o", cp, "-O", "exit", NULL };
			struct strlist argv = STRLIST_INIT;
			host_argv(h, opts, &argv);
			run_waiting(&argv, NULL, NULL, 5 * 1000, 0);
			strlist_release(&argv);
			free(cp);
			up++;
		}
		unlink(m->path);
		free(m->path);
	}
	if (up)
		strbuf_addf(report, "ssh to %s%s%s shared %zu %s among %zu %s\n", h->userhost,
			    h->port ? ":" : "", h->port ? h->port : "", up,
			    up == 1 ? "connection" : "connections", h->uses,
			    h->uses == 1 ? "repository" : "repositories");
	if (h->why)
		strbuf_addf(report, "ssh to %s%s%s not shared: %s\n", h->userhost,
			    h->port ? ":" : "", h->port ? h->port : "", h->why);
	free(h->why);
	free(h->masters);
	sshcmd_release(&h->command);
	free(h->userhost);
	free(h->port);
	free(h);
}

void sshmux_shutdown(struct strbuf *report)
{
	hostslot_each(host_close, report);
	hostslot_lock();
	nsockets = 0;
	if (dir && rmdir(dir) < 0)
		strbuf_addf(report, "cannot remove %s: %s\n", dir, strerror(errno));
	free(dir);
	dir = NULL;
	hostslot_unlock();
}
