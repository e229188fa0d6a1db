/* tc-section.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "tc-section.h"

typedef struct
{
  TcViewerSession *session;
  guint      has_data : 1;
  guint      has_data_known : 1;
  guint      loaded : 1;
} TcSectionPrivate;

enum {
  PROP_0,
  PROP_SESSION,
  PROP_ID,
  PROP_TITLE,
  PROP_ICON_NAME,
  PROP_HAS_DATA,
  PROP_LOADED,
  N_PROPS
};

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (TcSection, tc_section, GTK_TYPE_WIDGET)

static GParamSpec *properties [N_PROPS];

static gboolean
tc_section_real_has_data (TcSection *self,
                          TcViewerSession *session)
{
  return TRUE;
}

static void
tc_section_dispose (GObject *object)
{
  TcSection *self = (TcSection *)object;
  TcSectionPrivate *priv = tc_section_get_instance_private (self);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  g_clear_object (&priv->session);

  G_OBJECT_CLASS (tc_section_parent_class)->dispose (object);
}

static void
tc_section_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TcSection *self = TC_SECTION (object);
  TcSectionPrivate *priv = tc_section_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, priv->session);
      break;

    case PROP_ID:
      g_value_set_string (value, tc_section_get_id (self));
      break;

    case PROP_TITLE:
      g_value_set_string (value, tc_section_get_title (self));
      break;

    case PROP_ICON_NAME:
      g_value_set_string (value, tc_section_get_icon_name (self));
      break;

    case PROP_HAS_DATA:
      g_value_set_boolean (value, priv->has_data);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, priv->loaded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_section_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TcSection *self = TC_SECTION (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      tc_section_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_section_class_init (TcSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tc_section_dispose;
  object_class->get_property = tc_section_get_property;
  object_class->set_property = tc_section_set_property;

  klass->has_data = tc_section_real_has_data;

  properties [PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         TC_TYPE_VIEWER_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_HAS_DATA] =
    g_param_spec_boolean ("has-data", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tc_section_init (TcSection *self)
{
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

void
tc_section_class_set_info (TcSectionClass *klass,
                           const char     *id,
                           const char     *title,
                           const char     *icon_name)
{
  g_return_if_fail (TC_IS_SECTION_CLASS (klass));

  klass->id = id;
  klass->title = title;
  klass->icon_name = icon_name;
}

const char *
tc_section_get_id (TcSection *self)
{
  g_return_val_if_fail (TC_IS_SECTION (self), NULL);

  return TC_SECTION_GET_CLASS (self)->id;
}

const char *
tc_section_get_title (TcSection *self)
{
  g_return_val_if_fail (TC_IS_SECTION (self), NULL);

  return TC_SECTION_GET_CLASS (self)->title;
}

const char *
tc_section_get_icon_name (TcSection *self)
{
  g_return_val_if_fail (TC_IS_SECTION (self), NULL);

  return TC_SECTION_GET_CLASS (self)->icon_name;
}

/**
 * tc_section_get_session:
 *
 * Returns: (transfer none) (nullable): the session the page shows
 */
TcViewerSession *
tc_section_get_session (TcSection *self)
{
  TcSectionPrivate *priv = tc_section_get_instance_private (self);

  g_return_val_if_fail (TC_IS_SECTION (self), NULL);

  return priv->session;
}

void
tc_section_set_session (TcSection *self,
                        TcViewerSession *session)
{
  TcSectionPrivate *priv = tc_section_get_instance_private (self);

  g_return_if_fail (TC_IS_SECTION (self));
  g_return_if_fail (!session || TC_IS_VIEWER_SESSION (session));

  if (g_set_object (&priv->session, session))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SESSION]);
}

gboolean
tc_section_get_has_data (TcSection *self)
{
  TcSectionPrivate *priv = tc_section_get_instance_private (self);

  g_return_val_if_fail (TC_IS_SECTION (self), FALSE);

  return priv->has_data;
}

gboolean
tc_section_get_loaded (TcSection *self)
{
  TcSectionPrivate *priv = tc_section_get_instance_private (self);

  g_return_val_if_fail (TC_IS_SECTION (self), FALSE);

  return priv->loaded;
}

/**
 * tc_section_update_has_data:
 *
 * Asks the page whether the session's document has data for it (cheap;
 * the sidebar enables the page from the answer).
 *
 * Returns: the answer
 */
gboolean
tc_section_update_has_data (TcSection *self)
{
  TcSectionPrivate *priv = tc_section_get_instance_private (self);
  gboolean has_data;
  gint64 start;

  g_return_val_if_fail (TC_IS_SECTION (self), FALSE);
  g_return_val_if_fail (priv->session != NULL, FALSE);
  g_return_val_if_fail (tc_viewer_session_get_document (priv->session) != NULL, FALSE);

  start = g_get_monotonic_time ();
  has_data = !!TC_SECTION_GET_CLASS (self)->has_data (self, priv->session);
  priv->has_data_known = TRUE;
  g_debug ("page “%s” has%s data (asked in %.1f ms)", TC_SECTION_GET_CLASS (self)->id,
           has_data ? "" : " no", (g_get_monotonic_time () - start) / 1000.0);

  if (has_data != priv->has_data)
    {
      priv->has_data = has_data;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_HAS_DATA]);
    }

  return has_data;
}

/**
 * tc_section_load:
 *
 * Fills the page from the session's document when it has data for it.
 * The session view calls it when the page is first shown, so a big
 * recording shows its first page without waiting for every page.  Does
 * nothing once loaded.
 */
void
tc_section_load (TcSection *self)
{
  TcSectionPrivate *priv = tc_section_get_instance_private (self);
  TcSectionClass *klass;
  gint64 start;

  g_return_if_fail (TC_IS_SECTION (self));
  g_return_if_fail (priv->session != NULL);
  g_return_if_fail (tc_viewer_session_get_document (priv->session) != NULL);

  if (priv->loaded)
    return;

  klass = TC_SECTION_GET_CLASS (self);
  start = g_get_monotonic_time ();

  if (!priv->has_data_known)
    tc_section_update_has_data (self);

  if (priv->has_data && klass->load != NULL)
    klass->load (self, priv->session);

  priv->loaded = TRUE;

  /* G_MESSAGES_DEBUG=timecapsule-viewer shows what each page costs. */
  g_debug ("page “%s” filled in %.1f ms", klass->id, (g_get_monotonic_time () - start) / 1000.0);

  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOADED]);
}

gboolean
tc_section_start_search (TcSection *self)
{
  TcSectionClass *klass;

  g_return_val_if_fail (TC_IS_SECTION (self), FALSE);

  klass = TC_SECTION_GET_CLASS (self);

  if (klass->start_search == NULL)
    return FALSE;

  return klass->start_search (self);
}

/**
 * tc_section_show_section:
 * @id: the id of another page
 *
 * Switches the report to another page (e.g. from a warning to the snapshot
 * timeline), through the session view's "view.show-section" action.
 */
void
tc_section_show_section (TcSection  *self,
                         const char *id)
{
  g_return_if_fail (TC_IS_SECTION (self));
  g_return_if_fail (id != NULL);

  gtk_widget_activate_action (GTK_WIDGET (self), "view.show-section", "s", id);
}
