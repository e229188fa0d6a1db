/* tc-report-pages.c — flow layout, pagination and page drawing
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "tc-report-pages-private.h"

#define MARGIN_X       48.0
#define MARGIN_TOP     56.0
#define MARGIN_BOTTOM  56.0
#define ROW_PAD         3.0
#define SECTION_ROOM  220.0   /* a section starts a new page with less room left */
#define KEEP_ROOM      70.0   /* a heading needs this much below it */
#define SECTION_GAP    18.0

#define FONT_BODY      "DejaVu Sans 8.5"
#define FONT_SMALL     "DejaVu Sans 7"
#define FONT_TABLE     "DejaVu Sans 7.5"
#define FONT_TABLE_B   "DejaVu Sans Bold 7.5"
#define FONT_MONO      "DejaVu Sans Mono 7"
#define FONT_HEADING   "DejaVu Sans Bold 11"
#define FONT_SECTION   "DejaVu Sans Bold 17"
#define FONT_TITLE     "DejaVu Sans Bold 28"

typedef struct
{
  TcBlock *block;
  double   y;
  gboolean header;     /* draw the block's table header instead of the row */
} Placement;

struct _TcReportPages
{
  GObject        parent_instance;

  TcDocument    *document;
  TcComparison  *comparison;

  GPtrArray     *blocks;        /* TcBlock* */
  GPtrArray     *tables;        /* TcReportTable* */
  GPtrArray     *pages;         /* GArray of Placement; page 0 is the title page */
  GPtrArray     *sections;      /* char* */
  GArray        *section_pages; /* guint */

  char          *title;
  char          *subtitle;
  char          *status;
  GPtrArray     *facts;         /* char*: key, value, key, value … */

  double         width;
  double         height;
  PangoContext  *measure;
  TcDrawStyle    style;
};

G_DEFINE_FINAL_TYPE (TcReportPages, tc_report_pages, G_TYPE_OBJECT)

static void
block_free (gpointer data)
{
  TcBlock *block = data;

  g_free (block->text);
  for (guint i = 0; i < TC_REPORT_MAX_COLUMNS; i++)
    g_free (block->cells[i]);
  if (block->destroy != NULL)
    block->destroy (block->data);
  g_free (block);
}

/* Points for points: Pango's default 96 dpi would make a 9 pt font 12 pt
 * on paper.  No hinting, so measuring and drawing agree on any surface. */
static void
setup_context (PangoContext *context)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72.0);
  cairo_font_options_destroy (options);
}

static PangoLayout *
make_layout (PangoContext *context,
             const char   *font,
             const char   *text,
             gboolean      markup,
             double        width,
             gboolean      ellipsize)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  if (markup)
    pango_layout_set_markup (layout, text, -1);
  else
    pango_layout_set_text (layout, text, -1);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int)(width * PANGO_SCALE));
      if (ellipsize)
        pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      else
        pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }

  return layout;
}

static double
text_height (PangoContext *context,
             const char   *font,
             const char   *text,
             gboolean      markup,
             double        width)
{
  g_autoptr(PangoLayout) layout = make_layout (context, font, text, markup, width, FALSE);
  int w, h;

  pango_layout_get_size (layout, &w, &h);

  return (double)h / PANGO_SCALE;
}

static const char *
row_font (const TcBlock *block)
{
  if (block->table->mono)
    return FONT_MONO;

  return (block->flags & TC_ROW_BOLD) ? FONT_TABLE_B : FONT_TABLE;
}

static double
row_height (TcReportPages *self,
            const TcBlock *block)
{
  return text_height (self->measure, row_font (block), "Ag", FALSE, -1) + 2 * ROW_PAD;
}

static double
measure (TcReportPages *self,
         TcBlock       *block)
{
  double w = self->width - 2 * MARGIN_X;

  switch (block->kind)
    {
    case TC_BLOCK_SECTION:
      return text_height (self->measure, FONT_SECTION, block->text, FALSE, w) + 22;
    case TC_BLOCK_HEADING:
      return text_height (self->measure, FONT_HEADING, block->text, FALSE, w) + 12;
    case TC_BLOCK_TEXT:
      return text_height (self->measure, FONT_BODY, block->text, TRUE, w) + 6;
    case TC_BLOCK_MONO:
      return text_height (self->measure, FONT_MONO, block->text, FALSE, w - 12) + 14;
    case TC_BLOCK_ROW:
      return row_height (self, block);
    case TC_BLOCK_CHART:
    case TC_BLOCK_SPACE:
    default:
      return block->height;
    }
}

static GArray *
new_page (TcReportPages *self)
{
  GArray *page = g_array_new (FALSE, FALSE, sizeof (Placement));

  g_ptr_array_add (self->pages, page);

  return page;
}

static void
place (GArray   *page,
       TcBlock  *block,
       double    y,
       gboolean  header)
{
  Placement p = { block, y, header };

  g_array_append_val (page, p);
}

static void
layout_flow (TcReportPages *self)
{
  double top = MARGIN_TOP, bottom = self->height - MARGIN_BOTTOM;
  double y = top;
  GArray *page;
  TcReportTable *open_table = NULL;

  g_ptr_array_set_size (self->pages, 0);
  g_array_set_size (self->section_pages, 0);
  new_page (self);                 /* the title page */
  page = new_page (self);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      TcBlock *block = g_ptr_array_index (self->blocks, i);
      TcBlock *next = i + 1 < self->blocks->len ? g_ptr_array_index (self->blocks, i + 1) : NULL;
      double h = measure (self, block);
      double need = h;
      gboolean starts_table = block->kind == TC_BLOCK_ROW && block->table != open_table;

      block->height = h;
      if (block->kind == TC_BLOCK_SECTION)
        need = MAX (h + SECTION_ROOM, h);
      else if (block->kind == TC_BLOCK_HEADING)
        need = h + (next != NULL ? MIN (KEEP_ROOM, measure (self, next) + 20) : 0);
      else if (starts_table)
        need = 2 * h + (next && next->kind == TC_BLOCK_ROW ? h : 0);

      if (block->kind == TC_BLOCK_ROW && !starts_table && y + h > bottom)
        {
          /* A table breaking across pages repeats its header. */
          page = new_page (self);
          y = top;
          place (page, block, y, TRUE);
          y += row_height (self, block);
        }
      else if (y > top && y + need > bottom)
        {
          page = new_page (self);
          y = top;
        }

      /* Air above a section that does not start a page. */
      if (block->kind == TC_BLOCK_SECTION && y > top)
        y += SECTION_GAP;

      if (block->kind == TC_BLOCK_SECTION)
        {
          guint n = self->pages->len - 1;

          g_array_append_val (self->section_pages, n);
        }

      if (starts_table)
        {
          place (page, block, y, TRUE);
          y += row_height (self, block);
          open_table = block->table;
        }
      else if (block->kind != TC_BLOCK_ROW)
        open_table = NULL;

      place (page, block, y, FALSE);
      y += h;
    }
}

static void
set_rgba (cairo_t       *cr,
          const GdkRGBA *c,
          double         alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

static void
show_text (cairo_t      *cr,
           PangoContext *context,
           const char   *font,
           const char   *text,
           gboolean      markup,
           double        x,
           double        y,
           double        width,
           double        xalign,
           gboolean      ellipsize)
{
  g_autoptr(PangoLayout) layout = make_layout (context, font, text, markup, ellipsize ? width : -1, ellipsize);
  int w, h;

  if (!ellipsize && width > 0)
    {
      pango_layout_set_width (layout, (int)(width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_get_size (layout, &w, &h);
  cairo_move_to (cr, x + (xalign > 0 && width > 0 ? (width - (double)w / PANGO_SCALE) * xalign : 0), y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_row (TcReportPages    *self,
          cairo_t          *cr,
          PangoContext     *context,
          const Placement  *p)
{
  const TcBlock *block = p->block;
  const TcReportTable *table = block->table;
  double w = self->width - 2 * MARGIN_X;
  double h = row_height (self, block);
  double x = MARGIN_X;
  const char *font = p->header ? FONT_TABLE_B : row_font (block);

  if (p->header)
    {
      set_rgba (cr, &self->style.accent, 0.12);
      cairo_rectangle (cr, MARGIN_X, p->y, w, h);
      cairo_fill (cr);
    }
  else if (block->flags & TC_ROW_HIGHLIGHT)
    {
      set_rgba (cr, &self->style.error, 0.15);
      cairo_rectangle (cr, MARGIN_X, p->y, w, h);
      cairo_fill (cr);
    }
  else if (block->index % 2 == 1)
    {
      set_rgba (cr, &self->style.grid, 0.35);
      cairo_rectangle (cr, MARGIN_X, p->y, w, h);
      cairo_fill (cr);
    }

  for (guint c = 0; c < table->n_columns; c++)
    {
      double cw = table->widths[c] * w;
      const char *text = p->header ? table->titles[c] : block->cells[c];
      const GdkRGBA *color = &self->style.foreground;

      if (!p->header && c > 0 && (block->flags & TC_ROW_GOOD))
        color = &self->style.success;
      else if (!p->header && c > 0 && (block->flags & TC_ROW_BAD))
        color = &self->style.error;
      else if (!p->header && (block->flags & TC_ROW_DIM))
        color = &self->style.dim;

      set_rgba (cr, color, 1.0);
      if (text != NULL && *text)
        show_text (cr, context, p->header ? FONT_TABLE_B : font, text, FALSE,
                   x + 4, p->y + ROW_PAD, cw - 8, table->right[c] ? 1.0 : 0.0, TRUE);
      x += cw;
    }

  if (p->header)
    {
      set_rgba (cr, &self->style.accent, 0.8);
      cairo_set_line_width (cr, 0.8);
      cairo_move_to (cr, MARGIN_X, p->y + h);
      cairo_line_to (cr, MARGIN_X + w, p->y + h);
      cairo_stroke (cr);
    }
}

static void
draw_block (TcReportPages   *self,
            cairo_t         *cr,
            PangoContext    *context,
            const Placement *p)
{
  const TcBlock *block = p->block;
  double w = self->width - 2 * MARGIN_X;

  switch (block->kind)
    {
    case TC_BLOCK_SECTION:
      set_rgba (cr, &self->style.foreground, 1.0);
      show_text (cr, context, FONT_SECTION, block->text, FALSE, MARGIN_X, p->y, w, 0, FALSE);
      set_rgba (cr, &self->style.accent, 1.0);
      cairo_rectangle (cr, MARGIN_X, p->y + block->height - 12, 40, 2.5);
      cairo_fill (cr);
      break;

    case TC_BLOCK_HEADING:
      set_rgba (cr, &self->style.foreground, 1.0);
      show_text (cr, context, FONT_HEADING, block->text, FALSE, MARGIN_X, p->y + 6, w, 0, FALSE);
      break;

    case TC_BLOCK_TEXT:
      set_rgba (cr, &self->style.foreground, 1.0);
      show_text (cr, context, FONT_BODY, block->text, TRUE, MARGIN_X, p->y, w, 0, FALSE);
      break;

    case TC_BLOCK_MONO:
      set_rgba (cr, &self->style.grid, 0.5);
      tc_draw_rounded_rect (cr, MARGIN_X, p->y + 2, w, block->height - 6, 4);
      cairo_fill (cr);
      set_rgba (cr, &self->style.foreground, 1.0);
      show_text (cr, context, FONT_MONO, block->text, FALSE, MARGIN_X + 6, p->y + 6, w - 12, 0, FALSE);
      break;

    case TC_BLOCK_ROW:
      draw_row (self, cr, context, p);
      break;

    case TC_BLOCK_CHART:
      cairo_save (cr);
      cairo_translate (cr, MARGIN_X, p->y);
      cairo_rectangle (cr, 0, 0, w, block->height);
      cairo_clip (cr);
      block->draw (cr, &self->style, w, block->height, block->data);
      cairo_restore (cr);
      break;

    case TC_BLOCK_SPACE:
    default:
      break;
    }
}

static void
draw_chrome (TcReportPages *self,
             cairo_t       *cr,
             PangoContext  *context,
             guint          page)
{
  double w = self->width - 2 * MARGIN_X;
  g_autofree char *number = g_strdup_printf (_("Page %u of %u"), page + 1, self->pages->len);
  const char *section = NULL;

  GArray *placements = g_ptr_array_index (self->pages, page);
  const Placement *first = placements->len > 0 ? &g_array_index (placements, Placement, 0) : NULL;

  /* The section the page begins with: the one in progress, or the one
   * whose title opens the page. */
  for (guint i = 0; i < self->section_pages->len; i++)
    {
      guint start = g_array_index (self->section_pages, guint, i);

      if (start < page || (start == page && first != NULL && first->block->kind == TC_BLOCK_SECTION &&
                           section == NULL))
        section = g_ptr_array_index (self->sections, i);
      if (start == page && first != NULL && first->block->kind == TC_BLOCK_SECTION)
        {
          section = g_ptr_array_index (self->sections, i);
          break;
        }
    }

  set_rgba (cr, &self->style.dim, 1.0);
  show_text (cr, context, FONT_SMALL, self->title ? self->title : "", FALSE,
             MARGIN_X, MARGIN_TOP - 30, w / 2, 0.0, TRUE);
  if (section != NULL)
    show_text (cr, context, FONT_SMALL, section, FALSE, MARGIN_X + w / 2, MARGIN_TOP - 30, w / 2, 1.0, TRUE);

  set_rgba (cr, &self->style.grid, 1.0);
  cairo_set_line_width (cr, 0.5);
  cairo_move_to (cr, MARGIN_X, MARGIN_TOP - 16);
  cairo_line_to (cr, MARGIN_X + w, MARGIN_TOP - 16);
  cairo_move_to (cr, MARGIN_X, self->height - MARGIN_BOTTOM + 16);
  cairo_line_to (cr, MARGIN_X + w, self->height - MARGIN_BOTTOM + 16);
  cairo_stroke (cr);

  set_rgba (cr, &self->style.dim, 1.0);
  show_text (cr, context, FONT_SMALL, _("Timecapsule report"), FALSE,
             MARGIN_X, self->height - MARGIN_BOTTOM + 22, w / 2, 0.0, TRUE);
  show_text (cr, context, FONT_SMALL, number, FALSE,
             MARGIN_X + w / 2, self->height - MARGIN_BOTTOM + 22, w / 2, 1.0, TRUE);
}

static void
draw_title_page (TcReportPages *self,
                 cairo_t       *cr,
                 PangoContext  *context)
{
  double w = self->width - 2 * MARGIN_X;
  double y = 150;

  set_rgba (cr, &self->style.accent, 1.0);
  cairo_rectangle (cr, 0, 0, self->width, 12);
  cairo_fill (cr);

  set_rgba (cr, &self->style.dim, 1.0);
  show_text (cr, context, FONT_HEADING, _("Timecapsule Report"), FALSE, MARGIN_X, y - 34, w, 0, FALSE);
  set_rgba (cr, &self->style.foreground, 1.0);
  show_text (cr, context, FONT_TITLE, self->title ? self->title : "", FALSE, MARGIN_X, y, w, 0, TRUE);
  y += 48;
  set_rgba (cr, &self->style.dim, 1.0);
  show_text (cr, context, FONT_BODY, self->subtitle ? self->subtitle : "", TRUE, MARGIN_X, y, w, 0, FALSE);
  y += text_height (self->measure, FONT_BODY, self->subtitle ? self->subtitle : "", TRUE, w) + 16;

  if (self->status != NULL)
    {
      double h = text_height (self->measure, FONT_HEADING, self->status, TRUE, w - 24) + 20;

      set_rgba (cr, &self->style.grid, 0.6);
      tc_draw_rounded_rect (cr, MARGIN_X, y, w, h, 8);
      cairo_fill (cr);
      set_rgba (cr, &self->style.foreground, 1.0);
      show_text (cr, context, FONT_HEADING, self->status, TRUE, MARGIN_X + 12, y + 10, w - 24, 0, FALSE);
      y += h + 20;
    }

  for (guint i = 0; i + 1 < self->facts->len; i += 2)
    {
      set_rgba (cr, &self->style.dim, 1.0);
      show_text (cr, context, FONT_BODY, g_ptr_array_index (self->facts, i), FALSE, MARGIN_X, y, 120, 0, TRUE);
      set_rgba (cr, &self->style.foreground, 1.0);
      show_text (cr, context, FONT_BODY, g_ptr_array_index (self->facts, i + 1), FALSE,
                 MARGIN_X + 130, y, w - 130, 0, TRUE);
      y += 14;
    }

  /* Contents, with the page each section starts on. */
  y += 24;
  set_rgba (cr, &self->style.foreground, 1.0);
  show_text (cr, context, FONT_HEADING, _("Contents"), FALSE, MARGIN_X, y, w, 0, FALSE);
  y += 22;
  for (guint i = 0; i < self->sections->len && y < self->height - MARGIN_BOTTOM - 12; i++)
    {
      g_autofree char *page = g_strdup_printf ("%u", g_array_index (self->section_pages, guint, i) + 1);

      set_rgba (cr, &self->style.foreground, 1.0);
      show_text (cr, context, FONT_BODY, g_ptr_array_index (self->sections, i), FALSE, MARGIN_X, y, w - 40, 0, TRUE);
      show_text (cr, context, FONT_BODY, page, FALSE, MARGIN_X + w - 40, y, 40, 1.0, TRUE);
      set_rgba (cr, &self->style.grid, 1.0);
      cairo_set_line_width (cr, 0.4);
      cairo_move_to (cr, MARGIN_X, y + 13);
      cairo_line_to (cr, MARGIN_X + w, y + 13);
      cairo_stroke (cr);
      y += 15;
    }
}

static void
tc_report_pages_finalize (GObject *object)
{
  TcReportPages *self = (TcReportPages *)object;

  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_pointer (&self->tables, g_ptr_array_unref);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->sections, g_ptr_array_unref);
  g_clear_pointer (&self->section_pages, g_array_unref);
  g_clear_pointer (&self->facts, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->subtitle, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_object (&self->measure);
  g_clear_object (&self->document);
  g_clear_object (&self->comparison);

  G_OBJECT_CLASS (tc_report_pages_parent_class)->finalize (object);
}

static void
tc_report_pages_class_init (TcReportPagesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tc_report_pages_finalize;
}

static void
tc_report_pages_init (TcReportPages *self)
{
  self->blocks = g_ptr_array_new_with_free_func (block_free);
  self->tables = g_ptr_array_new_with_free_func (g_free);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  self->sections = g_ptr_array_new_with_free_func (g_free);
  self->section_pages = g_array_new (FALSE, FALSE, sizeof (guint));
  self->facts = g_ptr_array_new_with_free_func (g_free);
  self->width = TC_REPORT_PAGE_WIDTH;
  self->height = TC_REPORT_PAGE_HEIGHT;
  tc_draw_style_init_light (&self->style);
  self->style.font = "DejaVu Sans 6.5";
}

/**
 * tc_report_pages_new:
 *
 * Builds the report's content for @document (and the comparison) once; lay
 * it out with tc_report_pages_paginate().
 *
 * Returns: (transfer full): the report
 */
TcReportPages *
tc_report_pages_new (TcDocument   *document,
                     TcComparison *comparison)
{
  TcReportPages *self;
  cairo_surface_t *surface;
  cairo_t *cr;

  g_return_val_if_fail (TC_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (!comparison || TC_IS_COMPARISON (comparison), NULL);

  self = g_object_new (TC_TYPE_REPORT_PAGES, NULL);
  self->document = g_object_ref (document);
  self->comparison = comparison ? g_object_ref (comparison) : NULL;

  /* A scratch surface only to measure text: no display involved. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surface);
  self->measure = pango_cairo_create_context (cr);
  setup_context (self->measure);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  _tc_report_build_title (self, document, comparison);
  if (comparison != NULL)
    _tc_report_build_comparison (self, comparison);
  _tc_report_build_sections (self, document);
  _tc_report_build_source (self, document);

  tc_report_pages_paginate (self, TC_REPORT_PAGE_WIDTH, TC_REPORT_PAGE_HEIGHT);

  return self;
}

guint
tc_report_pages_paginate (TcReportPages *self,
                          double         width,
                          double         height)
{
  g_return_val_if_fail (TC_IS_REPORT_PAGES (self), 0);
  g_return_val_if_fail (width > 2 * MARGIN_X && height > MARGIN_TOP + MARGIN_BOTTOM + 100, 0);

  self->width = width;
  self->height = height;
  layout_flow (self);

  return self->pages->len;
}

guint
tc_report_pages_get_n_pages (TcReportPages *self)
{
  g_return_val_if_fail (TC_IS_REPORT_PAGES (self), 0);

  return self->pages->len;
}

void
tc_report_pages_draw_page (TcReportPages *self,
                           cairo_t       *cr,
                           guint          page)
{
  PangoContext *context;
  GArray *placements;

  g_return_if_fail (TC_IS_REPORT_PAGES (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (page < self->pages->len);

  context = pango_cairo_create_context (cr);
  setup_context (context);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, self->width, self->height);
  cairo_fill (cr);

  if (page == 0)
    draw_title_page (self, cr, context);
  else
    draw_chrome (self, cr, context, page);

  placements = g_ptr_array_index (self->pages, page);
  for (guint i = 0; i < placements->len; i++)
    {
      const Placement *p = &g_array_index (placements, Placement, i);

      if (p->header)
        draw_row (self, cr, context, p);
      else
        draw_block (self, cr, context, p);
    }
  cairo_restore (cr);
  g_object_unref (context);
}

GPtrArray *
tc_report_pages_get_sections (TcReportPages *self)
{
  g_return_val_if_fail (TC_IS_REPORT_PAGES (self), NULL);

  return self->sections;
}

guint
tc_report_pages_get_section_page (TcReportPages *self,
                                  guint          section)
{
  g_return_val_if_fail (TC_IS_REPORT_PAGES (self), 0);
  g_return_val_if_fail (section < self->section_pages->len, 0);

  return g_array_index (self->section_pages, guint, section);
}

/* ---- builders ----------------------------------------------------------- */

static TcBlock *
add_block (TcReportPages *self,
           TcBlockKind    kind,
           char          *text)
{
  TcBlock *block = g_new0 (TcBlock, 1);

  block->kind = kind;
  block->text = text;
  g_ptr_array_add (self->blocks, block);

  return block;
}

void
_tc_report_section (TcReportPages *self,
                    const char    *title)
{
  add_block (self, TC_BLOCK_SECTION, g_strdup (title));
  g_ptr_array_add (self->sections, g_strdup (title));
}

void
_tc_report_heading (TcReportPages *self,
                    const char    *title)
{
  add_block (self, TC_BLOCK_HEADING, g_strdup (title));
}

void
_tc_report_text (TcReportPages *self,
                 const char    *markup)
{
  add_block (self, TC_BLOCK_TEXT, g_strdup (markup));
}

void
_tc_report_textf (TcReportPages *self,
                  const char    *format,
                  ...)
{
  va_list args;

  va_start (args, format);
  add_block (self, TC_BLOCK_TEXT, g_markup_vprintf_escaped (format, args));
  va_end (args);
}

/* Long text goes in chunks of lines so it can break across pages. */
void
_tc_report_mono (TcReportPages *self,
                 const char    *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);

  while (n > 0 && *lines[n - 1] == '\0')
    n--;

  for (guint start = 0; start < n; start += 30)
    {
      GString *chunk = g_string_new (NULL);

      for (guint i = start; i < MIN (n, start + 30); i++)
        g_string_append_printf (chunk, "%s%s", i > start ? "\n" : "", lines[i]);
      add_block (self, TC_BLOCK_MONO, g_string_free (chunk, FALSE));
    }
}

void
_tc_report_space (TcReportPages *self,
                  double         height)
{
  add_block (self, TC_BLOCK_SPACE, NULL)->height = height;
}

/* "Title:0.3|Count:0.1r|…": width fraction, r = right-aligned, m = mono. */
TcReportTable *
_tc_report_table (TcReportPages *self,
                  const char    *spec)
{
  TcReportTable *table = g_new0 (TcReportTable, 1);
  g_auto(GStrv) columns = g_strsplit (spec, "|", TC_REPORT_MAX_COLUMNS);

  for (guint i = 0; columns[i] != NULL && i < TC_REPORT_MAX_COLUMNS; i++)
    {
      char *colon = strrchr (columns[i], ':');

      if (colon != NULL)
        {
          *colon = '\0';
          table->widths[i] = g_ascii_strtod (colon + 1, NULL);
          table->right[i] = strchr (colon + 1, 'r') != NULL;
          table->mono |= strchr (colon + 1, 'm') != NULL;
        }
      table->titles[i] = g_intern_string (columns[i]);
      table->n_columns++;
    }

  g_ptr_array_add (self->tables, table);

  return table;
}

void
_tc_report_row (TcReportPages *self,
                TcReportTable *table,
                guint          flags,
                ...)
{
  TcBlock *block = add_block (self, TC_BLOCK_ROW, NULL);
  TcBlock *prev = self->blocks->len > 1 ? g_ptr_array_index (self->blocks, self->blocks->len - 2) : NULL;
  va_list args;

  block->table = table;
  block->flags = flags;
  block->index = prev && prev->kind == TC_BLOCK_ROW && prev->table == table ? prev->index + 1 : 0;

  va_start (args, flags);
  for (guint i = 0; i < table->n_columns; i++)
    block->cells[i] = va_arg (args, char *);
  va_end (args);
}

void
_tc_report_chart (TcReportPages     *self,
                  double             height,
                  TcReportChartFunc  draw,
                  gpointer           data,
                  GDestroyNotify     destroy)
{
  TcBlock *block = add_block (self, TC_BLOCK_CHART, NULL);

  block->height = height;
  block->draw = draw;
  block->data = data;
  block->destroy = destroy;
}

double
_tc_report_text_width (TcReportPages *self)
{
  return self->width - 2 * MARGIN_X;
}

void
_tc_report_set_title (TcReportPages *self,
                      const char    *title,
                      const char    *subtitle,
                      const char    *status_markup)
{
  g_free (self->title);
  g_free (self->subtitle);
  g_free (self->status);
  self->title = g_strdup (title);
  self->subtitle = g_strdup (subtitle);
  self->status = g_strdup (status_markup);
}

void
_tc_report_add_fact (TcReportPages *self,
                     const char    *key,
                     const char    *value)
{
  g_ptr_array_add (self->facts, g_strdup (key));
  g_ptr_array_add (self->facts, g_strdup (value));
}

char *
_tc_report_escape (const char *text)
{
  return g_markup_escape_text (text ? text : "", -1);
}
