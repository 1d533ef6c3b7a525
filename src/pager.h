/* pager: long output through $GIT_PAGER, $PAGER or less, as git pages */
#ifndef GROVE_PAGER_H
#define GROVE_PAGER_H

/* when standard output is a terminal, starts the pager (GIT_PAGER, then
 * PAGER, then "less", with LESS=FRX and LV=-c unless set) and points
 * standard output, and standard error if it is the terminal, at it.
 * Returns 1 when a pager runs, 0 when none is wanted, -errno on failure */
int pager_start(void);
/* closes our end and waits for the pager to exit */
void pager_finish(void);

#endif
