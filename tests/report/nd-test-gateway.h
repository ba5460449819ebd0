/* nd-test-gateway.h — an in-test NewAPI gateway (no server) whose free
 * text carries secrets, a store synced from it and a report of its last
 * 7 days: what the unit report tests start from
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-report-check.h"

G_BEGIN_DECLS

#define N_USERS 2500
#define FIRST_HOUR ((gint64) 1767225600 - 10 * 86400)   /* 2025-12-22 UTC */
#define LAST_HOUR ((gint64) 1767225600)
/* Secrets the gateway's free text carries; none may reach the file. */
#define KEY_IN_REMARK "sk-Rm7Qx2LpV9sKd3FhT8wN4bYc6JzA1eUo"
#define BARE_KEY "Zq8Wm3Xr5Tn7Vb2Pk9Lc4Hd6Jf1Gs0AaYyUuIiOoEeRrTtQq"
#define URL_PASSWORD "hunter2-url-password"
#define URL_QUERY_KEY "querykey-0f9e8d7c6b"
#define KEY_IN_ERROR "sk-ErrKey4gH7jK2mN5pQ8rS3tV6wX9yZ1aB"

#define REPORT_FROM (LAST_HOUR - 7 * ND_TIME_DAY)
#define REPORT_NOW (LAST_HOUR + 5 * ND_TIME_HOUR + 17 * 60)

#define TEST_TYPE_GATEWAY (test_gateway_get_type ())
G_DECLARE_FINAL_TYPE (TestGateway, test_gateway, TEST, GATEWAY, NdSource)

struct _TestGateway
{
  NdSource parent_instance;
  guint pulls;                /* pull_facts calls so far */
};

typedef struct {
  char *dir;
  char *store_path;
  char *path;                 /* the report */
  NdSource *gateway;
  NdFacts *store;
  NdReportMeta *meta;
} GwFx;

/* The gateway's logs: N_LOGS in the range, newest first. */
#define N_LOGS 300

/* A report of the last 7 days; with @max_logs, keeping that many logs. */
void gw_fx_setup_logs (GwFx *fx, guint max_logs);
void gw_fx_setup    (GwFx *fx);
void gw_fx_teardown (GwFx *fx);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GwFx, gw_fx_teardown)

G_END_DECLS
