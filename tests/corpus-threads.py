#!/usr/bin/python3
"""corpus-threads.py - helper for threads.sh, with Python's email parser as
the independent judge of what the corpus threads are.

prepare SRC DIR [ORDER]: copy every message file under SRC into
    DIR/Maildir/cur in Date order (the order mail arrives), or reversed,
    or shuffled (seeded: the same every run), and write DIR/index.json.
check DIR DB NAME [all]: read which ticket holds each message from
    helpq's database DB (one process for the whole folder, not one `helpq
    show` per ticket) and print "ok ..." / "not ok ..." lines: every reply
    whose parent arrived earlier is in its parent's ticket; messages with
    the same subject from different senders that reply to nothing are in
    different tickets; with "all", every reply whose parent is anywhere in
    the folder, before or after it, is in its parent's ticket (otherwise
    that figure is a "#" line).
largest DB N: print the numbers of the N tickets with the most messages.
agree DB SHOWS NAME: read `helpq show --json` documents (concatenated) and
    print one line: each lists its ticket's messages as the database has
    them, in the same order.
"""
import email, email.policy, email.utils, json, os, re, shutil, sqlite3, sys

MID = re.compile(r'<([^<>\s]+)>')


def ids(value):
    return MID.findall(str(value or ''))


def prepare(src, out, order='date'):
    msgs = []
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            with open(path, 'rb') as f:
                m = email.message_from_binary_file(f, policy=email.policy.compat32)
            mid = ids(m.get('Message-ID'))
            try:
                date = email.utils.parsedate_to_datetime(m.get('Date')).timestamp()
            except Exception:
                date = 0
            msgs.append({'path': os.path.abspath(path),
                         'mid': mid[0] if mid else None,
                         'irt': (ids(m.get('In-Reply-To')) or [None])[0],
                         'refs': ids(m.get('References')),
                         'subject': str(m.get('Subject') or ''),
                         'from': email.utils.parseaddr(str(m.get('From') or ''))[1].lower(),
                         'date': date})
    msgs.sort(key=lambda x: x['date'])
    if order == 'reversed':
        msgs.reverse()
    elif order == 'shuffled':
        import random
        random.Random(16).shuffle(msgs)
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(out, 'Maildir', sub), exist_ok=True)
    for i, m in enumerate(msgs):
        # A copy: helpq skips symbolic links in a Maildir.
        shutil.copyfile(m['path'], os.path.join(out, 'Maildir', 'cur', '%07d.corpus:2,S' % i))
        m['order'] = i
    with open(os.path.join(out, 'index.json'), 'w') as f:
        json.dump(msgs, f)


def documents(path):
    """The JSON documents in the file, one after another."""
    dec = json.JSONDecoder()
    text = open(path, encoding='utf-8').read()
    pos = 0
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        doc, pos = dec.raw_decode(text, pos)
        yield doc


def ticket_messages(db):
    """Each ticket's Message-IDs in the order `helpq show` lists them."""
    rows = sqlite3.connect(db).execute(
        'select ticket_id, message_id from messages where ticket_id is not null '
        'order by ticket_id, date, id')
    tickets = {}
    for t, mid in rows:
        tickets.setdefault(t, []).append(mid)
    return tickets


def check(out, db, name, strict=''):
    with open(os.path.join(out, 'index.json')) as f:
        msgs = json.load(f)
    ticket_of = {}
    for t, mids in ticket_messages(db).items():
        for mid in mids:
            if mid:
                ticket_of.setdefault(mid, t)
    order = {m['mid']: m['order'] for m in msgs if m['mid']}
    stored = sum(1 for m in msgs if m['mid'] in ticket_of)
    with_mid = sum(1 for m in msgs if m['mid'])
    print('%s %s: %d of %d messages with a Message-ID are stored' %
          ('ok' if stored == with_mid else 'not ok', name, stored, with_mid))
    replies = bad = 0
    for m in msgs:
        p = m['irt']
        if not m['mid'] or not p or p not in order or order[p] >= m['order']:
            continue
        replies += 1
        if ticket_of.get(m['mid']) != ticket_of.get(p):
            bad += 1
            if bad <= 5:
                print('#   %s (ticket %s) replies to %s (ticket %s)' %
                      (m['mid'], ticket_of.get(m['mid']), p, ticket_of.get(p)))
    print('%s %s: %d of %d replies are in their parent\'s ticket' %
          ('ok' if bad == 0 else 'not ok', name, replies - bad, replies))
    # Every reply whose parent is in the folder, whichever came first.
    replies = bad = 0
    for m in msgs:
        p = m['irt']
        if not m['mid'] or not p or p not in order:
            continue
        replies += 1
        if ticket_of.get(m['mid']) != ticket_of.get(p):
            bad += 1
    verdict = '#' if strict != 'all' else 'ok' if bad == 0 else 'not ok'
    print('%s %s: %d of %d replies, parent first or not, are in their '
          'parent\'s ticket' % (verdict, name, replies - bad, replies))
    groups = {}
    for m in msgs:
        if m['mid'] and not m['irt'] and not m['refs'] and m['subject'].strip():
            groups.setdefault(m['subject'].strip(), []).append(m)
    pairs = merged = 0
    for subj, ms in groups.items():
        for i in range(len(ms)):
            for k in range(i + 1, len(ms)):
                a, b = ms[i], ms[k]
                if a['from'] == b['from']:
                    continue
                pairs += 1
                if ticket_of.get(a['mid']) == ticket_of.get(b['mid']):
                    merged += 1
                    if merged <= 5:
                        print('#   "%s" from %s and %s share ticket %s' %
                              (subj, a['from'], b['from'], ticket_of.get(a['mid'])))
    print('%s %s: %d pairs of same-subject messages from different senders, '
          '%d merged' % ('ok' if merged == 0 else 'not ok', name, pairs, merged))


def largest(db, n):
    tickets = ticket_messages(db)
    for t in sorted(tickets, key=lambda t: (-len(tickets[t]), t))[:n]:
        print(t)


def agree(db, shows, name):
    tickets = ticket_messages(db)
    docs = list(documents(shows))
    bad = [d['ticket']['number'] for d in docs
           if [m['message_id'] for m in d['messages']] != tickets.get(d['ticket']['number'])]
    print('%s %s: helpq show --json of the %d largest tickets lists the '
          'messages the database holds%s' % ('ok' if docs and not bad else 'not ok',
                                             name, len(docs), bad and ' (not %s)' % bad or ''))


if __name__ == '__main__':
    if sys.argv[1] == 'prepare':
        prepare(sys.argv[2], sys.argv[3], *sys.argv[4:5])
    elif sys.argv[1] == 'largest':
        largest(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == 'agree':
        agree(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        check(sys.argv[2], sys.argv[3], sys.argv[4], *sys.argv[5:6])
