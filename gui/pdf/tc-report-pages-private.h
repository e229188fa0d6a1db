/* tc-report-pages-private.h — the report's flow of blocks, shared by the
 * paginator (tc-report-pages.c) and the content builders
 * (tc-report-content.c, tc-report-content-compare.c)
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-draw.h"
#include "tc-report-pages.h"

G_BEGIN_DECLS

#define TC_REPORT_MAX_COLUMNS 8

typedef void (*TcReportChartFunc) (cairo_t           *cr,
                                   const TcDrawStyle *style,
                                   double             width,
                                   double             height,
                                   gpointer           data);

typedef enum
{
  TC_BLOCK_SECTION,     /* a section title: starts a page unless there is room */
  TC_BLOCK_HEADING,     /* a sub-heading, kept with what follows */
  TC_BLOCK_TEXT,        /* Pango markup, wrapped */
  TC_BLOCK_MONO,        /* preformatted text, one block per line group */
  TC_BLOCK_ROW,         /* one table row */
  TC_BLOCK_CHART,       /* a drawing of a fixed height */
  TC_BLOCK_SPACE,
} TcBlockKind;

enum
{
  TC_ROW_BOLD      = 1 << 0,
  TC_ROW_HIGHLIGHT = 1 << 1,  /* e.g. the crash line */
  TC_ROW_GOOD      = 1 << 2,  /* green text in the last column group */
  TC_ROW_BAD       = 1 << 3,
  TC_ROW_DIM       = 1 << 4,
};

typedef struct
{
  guint       n_columns;
  const char *titles[TC_REPORT_MAX_COLUMNS];
  double      widths[TC_REPORT_MAX_COLUMNS];   /* fractions of the text width */
  gboolean    right[TC_REPORT_MAX_COLUMNS];    /* right-aligned (numbers) */
  gboolean    mono;                            /* monospace cells (source) */
} TcReportTable;

typedef struct
{
  TcBlockKind        kind;
  char              *text;            /* SECTION, HEADING, TEXT, MONO */
  TcReportTable     *table;           /* ROW (shared, owned by the pages) */
  char              *cells[TC_REPORT_MAX_COLUMNS];
  guint              flags;           /* TC_ROW_* */
  TcReportChartFunc  draw;            /* CHART */
  gpointer           data;
  GDestroyNotify     destroy;
  double             height;          /* fixed (CHART, SPACE) or measured */
  guint              index;           /* ROW: position in its table */
} TcBlock;

/* Builders: append to the report's flow. */
void           _tc_report_section   (TcReportPages     *self,
                                     const char        *title);
void           _tc_report_heading   (TcReportPages     *self,
                                     const char        *title);
void           _tc_report_text      (TcReportPages     *self,
                                     const char        *markup);
void           _tc_report_textf     (TcReportPages     *self,
                                     const char        *format,
                                     ...) G_GNUC_PRINTF (2, 3);
void           _tc_report_mono      (TcReportPages     *self,
                                     const char        *text);
void           _tc_report_space     (TcReportPages     *self,
                                     double             height);
TcReportTable *_tc_report_table     (TcReportPages     *self,
                                     const char        *spec);
/* Takes the cells (n_columns strings, transfer full). */
void           _tc_report_row       (TcReportPages     *self,
                                     TcReportTable     *table,
                                     guint              flags,
                                     ...);
void           _tc_report_chart     (TcReportPages     *self,
                                     double             height,
                                     TcReportChartFunc  draw,
                                     gpointer           data,
                                     GDestroyNotify     destroy);
/* The title page: a title, a subtitle, a status line (markup) and facts. */
void           _tc_report_set_title (TcReportPages     *self,
                                     const char        *title,
                                     const char        *subtitle,
                                     const char        *status_markup);
void           _tc_report_add_fact  (TcReportPages     *self,
                                     const char        *key,
                                     const char        *value);
/* The text width of the page the content is laid out for. */
double         _tc_report_text_width (TcReportPages    *self);

/* Content (tc-report-content*.c). */
void           _tc_report_build_title      (TcReportPages *self,
                                            TcDocument    *doc,
                                            TcComparison  *comparison);
void           _tc_report_build_sections   (TcReportPages *self,
                                            TcDocument    *doc);
void           _tc_report_build_processes  (TcReportPages *self,
                                            TcDocument    *doc);
void           _tc_report_build_source     (TcReportPages *self,
                                            TcDocument    *doc);
void           _tc_report_build_comparison (TcReportPages *self,
                                            TcComparison  *comparison);

/* Escapes text for Pango markup (transfer full). */
char          *_tc_report_escape    (const char        *text);

G_END_DECLS
