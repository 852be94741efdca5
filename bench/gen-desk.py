#!/usr/bin/env python3
"""gen-desk.py CORPUS BASE BURST [--base N] [--burst N] [--seed S] [--now T]
- write a support desk's mailbox: BASE, a Maildir of N messages (default
100,000) from four weeks of conversations, and BURST, a Maildir of the N
messages (default 10,000) of the hour after it.

The text of the mail is real: every customer's and agent's message takes
its body, and its MIME headers (Content-Type, Content-Transfer-Encoding,
MIME-Version, Content-Language), from a message of the corpus (threads and
mime-edge: German, Greek, English, every charset and structure they hold),
and a new ticket its Subject. Spam and machine mail (the corpus' spam and
auto folders: bounces, out-of-office replies, reports) come as they are,
one message in ten, with Message-IDs of their own.

The threading is a desk's: a customer (one of a pool in which some write
often) writes to support@example.com; one of five agents of example.com
answers, Re: or AW: before the subject, In-Reply-To and References set as
mail clients set them; the customer answers back, sometimes twice before
an answer; conversations run from one message to twenty. One follow-up in
twelve comes from a client that drops In-Reply-To and References, so only
its subject can thread it. The burst is new tickets (two in three, a
third of them from customers the desk knows), customers' replies to the
agents' last answers in BASE, and spam and machine mail, dated in the hour
before --now (default: the time of the run).

Files are named by date, so a Maildir reader sorting names reads the mail
in the order it came. Deterministic for one --seed and --now.
"""
import base64
import os
import random
import re
import sys
import time
from email.utils import formatdate

AGENTS = ['anna', 'bernd', 'chloe', 'dimitris', 'eva']
DOMAINS = [('example.de', 'de'), ('web.de', 'de'), ('example.gr', 'el'),
           ('example.net', 'en'), ('gmail.com', 'en'), ('example.co.uk', 'en')]
FIRST = ['Anna', 'Jonas', 'Maria', 'Nikos', 'Eleni', 'James', 'Sarah',
         'Lukas', 'Sophie', 'Giorgos', 'Emma', 'Felix', 'Olivia', 'Kostas']
LAST = ['Meyer', 'Schmidt', 'Papadopoulos', 'Smith', 'Jones', 'Wagner',
        'Georgiou', 'Brown', 'Fischer', 'Nikolaou', 'Taylor', 'Becker']
MIMEH = re.compile(rb'^(content-type|content-transfer-encoding|mime-version|'
                   rb'content-language)[ \t]*:', re.I)
SUBJ = re.compile(rb'^subject[ \t]*:[ \t]*', re.I)
IDH = re.compile(rb'^(message-id|in-reply-to|references)[ \t]*:', re.I)
MID = re.compile(rb'<([^<>\s]+)>')


def split(data):
    m = re.search(rb'\r?\n\r?\n', data)
    if not m:
        return data, b'\n'
    return data[:m.start() + 1], data[m.start() + 1:]


def fields(head):
    """The header block as a list of whole fields (continuations kept)."""
    out = []
    for line in head.splitlines(keepends=True):
        if line[:1] in (b' ', b'\t') and out:
            out[-1] += line
        else:
            out.append(line)
    return out


def load(corpus):
    texts, robots = [], []
    for root, dirs, names in os.walk(corpus):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(root, n)
            if 'mbox' in p or n.endswith('.md'):
                continue
            data = open(p, 'rb').read()
            if not data.strip():
                continue
            head, body = split(data)
            top = os.path.relpath(p, corpus).split(os.sep)[0]
            if top in ('spam', 'auto'):
                robots.append((head, body))
                continue
            fs = fields(head)
            mime = b''.join(f if f.endswith(b'\n') else f + b'\n'
                            for f in fs if MIMEH.match(f))
            subj = b''
            for f in fs:
                if SUBJ.match(f):
                    subj = SUBJ.sub(b'', f, count=1).rstrip(b'\r\n')
                    subj = re.sub(rb'\r?\n', b'', subj)
                    break
            # Mailing-list tags and reply prefixes are not a new ticket's.
            subj = re.sub(rb'^((re|aw|fwd?)\s*:\s*|\[[^]]*\]\s*)+', b'', subj,
                          flags=re.I) or b'Question'
            texts.append((mime, subj, body))
    return texts, robots


class Desk:
    def __init__(self, texts, robots, rnd):
        self.texts, self.robots, self.rnd = texts, robots, rnd
        self.customers = []
        self.seq = 0
        self.robot_round = 0

    def customer(self, known_share):
        r = self.rnd
        if self.customers and r.random() < known_share:
            # Some customers write far more often than others.
            i = int(len(self.customers) * r.random() ** 2.5)
            return self.customers[i]
        dom, lang = r.choice(DOMAINS)
        n = len(self.customers)
        c = ('%s %s' % (r.choice(FIRST), r.choice(LAST)),
             'c%d@%s' % (n, dom), lang)
        self.customers.append(c)
        return c

    def mid(self, who):
        self.seq += 1
        return '<d%d.%x@%s>' % (self.seq, self.rnd.getrandbits(32),
                                who.split('@')[1].rstrip('>'))

    def message(self, when, frm, to, subj, text, irt=None, refs=()):
        mime, _, body = text
        h = [b'From: ' + frm.encode(), b'To: ' + to.encode(),
             b'Subject: ' + subj, b'Date: ' + formatdate(when).encode(),
             b'Message-ID: ' + self.mid(frm).encode()]
        if irt:
            h.append(b'In-Reply-To: ' + irt.encode())
        if refs:
            h.append(b'References: ' + ' '.join(refs[-10:]).encode())
        msgid = h[4][len(b'Message-ID: '):].decode()
        return msgid, b'\n'.join(h) + b'\n' + mime + body

    def robot(self):
        """A spam or machine message as it came, with ids of its own."""
        head, body = self.rnd.choice(self.robots)
        self.robot_round += 1
        k = self.robot_round
        out, has = [], False
        for f in fields(head):
            if IDH.match(f):
                has |= f[:11].lower() == b'message-id:'
                f = MID.sub(lambda m: b'<g%d.' % k + m.group(1) + b'>', f)
            out.append(f)
        if not has:
            out.insert(0, b'Message-ID: <g%d@robots.invalid>\n' % k)
        return b''.join(out) + body


def prefix(lang, rnd):
    if lang == 'de':
        return b'AW: '
    if lang == 'el' and rnd.random() < 0.5:
        return b'=?UTF-8?B?' + base64.b64encode('ΑΠ:'.encode()) + b'?= '
    return b'Re: '


def length(rnd):
    x = rnd.random()
    for p, n in ((0.35, 1), (0.60, 2), (0.75, 3), (0.85, 4)):
        if x < p:
            return n
    return rnd.randint(5, 8) if x < 0.95 else rnd.randint(9, 20)


def conversation(desk, start, n, mail, known_share):
    """Append n messages of one ticket to mail; returns its state."""
    r = desk.rnd
    name, addr, lang = desk.customer(known_share)
    cust = '%s <%s>' % (name, addr)
    text = r.choice(desk.texts)
    subj = text[1]
    agent = '%s@example.com' % r.choice(AGENTS)
    refs, when, last = [], start, None
    from_customer = True
    for k in range(n):
        if k > 0:
            when += r.uniform(600, 30 * 3600)
        body = text if k == 0 else r.choice(desk.texts)
        if from_customer:
            s = subj if k == 0 else prefix(lang, r) + subj
            drop = k > 0 and r.random() < 1 / 12
            mid, raw = desk.message(when, cust, 'support@example.com', s,
                                    body, None if drop else last,
                                    () if drop else refs)
        else:
            mid, raw = desk.message(when, agent, cust, b'Re: ' + subj, body,
                                    last, refs)
        mail.append((when, raw))
        refs = refs + [mid]
        last = mid
        agent_last = not from_customer
        # A customer sometimes writes again before an answer.
        from_customer = agent_last or r.random() < 0.15
    return (cust, lang, subj, refs, agent_last)


def write(maildir, mail):
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    mail.sort(key=lambda m: m[0])
    for i, (when, raw) in enumerate(mail):
        name = '%d.M%dI%d.desk:2,S' % (int(when), i, i)
        with open(os.path.join(maildir, 'cur', name), 'wb') as f:
            f.write(raw)


def main():
    a = sys.argv[1:]
    opt = {'--base': 100000, '--burst': 10000, '--seed': 1,
           '--now': int(time.time())}
    for k in list(opt):
        if k in a:
            i = a.index(k)
            opt[k] = int(a[i + 1])
            del a[i:i + 2]
    if len(a) != 3:
        sys.exit(__doc__.split('\n')[0])
    corpus, base_dir, burst_dir = a
    rnd = random.Random(opt['--seed'])
    texts, robots = load(corpus)
    desk = Desk(texts, robots, rnd)
    now = opt['--now']
    # Four weeks that end a day before the burst.
    t0, t1 = now - 29 * 86400, now - 86400
    base, open_ = [], []
    while len(base) < opt['--base']:
        if rnd.random() < 0.1:
            base.append((rnd.uniform(t0, t1), desk.robot()))
            continue
        n = min(length(rnd), opt['--base'] - len(base))
        st = conversation(desk, rnd.uniform(t0, t1 - 5 * 86400), n, base,
                          0.3)
        if st[4]:	# the agent spoke last: the customer may answer
            open_.append(st)
    write(base_dir, base)
    burst = []
    rnd.shuffle(open_)
    while len(burst) < opt['--burst']:
        when = rnd.uniform(now - 3600, now)
        x = rnd.random()
        if x < 0.1:
            burst.append((when, desk.robot()))
        elif x < 0.35 and open_:
            cust, lang, subj, refs, _ = open_.pop()
            drop = rnd.random() < 1 / 12
            _, raw = desk.message(when, cust, 'support@example.com',
                                  prefix(lang, rnd) + subj,
                                  rnd.choice(texts),
                                  None if drop else refs[-1],
                                  () if drop else refs)
            burst.append((when, raw))
        else:
            conversation(desk, when, 1, burst, 1 / 3)
    write(burst_dir, burst)
    print('gen-desk: %d messages in %s, %d in %s, %d customers' % (
        len(base), base_dir, len(burst), burst_dir, len(desk.customers)),
        file=sys.stderr)


main()
