#!/bin/sh
# Regenerates tests/data/ingest/customs_zh_gb18030.csv from its UTF-8 twin:
# strip the UTF-8 BOM, convert with glibc iconv.
set -eu
dir="$(dirname "$0")/../../tests/data/ingest"
tail -c +4 "$dir/customs_zh_utf8.csv" | iconv -f UTF-8 -t GB18030 > "$dir/customs_zh_gb18030.csv"
