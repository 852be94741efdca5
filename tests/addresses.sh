#!/bin/sh
# helpq - addresses.sh: the RFC 5322 address table against Python (TAP).
exec /usr/bin/python3 "${TOP_SRCDIR:-.}/tests/addresses.py" \
    "${TOP_SRCDIR:-.}/tests/addresses.tsv" \
    "${TOP_BUILDDIR:-.}/tests/unit/addr-parse"
