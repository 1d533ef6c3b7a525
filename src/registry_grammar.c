/* registry_grammar: myrepos' line grammar, shared by the reader and the writer */
#include "registry_grammar.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int grammar_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}

int grammar_is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

int grammar_line_is_blank_or_comment(const char *l, size_t n)
{
	size_t i = 0;
	while (i < n && grammar_is_space(l[i]))
		i++;
	return i == n || l[i] == '#';
}

/* `[name]` followed only by whitespace; name may not hold `]` */
int grammar_line_section(const char *l, size_t n, size_t *name_len)
{
	if (!n || l[0] != '[')
		return 0;
	size_t i = 1;
	while (i < n && l[i] != ']')
		i++;
	if (i == n)
		return 0;
	*name_len = i - 1;
	for (size_t j = i + 1; j < n; j++)
		if (!grammar_is_space(l[j]))
			return 0;
	return 1;
}

/* `key = value`: returns the key length and the value offset */
int grammar_line_key(const char *l, size_t n, size_t *key_len, size_t *val_off)
{
	size_t i = 0;
	while (i < n && grammar_is_word(l[i]))
		i++;
	if (!i)
		return 0;
	*key_len = i;
	while (i < n && grammar_is_space(l[i]))
		i++;
	if (i == n || l[i] != '=')
		return 0;
	i++;
	while (i < n && grammar_is_space(l[i]))
		i++;
	*val_off = i;
	return 1;
}

/* a continuation line: one whitespace character, then at least one more */
int grammar_line_continues(const char *l, size_t n)
{
	return n >= 2 && grammar_is_space(l[0]);
}

void grammar_lines_split(const char *buf, size_t len, struct grammar_lines *ls)
{
	size_t cap = 16;
	ls->start = xmalloc(cap * sizeof(*ls->start));
	ls->len = xmalloc(cap * sizeof(*ls->len));
	ls->n = 0;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - buf) : len;
		if (ls->n == cap) {
			cap *= 2;
			ls->start = xrealloc(ls->start, cap * sizeof(*ls->start));
			ls->len = xrealloc(ls->len, cap * sizeof(*ls->len));
		}
		ls->start[ls->n] = buf + i;
		ls->len[ls->n] = e - i;
		ls->n++;
		i = e + 1;
	}
}

void grammar_lines_release(struct grammar_lines *ls)
{
	free(ls->start);
	free(ls->len);
}
