/* groups: editing a repository's `groups` key (names separated by spaces,
 * tabs or commas), as grove group and register --group-by-folder do */
#ifndef GROVE_GROUPS_H
#define GROVE_GROUPS_H

/* may name be a group: letters, digits, '.', '_', '-', not first '-'
 * (nothing -g a+b or the key's separators would split) */
int groups_name_ok(const char *name);

/* the value with name added at the end, name removed, or from renamed to
 * to (once, where from was): allocated, "" when no name is left; NULL
 * when the value would not change. The names are written space-separated */
char *groups_add(const char *groups, const char *name);
char *groups_remove(const char *groups, const char *name);
char *groups_rename(const char *groups, const char *from, const char *to);

#endif
