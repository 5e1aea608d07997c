/* corpus-check.c - runs ndrparse over every corpus/NAME.eml and compares
 * its JSON records with corpus/NAME.expected.json.
 *
 *   corpus-check NDRPARSE CORPUS-DIR
 *
 * NAME.expected.json is an array with one object per expected record, in
 * order; every key an object names must have exactly that value in the
 * produced record (null included).  Keys it leaves out are not checked.
 */
#include <string.h>
#include <sys/wait.h>

#include <json-glib/json-glib.h>

static const char *tool;

static JsonNode *
load_json (const char *text, gssize len, const char *what)
{
	GError *error = NULL;
	JsonParser *parser = json_parser_new ();
	if (!json_parser_load_from_data (parser, text, len, &error))
		g_error ("%s: not JSON: %s", what, error->message);
	JsonNode *root = json_node_copy (json_parser_get_root (parser));
	g_object_unref (parser);
	g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
	return root;
}

static char *
node_text (JsonNode *node)
{
	return node ? json_to_string (node, FALSE) : g_strdup ("(missing)");
}

static void
compare_record (const char *name, guint index, JsonObject *want, JsonObject *got)
{
	GList *keys = json_object_get_members (want);
	for (GList *k = keys; k; k = k->next) {
		JsonNode *w = json_object_get_member (want, k->data);
		JsonNode *g = json_object_has_member (got, k->data) ? json_object_get_member (got, k->data) : NULL;
		if (g == NULL || !json_node_equal (w, g)) {
			char *ws = node_text (w), *gs = node_text (g);
			g_test_message ("%s record %u: %s: want %s, got %s", name, index, (char *) k->data, ws, gs);
			g_free (ws);
			g_free (gs);
			g_test_fail ();
		}
	}
	g_list_free (keys);
}

static void
check_sample (gconstpointer data)
{
	const char *eml = data;
	char *base = g_strndup (eml, strlen (eml) - 4);
	char *expected_path = g_strconcat (base, ".expected.json", NULL);
	char *expected_text = NULL, *out = NULL, *err = NULL;
	gsize expected_len;
	int status;
	GError *error = NULL;

	g_assert_true (g_file_get_contents (expected_path, &expected_text, &expected_len, &error));
	/* Everything the library finds, auto-replies included. */
	const char *argv[] = { tool, "--format=json", "--include-vacation", eml, NULL };
	g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
				     &out, &err, &status, &error));
	g_assert_no_error (error);
	if (err && *err)
		g_test_message ("stderr: %s", err);

	JsonNode *want_root = load_json (expected_text, expected_len, expected_path);
	JsonNode *got_root = load_json (out, -1, "ndrparse output");
	JsonArray *want = json_node_get_array (want_root);
	JsonArray *got = json_node_get_array (got_root);
	/* The documented exit status, and nothing else (a sanitizer's report
	 * of a leak or an error changes it). */
	int code = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
	g_assert_cmpint (code, ==, json_array_get_length (want) > 0 ? 0 : 1);
	g_assert_cmpuint (json_array_get_length (got), ==, json_array_get_length (want));
	for (guint i = 0; i < json_array_get_length (want); i++) {
		JsonObject *g = json_array_get_object_element (got, i);
		g_assert_cmpstr (json_object_get_string_member (g, "file"), ==, eml);
		compare_record (eml, i, json_array_get_object_element (want, i), g);
	}
	json_node_unref (want_root);
	json_node_unref (got_root);
	g_free (base);
	g_free (expected_path);
	g_free (expected_text);
	g_free (out);
	g_free (err);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	if (argc != 3)
		g_error ("usage: corpus-check NDRPARSE CORPUS-DIR");
	tool = argv[1];

	GError *error = NULL;
	GDir *dir = g_dir_open (argv[2], 0, &error);
	g_assert_no_error (error);
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	const char *name;
	while ((name = g_dir_read_name (dir)) != NULL)
		if (g_str_has_suffix (name, ".eml"))
			g_ptr_array_add (names, g_build_filename (argv[2], name, NULL));
	g_dir_close (dir);
	g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
	if (names->len < 30)
		g_error ("corpus has %u samples; at least 30 expected", names->len);

	for (guint i = 0; i < names->len; i++) {
		char *base = g_path_get_basename (g_ptr_array_index (names, i));
		char *test = g_strconcat ("/corpus/", base, NULL);
		g_test_add_data_func (test, g_ptr_array_index (names, i), check_sample);
		g_free (test);
		g_free (base);
	}
	int result = g_test_run ();
	g_ptr_array_unref (names);
	return result;
}
