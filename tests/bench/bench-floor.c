/* bench-floor.c - the cost no GMime-based bounce decoder can go below.
 *
 *   bench-floor FILE...
 *
 * For each file: read it into memory, parse it with GMime from a memory
 * stream, visit every MIME part (without decoding any content), free it.
 * This is exactly the I/O and parsing ndrparse does before it decodes
 * anything, so ndrparse's speed divided by this one's is the share of
 * time spent on the decoding itself.
 */
#include <stdio.h>

#include <gmime/gmime.h>

static void
visit (GMimeObject *parent, GMimeObject *part, gpointer user_data)
{
	(void) parent;
	guint *parts = user_data;
	/* Touch what any decoder looks at first. */
	if (g_mime_object_get_content_type (part) != NULL)
		(*parts)++;
}

int
main (int argc, char **argv)
{
	guint messages = 0, parts = 0, failures = 0;

	g_mime_init ();
	for (int i = 1; i < argc; i++) {
		char *data;
		gsize len;
		if (!g_file_get_contents (argv[i], &data, &len, NULL)) {
			failures++;
			continue;
		}
		GMimeStream *stream = g_mime_stream_mem_new_with_byte_array (
			g_byte_array_new_take ((guint8 *) data, len));
		GMimeParser *parser = g_mime_parser_new_with_stream (stream);
		GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
		if (message) {
			g_mime_message_foreach (message, visit, &parts);
			messages++;
			g_object_unref (message);
		} else {
			failures++;
		}
		g_object_unref (parser);
		g_object_unref (stream);
	}
	fprintf (stderr, "bench-floor: %u messages, %u parts, %u unreadable\n", messages, parts, failures);
	return 0;
}
