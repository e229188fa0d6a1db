/* tc-item.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TC_TYPE_ITEM (tc_item_get_type ())

G_DECLARE_FINAL_TYPE (TcItem, tc_item, TC, ITEM, GObject)

TcItem        *tc_item_new         (guint          index,
                                    gconstpointer  data);
TcItem        *tc_item_new_strings (guint          index,
                                    const char    *first,
                                    const char    *second);
guint          tc_item_get_index   (TcItem        *self);
gconstpointer  tc_item_get_data    (TcItem        *self);
const char    *tc_item_get_first   (TcItem        *self);
const char    *tc_item_get_second  (TcItem        *self);

G_END_DECLS
