/* ndr-error.c - the library's error domain (NDRPARSE_ERROR). */
#include "ndrparse.h"

G_DEFINE_QUARK (ndrparse-error-quark, ndrparse_error)
