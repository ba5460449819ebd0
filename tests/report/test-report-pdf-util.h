/* test-report-pdf-util.h — what the PDF tests share: running the command,
 * and reading a PDF back with poppler's tools (pdftotext, pdftoppm, pdfinfo)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-report-check.h"

G_BEGIN_DECLS

/* Whether pdftotext, pdftoppm and pdfinfo are there (skips, or fails in
 * CI, when not: build-aux/dev installs poppler-utils). */
gboolean pdf_tools_found   (void);
/* Runs newapi-desk with @args; its exit status, stdout and stderr. */
int      pdf_run_desk      (const char * const *args, char **out, char **err);
/* The text of @path in reading order, one line per printed line. */
char    *pdf_text          (const char *path);
/* The number of pages pdfinfo reads in @path. */
int      pdf_page_count    (const char *path);
/* Rasterises every page of @path into @dir and asserts that each has ink
 * on more than @min_ink of its area; returns the pages rasterised. */
int      pdf_assert_inked  (const char *path, const char *dir, double min_ink);
/* Whether some line of @text holds all of @words (NULL-terminated), in order. */
gboolean pdf_line_has      (const char *text, const char * const *words);

G_END_DECLS
