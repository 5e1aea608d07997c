/* ndr-version.c - the version of the library loaded at run time
 * (ndrparse_get_major_version(), ndrparse_check_version()). */
#include "ndrparse.h"

guint
ndrparse_get_major_version (void)
{
	return NDRPARSE_MAJOR_VERSION;
}

guint
ndrparse_get_minor_version (void)
{
	return NDRPARSE_MINOR_VERSION;
}

guint
ndrparse_get_micro_version (void)
{
	return NDRPARSE_MICRO_VERSION;
}

gboolean
ndrparse_check_version (guint major, guint minor, guint micro)
{
	if (major != NDRPARSE_MAJOR_VERSION)
		return FALSE;
	if (minor != NDRPARSE_MINOR_VERSION)
		return minor < NDRPARSE_MINOR_VERSION;
	return micro <= NDRPARSE_MICRO_VERSION;
}
