/* bounce-fields.h - the X-Bounce-* header fields --annotate adds: per
 * record X-Bounce-Recipient, X-Bounce-Status, X-Bounce-Reason and
 * X-Bounce-Class (hard, soft, complaint or none).
 *
 * Values come from untrusted bounces, so each is made safe before it
 * becomes a header: valid UTF-8 (RFC 6532), no control or bidirectional
 * formatting character (safe-text.h), at most MAX_VALUE_BYTES cut
 * between characters, "-" when empty, and folded at white space so that
 * no line is longer than 78 characters where the value has room to fold
 * (RFC 5322 section 2.2.3; a single word longer than a line stays whole,
 * within the 998 a line may have).
 */
#ifndef NDRPARSE_BOUNCE_FIELDS_H
#define NDRPARSE_BOUNCE_FIELDS_H

#include <ndrparse.h>

#include "decode.h"

#define BOUNCE_FIELD_MAX_VALUE_BYTES 256
#define BOUNCE_FIELD_FOLD_COLUMNS 78

/* The fields of @report's wanted records (record_wanted()), each line
 * ended with @eol; "" for none or a NULL @report.  A new string. */
GString *bounce_fields (const NdrparseReport *report, const DecodeOptions *options, const char *eol);

/* Appends one field "NAME: VALUE" with its line end to @out. */
void bounce_field_append (GString *out, const char *name, const char *value, const char *eol);

#endif
