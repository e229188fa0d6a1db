#!/bin/bash
# SPDX-License-Identifier: MIT
#
# On a GPU machine without a display: the viewer's flame graph / flame
# chart frame times (bench-charts) drawn by the GPU's GL driver (NVIDIA's
# GLX client on the packed Xvfb) and by llvmpipe on the same cores, at
# 10 M and 100 M events.  ARCHIVE is pack-display.sh's output; figures of a
# run on an H100: docs/PERFORMANCE.md, "Session 14".
set -u
ARCHIVE=${1:-gpu-display.tar.xz}
OUT=${2:-viewer-frames}
mkdir -p "$OUT"
G=/tmp/gpu-display
[ -x $G/bin/bench-charts ] || tar -C /tmp -xJf "$ARCHIVE" || exit 2
# Xvfb runs xkbcomp from its compiled-in directory.
[ -x /usr/bin/xkbcomp ] || cp $G/bin/xkbcomp /usr/bin/xkbcomp
export LD_LIBRARY_PATH=$G/lib:/usr/local/nvidia/lib64
export LIBGL_DRIVERS_PATH=$G/dri
$G/bin/Xvfb :99 -screen 0 1400x900x24 +extension GLX -xkbdir $G/share/X11/xkb \
    -nolisten tcp > "$OUT/xvfb.log" 2>&1 &
XVFB=$!
sleep 3
mkdir -p /tmp/xdg && chmod 700 /tmp/xdg
export DISPLAY=:99 FONTCONFIG_FILE=$G/etc/fonts.conf XDG_RUNTIME_DIR=/tmp/xdg \
    GSETTINGS_SCHEMA_DIR=$G/share/glib-2.0/schemas GDK_DEBUG=gl-glx
for steps in 735000 7350000; do
    for vendor in nvidia mesa; do
        echo "== $steps steps, GLX vendor $vendor"
        __GLX_VENDOR_LIBRARY_NAME=$vendor timeout 300 $G/bin/bench-charts \
            --steps $steps 2>&1 | grep -v Gtk-WARNING | tee "$OUT/charts-$steps-$vendor.txt"
    done
done
kill $XVFB
