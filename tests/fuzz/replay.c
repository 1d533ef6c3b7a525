/* runs a fuzz target over files without libFuzzer, so that every seed and
 * every input that once crashed is checked by `make check` with the
 * project's own compiler and sanitizers; exits non-zero on a finding */
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		unsigned char *buf = NULL;
		size_t len = 0, cap = 0, n;
		do {
			if (len == cap && !(buf = realloc(buf, cap = cap * 2 + 4096)))
				return 1;
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	printf("%s: %d inputs\n", argv[0], argc - 1);
	return 0;
}
