/* record-print.h - one bounce record as a sprinter map. */
#ifndef NDRPARSE_RECORD_PRINT_H
#define NDRPARSE_RECORD_PRINT_H

#include <ndrparse.h>

#include "sprinter.h"

/* Emits every field of @record (and the report-level fields it carries)
 * under the documented JSON keys; @file is the input as the user named it. */
void record_print (sprinter_t *sp, const char *file, const NdrparseReport *report,
		   const NdrparseRecord *record);

#endif
