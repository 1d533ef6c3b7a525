/* output: ordered blocks, the progress line, colours, the summary line */
#ifndef GROVE_OUTPUT_H
#define GROVE_OUTPUT_H

#include <stdio.h>
#include "util.h"

enum output_color { COLOR_NONE, COLOR_GREEN, COLOR_YELLOW, COLOR_RED, COLOR_BOLD, COLOR_CYAN };

enum output_outcome { OUTCOME_OK, OUTCOME_FAILED, OUTCOME_SKIPPED };
/* "ok", "failed", "skipped": a result in --json and --porcelain=v2 */
const char *output_outcome_name(enum output_outcome r);

struct output {
	const char *action;
	int quiet, minimal, verbose, stats, json;
	int no_summary;  /* machine-readable lines only */
	int list_failed; /* name the failures after the summary without --stats */
	int color;       /* resolved from --color, NO_COLOR and the terminal */
	int progress;    /* resolved: standard error is a terminal and --no-progress not given */
	size_t ok, failed, skipped;
	size_t total; /* the jobs of the run: those never started are counted */
	struct strlist failed_paths, skipped_paths;
	int progress_shown;
	FILE *out, *err;
};

enum output_color_mode { COLOR_MODE_AUTO, COLOR_MODE_ALWAYS, COLOR_MODE_NEVER };

void output_init(struct output *o, const char *action, enum output_color_mode cm, int no_progress);
void output_release(struct output *o);

const char *output_color(const struct output *o, enum output_color c);
const char *output_reset(const struct output *o);

/* prints one repository's block: standard output text, then standard
 * error text, after clearing the progress line */
void output_block(struct output *o, const char *out, size_t out_len, const char *err,
		  size_t err_len);
void output_record(struct output *o, const char *path, enum output_outcome r);
void output_progress(struct output *o, size_t finished, size_t total, const char *what);
void output_progress_clear(struct output *o);
/* the summary line (or JSON summary object) and, with -s, the lists */
void output_summary(struct output *o, int interrupted);
/* JSON lines (grove(1), MACHINE OUTPUT): every object has "type"; the
 * summary has "version". A string that is not UTF-8 is written with U+FFFD
 * for each byte that is not, and KEY_base64 holds its bytes exactly (for
 * an array, KEY_base64 is an array of the same length, null where the
 * element is UTF-8) */
struct cJSON;
#define OUTPUT_JSON_VERSION 1
/* a new object {"type": type} */
struct cJSON *output_json_object(const char *type);
/* {"type": "repo", "path": path} */
struct cJSON *output_json_repo(const char *path);
/* a string field, or null */
void output_json_str(struct cJSON *o, const char *key, const char *value);
/* an array of strings */
void output_json_strings(struct cJSON *o, const char *key, const struct strlist *l);
/* the object as one line (freed) */
void output_json_line(struct strbuf *sb, struct cJSON *o);

/* the exit status SPEC 5 gives for what was recorded: 0, 1 when a
 * repository failed, or interrupted (130, 143) when the run was */
int output_exit_code(const struct output *o, int interrupted);

#endif
