/* workers.c - -j N: decoding files in N worker processes, their output
 * replayed in input order.
 *
 * Why processes and not threads: with GLib 2.74 and GMime 3.2, two
 * threads in one process decoded only 1.06x as fast as one.  Every object
 * GMime creates and frees goes through process-wide locks and reference
 * counts of the GObject type system and GMime, whose cache lines then
 * bounce between the cores.  Processes share nothing and scale as two
 * separate runs do.
 *
 * The files are cut into batches of consecutive inputs.  The
 * parent puts batch numbers into a queue (a pipe all workers read), at
 * most AHEAD_PER_WORKER per worker ahead of the batch it is printing;
 * each worker takes the next number when it is free, so a slow file or a
 * busy core holds up one worker only.  A worker writes each input's
 * effects as chunks tagged with their batch (frame.h) to its own pipe;
 * the parent keeps the chunks of later batches until their turn and
 * replays them in input order.  It reads ahead at most BUFFERED_CAP bytes,
 * so memory stays bounded however many files there are.  Standard input
 * and names that could not be read are the parent's own inputs.
 *
 * A worker that dies (a crash is a bug, but one message must not take the
 * others with it) is replaced by one that resumes its batch at the first
 * input not received, sending each input as soon as it is decoded.  If
 * that one dies too, the input it was on is the culprit: it is reported
 * as an error and the next worker starts after it.  An input of which
 * part had been sent (an mbox's first messages) is reported at once.
 */
#define _GNU_SOURCE             /* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "decode-run.h"
#include "frame.h"
#include "whole-io.h"

/* Batches of 32 and a queue 16 deep per worker keep both the parent's
 * wake-ups and the workers' waits for work rare (measured: 16 and 4 lost
 * 4 % to context switches on a 2-core VM).  A batch also ends once its
 * known size passes BATCH_BYTES, so that big files (mboxes named on the
 * command line) go to different workers. */
#define BATCH_SIZE 32
#define BATCH_BYTES (1 << 20)
#define AHEAD_PER_WORKER 16
#define MAX_AHEAD 4096
#define PIPE_BYTES (1 << 20)            /* Linux's limit for unprivileged users */
#define READ_BYTES (1 << 16)
#define BUFFERED_CAP (8 << 20)

typedef struct {
	guint first;            /* index of its first input */
	guint n;                /* files in it; 0: one input the parent decodes */
	guint batch;            /* for n > 0: its number among the batches */
} Unit;

/* A chunk received, or a note that an input (or one message of an
 * mbox) failed in a dead worker. */
typedef struct {
	GByteArray *events;
	char *failure;
	gint64 message;         /* for a failure: the mbox message, or -1 for the input */
} Chunk;

typedef struct {
	GQueue chunks;          /* Chunk *: received, not yet replayed */
	gint worker;            /* the worker that took it; -1: none yet */
	guint received;         /* inputs whose last chunk (or failure) came */
	gboolean partly;        /* input @received is an mbox some chunks of which came */
	guint messages;         /* of that mbox, the messages whose chunk (or failure) came */
	gboolean parent_decodes;        /* the rest is the parent's to decode */
} Batch;

typedef struct {
	pid_t pid;              /* 0: not running */
	int fd;                 /* the read end of its pipe */
	GByteArray *unread;     /* read, not yet split into chunks */
	gint64 batch;           /* of the last chunk read; -1 */
	gboolean restarted;     /* started again at (restart_batch, restart_item, restart_message) */
	guint restart_batch, restart_item, restart_message;
} Worker;

typedef struct {
	Run *run;
	GPtrArray *inputs;
	GArray *units;          /* Unit */
	GArray *batch_units;    /* guint: the index in units of each batch */
	Batch *ring;            /* batch b at ring[b % ring_size] */
	guint ring_size;
	Worker *workers;
	guint n_workers;
	int queue_in, queue_out;        /* the batch queue; queue_out -1 once all are in */
	guint queued;           /* batches put in the queue */
	guint printing;         /* the batch being printed */
	struct pollfd *polls;   /* n_workers, for receive_some() */
	gsize buffered;         /* bytes of chunks held */
} Pool;

static const Unit *
batch_unit (const Pool *pool, guint batch)
{
	return &g_array_index (pool->units, Unit, g_array_index (pool->batch_units, guint, batch));
}

static const Input *
unit_input (const Pool *pool, const Unit *unit, guint item)
{
	return g_ptr_array_index (pool->inputs, unit->first + item);
}

static Batch *
ring_batch (const Pool *pool, guint batch)
{
	return &pool->ring[batch % pool->ring_size];
}

/* Whether @input is a file a worker decodes; the parent reads standard
 * input and reports the names that could not be read. */
static gboolean
for_workers (const Input *input)
{
	return (input->kind == INPUT_MESSAGE || input->kind == INPUT_FILE || input->kind == INPUT_MBOX) &&
	       !input->parent_reads;
}

/* Cuts the inputs into units: batches of consecutive files, and single
 * other inputs. */
static void
make_units (Pool *pool)
{
	GPtrArray *inputs = pool->inputs;
	pool->units = g_array_new (FALSE, FALSE, sizeof (Unit));
	pool->batch_units = g_array_new (FALSE, FALSE, sizeof (guint));
	for (guint i = 0; i < inputs->len;) {
		Unit unit = { i, 0, 0 };
		gint64 bytes = 0;
		while (i < inputs->len && unit.n < BATCH_SIZE && bytes < BATCH_BYTES &&
		       for_workers (g_ptr_array_index (inputs, i))) {
			bytes += MAX (((const Input *) g_ptr_array_index (inputs, i))->size, 0);
			unit.n++;
			i++;
		}
		if (unit.n > 0) {
			unit.batch = pool->batch_units->len;
			g_array_append_val (pool->batch_units, pool->units->len);
		} else {
			i++;
		}
		g_array_append_val (pool->units, unit);
	}
}

/* ---- the worker process ---- */

/* Decodes @batch from input @item on, skipping the first @message
 * messages of that input (an mbox another worker died in). */
static void
decode_batch (Run *run, const Pool *pool, guint batch, guint item, guint message)
{
	const Unit *unit = batch_unit (pool, batch);
	frame_writer_start_batch (run->frame, batch);
	for (guint i = item; i < unit->n; i++) {
		run->resume_messages = i == item ? message : 0;
		run_decode_input (run, unit_input (pool, unit, i));
		run_end_chunk (run, FRAME_INPUT_DONE);
	}
	run->resume_messages = 0;
	frame_writer_flush (run->frame);
}

static gboolean
take_batch (int queue, guint32 *batch)
{
	gssize n;
	while ((n = read (queue, batch, sizeof *batch)) < 0 && errno == EINTR)
		;
	return n == sizeof *batch;      /* numbers are written whole: 0 is the end */
}

/* Decodes the rest of @self's batch if it was restarted, then batches
 * from the queue until it is empty and closed, writing their chunks to
 * @fd; never returns. */
static G_GNUC_NORETURN void
worker_main (const Pool *pool, const Worker *self, int fd)
{
	/* Only the parent may hold the other pipes: a worker left holding
	 * them would keep its siblings alive after the parent is gone. */
	if (pool->queue_out >= 0)
		close (pool->queue_out);
	for (guint w = 0; w < pool->n_workers; w++)
		if (pool->workers[w].pid != 0 && &pool->workers[w] != self)
			close (pool->workers[w].fd);
	/* Nor standard input and output: a reader of ours sees the end of
	 * the output when the parent closes it, and nothing a worker does
	 * can write into it. */
	int null = open ("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2 (null, STDIN_FILENO);
		dup2 (null, STDOUT_FILENO);
		close (null);
	}

	Run run = *pool->run;
	run.frame = frame_writer_new (fd, self->restarted);
	/* A store connection is never shared across fork(): each worker
	 * opens its own. */
	run.store = NULL;
	run.store_failed = FALSE;
	/* JSON Lines are independent lines: the worker prints them itself
	 * and the parent only copies them out, which keeps the parent's
	 * share of the work small.  Other formats are laid out by the
	 * parent from the sprinter calls (a JSON array, a table's columns). */
	run.sp = run.options->json_lines ? sprinter_json_lines_new_buffer (run.frame->text)
					 : sprinter_frame_new (run.frame, run.options->json && !run.options->fields);
	if (run.options->json_lines && run.options->fields)
		run.sp = sprinter_select_new (run.sp, run.options->fields);
	if (self->restarted) {
		/* Each input is sent as soon as it is decoded, so that if
		 * this worker dies too the parent knows on which. */
		decode_batch (&run, pool, self->restart_batch, self->restart_item, self->restart_message);
		run.frame->eager = FALSE;
	}
	for (guint32 batch; take_batch (pool->queue_in, &batch);)
		decode_batch (&run, pool, batch, 0, 0);
	run_close_store (&run);
	/* _exit: the parent's stdio buffers and atexit handlers are not ours. */
	_exit (0);
}

/* Starts @worker; FALSE (errno set) if it cannot. */
static gboolean
start_worker (Pool *pool, Worker *worker)
{
	int ends[2];
	if (pipe (ends) < 0)
		return FALSE;
	fcntl (ends[1], F_SETPIPE_SZ, PIPE_BYTES);      /* a hint: smaller works too */
	pid_t pid = fork ();
	if (pid < 0) {
		int saved = errno;
		close (ends[0]);
		close (ends[1]);
		errno = saved;
		return FALSE;
	}
	if (pid == 0) {
		close (ends[0]);
		worker_main (pool, worker, ends[1]);
	}
	close (ends[1]);
	worker->pid = pid;
	worker->fd = ends[0];
	/* A restarted worker has its batch even before it says so. */
	worker->batch = worker->restarted ? (gint64) worker->restart_batch : -1;
	g_byte_array_set_size (worker->unread, 0);
	return TRUE;
}

/* Closes @worker's pipe and waits for it to end; its wait status. */
static int
stop_worker (Worker *worker)
{
	int status = 0;
	close (worker->fd);
	while (waitpid (worker->pid, &status, 0) < 0 && errno == EINTR)
		;
	worker->pid = 0;
	return status;
}

/* ---- the parent: receiving ---- */

static void
hold_chunk (Pool *pool, Batch *batch, GByteArray *events, char *failure, gint64 message)
{
	Chunk *chunk = g_new (Chunk, 1);
	chunk->events = events;
	chunk->failure = failure;
	chunk->message = message;
	g_queue_push_tail (&batch->chunks, chunk);
	pool->buffered += events ? events->len : 0;
}

static void
receive_chunk (Pool *pool, Worker *worker, guint32 number, GByteArray *events)
{
	if (number >= pool->queued)
		g_error ("a worker process sent a batch it was never given (%u)", number);
	Batch *batch = ring_batch (pool, number);
	worker->batch = number;
	if (events == NULL) {
		batch->worker = (gint) (worker - pool->workers);
		return;
	}
	guint8 last = events->data[events->len - 1];
	hold_chunk (pool, batch, events, NULL, -1);
	if (last == FRAME_INPUT_DONE) {
		batch->received++;
		batch->partly = FALSE;
		batch->messages = 0;
	} else {
		batch->partly = TRUE;
		batch->messages += last == FRAME_INPUT_MORE;
	}
}

static char *
describe_death (int status)
{
	if (WIFSIGNALED (status))
		return g_strdup_printf ("decoding it killed ndrparse's worker process (signal %d, %s); "
					"please report this as a bug", WTERMSIG (status),
					g_strsignal (WTERMSIG (status)));
	return g_strdup_printf ("ndrparse's worker process stopped while decoding it (exit status %d)",
				WEXITSTATUS (status));
}

/* Whether @worker stopped with a batch of its unfinished. */
static gboolean
in_mid_batch (const Pool *pool, const Worker *worker)
{
	if (worker->batch < (gint64) pool->printing)
		return FALSE;           /* none, or one printed already */
	guint number = (guint) worker->batch;
	return ring_batch (pool, number)->received < batch_unit (pool, number)->n;
}

/* @worker's pipe ended.  If it was in the middle of a batch, another
 * worker takes the batch over from the first input not received, and in
 * an mbox from the first message not received.  When the worker that
 * died was itself a restarted one on its first batch, it was sending each
 * input and each message as it went: the first not received is the one
 * it died on, which is reported as failed and skipped.  So an input, or a
 * message, is lost only when it killed two workers.  A worker that died
 * between batches is replaced. */
static void
worker_ended (Pool *pool, Worker *worker)
{
	int status = stop_worker (worker);
	if (!in_mid_batch (pool, worker)) {
		worker->restarted = FALSE;
		if (!(WIFEXITED (status) && WEXITSTATUS (status) == 0))
			start_worker (pool, worker);    /* if it cannot, the others go on */
		return;
	}
	guint number = (guint) worker->batch;
	Batch *batch = ring_batch (pool, number);
	if (worker->restarted && worker->restart_batch == number) {
		if (batch->partly) {
			hold_chunk (pool, batch, NULL, describe_death (status), batch->messages);
			batch->messages++;
		} else {
			hold_chunk (pool, batch, NULL, describe_death (status), -1);
			batch->received++;
		}
	}
	worker->restarted = TRUE;
	worker->restart_batch = number;
	worker->restart_item = batch->received;
	worker->restart_message = batch->partly ? batch->messages : 0;
	if (!start_worker (pool, worker))
		batch->parent_decodes = TRUE;
}

static void
receive (Pool *pool, Worker *worker)
{
	GByteArray *unread = worker->unread;
	guint old = unread->len;
	g_byte_array_set_size (unread, old + READ_BYTES);
	gssize n;
	while ((n = read (worker->fd, unread->data + old, READ_BYTES)) < 0 && errno == EINTR)
		;
	g_byte_array_set_size (unread, old + (guint) MAX (n, 0));
	if (n <= 0) {
		worker_ended (pool, worker);
		return;
	}
	gsize at = 0;
	guint32 number;
	GByteArray *events;
	while (frame_split_chunk (unread, &at, &number, &events))
		receive_chunk (pool, worker, number, events);
	g_byte_array_remove_range (unread, 0, (guint) at);
}

/* Waits for chunks from the workers that may still send some of batch
 * @printing: once BUFFERED_CAP bytes of later batches are held, the
 * workers that are past it wait. */
static void
receive_some (Pool *pool, guint printing)
{
	struct pollfd *fds = pool->polls;
	guint polled = 0;
	for (guint w = 0; w < pool->n_workers; w++) {
		const Worker *worker = &pool->workers[w];
		gboolean may_send = pool->buffered < BUFFERED_CAP || worker->batch <= (gint64) printing;
		/* A negative fd is left out by poll(). */
		fds[w] = (struct pollfd) { worker->pid != 0 && may_send ? worker->fd : -1, POLLIN, 0 };
		polled += fds[w].fd >= 0;
	}
	/* print_batch() decodes a batch itself when no worker can send it. */
	if (polled == 0)
		g_error ("no worker process can send batch %u", printing);
	while (poll (fds, pool->n_workers, -1) < 0)
		if (errno != EINTR)
			g_error ("poll: %s", g_strerror (errno));
	for (guint w = 0; w < pool->n_workers; w++)
		if (fds[w].fd >= 0 && fds[w].revents)
			receive (pool, &pool->workers[w]);
}

/* ---- the parent: printing in order ---- */

/* Whether batch @number was taken by a worker that died before saying
 * so: no worker has it, and every live one is past it (the queue is
 * first in, first out, and each worker takes batches in order). */
static gboolean
batch_lost (const Pool *pool, guint number)
{
	if (ring_batch (pool, number)->worker >= 0)
		return FALSE;
	for (guint w = 0; w < pool->n_workers; w++)
		if (pool->workers[w].pid != 0 && pool->workers[w].batch <= (gint64) number)
			return FALSE;
	return TRUE;
}

/* Puts batches into the queue up to AHEAD_PER_WORKER per worker past
 * @printing, and closes it after the last. */
static void
fill_queue (Pool *pool, guint printing)
{
	/* Each write at most PIPE_BUF bytes, so that it is atomic: a worker
	 * never finds part of a number in the queue. */
	guint32 numbers[PIPE_BUF / sizeof (guint32)];
	guint end = MIN (pool->batch_units->len, printing + pool->ring_size);
	while (pool->queued < end) {
		guint n = 0;
		while (pool->queued < end && n < G_N_ELEMENTS (numbers))
			numbers[n++] = pool->queued++;
		if (!write_all (pool->queue_out, numbers, n * sizeof *numbers))
			g_error ("writing to the worker queue: %s", g_strerror (errno));
	}
	if (pool->queued == pool->batch_units->len && pool->queue_out >= 0) {
		close (pool->queue_out);
		pool->queue_out = -1;
	}
}

/* Replays @chunk for input @*item of @unit, and frees it. */
static void
replay_chunk (Pool *pool, const Unit *unit, guint *item, Chunk *chunk)
{
	if (chunk->failure && chunk->message >= 0) {
		run_message_failed (pool->run, unit_input (pool, unit, *item), chunk->message, chunk->failure);
	} else if (chunk->failure) {
		run_input_failed (pool->run, unit_input (pool, unit, *item), chunk->failure);
		(*item)++;
	} else {
		switch (run_replay_chunk (pool->run, chunk->events)) {
		case REPLAY_INPUT_DONE:
			(*item)++;
			break;
		case REPLAY_INPUT_MORE:
			break;
		case REPLAY_MALFORMED:
			g_error ("%s: malformed output from a worker process",
				 unit_input (pool, unit, *item)->path);
		}
		pool->buffered -= chunk->events->len;
		g_byte_array_unref (chunk->events);
	}
	g_free (chunk->failure);
	g_free (chunk);
}

static void
print_batch (Pool *pool, const Unit *unit)
{
	Batch *batch = ring_batch (pool, unit->batch);
	pool->printing = unit->batch;
	for (guint item = 0; item < unit->n;) {
		Chunk *chunk = g_queue_pop_head (&batch->chunks);
		if (chunk) {
			replay_chunk (pool, unit, &item, chunk);
		} else if (batch->parent_decodes || batch_lost (pool, unit->batch)) {
			/* Resuming an mbox where the chunks received end. */
			pool->run->resume_messages = batch->partly ? batch->messages : 0;
			run_decode_input (pool->run, unit_input (pool, unit, item));
			pool->run->resume_messages = 0;
			batch->partly = FALSE;
			item++;
		} else {
			receive_some (pool, unit->batch);
		}
	}
	*batch = (Batch) { G_QUEUE_INIT, -1, 0, FALSE, 0, FALSE };
}

/* ---- starting and stopping ---- */

static gboolean
start_pool (Pool *pool)
{
	int queue[2];
	if (pipe (queue) < 0)
		return FALSE;
	pool->queue_in = queue[0];
	pool->queue_out = queue[1];
	/* At most MAX_AHEAD numbers (16 KiB) wait in the queue, well within
	 * a pipe's 64 KiB: fill_queue() never blocks. */
	pool->ring_size = MIN (pool->n_workers * AHEAD_PER_WORKER, MAX_AHEAD);
	pool->ring = g_new (Batch, pool->ring_size);
	for (guint b = 0; b < pool->ring_size; b++)
		pool->ring[b] = (Batch) { G_QUEUE_INIT, -1, 0, FALSE, 0, FALSE };
	pool->workers = g_new0 (Worker, pool->n_workers);
	pool->polls = g_new (struct pollfd, pool->n_workers);
	for (guint w = 0; w < pool->n_workers; w++)
		pool->workers[w].unread = g_byte_array_new ();
	for (guint w = 0; w < pool->n_workers; w++)
		if (!start_worker (pool, &pool->workers[w]))
			return FALSE;
	fill_queue (pool, 0);
	return TRUE;
}

static void
stop_pool (Pool *pool)
{
	if (pool->queue_out >= 0)
		close (pool->queue_out);
	for (guint w = 0; pool->workers && w < pool->n_workers; w++) {
		if (pool->workers[w].pid != 0)
			stop_worker (&pool->workers[w]);
		g_byte_array_unref (pool->workers[w].unread);
	}
	close (pool->queue_in);
	g_free (pool->workers);
	g_free (pool->polls);
	g_free (pool->ring);
}

gboolean
workers_decode (Run *run, GPtrArray *inputs)
{
	Pool pool = { .run = run, .inputs = inputs, .queue_in = -1, .queue_out = -1 };
	make_units (&pool);
	pool.n_workers = MIN (run->options->jobs, pool.batch_units->len);
	gboolean started = pool.n_workers >= 2;
	if (started && !(started = start_pool (&pool)))
		fprintf (stderr, "ndrparse: cannot start %u worker processes (%s); decoding in one\n",
			 pool.n_workers, g_strerror (errno));
	if (started) {
		/* An output that can no longer be written ends the run. */
		for (guint u = 0; u < pool.units->len && !ferror (stdout); u++) {
			const Unit *unit = &g_array_index (pool.units, Unit, u);
			if (unit->n == 0) {
				run_decode_input (run, g_ptr_array_index (inputs, unit->first));
			} else {
				print_batch (&pool, unit);
				fill_queue (&pool, unit->batch + 1);
			}
		}
	}
	if (pool.queue_in >= 0)
		stop_pool (&pool);
	g_array_unref (pool.units);
	g_array_unref (pool.batch_units);
	return started;
}
