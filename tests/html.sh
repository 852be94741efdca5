#!/bin/sh
# helpq - tests/html.sh: helpq report --html over the week of
# tests/week.sh, loaded by a real browser: headless Chromium reads the
# page (nothing else: no script, no link, no font), its tables as the
# browser parsed them hold the figures of --json, and a screenshot shows
# the charts drawn (their bar and promise colours are on it).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need chromium
. "$TOP_SRCDIR/tests/week.sh"

R="--since 2026-06-01 --until 2026-06-08"
hq report $R --json > "$T/r.json"
out=$(hq report $R --html "$T/r.html"); is $? 0 "helpq report --html FILE"
is "$out" "wrote $T/r.html" "says where it wrote the page"
is "$(grep -c -i -E '<script|<link|src=|href=|url\(|@import' "$T/r.html")" 0 \
    "self-contained: no script, link, image source or font to fetch"
hq report $R --html "$T/r.html" --json 2>/dev/null; is $? 64 "--html and --json: usage"

browser() {	# browser ARGS...: headless Chromium on the page
	HOME=$T timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --hide-scrollbars --no-first-run --disable-extensions \
	    --user-data-dir="$T/chromium" "$@" "file://$T/r.html" 2>>"$T/chromium.log"
}
browser --dump-dom > "$T/dom.html"; is $? 0 "Chromium loads the page"
"$PY" - "$T/dom.html" "$T/r.json" > "$T/check.out" <<'PY'
import html.parser, json, sys
dom = open(sys.argv[1], encoding="utf-8").read()
rep = json.load(open(sys.argv[2]))
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.table, self.row, self.svgs, self.titles = {}, None, None, 0, 0
        self.intitle = False
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == "table":
            self.table = self.tables.setdefault(a.get("id") or "t%d" % len(self.tables), [])
        elif tag == "tr" and self.table is not None:
            self.row = {"key": a.get("data-key"), "group": a.get("data-group"),
                        "class": a.get("class"), "values": []}
            self.table.append(self.row)
        elif tag == "td" and self.row is not None and "data-value" in a:
            self.row["values"].append(a["data-value"])
        elif tag == "svg":
            self.svgs += 1
        elif tag == "title":
            self.intitle = True
    def handle_endtag(self, tag):
        if tag == "table":
            self.table = None
        elif tag == "tr":
            self.row = None
        elif tag == "title":
            self.intitle = False
p = P()
p.feed(dom)
d = rep["desk"]
def want(key):
    o = d
    for k in key.split("."):
        o = o[k]
    if o is None:
        return ""
    return "%.1f" % o if isinstance(o, float) else str(o)
bad = 0
desk = {r["key"]: r["values"][0] for r in p.tables.get("desk", []) if r["key"]}
for key in ("tickets", "messages", "first_response.median", "first_response.p90",
            "first_response.mean", "first_response_business.median",
            "responses.median", "responses.mean", "first_in_time.percent",
            "all_in_time.percent", "warnings", "breaches", "handle.median",
            "resolution.median", "reopened.percent", "one_touch.percent",
            "returning.percent"):
    if desk.get(key) != want(key):
        print("desk %s: page %r, json %r" % (key, desk.get(key), want(key)))
        bad += 1
print("desk figures", len(desk))
buckets = [int(r["values"][0]) for r in p.tables["first-buckets"] if r["values"]]
print("buckets", sum(buckets) == d["first_response"]["count"], len(buckets))
backlog = [int(r["values"][0]) for r in p.tables["chart-backlog-table"] if r["values"]]
print("backlog", backlog == [d["backlog"][k] for k in ("under_4h", "4h_to_24h", "1d_to_3d", "over_3d")])
flagged = [r["group"] for t in p.tables.values() for r in t if r["class"] == "flagged"]
print("flagged", flagged, [g["group"] for g in rep["fairness"]["groups"] if g["flagged"]])
print("svg", p.svgs)
print("bad", bad)
PY
like "$(cat "$T/check.out")" 'desk figures 17' "the desk's table, as the browser read it, has its 17 figures"
like "$(cat "$T/check.out")" 'bad 0' "each the same as in --json"
like "$(cat "$T/check.out")" 'buckets True 7' "the first response buckets add up to the answers"
like "$(cat "$T/check.out")" 'backlog True' "the backlog table is the report's"
like "$(cat "$T/check.out")" "flagged \\['language:el'\\] \\['el'\\]" "the flagged group, the same as --json's"
like "$(cat "$T/check.out")" 'svg [5-9]' "five charts or more"
[ "$(grep -c 'bad 0' "$T/check.out")" = 1 ] || sed 's/^/# /' "$T/check.out"

# A screenshot: the page as drawn, with the bars in their colours.
browser --window-size=1100,2600 --screenshot="$T/r.png" > /dev/null
is $? 0 "Chromium takes a screenshot"
"$PY" - "$T/r.png" > "$T/png.out" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w, h = 8, b"", 0, 0
while pos < len(data):
    n, typ = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if typ == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        bpp = {2: 3, 6: 4}[ctype]
    elif typ == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = {}
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        px = bytes(line[x:x + 3])
        colours[px] = colours.get(px, 0) + 1
    prev = line
print("size", w, h)
print("bars", colours.get(bytes.fromhex("4a7ab5"), 0) > 1000)
print("late", colours.get(bytes.fromhex("c0504d"), 0) > 100)
PY
like "$(cat "$T/png.out")" 'size 1100 2600' "a screenshot of the whole page"
like "$(cat "$T/png.out")" 'bars True' "the bars are drawn"
like "$(cat "$T/png.out")" 'late True' "and the late ones, and the flagged group, in red"

done_testing
