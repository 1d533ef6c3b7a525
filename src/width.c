#include "width.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

/* the next character of s: its bytes (*len) and cells */
static size_t next_char(const char *s, size_t *len)
{
	mbstate_t st;
	wchar_t wc;
	memset(&st, 0, sizeof(st));
	size_t n = mbrtowc(&wc, s, MB_LEN_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		/* not the locale's: one cell for a UTF-8 character, as before */
		n = 1;
		while (((unsigned char)s[n] & 0xC0) == 0x80)
			n++;
		*len = n;
		return 1;
	}
	*len = n;
	int w = wcwidth(wc);
	return w < 0 ? 1 : (size_t)w;
}

size_t width_of(const char *s)
{
	size_t w = 0, n;
	for (; *s; s += n)
		w += next_char(s, &n);
	return w;
}

/* U+2026 where the locale writes UTF-8, else three dots */
static const char *ellipsis(size_t *cells)
{
	int utf8 = MB_CUR_MAX > 1;
	*cells = utf8 ? 1 : 3;
	return utf8 ? "\xe2\x80\xa6" : "...";
}

/* the bytes of s's longest head that takes at most max cells */
static size_t head_bytes(const char *s, size_t max)
{
	size_t w = 0, off = 0, n;
	while (s[off]) {
		size_t c = next_char(s + off, &n);
		if (w + c > max)
			break;
		w += c;
		off += n;
	}
	return off;
}

/* the offset of s's longest tail that takes at most max cells */
static size_t tail_offset(const char *s, size_t max)
{
	size_t total = width_of(s), off = 0, n;
	while (s[off] && total > max) {
		total -= next_char(s + off, &n);
		off += n;
	}
	return off;
}

char *width_cut_end(const char *s, size_t max)
{
	size_t e;
	const char *dots = ellipsis(&e);
	if (width_of(s) <= max)
		return xstrdup(s);
	size_t keep = max > e ? max - e : 0;
	return xasprintf("%.*s%s", (int)head_bytes(s, keep), s, dots);
}

char *width_cut_middle(const char *s, size_t max)
{
	size_t e;
	const char *dots = ellipsis(&e);
	if (width_of(s) <= max)
		return xstrdup(s);
	size_t keep = max > e ? max - e : 0, front = keep / 2;
	/* the end of a path names it: it gets the larger half, if one is */
	return xasprintf("%.*s%s%s", (int)head_bytes(s, front), s, dots,
			 s + tail_offset(s, keep - front));
}

size_t width_terminal(int fd)
{
	struct winsize ws;
	long cols;
	if (!isatty(fd))
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (parse_int(getenv("COLUMNS"), 1, 100000, &cols) == 0)
		return (size_t)cols;
	return 80;
}
