/* measure.c - runs a command and writes what it cost.
 *
 *   measure OUTFILE COMMAND [ARG...]
 *
 * The command keeps this process's standard input, output and error;
 * OUTFILE gets one line, "EXIT SECONDS PEAK_RSS_KIB", where EXIT is the
 * exit status, or 128 + the signal that ended it.  The shell test suites
 * use it to hold the tool to time and memory bounds (testlib.sh).
 */
#define _DEFAULT_SOURCE     /* wait4() */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now (void)
{
	struct timespec ts;
	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int argc, char **argv)
{
	if (argc < 3) {
		fprintf (stderr, "usage: measure OUTFILE COMMAND [ARG...]\n");
		return 2;
	}
	double start = now ();
	pid_t pid = fork ();
	if (pid < 0) {
		perror ("measure: fork");
		return 2;
	}
	if (pid == 0) {
		execvp (argv[2], argv + 2);
		perror ("measure: exec");
		_exit (127);
	}
	int status;
	struct rusage usage;
	if (wait4 (pid, &status, 0, &usage) < 0) {
		perror ("measure: wait4");
		return 2;
	}
	double seconds = now () - start;
	FILE *out = fopen (argv[1], "w");
	if (out == NULL) {
		perror (argv[1]);
		return 2;
	}
	int code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
	fprintf (out, "%d %.3f %ld\n", code, seconds, usage.ru_maxrss);
	return fclose (out) == 0 ? 0 : 2;
}
