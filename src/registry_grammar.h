/* registry_grammar: myrepos' line grammar (internal to the registry) */
#ifndef GROVE_REGISTRY_GRAMMAR_H
#define GROVE_REGISTRY_GRAMMAR_H

#include <stddef.h>

/* a registry line longer than this is hostile or broken, never a setting */
#define LINE_MAX_BYTES (64 * 1024)

struct grammar_lines {
	const char **start;
	size_t *len;
	size_t n;
};

/* a line of a buffer, without its newline; the last may lack one */
void grammar_lines_split(const char *buf, size_t len, struct grammar_lines *ls);
void grammar_lines_release(struct grammar_lines *ls);

int grammar_is_space(char c); /* Perl's \s */
int grammar_is_word(char c);  /* Perl's \w */
/* /^\s*#/ or /^\s*$/ */
int grammar_line_is_blank_or_comment(const char *l, size_t n);
/* /^\[([^\]]*)\]\s*$/: the name is l[1 .. 1+*name_len] */
int grammar_line_section(const char *l, size_t n, size_t *name_len);
/* /^(\w+)\s*=\s*(.*)/: the key length and the value offset */
int grammar_line_key(const char *l, size_t n, size_t *key_len, size_t *val_off);
/* /^\s(.+)/: one whitespace character, then at least one more */
int grammar_line_continues(const char *l, size_t n);

#endif
