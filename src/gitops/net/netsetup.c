#include "gitops/net/netsetup.h"
#include "gitops/net/advert.h"
#include "gitops/net/clone.h"
#include "gitops/net/hostslot.h"
#include "gitops/net/net.h"
#include "gitops/net/sshmux.h"
#include "gitops/net/stream.h"
#include "gitops/net/transport_ssh.h"

#include <stdlib.h>
#include <string.h>

int netsetup_init(const struct net_config *cfg)
{
	net_configure(cfg);
	clone_init();
	int rc = stream_register();
	if (rc < 0)
		return rc;
	if ((rc = advert_register()) < 0)
		return rc;
	const char *share = getenv("GROVE_SSH_SHARE");
	sshmux_setup(!share || strcmp(share, "0"));
	hostslot_set_limit(cfg->per_host);
	return transport_ssh_register();
}

void netsetup_shutdown(struct strbuf *report)
{
	sshmux_shutdown(report);
	hostslot_release();
}
