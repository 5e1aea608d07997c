/* frame.c - writing and reading the event stream of a -j worker (frame.h). */
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "whole-io.h"

/* ---- writing ---- */

#define SEND_BYTES (1 << 16)
#define HEADER_BYTES (2 * sizeof (guint32))     /* batch, length */

static void
begin_chunk (FrameWriter *writer)
{
	guint32 header[2] = { writer->batch, 0 };
	writer->chunk = writer->events->len;
	g_string_append_len (writer->events, (const char *) header, sizeof header);
}

FrameWriter *
frame_writer_new (int fd, gboolean eager)
{
	FrameWriter *writer = g_new0 (FrameWriter, 1);
	writer->events = g_string_sized_new (2 * SEND_BYTES);
	writer->text = g_string_sized_new (SEND_BYTES);
	writer->fd = fd;
	writer->eager = eager;
	begin_chunk (writer);
	return writer;
}

void
frame_writer_flush (FrameWriter *writer)
{
	if (writer->chunk == 0)
		return;
	if (!write_all (writer->fd, writer->events->str, writer->chunk))
		_exit (1);
	g_string_erase (writer->events, 0, (gssize) writer->chunk);
	writer->chunk = 0;
}

void
frame_writer_start_batch (FrameWriter *writer, guint32 batch)
{
	g_string_truncate (writer->events, writer->chunk);      /* the empty open chunk */
	writer->batch = batch;
	begin_chunk (writer);           /* empty: "this worker has the batch" */
	begin_chunk (writer);
	frame_writer_flush (writer);
}

void
frame_writer_end_chunk (FrameWriter *writer, FrameOp last)
{
	if (writer->text->len > 0) {
		frame_put_op (writer, FRAME_TEXT);
		frame_put_string (writer, writer->text->str);
		g_string_truncate (writer->text, 0);
	}
	frame_put_op (writer, last);
	guint32 len = (guint32) (writer->events->len - writer->chunk - HEADER_BYTES);
	memcpy (writer->events->str + writer->chunk + sizeof (guint32), &len, sizeof len);
	begin_chunk (writer);
	if (writer->eager || writer->chunk >= SEND_BYTES)
		frame_writer_flush (writer);
}

void
frame_put_op (FrameWriter *writer, FrameOp op)
{
	g_string_append_c (writer->events, (char) op);
}

void
frame_put_string (FrameWriter *writer, const char *value)
{
	/* Values come from a message of at most 64 MiB: never near 4 GiB. */
	guint32 len = value ? (guint32) strlen (value) : FRAME_NULL_LENGTH;
	g_string_append_len (writer->events, (const char *) &len, sizeof len);
	if (value)
		g_string_append_len (writer->events, value, (gssize) len + 1);    /* with its NUL */
}

void
frame_put_integer (FrameWriter *writer, gint64 value)
{
	g_string_append_len (writer->events, (const char *) &value, sizeof value);
}

/* ---- the frame sprinter ---- */

typedef struct {
	sprinter_t vtable;
	FrameWriter *writer;
} frame_sprinter_t;

#define FRAME_OF(sp) (((frame_sprinter_t *) (sp))->writer)

static void
frame_begin_map (sprinter_t *sp)
{
	frame_put_op (FRAME_OF (sp), FRAME_BEGIN_MAP);
}

static void
frame_begin_list (sprinter_t *sp)
{
	frame_put_op (FRAME_OF (sp), FRAME_BEGIN_LIST);
}

static void
frame_end (sprinter_t *sp)
{
	frame_put_op (FRAME_OF (sp), FRAME_END);
}

static void
frame_map_key (sprinter_t *sp, const char *key)
{
	frame_put_op (FRAME_OF (sp), FRAME_MAP_KEY);
	frame_put_string (FRAME_OF (sp), key);
}

static void
frame_string (sprinter_t *sp, const char *value)
{
	frame_put_op (FRAME_OF (sp), FRAME_STRING);
	frame_put_string (FRAME_OF (sp), value);
}

static void
frame_integer (sprinter_t *sp, gint64 value)
{
	frame_put_op (FRAME_OF (sp), FRAME_INTEGER);
	frame_put_integer (FRAME_OF (sp), value);
}

static void
frame_boolean (sprinter_t *sp, gboolean value)
{
	frame_put_op (FRAME_OF (sp), value ? FRAME_TRUE : FRAME_FALSE);
}

static void
frame_null (sprinter_t *sp)
{
	frame_put_op (FRAME_OF (sp), FRAME_NULL);
}

static void
frame_json_map (sprinter_t *sp, const char *json)
{
	frame_put_op (FRAME_OF (sp), FRAME_JSON_MAP);
	frame_put_string (FRAME_OF (sp), json);
}

static gboolean
frame_finish (sprinter_t *sp)
{
	g_free (sp);
	return TRUE;
}

sprinter_t *
sprinter_frame_new (FrameWriter *writer, gboolean json)
{
	frame_sprinter_t *sp = g_new0 (frame_sprinter_t, 1);
	sp->vtable = (sprinter_t) {
		frame_begin_map, frame_begin_list, frame_end, frame_map_key, frame_string,
		frame_integer, frame_boolean, frame_null, frame_finish, json ? frame_json_map : NULL,
	};
	sp->writer = writer;
	return &sp->vtable;
}

/* ---- reading ---- */

gboolean
frame_split_chunk (const GByteArray *buffer, gsize *at, guint32 *batch, GByteArray **events)
{
	guint32 header[2];
	if (buffer->len - *at < HEADER_BYTES)
		return FALSE;
	memcpy (header, buffer->data + *at, sizeof header);
	if (buffer->len - *at - HEADER_BYTES < header[1])
		return FALSE;
	*batch = header[0];
	*events = NULL;
	if (header[1] > 0) {
		*events = g_byte_array_sized_new (header[1]);
		g_byte_array_append (*events, buffer->data + *at + HEADER_BYTES, header[1]);
	}
	*at += HEADER_BYTES + header[1];
	return TRUE;
}

void
frame_cursor_init (FrameCursor *cursor, const GByteArray *events)
{
	cursor->at = events->data;
	cursor->end = events->data + events->len;
}

int
frame_next_op (FrameCursor *cursor)
{
	return cursor->at < cursor->end ? *cursor->at++ : -1;
}

gboolean
frame_next_string (FrameCursor *cursor, const char **value)
{
	guint32 len;
	if ((gsize) (cursor->end - cursor->at) < sizeof len)
		return FALSE;
	memcpy (&len, cursor->at, sizeof len);
	cursor->at += sizeof len;
	if (len == FRAME_NULL_LENGTH) {
		*value = NULL;
		return TRUE;
	}
	if ((gsize) (cursor->end - cursor->at) <= len || cursor->at[len] != '\0')
		return FALSE;
	*value = (const char *) cursor->at;
	cursor->at += (gsize) len + 1;
	return TRUE;
}

gboolean
frame_next_integer (FrameCursor *cursor, gint64 *value)
{
	if ((gsize) (cursor->end - cursor->at) < sizeof *value)
		return FALSE;
	memcpy (value, cursor->at, sizeof *value);
	cursor->at += sizeof *value;
	return TRUE;
}

int
frame_replay_sprinter_op (FrameCursor *cursor, int op, sprinter_t *sp)
{
	const char *text;
	gint64 number;

	switch (op) {
	case FRAME_BEGIN_MAP:
		sp->begin_map (sp);
		return 1;
	case FRAME_BEGIN_LIST:
		sp->begin_list (sp);
		return 1;
	case FRAME_END:
		sp->end (sp);
		return 1;
	case FRAME_MAP_KEY:
		if (!frame_next_string (cursor, &text) || text == NULL)
			return -1;
		sp->map_key (sp, text);
		return 1;
	case FRAME_STRING:
		if (!frame_next_string (cursor, &text))
			return -1;
		sp->string (sp, text);
		return 1;
	case FRAME_INTEGER:
		if (!frame_next_integer (cursor, &number))
			return -1;
		sp->integer (sp, number);
		return 1;
	case FRAME_TRUE:
	case FRAME_FALSE:
		sp->boolean (sp, op == FRAME_TRUE);
		return 1;
	case FRAME_NULL:
		sp->null (sp);
		return 1;
	case FRAME_JSON_MAP:
		if (!frame_next_string (cursor, &text) || text == NULL || sp->json_map == NULL)
			return -1;
		sp->json_map (sp, text);
		return 1;
	default:
		return 0;
	}
}
