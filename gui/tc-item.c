/* tc-item.c — a list-model row pointing at a record of a TcDocument
 *
 * SPDX-License-Identifier: MIT
 *
 * The pages show the document's arrays (functions, warnings, snapshots …)
 * in GtkListView/GtkColumnView, which need GObjects.  An item only points at
 * the record (owned by the document, which the page's session keeps alive),
 * so a million rows cost a million small objects and no copies.
 */
#include "config.h"

#include "tc-item.h"

struct _TcItem
{
  GObject        parent_instance;

  guint          index;
  gconstpointer  data;
  char          *first;
  char          *second;
};

G_DEFINE_FINAL_TYPE (TcItem, tc_item, G_TYPE_OBJECT)

static void
tc_item_finalize (GObject *object)
{
  TcItem *self = (TcItem *)object;

  g_clear_pointer (&self->first, g_free);
  g_clear_pointer (&self->second, g_free);

  G_OBJECT_CLASS (tc_item_parent_class)->finalize (object);
}

static void
tc_item_class_init (TcItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tc_item_finalize;
}

static void
tc_item_init (TcItem *self)
{
}

/**
 * tc_item_new:
 * @index: the record's position in its document array
 * @data: (nullable): the record, owned by the document
 */
TcItem *
tc_item_new (guint         index,
             gconstpointer data)
{
  TcItem *self = g_object_new (TC_TYPE_ITEM, NULL);

  self->index = index;
  self->data = data;

  return self;
}

/**
 * tc_item_new_strings:
 *
 * An item that owns two strings (rows computed by the page, not stored in
 * the document).
 */
TcItem *
tc_item_new_strings (guint       index,
                     const char *first,
                     const char *second)
{
  TcItem *self = tc_item_new (index, NULL);

  self->first = g_strdup (first);
  self->second = g_strdup (second);

  return self;
}

guint
tc_item_get_index (TcItem *self)
{
  g_return_val_if_fail (TC_IS_ITEM (self), 0);

  return self->index;
}

gconstpointer
tc_item_get_data (TcItem *self)
{
  g_return_val_if_fail (TC_IS_ITEM (self), NULL);

  return self->data;
}

const char *
tc_item_get_first (TcItem *self)
{
  g_return_val_if_fail (TC_IS_ITEM (self), NULL);

  return self->first;
}

const char *
tc_item_get_second (TcItem *self)
{
  g_return_val_if_fail (TC_IS_ITEM (self), NULL);

  return self->second;
}
