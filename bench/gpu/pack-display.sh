#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Packs a display for a GPU machine that has none: Xvfb (with Mesa's GLX,
# which NVIDIA's GLX client draws through), xkbcomp, bench-charts and every
# library they load that a CUDA image may lack, fonts and GSettings schemas,
# into one tar.xz (~56 MB).  Run here, on Debian 12, after
#   ninja -C build-bench bench/bench-charts
# then carry the archive to the GPU machine and run viewer-frames.sh there.
# glibc, libstdc++ and the base libraries every image has stay out.
set -eu
BUILD=${1:-build-bench}
OUT=${2:-gpu-display.tar.xz}
STAGE=$(mktemp -d)/gpu-display
LIBDIR=/usr/lib/x86_64-linux-gnu
mkdir -p "$STAGE"/{bin,lib,dri,etc,share/X11,share/fonts,share/glib-2.0/schemas}
cp "$BUILD/bench/bench-charts" /usr/bin/Xvfb /usr/bin/xkbcomp "$STAGE/bin/"
strip --strip-unneeded "$STAGE"/bin/*
cp "$LIBDIR/dri/swrast_dri.so" "$STAGE/dri/"
extra="$LIBDIR/libGLX_mesa.so.0 $LIBDIR/libEGL_mesa.so.0 $LIBDIR/libEGL.so.1 $LIBDIR/libOpenGL.so.0"
base='/(libc|libm|libpthread|libdl|librt|ld-linux-x86-64|libgcc_s|libstdc\+\+|libz|liblzma|libzstd|libbz2|libselinux|libpcre2-8|libmount|libblkid|libgcrypt|libgpg-error|libsystemd|liblz4|libcap|libaudit|libcap-ng|libmd|libtinfo|libffi|libexpat)\.so'
for f in "$STAGE"/bin/* "$STAGE/dri/swrast_dri.so" $extra; do
    ldd "$f" | awk '$3 ~ /^\// {print $3}'
    echo "$f"
done | grep "^$LIBDIR\|^/lib/" | sort -u | grep -v -E "$base" |
    while read -r lib; do cp -L "$lib" "$STAGE/lib/"; done
cp -r /usr/share/X11/xkb "$STAGE/share/X11/"
cp /usr/share/fonts/truetype/dejavu/DejaVuSans{,-Bold,Mono}.ttf "$STAGE/share/fonts/"
cp /usr/share/glib-2.0/schemas/gschemas.compiled "$STAGE/share/glib-2.0/schemas/"
cat > "$STAGE/etc/fonts.conf" <<'CONF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir prefix="relative">../share/fonts</dir>
  <cachedir>/tmp/fc-cache</cachedir>
</fontconfig>
CONF
tar -C "$(dirname "$STAGE")" -cf - gpu-display | xz -T0 -9 > "$OUT"
rm -rf "$(dirname "$STAGE")"
ls -la "$OUT"
