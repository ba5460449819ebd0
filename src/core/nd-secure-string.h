/* nd-secure-string.h — one place for wiping and masking secrets
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Passwords and tokens held in memory are wiped before they are freed.
 * Keys shown anywhere are masked (first 4 + "***" + last 4), and text that
 * comes from the gateway (log content, `other`, error messages) passes
 * through nd_mask_text before it is shown, copied or written.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Overwrites @secret (NUL-terminated) with zeros; NULL is fine. */
void  nd_secure_wipe   (char *secret);
/* Wipes, then frees. */
void  nd_secure_free   (char *secret);

/* "abcd***wxyz"; secrets of 12 characters or fewer become "***", empty or
 * NULL becomes "". */
char *nd_mask_secret   (const char *secret);
/* A NewAPI token key as NewAPI itself shows it (MaskTokenKey, reference
 * §2.3), with the "sk-" clients send: "sk-abcd**********wxyz"; keys of 8
 * characters or fewer keep 2 + 2 ("sk-ab****yz"), of 4 or fewer none
 * ("sk-****").
 * Masking a masked key gives it back unchanged. "" for NULL or "". */
char *nd_mask_token_key (const char *key);

/* Masks key-like runs inside free text: "sk-" followed by 20 or more key
 * characters ([A-Za-z0-9_-]; sk-proj-…, sk-ant-…), and standalone runs of
 * exactly 48 [A-Za-z0-9] (NewAPI's bare token keys). Returns NULL when
 * @text has none. */
char *nd_mask_text     (const char *text);
/* The same, always a new string (a copy of @text when nothing matched). */
char *nd_mask_text_dup (const char *text);

/* g_autoptr(NdSecret) s = …: a string wiped on scope exit. */
typedef char NdSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdSecret, nd_secure_free)

G_END_DECLS
