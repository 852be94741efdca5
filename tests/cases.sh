#!/bin/sh
# helpq - cases.sh [CASE...]: the data-driven cases in tests/cases, one
# TAP line each (tests/cases/README); cases.py does the work.
. "$TOP_SRCDIR/tests/lib.sh"

"$PY" "$TOP_SRCDIR/tests/cases.py" "$HELPQ" "$TOP_SRCDIR/tests/cases" "$T" "$@"
