/* ndr-once.h - one-time set-up of the library's shared tables, safe from
 * several threads at once.
 *
 * GLib's g_once_init_enter() would do, but its synchronisation happens in
 * libglib, which is not built with ThreadSanitizer, so an instrumented
 * libndrparse cannot see it and reports every lazily built table as a race.
 * These use C11 atomics and a pthread mutex, which ThreadSanitizer
 * understands: a table is built by the first caller under the mutex and
 * published with a release store; later callers read the flag with an
 * acquire load and take no lock.
 *
 *	static NdrOnce once = NDR_ONCE_INIT;
 *	if (_ndr_once_enter (&once)) {
 *		table = build ();
 *		_ndr_once_leave (&once);
 *	}
 */
#ifndef NDR_ONCE_H
#define NDR_ONCE_H

#include <pthread.h>
#include <stdatomic.h>

#include <glib.h>

typedef struct {
	atomic_int done;
	pthread_mutex_t lock;
} NdrOnce;

#define NDR_ONCE_INIT { 0, PTHREAD_MUTEX_INITIALIZER }

/* TRUE for the one caller that must set up (it holds the lock until
 * _ndr_once_leave()); FALSE once the set-up is done. */
static inline gboolean
_ndr_once_enter (NdrOnce *once)
{
	if (atomic_load_explicit (&once->done, memory_order_acquire))
		return FALSE;
	pthread_mutex_lock (&once->lock);
	if (atomic_load_explicit (&once->done, memory_order_relaxed)) {
		pthread_mutex_unlock (&once->lock);
		return FALSE;
	}
	return TRUE;
}

static inline void
_ndr_once_leave (NdrOnce *once)
{
	atomic_store_explicit (&once->done, 1, memory_order_release);
	pthread_mutex_unlock (&once->lock);
}

/* For a once in a struct that is not static: before its first use, and
 * when the struct is freed. */
static inline void
_ndr_once_init (NdrOnce *once)
{
	atomic_init (&once->done, 0);
	pthread_mutex_init (&once->lock, NULL);
}

static inline void
_ndr_once_clear (NdrOnce *once)
{
	pthread_mutex_destroy (&once->lock);
}

#endif
