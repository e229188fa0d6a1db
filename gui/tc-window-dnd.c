/* tc-window-dnd.c — drop recordings onto the window to open them
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "compare/tc-compare-section.h"
#include "tc-window-private.h"

static gboolean
tc_window_dnd_drop_cb (TcWindow      *self,
                       const GValue  *value,
                       double         x,
                       double         y,
                       GtkDropTarget *target)
{
  GSList *files;
  guint n = 0;

  g_assert (TC_IS_WINDOW (self));

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  gtk_widget_remove_css_class (GTK_WIDGET (self), "dropping");

  files = g_value_get_boxed (value);

  /* Two recordings at once: compare the first (before) with the second. */
  if (g_slist_length (files) == 2 && G_IS_FILE (files->data) && G_IS_FILE (files->next->data))
    {
      tc_compare_open_in_window (self, files->data, files->next->data);
      return TRUE;
    }
  for (const GSList *l = files; l != NULL; l = l->next)
    {
      GFile *file = l->data;

      if (!G_IS_FILE (file))
        continue;

      tc_window_open_file (self, file);
      n++;
    }

  return n > 0;
}

static GdkDragAction
tc_window_dnd_enter_cb (TcWindow      *self,
                        double         x,
                        double         y,
                        GtkDropTarget *target)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "dropping");
  return GDK_ACTION_COPY;
}

static void
tc_window_dnd_leave_cb (TcWindow      *self,
                        GtkDropTarget *target)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "dropping");
}

void
_tc_window_dnd_init (TcWindow *self)
{
  GtkDropTarget *target;

  g_assert (TC_IS_WINDOW (self));

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (target, "drop",
                           G_CALLBACK (tc_window_dnd_drop_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (target, "enter",
                           G_CALLBACK (tc_window_dnd_enter_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (target, "leave",
                           G_CALLBACK (tc_window_dnd_leave_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  self->drop_target = target;
}
