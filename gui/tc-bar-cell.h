/* tc-bar-cell.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TC_TYPE_BAR_CELL (tc_bar_cell_get_type ())

G_DECLARE_FINAL_TYPE (TcBarCell, tc_bar_cell, TC, BAR_CELL, GtkWidget)

GtkWidget  *tc_bar_cell_new          (void);
void        tc_bar_cell_set_fraction (TcBarCell  *self,
                                      double      fraction);
double      tc_bar_cell_get_fraction (TcBarCell  *self);
void        tc_bar_cell_set_text     (TcBarCell  *self,
                                      const char *text);
void        tc_bar_cell_set_level    (TcBarCell  *self,
                                      int         level);

G_END_DECLS
