/* shared by the unit tests that need a registry made from text */
#ifndef GROVE_UNIT_REGISTRY_H
#define GROVE_UNIT_REGISTRY_H

#include <string.h>

#include "registry.h"

/* loads text as the trusted file /h/.mrconfig into reg: 0 or non-zero */
static inline int unit_registry_load(struct registry *reg, const char *text)
{
	struct strbuf err = STRBUF_INIT;
	registry_init(reg);
	int rc = registry_load_buffer(reg, "/h/.mrconfig", text, strlen(text), 1, &err);
	rc |= registry_finish(reg, &err);
	strbuf_release(&err);
	return rc;
}

#endif
