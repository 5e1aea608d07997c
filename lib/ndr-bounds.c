/* ndr-bounds.c - bounding a message's structure before GMime parses it.
 *
 * GMime builds the whole object tree of a message before any limit of
 * ours applies: a header field folded over 50 MB, a million header fields
 * or a million empty MIME parts each become objects, and the memory they
 * take is a hundred times the message's size (1,000,000 empty parts, a
 * 5 MB message: 1.3 GB).  Worse, GMime grows a header buffer by repeated
 * reallocation, quadratic where realloc has to move.
 *
 * So the raw bytes are read once here, line by line, following the MIME
 * structure the way GMime will (header blocks end at a blank line or at
 * a boundary; multipart boundaries are matched innermost first, a parent's
 * boundary ending the parts inside it; message/rfc822 bodies are messages
 * unless transfer-encoded), and cut to the limits in place:
 *
 *  - a header field, its folded lines included, keeps its first
 *    NDRPARSE_MAX_HEADER_LENGTH bytes (cut at a character boundary);
 *  - a message keeps its first NDRPARSE_MAX_HEADER_FIELDS header fields
 *    and NDRPARSE_MAX_HEADER_BYTES bytes of header fields, counted over
 *    all its header blocks; further fields are dropped;
 *  - the message ends where part NDRPARSE_MAX_MIME_PARTS + 1 would begin,
 *    or where an entity would be nested deeper than NDRPARSE_MAX_MIME_DEPTH;
 *  - a multipart's preamble and epilogue keep their first
 *    NDRPARSE_MAX_SCAN_BYTES (GMime copies them into memory twice, and the
 *    decoder reads no more of any prose).
 *
 * With NDR_BOUNDS_RETURNED_HEADER_ONLY, the body of the message a report
 * returns (a message/rfc822 part after the report's delivery-status part)
 * is dropped too: the decoder reads its header alone, and GMime would
 * otherwise build the object tree of every attachment a bounce carries.
 * _ndr_bounds_apply_taking() takes that header out as well, as bytes for
 * the decoder to read (ndr-header-read.c), so that GMime builds no
 * object for its fields either: the part is left empty.
 *
 * Bytes are only ever dropped, never added, so the rewrite happens in the
 * buffer itself, and a message within every limit is not copied at all.
 * The scan is linear: each line is looked at once, and a line that starts
 * with "--" is compared with at most NDRPARSE_MAX_MIME_DEPTH boundaries.
 */
#include <string.h>

#include "ndrparse-private.h"

typedef struct {
	char *boundary;         /* a multipart's boundary; NULL for a message level */
	gsize boundary_len;
	gboolean digest;        /* multipart/digest: parts default to message/rfc822 */
	gboolean report;        /* multipart/report */
	gboolean saw_status;    /* a report whose delivery-status part came already */
	gboolean returned;      /* a message level: the message a report returns */
} Level;

typedef enum {
	MODE_HEADER,            /* in a header block */
	MODE_BODY,              /* in content, a preamble or an epilogue */
} Mode;

typedef struct {
	guint8 *data;
	gsize len;
	gsize w;                /* bytes kept so far: the output is data[0, w) */
	Level levels[NDRPARSE_MAX_MIME_DEPTH + 1];
	guint depth;            /* levels in use */
	Mode mode;
	gboolean face;          /* MODE_BODY is a preamble or an epilogue */
	gsize face_bytes;       /* bytes of it kept */
	gboolean parent_digest; /* the header block being read is a digest's part */
	gboolean part_header;   /* the header block being read is a MIME part's, not a message's */
	/* the header block being read */
	gboolean in_field;      /* a field has begun (continuation lines join it) */
	gboolean dropping;      /* the rest of the current field is dropped */
	gsize field_kept;       /* bytes of the current field kept */
	GString *content_type;  /* the block's last Content-Type value */
	GString *encoding;      /* its last Content-Transfer-Encoding value */
	GString *capture;       /* where the current field's value goes, or NULL */
	/* counts over the whole message */
	guint fields;
	gsize header_bytes;
	guint parts;
	NdrparseTruncation cut;
	gboolean ended;         /* the message was cut here; nothing more is kept */
	NdrBoundsFlags flags;
	gboolean skipping;      /* in the body of a returned message: dropped up to a boundary */
	GPtrArray *messages;    /* GBytes * or NULL per message entity, in order; NULL: headers stay */
	gboolean capturing;     /* in a returned message's header, taken out from @capture_from */
	gsize capture_from;
} Bounds;

static void
keep (Bounds *b, gsize from, gsize n)
{
	if (b->w != from)
		memmove (b->data + b->w, b->data + from, n);
	b->w += n;
}

/* The returned message's header kept since @capture_from leaves the
 * output for b->messages. */
static void
take_captured (Bounds *b)
{
	if (!b->capturing)
		return;
	b->capturing = FALSE;
	g_ptr_array_add (b->messages, g_bytes_new (b->data + b->capture_from, b->w - b->capture_from));
	b->w = b->capture_from;
}

static gboolean
is_blank_line (const guint8 *s, gsize n)
{
	return (n == 1 && s[0] == '\n') || (n == 2 && s[0] == '\r' && s[1] == '\n');
}

/* The line's length without its line end. */
static gsize
content_length (const guint8 *s, gsize n)
{
	if (n > 0 && s[n - 1] == '\n')
		n--;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	return n;
}

/* ---- boundaries ---- */

typedef enum { NOT_BOUNDARY, BOUNDARY_NEXT, BOUNDARY_END } BoundaryKind;

static gboolean
all_blanks (const guint8 *s, gsize n)
{
	for (gsize i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return FALSE;
	return TRUE;
}

/* What line @s (@n bytes, no line end) is to @level, as GMime's
 * is_boundary() reads it: "--BOUNDARY--" ends the multipart, "--BOUNDARY"
 * starts its next part; either may be followed by blanks. */
static BoundaryKind
match_boundary (const guint8 *s, gsize n, const Level *level)
{
	gsize blen = level->boundary_len;
	if (n < 2 + blen || memcmp (s + 2, level->boundary, blen) != 0)
		return NOT_BOUNDARY;
	const guint8 *rest = s + 2 + blen;
	gsize rn = n - 2 - blen;
	if (rn >= 2 && rest[0] == '-' && rest[1] == '-' && all_blanks (rest + 2, rn - 2))
		return BOUNDARY_END;
	return all_blanks (rest, rn) ? BOUNDARY_NEXT : NOT_BOUNDARY;
}

/* The innermost level whose boundary line @s is, with its kind; -1 when
 * it is none. */
static int
find_boundary (const Bounds *b, const guint8 *s, gsize n, BoundaryKind *kind)
{
	if (n < 2 || s[0] != '-' || s[1] != '-')
		return -1;
	for (int k = (int) b->depth - 1; k >= 0; k--) {
		if (b->levels[k].boundary == NULL)
			continue;
		if ((*kind = match_boundary (s, n, &b->levels[k])) != NOT_BOUNDARY)
			return k;
	}
	return -1;
}

static void
pop_to (Bounds *b, guint depth)
{
	while (b->depth > depth) {
		b->depth--;
		g_free (b->levels[b->depth].boundary);
		b->levels[b->depth] = (Level) { 0 };
	}
}

static void
enter_body (Bounds *b, gboolean face)
{
	b->mode = MODE_BODY;
	b->face = face;
	b->face_bytes = 0;
}

/* Nothing from @at on is kept: the message ends there. */
static void
end_message (Bounds *b, NdrparseTruncation why)
{
	b->cut |= why;
	b->ended = TRUE;
}

/* A boundary line of level @k: its multipart's next part begins, or the
 * multipart ends and what follows is its parent's. */
static void
take_boundary (Bounds *b, gsize at, gsize n, int k, BoundaryKind kind)
{
	if (kind == BOUNDARY_NEXT && ++b->parts > NDRPARSE_MAX_MIME_PARTS) {
		end_message (b, NDRPARSE_TRUNCATED_PARTS);
		return;
	}
	take_captured (b);      /* a header that a boundary ends */
	keep (b, at, n);
	b->skipping = FALSE;
	if (kind == BOUNDARY_END) {
		pop_to (b, (guint) k);
		enter_body (b, TRUE);
		return;
	}
	pop_to (b, (guint) k + 1);
	b->parent_digest = b->levels[k].digest;
	b->part_header = TRUE;
	b->mode = MODE_HEADER;
}

/* ---- header blocks ---- */

static void
start_header_block (Bounds *b)
{
	b->in_field = FALSE;
	b->dropping = FALSE;
	b->capture = NULL;
	g_string_truncate (b->content_type, 0);
	g_string_truncate (b->encoding, 0);
}

/* Whether the field that starts line @s is called @name (its name may be
 * followed by blanks before the colon). */
static gboolean
field_is (const guint8 *s, gsize n, const char *name)
{
	gsize len = strlen (name);
	if (n <= len || g_ascii_strncasecmp ((const char *) s, name, len) != 0)
		return FALSE;
	gsize at = len;
	while (at < n && (s[at] == ' ' || s[at] == '\t'))
		at++;
	return at < n && s[at] == ':';
}

/* Appends the value bytes of a kept header line to the capture, without
 * line ends (unfolding it). */
static void
capture_value (Bounds *b, const guint8 *s, gsize n, gboolean first_line)
{
	if (b->capture == NULL)
		return;
	gsize at = 0;
	if (first_line) {
		const guint8 *colon = memchr (s, ':', n);
		at = colon ? (gsize) (colon - s) + 1 : n;
	}
	g_string_append_len (b->capture, (const char *) s + at, (gssize) (content_length (s + at, n - at)));
}

/* The first @room bytes of line @s, backed up to a character boundary. */
static gsize
utf8_prefix (const guint8 *s, gsize room)
{
	while (room > 0 && (s[room] & 0xC0) == 0x80)
		room--;
	return room;
}

/* Keeps what fits of header line @s (at @at, @n bytes with its line end)
 * in the current field. */
static void
keep_field_line (Bounds *b, gsize at, gsize n, gboolean first_line)
{
	const guint8 *s = b->data + at;
	gsize text = content_length (s, n);
	gsize room = NDRPARSE_MAX_HEADER_LENGTH - b->field_kept;
	if (text > room) {
		/* Cut: the line keeps what fits and its line end. */
		gsize kept = utf8_prefix (s, room);
		capture_value (b, s, kept, first_line);
		keep (b, at, kept);
		keep (b, at + text, n - text);
		b->field_kept = NDRPARSE_MAX_HEADER_LENGTH;
		b->header_bytes += kept;
		b->dropping = TRUE;
		b->cut |= NDRPARSE_TRUNCATED_HEADER;
		return;
	}
	capture_value (b, s, n, first_line);
	keep (b, at, n);
	b->field_kept += text;
	b->header_bytes += text;
}

static void
start_field (Bounds *b, gsize at, gsize n)
{
	const guint8 *s = b->data + at;
	b->in_field = TRUE;
	b->field_kept = 0;
	b->capture = NULL;
	if (b->fields >= NDRPARSE_MAX_HEADER_FIELDS || b->header_bytes >= NDRPARSE_MAX_HEADER_BYTES) {
		b->dropping = TRUE;
		b->cut |= NDRPARSE_TRUNCATED_HEADER;
		return;
	}
	if (b->part_header && (b->flags & NDR_BOUNDS_PART_TYPE_ONLY) && !field_is (s, n, "Content-Type") &&
	    !field_is (s, n, "Content-Transfer-Encoding")) {
		b->dropping = TRUE;     /* no limit reached: nothing the decoder reads goes */
		return;
	}
	b->dropping = FALSE;
	b->fields++;
	/* GMime's parser reads the last of each (parser_find_header() looks
	 * from the end): a block with two Content-Types is what the second
	 * says. */
	if (field_is (s, n, "Content-Type")) {
		g_string_truncate (b->content_type, 0);
		b->capture = b->content_type;
	} else if (field_is (s, n, "Content-Transfer-Encoding")) {
		g_string_truncate (b->encoding, 0);
		b->capture = b->encoding;
	}
	keep_field_line (b, at, n, TRUE);
}

static void
continue_field (Bounds *b, gsize at, gsize n)
{
	if (!b->dropping)
		keep_field_line (b, at, n, FALSE);
}

/* ---- what a header block opens ---- */

typedef enum { ENTITY_LEAF, ENTITY_MULTIPART, ENTITY_MESSAGE } EntityKind;

static gboolean
is_message_subtype (const char *subtype)
{
	return g_ascii_strcasecmp (subtype, "rfc822") == 0 || g_ascii_strcasecmp (subtype, "rfc2822") == 0 ||
	       g_ascii_strcasecmp (subtype, "global") == 0 || g_ascii_strcasecmp (subtype, "news") == 0;
}

/* GMime reads a transfer-encoded message/rfc822 part as an opaque leaf. */
static gboolean
is_encoded (const GString *encoding)
{
	char *e = g_strstrip (g_ascii_strdown (encoding->str, -1));
	gboolean yes = strcmp (e, "base64") == 0 || strcmp (e, "quoted-printable") == 0 ||
		       strcmp (e, "x-uuencode") == 0 || strcmp (e, "uuencode") == 0 || strcmp (e, "x-uue") == 0;
	g_free (e);
	return yes;
}

/* Whether a Content-Type value names neither a multipart nor a message
 * type: most parts are text or application, and GMime's parser of the
 * whole value (parameters, comments) is not needed to tell. */
static gboolean
plainly_a_leaf (const char *value)
{
	while (*value == ' ' || *value == '\t' || *value == '\r' || *value == '\n')
		value++;
	if (*value == '(' || *value == '"' || *value == '\0')
		return FALSE;   /* a comment or a quoted type: leave it to GMime */
	return g_ascii_strncasecmp (value, "multipart", 9) != 0 && g_ascii_strncasecmp (value, "message", 7) != 0;
}

/* What a header block opens, as GMime will read it. */
typedef struct {
	EntityKind kind;
	char *boundary;         /* a multipart's boundary (a new string) */
	gboolean digest, report;
	gboolean status;        /* message/delivery-status or message/global-delivery-status */
} Entity;

static Entity
entity_of (const Bounds *b)
{
	Entity e = { ENTITY_LEAF, NULL, FALSE, FALSE, FALSE };
	/* (In a digest an unreadable type is a message: always read it.) */
	if (b->content_type->len > 0 && !b->parent_digest && plainly_a_leaf (b->content_type->str))
		return e;
	char *media = NULL, *sub = NULL, *boundary = NULL;
	if (b->content_type->len == 0 || !_ndr_content_type_read (b->content_type->str, &media, &sub, &boundary)) {
		/* No type, or none GMime can read: its default, message/rfc822
		 * in a digest and text/plain elsewhere. */
		if (b->parent_digest)
			e.kind = ENTITY_MESSAGE;
		return e;
	}
	if (g_ascii_strcasecmp (media, "multipart") == 0) {
		if (boundary && *boundary) {
			e.boundary = g_steal_pointer (&boundary);
			e.digest = g_ascii_strcasecmp (sub, "digest") == 0;
			e.report = g_ascii_strcasecmp (sub, "report") == 0;
			e.kind = ENTITY_MULTIPART;
		}
	} else if (g_ascii_strcasecmp (media, "message") == 0) {
		if (is_message_subtype (sub) && !is_encoded (b->encoding))
			e.kind = ENTITY_MESSAGE;
		e.status = g_ascii_strcasecmp (sub, "delivery-status") == 0 ||
			   g_ascii_strcasecmp (sub, "global-delivery-status") == 0 ||
			   g_ascii_strcasecmp (sub, "xdelivery-status") == 0; /* XWall's (ndr-mime-walk.c) */
	}
	g_free (media);
	g_free (sub);
	g_free (boundary);
	return e;
}

/* The innermost level, or NULL. */
static Level *
top_level (Bounds *b)
{
	return b->depth ? &b->levels[b->depth - 1] : NULL;
}

/* A message that follows a report's delivery-status part is the message
 * the report returns: the decoder reads its header, never its body
 * (which may be large, and may be an old bounce itself). */
static gboolean
is_returned_message (Bounds *b, const Entity *e)
{
	Level *parent = top_level (b);
	if (parent == NULL || parent->boundary == NULL || !parent->report)
		return FALSE;
	if (e->status)
		parent->saw_status = TRUE;
	return e->kind == ENTITY_MESSAGE && parent->saw_status && (b->flags & NDR_BOUNDS_RETURNED_HEADER_ONLY);
}

/* The header block ended at a blank line: what follows is content, a
 * multipart's preamble, or the header of an enclosed message. */
static void
end_header_block (Bounds *b)
{
	Level *top = top_level (b);
	if (top && top->returned && top->boundary == NULL) {
		/* The returned message's own header ended: its body is dropped
		 * up to the report's next boundary. */
		take_captured (b);
		enter_body (b, FALSE);
		b->skipping = TRUE;
		return;
	}
	Entity e = entity_of (b);
	gboolean returned = is_returned_message (b, &e);
	enter_body (b, e.kind == ENTITY_MULTIPART);
	if (e.kind == ENTITY_LEAF)
		return;
	if (b->depth >= NDRPARSE_MAX_MIME_DEPTH || (e.kind == ENTITY_MESSAGE && ++b->parts > NDRPARSE_MAX_MIME_PARTS)) {
		g_free (e.boundary);
		end_message (b, b->depth >= NDRPARSE_MAX_MIME_DEPTH ? NDRPARSE_TRUNCATED_DEPTH
								    : NDRPARSE_TRUNCATED_PARTS);
		return;
	}
	Level *level = &b->levels[b->depth++];
	*level = (Level) { e.boundary, e.boundary ? strlen (e.boundary) : 0, e.digest, e.report, FALSE, returned };
	if (e.kind == ENTITY_MESSAGE) {
		b->parent_digest = FALSE;
		b->part_header = FALSE;
		b->mode = MODE_HEADER;
		start_header_block (b);
		if (b->messages && returned) {
			b->capturing = TRUE;
			b->capture_from = b->w;
		} else if (b->messages) {
			g_ptr_array_add (b->messages, NULL);
		}
	}
}

/* ---- lines ---- */

static void
header_line (Bounds *b, gsize at, gsize n)
{
	const guint8 *s = b->data + at;
	if (is_blank_line (s, n)) {
		keep (b, at, n);
		end_header_block (b);
	} else if (b->in_field && (s[0] == ' ' || s[0] == '\t')) {
		continue_field (b, at, n);
	} else {
		start_field (b, at, n);
	}
}

static void
scan_line (Bounds *b, gsize at, gsize n)
{
	BoundaryKind kind = NOT_BOUNDARY;
	int k = find_boundary (b, b->data + at, content_length (b->data + at, n), &kind);
	if (k >= 0) {
		take_boundary (b, at, n, k, kind);
		if (b->mode == MODE_HEADER)
			start_header_block (b);
	} else if (b->skipping) {
		/* not kept */
	} else if (b->mode == MODE_HEADER) {
		header_line (b, at, n);
	} else if (!b->face) {
		keep (b, at, n);
	} else if (b->face_bytes + n <= NDRPARSE_MAX_SCAN_BYTES) {
		keep (b, at, n);
		b->face_bytes += n;
	} else {
		b->cut |= NDRPARSE_TRUNCATED_SCAN;
	}
}

NdrparseTruncation
_ndr_bounds_apply_taking (GByteArray *array, NdrBoundsFlags flags, GPtrArray *messages)
{
	Bounds b = { .data = array->data, .len = array->len, .mode = MODE_HEADER, .flags = flags,
		     .messages = messages };
	b.content_type = g_string_new (NULL);
	b.encoding = g_string_new (NULL);
	start_header_block (&b);

	for (gsize at = 0; at < b.len && !b.ended;) {
		const guint8 *nl = memchr (b.data + at, '\n', b.len - at);
		gsize n = nl ? (gsize) (nl - (b.data + at)) + 1 : b.len - at;
		scan_line (&b, at, n);
		at += n;
	}
	take_captured (&b);
	pop_to (&b, 0);
	g_string_free (b.content_type, TRUE);
	g_string_free (b.encoding, TRUE);
	if (b.w != b.len)
		g_byte_array_set_size (array, (guint) b.w);
	return b.cut;
}

NdrparseTruncation
_ndr_bounds_apply (GByteArray *array, NdrBoundsFlags flags)
{
	return _ndr_bounds_apply_taking (array, flags, NULL);
}
