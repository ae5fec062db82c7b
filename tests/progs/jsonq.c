// SPDX-License-Identifier: GPL-2.0
/*
 * jsonq: the guests' JSON checker (there is no python in the initramfs),
 * built on Debian's json-c.
 *
 *   jsonq FILE              FILE is exactly one JSON document
 *   jsonq -l FILE           every line of FILE is one JSON document (NDJSON)
 *   jsonq FILE PATH...      print the value at each PATH, one per line
 *
 * PATH is dot-separated: a key, an array index, or KEY=VALUE to pick the
 * element of an array whose member KEY is the string VALUE.  Example:
 * "kinds.kind=fork.calls".  Strings print without quotes, null as "null";
 * a missing value prints "missing" and makes the exit status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *b = realloc(buf, cap = 2 * cap + 8192);

			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* One whole document in text[0..len), nothing but white space after it. */
static json_object *parse_one(const char *text, size_t len, const char *what)
{
	json_tokener *tok = json_tokener_new();
	json_object *o;
	size_t end;

	o = json_tokener_parse_ex(tok, text, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		fprintf(stderr, "jsonq: %s: %s\n", what,
			e == json_tokener_continue ? "incomplete document" : json_tokener_error_desc(e));
		json_object_put(o);
		json_tokener_free(tok);
		return NULL;
	}
	for (end = json_tokener_get_parse_end(tok); end < len; end++) {
		if (!strchr(" \t\r\n", text[end])) {
			fprintf(stderr, "jsonq: %s: more after the document (offset %zu)\n", what, end);
			json_object_put(o);
			json_tokener_free(tok);
			return NULL;
		}
	}
	json_tokener_free(tok);
	return o;
}

/* Follows one segment: 0 and *out (NULL for a JSON null), or -1 when missing. */
static int step(json_object *o, const char *seg, json_object **out)
{
	const char *eq = strchr(seg, '=');
	json_object *v;
	char *end;
	size_t i;

	if (json_object_is_type(o, json_type_array)) {
		if (!eq) {
			long idx = strtol(seg, &end, 10);

			if (*end || idx < 0 || (size_t)idx >= json_object_array_length(o))
				return -1;
			*out = json_object_array_get_idx(o, (size_t)idx);
			return 0;
		}
		for (i = 0; i < json_object_array_length(o); i++) {
			json_object *e = json_object_array_get_idx(o, i), *k;
			char key[128];

			snprintf(key, sizeof(key), "%.*s", (int)(eq - seg), seg);
			if (json_object_object_get_ex(e, key, &k) && json_object_is_type(k, json_type_string) &&
			    !strcmp(json_object_get_string(k), eq + 1)) {
				*out = e;
				return 0;
			}
		}
		return -1;
	}
	if (json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, seg, &v)) {
		*out = v;
		return 0;
	}
	return -1;
}

static int query(json_object *root, const char *path)
{
	char *copy = strdup(path), *save = NULL, *seg;
	json_object *o = root;
	int missing = 0;

	for (seg = strtok_r(copy, ".", &save); !missing && seg; seg = strtok_r(NULL, ".", &save))
		missing = !o || step(o, seg, &o);
	free(copy);
	if (missing) {
		printf("missing\n");
		return 1;
	}
	if (!o)
		printf("null\n");
	else if (json_object_is_type(o, json_type_string))
		printf("%s\n", json_object_get_string(o));
	else
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	return 0;
}

int main(int argc, char **argv)
{
	int lines = argc > 1 && !strcmp(argv[1], "-l"), i, ret = 0;
	const char *path = argv[1 + lines];
	json_object *root;
	size_t len;
	char *text;

	if (argc < 2 + lines) {
		fprintf(stderr, "usage: jsonq [-l] FILE [PATH...]\n");
		return 2;
	}
	text = slurp(path, &len);
	if (!text) {
		fprintf(stderr, "jsonq: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (lines) {
		char *line, *save = NULL, what[64];
		int n = 0;

		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			snprintf(what, sizeof(what), "line %d", ++n);
			root = parse_one(line, strlen(line), what);
			if (!root) {
				free(text);
				return 1;
			}
			json_object_put(root);
		}
		free(text);
		return 0;
	}
	root = parse_one(text, len, path);
	free(text);
	if (!root)
		return 1;
	for (i = 2; i < argc; i++)
		ret |= query(root, argv[i]);
	json_object_put(root);
	return ret;
}
