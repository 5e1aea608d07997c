/* ndr-charset-pin.c - keeping glibc's charset modules loaded once used.
 *
 * glibc loads a converter module (dlopen) for each charset conversion
 * GMime opens and unloads it (dlclose, munmap) when the conversion is
 * closed: per text part, per encoded word, per message.  With several
 * threads every munmap also stops the other CPUs to flush their TLBs.
 * Keeping one conversion of a charset open keeps its module loaded.
 *
 * A charset is pinned the first time a text or a header is about to be
 * converted from it, not at start-up: loading a dozen modules up front
 * cost a one-message run more than the message itself.
 */
#include <string.h>

#include "ndr-once.h"
#include "ndrparse-private.h"

#define MAX_PINNED 32

static pthread_mutex_t pinned_lock = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *pinned;      /* lower-cased charset name -> GIConv, never closed (reachable: no leak) */

void
_ndr_charset_pin (const char *charset, gsize len)
{
	if (charset == NULL || len == 0 || len > 40)
		return;
	char name[48];
	for (gsize i = 0; i < len; i++)
		name[i] = g_ascii_tolower (charset[i]);
	name[len] = '\0';
	if (strcmp (name, "utf-8") == 0 || strcmp (name, "us-ascii") == 0 || strcmp (name, "utf8") == 0)
		return;         /* no module: glibc converts these itself */

	pthread_mutex_lock (&pinned_lock);
	if (pinned == NULL)
		pinned = g_hash_table_new (g_str_hash, g_str_equal);
	if (g_hash_table_size (pinned) < MAX_PINNED && !g_hash_table_contains (pinned, name)) {
		GIConv cd = g_iconv_open ("UTF-8", name);
		/* An unknown name is remembered too, so it is tried once. */
		g_hash_table_insert (pinned, g_strdup (name), cd);
	}
	pthread_mutex_unlock (&pinned_lock);
}

void
_ndr_charset_pin_encoded_words (const char *text, gsize len)
{
	const char *p = text, *end = text + len;
	while ((p = memchr (p, '=', end - p)) != NULL && end - p > 2) {
		if (p[1] == '?') {
			const char *name = p + 2;
			const char *q = memchr (name, '?', end - name);
			if (q == NULL)
				return;
			const char *star = memchr (name, '*', q - name);   /* RFC 2231 language */
			_ndr_charset_pin (name, (star ? star : q) - name);
			p = q;
		} else {
			p++;
		}
	}
}
