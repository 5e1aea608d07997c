/* ndr-date.c - dates as ISO 8601.
 *
 * DSN dates are RFC 5322 date-times ("Thu, 29 Apr 2013 23:45:32 +0900
 * (JST)"); records carry them as ISO 8601 with the sender's offset kept,
 * which sorts and parses everywhere.
 */
#include <string.h>

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

/* ---- RFC 5322 dates read without GMime's tokenizer ---- */

static const char months[12][4] = {
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
};
static const char days[7][4] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

static gboolean
name_is (const char *p, const char *name)
{
	return g_ascii_tolower (p[0]) == name[0] && g_ascii_tolower (p[1]) == name[1] &&
	       g_ascii_tolower (p[2]) == name[2] && !g_ascii_isalpha (p[3]);
}

/* @n digits at *@p, exactly; -1 otherwise. */
static int
digits (const char **p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!g_ascii_isdigit ((*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return g_ascii_isdigit (**p) ? -1 : v;
}

static const char *
blanks (const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int
days_in_month (int year, int month)
{
	static const int n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	gboolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : n[month - 1];
}

/* The ISO 8601 form of a date in RFC 5322's own form ("[Www, ]D Mon YYYY
 * HH:MM:SS +HHMM", anything after the zone ignored), exactly as GMime's
 * g_mime_utils_header_decode_date() then _ndr_date_time_to_iso8601()
 * give it; NULL for any other form (obsolete years, zone names, missing
 * seconds, dates GLib would refuse), which goes to GMime. */
static char *
plain_date_to_iso8601 (const char *s)
{
	const char *p = blanks (s);
	if (g_ascii_isalpha (*p)) {
		gboolean weekday = FALSE;
		for (int i = 0; i < 7 && !weekday; i++)
			weekday = name_is (p, days[i]);
		if (!weekday || p[3] != ',')
			return NULL;
		p = blanks (p + 4);
	}
	int day = g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) ? digits (&p, 2) : digits (&p, 1);
	if (day < 1 || *p != ' ')
		return NULL;
	p = blanks (p);
	int month = 0;
	for (int i = 0; i < 12 && month == 0; i++)
		if (name_is (p, months[i]))
			month = i + 1;
	if (month == 0 || p[3] != ' ')
		return NULL;
	p = blanks (p + 3);
	int year = digits (&p, 4);
	if (year < 1971 || year > 9999 || *p != ' ' || day > days_in_month (year, month))
		return NULL;
	p = blanks (p);
	int hour = digits (&p, 2), min = -1, sec = -1;
	if (hour >= 0 && *p == ':') {
		p++;
		min = digits (&p, 2);
	}
	if (min >= 0 && *p == ':') {
		p++;
		sec = digits (&p, 2);
	}
	if (hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 59 || (*p != ' ' && *p != '\t'))
		return NULL;
	p = blanks (p);
	char sign = *p;
	if (sign != '+' && sign != '-')
		return NULL;
	p++;
	int zone = digits (&p, 4);
	if (zone < 0 || zone / 100 > 14 || zone % 100 > 59 || (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n'))
		return NULL;
	if (zone == 0)
		sign = '+';     /* GMime reads -0000 as +00:00 */
	return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, month, day, hour, min, sec, sign,
				zone / 100, zone % 100);
}

char *
_ndr_date_to_iso8601 (const char *date)
{
	if (date == NULL || *date == '\0')
		return NULL;
	char *plain = plain_date_to_iso8601 (date);
	if (plain)
		return plain;

	GDateTime *dt = g_mime_utils_header_decode_date (date);
	char *iso = _ndr_date_time_to_iso8601 (dt);
	if (dt)
		g_date_time_unref (dt);
	return iso;
}
