/* ndr-date.c - dates as ISO 8601.
 *
 * DSN dates are RFC 5322 date-times ("Thu, 29 Apr 2013 23:45:32 +0900
 * (JST)"); records carry them as ISO 8601 with the sender's offset kept,
 * which sorts and parses everywhere.
 */
#include "ndrparse-private.h"

char *
_ndr_date_time_to_iso8601 (GDateTime *dt)
{
	/* GMime answers the epoch for dates it cannot read at all. */
	if (dt == NULL || g_date_time_to_unix (dt) <= 0)
		return NULL;
	return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");
}

char *
_ndr_date_to_iso8601 (const char *date)
{
	if (date == NULL || *date == '\0')
		return NULL;

	GDateTime *dt = g_mime_utils_header_decode_date (date);
	char *iso = _ndr_date_time_to_iso8601 (dt);
	if (dt)
		g_date_time_unref (dt);
	return iso;
}
