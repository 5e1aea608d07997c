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
	/* g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z"), without its
	 * locale-aware format parser (thousands of instructions a date). */
	int year, month, day;
	g_date_time_get_ymd (dt, &year, &month, &day);
	gint64 offset = g_date_time_get_utc_offset (dt) / G_TIME_SPAN_SECOND;
	char sign = offset < 0 ? '-' : '+';
	offset = offset < 0 ? -offset : offset;
	return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, month, day,
				g_date_time_get_hour (dt), g_date_time_get_minute (dt), g_date_time_get_second (dt),
				sign, (int) (offset / 3600), (int) (offset / 60 % 60));
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
