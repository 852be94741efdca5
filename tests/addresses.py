#!/usr/bin/python3
"""helpq - addresses.py: the address table (tests/addresses.tsv) read by
helpq's parser (tests/unit/addr-parse) and by Python's
email.headerregistry; TAP, one line a row.

Each row must give helpq's expected mailboxes. Python must agree with
them too, unless the row documents Python's own answer (a deliberate
divergence, with the reason), in which case Python must still give that
answer, so a change on either side shows.

Python's results are compared after three normalisations that are
representation only: addresses lower-cased (helpq stores them so),
Python's "<>" (its way to say empty) read as "", and pairs with neither
name nor address left out."""
import codecs
import json
import subprocess
import sys
from email.headerregistry import HeaderRegistry


def python_parse(field):
    try:
        h = HeaderRegistry()('To', field)
        out = []
        for a in h.addresses:
            spec = a.addr_spec.lower()
            if spec == '<>':
                spec = ''
            if a.display_name or spec:
                out.append([a.display_name, spec])
        return out
    except Exception:
        return 'error'


def read_table(path):
    rows = []
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) < 3:
                sys.exit('%s:%d: want input, expected, python, note' %
                         (path, n))
            field = cols[0]
            if field.startswith('esc:'):
                field = codecs.decode(field[4:], 'unicode_escape')
            rows.append((n, field, json.loads(cols[1]), cols[2],
                         cols[3] if len(cols) > 3 else ''))
    return rows


def main():
    table, prog = sys.argv[1], sys.argv[2]
    rows = read_table(table)
    res = subprocess.run([prog] + [r[1] for r in rows], check=True,
                         stdout=subprocess.PIPE).stdout.decode().splitlines()
    if len(res) != len(rows):
        sys.exit('addr-parse printed %d lines for %d rows' %
                 (len(res), len(rows)))
    print('1..%d' % len(rows))
    fails = 0
    for (n, field, want, py, note), got in zip(rows, res):
        got = json.loads(got)
        pgot = python_parse(field)
        pwant = want if py == '=' else json.loads(py)
        why = []
        if got != want:
            why.append('helpq %s, want %s' % (json.dumps(got),
                                               json.dumps(want)))
        if pgot != pwant:
            why.append('python %s, want %s' % (json.dumps(pgot),
                                                json.dumps(pwant)))
        name = 'line %d: %r%s' % (n, field, '' if py == '=' else
                                  ' (differs from Python: %s)' % note)
        if why:
            fails += 1
            print('not ok %d - %s' % (len(why) and rows.index(
                (n, field, want, py, note)) + 1, name))
            for w in why:
                print('# ' + w)
        else:
            print('ok %d - %s' % (rows.index((n, field, want, py, note)) + 1,
                                  name))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
