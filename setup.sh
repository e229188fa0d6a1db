#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# One entry point for a fresh Debian 12 machine:
#   ./setup.sh example   install what is missing, build, record the bundled example and show it
#   ./setup.sh test      install what is missing, build, run every test suite (plus the
#                        sanitizer build and short fuzzing runs); last line "N passed, N failed"
#   ./setup.sh build     only install and build
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
action=${1:-example}

# Debian's meson and ninja, not whatever pip put first on PATH: the README promises the
# distribution's tools.
MESON=/usr/bin/meson
BUILD=${TC_BUILD_DIR:-build}

debian_packages=(
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  zlib1g-dev libglib2.0-dev libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev
  python3 python3-dev python3-venv python3-pip python3-pytest
  xvfb xauth xdotool desktop-file-utils appstream libxml2-utils gettext
  imagemagick poppler-utils
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_missing_packages() {
  local missing=() pkg
  for pkg in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  log "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_tools() {
  # pytest for the default python3 (pyenv's on the development machines, Debian's elsewhere,
  # where python3-pytest above already provides it).
  if ! python3 -c 'import pytest' 2>/dev/null; then
    log "installing pytest for $(python3 --version)"
    python3 -m pip install -q pytest || python3 -m pip install -q --break-system-packages pytest
  fi
}

configure_and_build() {
  if [ ! -f "$BUILD/build.ninja" ]; then
    log "configuring $BUILD"
    "$MESON" setup "$BUILD" --buildtype=debugoptimized -Dtests=true >/dev/null
  fi
  log "building"
  "$MESON" compile -C "$BUILD" >/dev/null
}

# Install into build/stage so the package (sources + both extensions), the viewer and its
# data can be used straight from the build, without touching the system.
stage_install() {
  "$MESON" install -C "$BUILD" --destdir "$here/$BUILD/stage" >/dev/null 2>&1
  STAGE_PYTHONPATH=$(dirname "$(find "$BUILD/stage" -name '_recorder*.so' -print -quit)")/..
  STAGE_PYTHONPATH=$(cd "$STAGE_PYTHONPATH" && pwd)
  STAGE_VIEWER=$(find "$here/$BUILD/stage" -path '*/bin/timecapsule-viewer' -print -quit)
  STAGE_DATA=$(dirname "$(find "$here/$BUILD/stage" -path '*/share/glib-2.0' -print -quit)")
  glib-compile-schemas "$STAGE_DATA/glib-2.0/schemas" 2>/dev/null || true
}

run_example() {
  stage_install
  local out="$here/$BUILD/example"
  rm -rf "$out" && mkdir -p "$out"
  log "recording examples/demo.py"
  (cd "$out" && PYTHONPATH="$STAGE_PYTHONPATH" python3 "$here/examples/demo.py" >/dev/null)
  local recording
  recording=$(ls -t "$out"/*.tc | head -1)
  log "recorded $recording"
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -n "$STAGE_VIEWER" ]; then
    log "opening it in timecapsule-viewer"
    XDG_DATA_DIRS="$STAGE_DATA:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
      GSETTINGS_SCHEMA_DIR="$STAGE_DATA/glib-2.0/schemas" "$STAGE_VIEWER" "$recording"
  else
    # No display: the text report in the terminal, and the PDF report next to the recording.
    PYTHONPATH="$STAGE_PYTHONPATH" python3 -m timecapsule "$recording"
    if [ -n "$STAGE_VIEWER" ]; then
      "$STAGE_VIEWER" --export-pdf "${recording%.tc}.pdf" "$recording"
      log "PDF report: ${recording%.tc}.pdf"
    fi
  fi
}

# Sum meson's "Ok:"/"Fail:" lines from one or more test logs into totals.
passed=0 failed=0 skipped=0
count_meson_summary() {
  local out=$1 ok fail skip timeout unexpected
  ok=$(awk '/^Ok:/{print $2}' "$out" | tail -1); fail=$(awk '/^Fail:/{print $2}' "$out" | tail -1)
  skip=$(awk '/^Skipped:/{print $2}' "$out" | tail -1); timeout=$(awk '/^Timeout:/{print $2}' "$out" | tail -1)
  unexpected=$(awk '/^Unexpected Pass:/{print $3}' "$out" | tail -1)
  passed=$((passed + ${ok:-0}))
  failed=$((failed + ${fail:-0} + ${timeout:-0} + ${unexpected:-0}))
  skipped=$((skipped + ${skip:-0}))
}

# fuzz_one NAME BINARY SEED_DIR SECONDS [ENV=VALUE…]: one bounded libFuzzer run, counted as a test.
fuzz_one() {
  local name=$1 binary=$2 seeds=$3 seconds=$4
  shift 4
  [ -x "$binary" ] || return 0
  log "fuzzing the $name (${seconds} s)"
  mkdir -p "build-fuzz/run-$name"
  cp -n "$seeds"/* "build-fuzz/run-$name/" 2>/dev/null || true
  if env "$@" "$binary" -max_total_time="$seconds" -print_final_stats=0 \
       "build-fuzz/run-$name" >"build-fuzz/fuzz-$name.log" 2>&1; then
    echo "fuzz-$name: OK"; passed=$((passed + 1))
  else
    tail -40 "build-fuzz/fuzz-$name.log"; echo "fuzz-$name: FAIL"; failed=$((failed + 1))
  fi
}

run_tests() {
  local logdir
  logdir=$(mktemp -d)

  log "test suites (build: $BUILD)"
  "$MESON" test -C "$BUILD" --print-errorlogs --num-processes 2 | tee "$logdir/main.txt" || true
  count_meson_summary "$logdir/main.txt"

  # The C libraries again under AddressSanitizer + UndefinedBehaviorSanitizer.
  log "sanitizer build (ASan + UBSan)"
  if [ ! -f build-asan/build.ninja ]; then
    "$MESON" setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
      -Dgui=disabled -Dpython=disabled -Dtests=true >/dev/null
  fi
  "$MESON" compile -C build-asan >/dev/null
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$MESON" test -C build-asan --print-errorlogs --num-processes 2 --suite format --suite analysis --suite reliability \
    | tee "$logdir/asan.txt" || true
  count_meson_summary "$logdir/asan.txt"

  # Short, bounded libFuzzer runs on the reader and on the analysis loader.
  if command -v clang >/dev/null; then
    if [ ! -f build-fuzz/build.ninja ]; then
      CC=clang "$MESON" setup build-fuzz -Dfuzzing=true -Dgui=disabled -Dpython=disabled -Dtests=true >/dev/null
    fi
    "$MESON" compile -C build-fuzz >/dev/null
    # The format and hostile-files tests write the seed corpora.
    "$MESON" test -C build-fuzz --suite format --suite reliability >/dev/null 2>&1 || true
    fuzz_one reader build-fuzz/tests/format/fuzz-reader build-fuzz/tests/format/corpus 60
    fuzz_one document build-fuzz/tests/analysis-fuzz/fuzz-document build-fuzz/tests/reliability/corpus 45 \
      UBSAN_OPTIONS=halt_on_error=1:suppressions="$here/tests/analysis-fuzz/known-ubsan.supp"
  fi

  echo
  echo "${passed} passed, ${failed} failed, ${skipped} skipped"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

case "$action" in
  example) install_missing_packages; install_python_tools; configure_and_build; run_example ;;
  test)    install_missing_packages; install_python_tools; configure_and_build; run_tests ;;
  build)   install_missing_packages; install_python_tools; configure_and_build ;;
  *) echo "usage: $0 example|test|build" >&2; exit 2 ;;
esac
