#!/usr/bin/python3
"""cases.py - the runner behind tests/cases.sh (tests/cases/README says
what a case holds and how its expect file reads).

cases.py HELPQ CASES-DIR TMP [CASE...]: run every case (or the ones named)
and print "ok NAME" or "not ok NAME" for each (cases.sh numbers them); a
failing case prints each expectation that did not hold, with what helpq
gave and what was wanted, on "#" lines. Exits 1 when a case failed.
"""
import json, os, re, subprocess, sys

INPUTS = ('.eml', '.mbox')
NAME = re.compile(r'[A-Za-z_][A-Za-z0-9_-]*')
INDEX = re.compile(r'-?[0-9]+')
OPS = ('!=', '!~', '=', '~')


class Missing:
    """What a path names when the document has nothing there."""

    def __init__(self, why):
        self.why = why

    def __repr__(self):
        return '(%s)' % self.why


class Case:
    """One case folder: its inputs, its configuration, and helpq's output
    for it. Every input is imported; rules test, tickets and show run
    only when an expectation needs them, each once."""

    def __init__(self, helpq, folder, tmp):
        self.helpq, self.folder, self.tmp = helpq, folder, tmp
        self.inputs = sorted(os.path.join(folder, f) for f in os.listdir(folder)
                             if f.endswith(INPUTS))
        self.db = os.path.join(tmp, 'h.db')
        self.config = self.make_config()
        self.cache = {}
        self.errors = []
        # Verdicts come first, from an empty database, so they never
        # depend on what the case imports.
        self.verdicts = [self.json(['rules', 'test', '--json', p])
                         for p in self.inputs] if self.wants('test') else []
        self.imports = [self.json(['import', '--json', p]) for p in self.inputs]

    def make_config(self):
        own = os.path.join(self.folder, 'config')
        if os.path.exists(own):
            return own
        rules = os.path.join(self.folder, 'rules')
        if not os.path.exists(rules):
            rules = os.path.join(self.tmp, 'none.rules')
            open(rules, 'w').close()
        path = os.path.join(self.tmp, 'helpq.conf')
        with open(path, 'w') as f:
            f.write('[helpq]\naddress = support@example.com\n'
                    '[rules]\npath = %s\n' % rules)
        return path

    def wants(self, root):
        with open(os.path.join(self.folder, 'expect'), encoding='utf-8') as f:
            return any(line.lstrip().startswith(root + '[') for line in f)

    def json(self, args):
        cmd = [self.helpq, '-c', self.config, '--db', self.db] + args
        p = subprocess.run(cmd, capture_output=True)
        if p.returncode != 0:
            self.errors.append('helpq %s: exit status %d: %s' % (
                ' '.join(args), p.returncode,
                p.stderr.decode('utf-8', 'replace').strip()))
            return Missing('helpq %s failed' % args[0])
        try:
            return json.loads(p.stdout)
        except ValueError as e:
            self.errors.append('helpq %s: not JSON: %s' % (' '.join(args), e))
            return Missing('not JSON')

    def root(self, name, index):
        """The document an expectation's path starts from."""
        if name == 'tickets' and index is None:
            if 'tickets' not in self.cache:
                self.cache['tickets'] = self.json(['tickets', '--json'])
            return self.cache['tickets']
        if name == 'show' and index is not None:
            if index not in self.cache:
                self.cache[index] = self.json(['show', '--json', str(index)])
            return self.cache[index]
        if name in ('import', 'test') and index is not None:
            docs = self.imports if name == 'import' else self.verdicts
            if not -len(docs) <= index < len(docs):
                return Missing('%d inputs' % len(docs))
            doc = docs[index]
            # rules test --json prints a list, one verdict per message.
            return doc[0] if name == 'test' and isinstance(doc, list) and len(doc) == 1 else doc
        return Missing('no document %s%s' % (name, '' if index is None else '[%d]' % index))


def parse_path(text):
    """Split 'root[i].key[k="v"][*].length OP VALUE' into the root, its
    index, the steps and the rest of the line."""
    m = NAME.match(text)
    if not m:
        raise ValueError('a path starts with a name')
    root, pos, index, steps = m.group(0), m.end(), None, []
    if text.startswith('[', pos) and INDEX.match(text, pos + 1):
        n = INDEX.match(text, pos + 1)
        if text.startswith(']', n.end()):
            index, pos = int(n.group(0)), n.end() + 1
    while pos < len(text) and text[pos] in '.[':
        if text[pos] == '.':
            m = NAME.match(text, pos + 1)
            if not m:
                raise ValueError('a name after "." at column %d' % (pos + 2))
            steps.append(('key', m.group(0)))
            pos = m.end()
        elif text.startswith('[*]', pos):
            steps.append(('all', None))
            pos += 3
        elif INDEX.match(text, pos + 1) and text.startswith(
                ']', INDEX.match(text, pos + 1).end()):
            m = INDEX.match(text, pos + 1)
            steps.append(('index', int(m.group(0))))
            pos = m.end() + 1
        else:
            m = NAME.match(text, pos + 1)
            if not m or not text.startswith('=', m.end()):
                raise ValueError('[N], [*] or [key=VALUE] at column %d' % (pos + 1))
            value, end = json.JSONDecoder().raw_decode(text, m.end() + 1)
            if not text.startswith(']', end):
                raise ValueError('"]" after the value at column %d' % (end + 1))
            steps.append(('where', (m.group(0), value)))
            pos = end + 1
    return root, index, steps, text[pos:]


def walk(doc, steps):
    """Follow the steps from doc; [*] applies the rest to every element."""
    for i, (kind, arg) in enumerate(steps):
        if isinstance(doc, Missing):
            return doc
        if kind == 'key' and arg == 'length' and isinstance(doc, (list, dict, str)):
            doc = len(doc)
        elif kind == 'key':
            doc = doc[arg] if isinstance(doc, dict) and arg in doc else Missing('no key %s' % arg)
        elif kind == 'index':
            ok = isinstance(doc, list) and -len(doc) <= arg < len(doc)
            doc = doc[arg] if ok else Missing('no element [%d]' % arg)
        elif kind == 'where':
            key, value = arg
            doc = [e for e in doc if isinstance(e, dict) and e.get(key) == value] \
                if isinstance(doc, list) else Missing('not a list')
        elif kind == 'all':
            if not isinstance(doc, list):
                return Missing('not a list')
            return [walk(e, steps[i + 1:]) for e in doc]
    return doc


def show(value):
    if isinstance(value, Missing):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, default=repr)


def check_line(case, line):
    """None when the expectation holds, else why not."""
    root, index, steps, rest = parse_path(line)
    rest = rest.strip()
    op = next((o for o in OPS if rest.startswith(o)), None)
    if op is None:
        raise ValueError('=, !=, ~ or !~ after the path')
    want = rest[len(op):].strip()
    got = walk(case.root(root, index), steps)
    if op in ('~', '!~') and (len(want) < 2 or want[0] != '/' or want[-1] != '/'):
        raise ValueError('a pattern is written /like this/')
    if isinstance(got, Missing):
        good = False
    elif op in ('~', '!~'):
        text = got if isinstance(got, str) else show(got)
        good = (re.search(want[1:-1], text) is not None) == (op == '~')
    else:
        try:
            wanted = json.loads(want)
        except ValueError as e:
            raise ValueError('the value is not JSON (%s)' % e)
        good = (got == wanted and type(got) is type(wanted)) == (op == '=')
    return None if good else 'got:  %s\nwant: %s %s' % (show(got), op, want)


def run_case(helpq, folder, tmp):
    """The failures of one case, as text; empty when it passes."""
    case = Case(helpq, folder, tmp)
    fails = []
    with open(os.path.join(folder, 'expect'), encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            try:
                why = check_line(case, line)
            except ValueError as e:
                why = 'cannot read this line: %s' % e
            if why:
                fails.append('expect:%d: %s\n%s' % (n, line, why))
    return case.errors + fails


def main():
    helpq, top, tmp = sys.argv[1:4]
    names = sys.argv[4:] or sorted(d for d in os.listdir(top)
                                   if os.path.isfile(os.path.join(top, d, 'expect')))
    failed = 0
    for name in names:
        work = os.path.join(tmp, name)
        os.makedirs(work)
        fails = run_case(helpq, os.path.join(top, name), work)
        print('%s %s' % ('not ok' if fails else 'ok', name), flush=True)
        for text in fails:
            print('\n'.join('#   ' + l for l in text.split('\n')), flush=True)
        failed += bool(fails)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
