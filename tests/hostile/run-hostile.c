/* run-hostile.c - runs the tool over every file of the hostile set, one
 * process per file, and checks each ends in bounded time and memory with
 * a result or a clean error.
 *
 *   run-hostile NDRPARSE DIR MAX_SECONDS MAX_RSS_MIB
 *
 * A case whose name ends in ".stdin" is given on standard input ("-");
 * the others are named as files.  Prints one table row per case (exit
 * status, records, seconds, peak resident memory) and fails when a case crashes, is killed, exits with
 * a status the tool does not document, goes over a bound, or is not
 * accounted for: exit 0 must come with records, 1 with none, 66 with an
 * error message on stderr.
 */
#define _DEFAULT_SOURCE     /* wait4(), kill() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#define HARD_KILL_SECONDS 30

typedef struct {
	int status;
	double seconds;
	long rss_kib;
	guint records;
	gsize stderr_bytes;
} Outcome;

static int
open_temp (char **path)
{
	int fd = g_file_open_tmp ("hostile-XXXXXX", path, NULL);
	if (fd < 0) {
		perror ("run-hostile: temporary file");
		exit (2);
	}
	return fd;
}

static guint
count_lines (const char *path)
{
	char *text = NULL;
	gsize len = 0;
	guint n = 0;
	if (g_file_get_contents (path, &text, &len, NULL)) {
		for (gsize i = 0; i < len; i++)
			n += text[i] == '\n';
	}
	g_free (text);
	return n;
}

static Outcome
run_case (const char *tool, const char *file)
{
	Outcome out = { 0 };
	char *out_path, *err_path;
	int out_fd = open_temp (&out_path), err_fd = open_temp (&err_path);
	gint64 start = g_get_monotonic_time ();

	gboolean on_stdin = g_str_has_suffix (file, ".stdin");
	pid_t pid = fork ();
	if (pid == 0) {
		dup2 (out_fd, STDOUT_FILENO);
		dup2 (err_fd, STDERR_FILENO);
		if (on_stdin) {
			int in = open (file, O_RDONLY);
			if (in < 0 || dup2 (in, STDIN_FILENO) < 0)
				_exit (127);
		}
		execl (tool, tool, "--format=jsonl", "--jobs=1", on_stdin ? "-" : file, (char *) NULL);
		_exit (127);
	}
	struct rusage usage;
	int status = 0;
	for (;;) {
		pid_t done = wait4 (pid, &status, WNOHANG, &usage);
		if (done == pid)
			break;
		if (g_get_monotonic_time () - start > HARD_KILL_SECONDS * G_USEC_PER_SEC)
			kill (pid, SIGKILL);
		g_usleep (2000);
	}
	out.seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
	out.status = status;
	out.rss_kib = usage.ru_maxrss;
	out.records = count_lines (out_path);
	struct stat st;
	out.stderr_bytes = fstat (err_fd, &st) == 0 ? (gsize) st.st_size : 0;
	close (out_fd);
	close (err_fd);
	g_unlink (out_path);
	g_unlink (err_path);
	g_free (out_path);
	g_free (err_path);
	return out;
}

/* Why @o is not acceptable, or NULL. */
static const char *
verdict (const Outcome *o, double max_seconds, long max_rss_kib)
{
	if (WIFSIGNALED (o->status))
		return "killed by a signal";
	int code = WEXITSTATUS (o->status);
	if (code != 0 && code != 1 && code != 66)
		return "undocumented exit status";
	if (code == 0 && o->records == 0)
		return "exit 0 without records";
	if (code == 1 && o->records != 0)
		return "exit 1 with records";
	if (code == 66 && o->stderr_bytes == 0)
		return "exit 66 without an error message";
	if (o->seconds > max_seconds)
		return "too slow";
	if (o->rss_kib > max_rss_kib)
		return "too much memory";
	return NULL;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

int
main (int argc, char **argv)
{
	if (argc != 5) {
		fprintf (stderr, "usage: run-hostile NDRPARSE DIR MAX_SECONDS MAX_RSS_MIB\n");
		return 2;
	}
	const char *tool = argv[1], *dir = argv[2];
	double max_seconds = g_ascii_strtod (argv[3], NULL);
	long max_rss_kib = strtol (argv[4], NULL, 10) * 1024;

	GDir *d = g_dir_open (dir, 0, NULL);
	if (d == NULL) {
		fprintf (stderr, "run-hostile: cannot open %s\n", dir);
		return 2;
	}
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	const char *name;
	while ((name = g_dir_read_name (d)) != NULL)
		g_ptr_array_add (names, g_strdup (name));
	g_dir_close (d);
	g_ptr_array_sort (names, compare_names);

	int failures = 0;
	printf ("| case | exit | records | seconds | peak RSS (MiB) | verdict |\n");
	printf ("|---|---|---|---|---|---|\n");
	for (guint i = 0; i < names->len; i++) {
		char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
		Outcome o = run_case (tool, path);
		const char *why = verdict (&o, max_seconds, max_rss_kib);
		char exit_text[32];
		if (WIFSIGNALED (o.status))
			g_snprintf (exit_text, sizeof exit_text, "signal %d", WTERMSIG (o.status));
		else
			g_snprintf (exit_text, sizeof exit_text, "%d", WEXITSTATUS (o.status));
		printf ("| %s | %s | %u | %.3f | %.1f | %s |\n", (char *) g_ptr_array_index (names, i),
			exit_text, o.records, o.seconds, o.rss_kib / 1024.0, why ? why : "ok");
		failures += why != NULL;
		g_free (path);
	}
	g_ptr_array_unref (names);
	if (failures)
		fprintf (stderr, "run-hostile: %d case(s) failed\n", failures);
	return failures ? 1 : 0;
}
