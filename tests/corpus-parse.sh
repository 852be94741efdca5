#!/bin/sh
# helpq - corpus-parse.sh: parse every corpus file and hostile messages (TAP).
if [ -z "$HELPQ_CORPUS" ] || [ ! -d "$HELPQ_CORPUS" ]; then
	echo "1..0 # SKIP corpus not found"
	exit 0
fi
exec "${TOP_BUILDDIR:-.}/tests/unit/parse-corpus" "$HELPQ_CORPUS"
