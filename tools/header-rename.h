/* header-rename.h - a message's incoming X-Bounce-* header fields made
 * inert, as its bytes stream through --annotate.
 *
 * ndrparse --annotate adds X-Bounce-Recipient, -Status, -Reason and
 * -Class, and mail filters act on them ("hard": remove the address).  A
 * message that already carries such fields (anyone can write them) must
 * not pass them on: in the message's own header, every field whose name
 * starts with "X-Bounce-" is renamed "X-Bounce-Original-..." (case kept,
 * the rest of the line untouched); "X-Bounce-Original-*" fields are inert
 * already and stay as they are, so annotating twice changes nothing more.
 */
#ifndef NDRPARSE_HEADER_RENAME_H
#define NDRPARSE_HEADER_RENAME_H

#include <glib.h>

typedef struct {
	gboolean in_header;     /* the header's blank line has not come yet */
	gboolean line_start;    /* the next byte begins a line */
	char held[24];          /* the start of a line not yet decided on */
	gsize held_len;
} HeaderRename;

void header_rename_init (HeaderRename *rename);

/* Appends @len bytes of the message at @data to @out, renamed.  The bytes
 * come in order, in any pieces. */
void header_rename_feed (HeaderRename *rename, const char *data, gsize len, GString *out);

/* Appends what is still held (the message ended mid-line) to @out. */
void header_rename_finish (HeaderRename *rename, GString *out);

/* Whether the header has ended: the rest is copied as it is. */
gboolean header_rename_done (const HeaderRename *rename);

#endif
