/* mutate.c - writes mutated copies of corpus messages: the broken mail a
 * bounce mailbox receives, made systematically.
 *
 *   mutate SEED COUNT OUTDIR MESSAGE...
 *
 * Each output file is one of the MESSAGEs with one to three mutations:
 * bit flips, truncation at any byte, a header line duplicated many times,
 * a boundary line damaged or dropped, NUL bytes, invalid UTF-8 (lone
 * continuation bytes, overlong forms, surrogates, 0xFF), line ends
 * changed (CRLF, bare CR), a line repeated thousands of times, two
 * regions swapped.  The same SEED writes the same files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

typedef void (*Mutation) (GRand *rand, GString *s);

/* Repetitions stop at this many bytes, and so does a mutated message. */
#define MAX_BYTES (1 << 20)

static gsize
pick (GRand *rand, gsize n)
{
	return n == 0 ? 0 : (gsize) g_rand_int_range (rand, 0, (gint32) MIN (n, G_MAXINT32));
}

/* The start of a random line of @s, and its length with its line end. */
static gsize
random_line (GRand *rand, const GString *s, gsize *len)
{
	gsize at = pick (rand, s->len);
	while (at > 0 && s->str[at - 1] != '\n')
		at--;
	const char *nl = memchr (s->str + at, '\n', s->len - at);
	*len = nl ? (gsize) (nl - (s->str + at)) + 1 : s->len - at;
	return at;
}

static void
flip_bits (GRand *rand, GString *s)
{
	for (int i = g_rand_int_range (rand, 1, 17); i > 0 && s->len; i--)
		s->str[pick (rand, s->len)] ^= (char) (1 << g_rand_int_range (rand, 0, 8));
}

static void
truncate_anywhere (GRand *rand, GString *s)
{
	g_string_truncate (s, pick (rand, s->len + 1));
}

static void
duplicate_header_line (GRand *rand, GString *s)
{
	const char *end = strstr (s->str, "\n\n");
	gsize header = end ? (gsize) (end - s->str) + 1 : s->len;
	GString *copy = g_string_new_len (s->str, (gssize) header);
	gsize len, at = random_line (rand, copy, &len);
	char *line = g_strndup (s->str + at, len);
	int times = g_rand_boolean (rand) ? g_rand_int_range (rand, 2, 10) : g_rand_int_range (rand, 1000, 20000);
	GString *block = g_string_new (NULL);
	for (int i = 0; i < times && block->len + len < MAX_BYTES; i++)
		g_string_append (block, line);
	g_string_insert (copy, (gssize) at, block->str);
	g_string_free (block, TRUE);
	g_string_append_len (copy, s->str + header, (gssize) (s->len - header));
	g_string_assign (s, copy->str);
	g_free (line);
	g_string_free (copy, TRUE);
}

static void
damage_boundary (GRand *rand, GString *s)
{
	GPtrArray *starts = g_ptr_array_new ();
	for (const char *p = s->str; (p = strstr (p, "\n--")) != NULL; p += 3)
		g_ptr_array_add (starts, GSIZE_TO_POINTER ((gsize) (p - s->str) + 1));
	if (starts->len > 0) {
		gsize at = GPOINTER_TO_SIZE (g_ptr_array_index (starts, pick (rand, starts->len)));
		const char *nl = strchr (s->str + at, '\n');
		gsize len = nl ? (gsize) (nl - (s->str + at)) : s->len - at;
		switch (g_rand_int_range (rand, 0, 4)) {
		case 0: g_string_erase (s, (gssize) at, (gssize) len); break;        /* dropped */
		case 1: if (len > 3) s->str[at + 2 + pick (rand, len - 2)] = '#'; break;
		case 2: g_string_insert (s, (gssize) (at + len), "--"); break;       /* an early end */
		default: g_string_truncate (s, at + len); break;                     /* nothing after it */
		}
	}
	g_ptr_array_unref (starts);
}

static void
insert_nuls (GRand *rand, GString *s)
{
	for (int i = g_rand_int_range (rand, 1, 9); i > 0; i--)
		g_string_insert_c (s, (gssize) pick (rand, s->len + 1), '\0');
}

static void
bad_utf8 (GRand *rand, GString *s)
{
	static const char *const bad[] = { "\x80", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
					    "\xf4\x90\x80\x80", "\xff", "\xfe\xff", "\xe2\x82" };
	for (int i = g_rand_int_range (rand, 1, 9); i > 0; i--)
		g_string_insert (s, (gssize) pick (rand, s->len + 1), bad[pick (rand, G_N_ELEMENTS (bad))]);
}

static void
change_line_ends (GRand *rand, GString *s)
{
	const char *to = g_rand_boolean (rand) ? "\r\n" : "\r";
	GString *out = g_string_sized_new (s->len * 2);
	gsize from = pick (rand, s->len);       /* from a point on: a mix */
	g_string_append_len (out, s->str, (gssize) from);
	for (gsize i = from; i < s->len; i++) {
		if (s->str[i] == '\n')
			g_string_append (out, to);
		else
			g_string_append_c (out, s->str[i]);
	}
	g_string_assign (s, out->str);
	g_string_free (out, TRUE);
}

static void
repeat_line (GRand *rand, GString *s)
{
	gsize len, at = random_line (rand, s, &len);
	char *line = g_strndup (s->str + at, len);
	GString *many = g_string_new (NULL);
	for (int i = g_rand_int_range (rand, 1000, 50000); i > 0 && many->len + len < MAX_BYTES; i--)
		g_string_append (many, line);
	g_string_insert (s, (gssize) at, many->str);
	g_string_free (many, TRUE);
	g_free (line);
}

static void
swap_regions (GRand *rand, GString *s)
{
	if (s->len < 4)
		return;
	gsize a = pick (rand, s->len / 2), b = s->len / 2 + pick (rand, s->len / 2);
	gsize want = pick (rand, 512) + 1;     /* (MIN() evaluates its arguments twice) */
	gsize len = MIN (want, MIN (b - a, s->len - b));
	char *tmp = g_memdup2 (s->str + a, len);
	memmove (s->str + a, s->str + b, len);
	memcpy (s->str + b, tmp, len);
	g_free (tmp);
}

static const Mutation mutations[] = {
	flip_bits, truncate_anywhere, duplicate_header_line, damage_boundary, insert_nuls,
	bad_utf8, change_line_ends, repeat_line, swap_regions,
};

int
main (int argc, char **argv)
{
	if (argc < 5) {
		fprintf (stderr, "usage: mutate SEED COUNT OUTDIR MESSAGE...\n");
		return 2;
	}
	GRand *rand = g_rand_new_with_seed ((guint32) strtoul (argv[1], NULL, 10));
	long count = strtol (argv[2], NULL, 10);
	const char *outdir = argv[3];
	if (g_mkdir_with_parents (outdir, 0755) != 0) {
		fprintf (stderr, "mutate: %s: %s\n", outdir, g_strerror (errno));
		return 1;
	}
	for (long i = 0; i < count; i++) {
		const char *source = argv[4 + pick (rand, (gsize) (argc - 4))];
		char *text;
		gsize len;
		if (!g_file_get_contents (source, &text, &len, NULL)) {
			fprintf (stderr, "mutate: cannot read %s\n", source);
			return 1;
		}
		GString *s = g_string_new_len (text, (gssize) len);
		for (int m = g_rand_int_range (rand, 1, 4); m > 0; m--) {
			mutations[pick (rand, G_N_ELEMENTS (mutations))] (rand, s);
			if (s->len > MAX_BYTES)
				g_string_truncate (s, MAX_BYTES);
		}
		char name[32];
		g_snprintf (name, sizeof name, "m%05ld", i);
		char *path = g_build_filename (outdir, name, NULL);
		if (!g_file_set_contents (path, s->str, (gssize) s->len, NULL)) {
			fprintf (stderr, "mutate: cannot write %s\n", path);
			return 1;
		}
		g_free (path);
		g_string_free (s, TRUE);
		g_free (text);
	}
	g_rand_free (rand);
	return 0;
}
