/* pager: long output through the pager the command layer chose (cmd_pager_start) */
#ifndef GROVE_PAGER_H
#define GROVE_PAGER_H

/* when standard output is a terminal, starts prog with /bin/sh (LESS=FRX
 * and LV=-c unless set) and points standard output, and standard error if
 * it is the terminal, at it; NULL, "" and "cat" are no pager, as in git.
 * Returns 1 when a pager runs, 0 when none is wanted, -errno on failure */
int pager_start(const char *prog);
/* closes our end and waits for the pager to exit */
void pager_finish(void);

#endif
