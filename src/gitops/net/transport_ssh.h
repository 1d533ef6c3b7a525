/* gitops/net/transport_ssh: ssh:// and scp-like URLs through the system ssh
 * client, so that ~/.ssh/config, agents and every key type work (Debian's
 * libssh2 reads no ssh config and cannot sign with rsa-sha2). libgit2 keeps
 * the pack protocol; ssh only carries it. */
#ifndef GROVE_GITOPS_TRANSPORT_SSH_H
#define GROVE_GITOPS_TRANSPORT_SSH_H

/* registers the transport for ssh://, ssh+git://, git+ssh:// and scp-like URLs */
int transport_ssh_register(void);

struct ssh_target {
	char *user; /* NULL when the URL names none */
	char *host;
	char *port; /* NULL for the default */
	char *path;
};

/* splits an ssh URL; returns 0, or -1 for a URL that is not one (or names a
 * host or user starting with '-', which ssh would take for an option) */
int transport_ssh_parse(const char *url, struct ssh_target *t);
void transport_ssh_target_release(struct ssh_target *t);

#endif
