/* consumer.c - a program built against an installed libndrparse, the way
 * a user builds one: with pkg-config or with find_package(ndrparse) and
 * nothing of the build tree.  It decodes the bounce named on its command
 * line and checks that the headers and the loaded library agree on the
 * version.
 *
 *   consumer BOUNCE   prints "VERSION RECIPIENT REASON", one line per record
 */
#include <stdio.h>

#include <ndrparse.h>

#if !NDRPARSE_CHECK_VERSION(0, 2, 0)
#error "ndrparse 0.2.0 or later is needed"
#endif

int
main (int argc, char **argv)
{
	if (argc != 2) {
		fprintf (stderr, "usage: consumer BOUNCE\n");
		return 2;
	}
	if (!ndrparse_check_version (NDRPARSE_MAJOR_VERSION, NDRPARSE_MINOR_VERSION, NDRPARSE_MICRO_VERSION)) {
		fprintf (stderr, "consumer: built with ndrparse %s, loaded %u.%u.%u\n", NDRPARSE_VERSION_STRING,
			 ndrparse_get_major_version (), ndrparse_get_minor_version (), ndrparse_get_micro_version ());
		return 1;
	}
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_file (argv[1], &error);
	if (report == NULL) {
		fprintf (stderr, "consumer: %s: %s\n", argv[1], error->message);
		g_error_free (error);
		return 1;
	}
	for (guint i = 0; i < ndrparse_report_get_n_records (report); i++) {
		const NdrparseRecord *r = ndrparse_report_get_record (report, i);
		printf ("%s %s %s\n", NDRPARSE_VERSION_STRING, ndrparse_record_get_recipient (r),
			ndrparse_reason_get_name (ndrparse_record_get_reason (r)));
	}
	ndrparse_report_unref (report);
	return 0;
}
