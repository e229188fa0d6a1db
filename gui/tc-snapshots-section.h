/* tc-snapshots-section.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "tc-section.h"

G_BEGIN_DECLS

#define TC_TYPE_SNAPSHOTS_SECTION (tc_snapshots_section_get_type ())

G_DECLARE_FINAL_TYPE (TcSnapshotsSection, tc_snapshots_section, TC, SNAPSHOTS_SECTION, TcSection)

G_END_DECLS

G_BEGIN_DECLS

GListModel *tc_snapshots_section_get_model     (TcSnapshotsSection *self);
guint       tc_snapshots_section_get_selected  (TcSnapshotsSection *self);
void        tc_snapshots_section_select        (TcSnapshotsSection *self,
                                                guint               position);
guint       tc_snapshots_section_get_n_locals  (TcSnapshotsSection *self);

G_END_DECLS
