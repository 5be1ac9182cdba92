#!/usr/bin/env bash
# Builds oneTBB with ThreadSanitizer into DIR (default build-deps/tbb-tsan of
# this checkout; DIR is replaced wholesale, so give a directory of its own),
# for the `tsan` preset (Makefile `sanitize-thread`).
#
# Why: Debian's libtbb is not instrumented, so TSan cannot see the
# synchronisation inside TBB's scheduler and reports every hand-off of data
# between a task's spawner and its executor as a race (about 800 reports on
# the engine's tests, most of them with project frames on top, so they could
# not be suppressed without hiding real races). With TBB itself built under
# TSan those reports vanish and no suppression file is needed.
#
# The source is Debian bookworm's own package of the version libtbb-dev
# installs (onetbb 2021.8.0, orig tarball from the Debian archive), checked
# against the SHA-256 of Debian's Sources index. Only the tbb library is
# built (no tests, no tbbmalloc, no hwloc binding): about 30 s on 2 cores.
# Idempotent: nothing is done when DIR already holds this build.
set -euo pipefail

dest="$(realpath -m "${1:-$(dirname "$0")/../build-deps/tbb-tsan}")"
version="2021.8.0"
sha256="7e9111b8bb59c8800bf6d0b06afe7b0891937443d2dae1ee1101c8e2ede6a7ef"
tarball="onetbb_${version}.orig.tar.xz"
urls=(
  "http://deb.debian.org/debian/pool/main/o/onetbb/${tarball}"
  "https://snapshot.debian.org/archive/debian/20250520T000000Z/pool/main/o/onetbb/${tarball}"
)
stamp="$dest/.chokepoint-tbb-tsan"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version $sha256" ]; then
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/tbb-tsan.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fetched=""
for url in "${urls[@]}"; do
  if curl -sSfL --retry 3 -o "$work/$tarball" "$url"; then
    fetched="$url"
    break
  fi
done
if [ -z "$fetched" ]; then
  echo "tsan_tbb: could not download $tarball from the Debian archive" >&2
  exit 1
fi
if [ "$(sha256sum "$work/$tarball" | cut -d' ' -f1)" != "$sha256" ]; then
  echo "tsan_tbb: $tarball from $fetched does not match SHA-256 $sha256" >&2
  exit 1
fi
tar -C "$work" -xf "$work/$tarball"
echo "tsan_tbb: building oneTBB $version with -fsanitize=thread into $dest" >&2
cmake -S "$work/oneTBB-$version" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF \
  -DTBB_DISABLE_HWLOC_AUTOMATIC_SEARCH=ON -DTBB_SANITIZE=thread \
  -DCMAKE_INSTALL_PREFIX="$dest" > "$work/configure.log" 2>&1 || {
  cat "$work/configure.log" >&2
  exit 1
}
cmake --build "$work/build" -j "$(nproc)" > "$work/build.log" 2>&1 || {
  tail -50 "$work/build.log" >&2
  exit 1
}
rm -rf "$dest"
cmake --install "$work/build" > /dev/null
echo "$version $sha256" > "$stamp"
