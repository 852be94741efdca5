#!/usr/bin/env python3
"""make-sample.py - regenerate the bundled sample mailbox (Maildir/).

The messages are written by the helpq project for its quick start and
tests: German, Greek and English customers, an agent's reply, an
auto-reply, an attachment and charsets other than UTF-8. Run it from this
directory; it rewrites Maildir/cur and Maildir/new.
"""
import base64, os, quopri, shutil

OUT = 'Maildir'
msgs = []

def qp(s, cs):
    return quopri.encodestring(s.encode(cs)).decode('ascii')

def ew(s, cs, enc='B'):
    raw = s.encode(cs)
    if enc == 'B':
        return '=?%s?B?%s?=' % (cs, base64.b64encode(raw).decode())
    q = ''.join(c if c.isalnum() and ord(c) < 128 else '=%02X' % b
                for c, b in ((chr(b), b) for b in raw))
    return '=?%s?Q?%s?=' % (cs, q)

def add(headers, body):
    msgs.append('\n'.join(headers) + '\n\n' + body)

# 1. German customer, Latin-1 quoted-printable.
add(['From: =?iso-8859-1?Q?J=FCrgen_M=FCller?= <juergen.mueller@example.de>',
     'To: Support <support@example.com>',
     'Subject: ' + ew('Rechnung für Bestellung 4711', 'iso-8859-1', 'Q'),
     'Date: Mon, 16 Nov 2026 09:12:00 +0100',
     'Message-ID: <rechnung-4711@mail.example.de>',
     'MIME-Version: 1.0',
     'Content-Type: text/plain; charset=iso-8859-1',
     'Content-Transfer-Encoding: quoted-printable'],
    qp('Guten Tag,\n\nin der Rechnung für meine Bestellung 4711 ist die '
       'Lieferung doppelt berechnet.\nKönnen Sie das bitte prüfen?\n\n'
       'Mit freundlichen Grüßen\nJürgen Müller\n', 'iso-8859-1'))

# 2. The agent answers from their own mail client.
add(['From: Anna Schmidt <anna@example.com>',
     'To: =?utf-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen.mueller@example.de>',
     'Subject: AW: ' + ew('Rechnung für Bestellung 4711', 'utf-8'),
     'Date: Mon, 16 Nov 2026 14:40:00 +0100',
     'Message-ID: <answer-4711@example.com>',
     'In-Reply-To: <rechnung-4711@mail.example.de>',
     'References: <rechnung-4711@mail.example.de>',
     'MIME-Version: 1.0',
     'Content-Type: text/plain; charset=utf-8',
     'Content-Transfer-Encoding: 8bit'],
    'Hallo Herr Müller,\n\nSie haben recht: die Lieferung wurde doppelt '
    'berechnet. Die Gutschrift folgt heute.\n\nViele Grüße\nAnna Schmidt\n')

# 3. The customer thanks, with a reply prefix only (no References).
add(['From: =?iso-8859-1?Q?J=FCrgen_M=FCller?= <juergen.mueller@example.de>',
     'To: support@example.com',
     'Subject: AW: AW: ' + ew('Rechnung für Bestellung 4711', 'iso-8859-1', 'Q'),
     'Date: Tue, 17 Nov 2026 08:05:00 +0100',
     'Message-ID: <danke-4711@mail.example.de>',
     'MIME-Version: 1.0',
     'Content-Type: text/plain; charset=utf-8',
     'Content-Transfer-Encoding: 8bit'],
    'Vielen Dank, die Gutschrift ist angekommen.\n')

# 4. Greek customer, ISO-8859-7 subject and base64 body.
add(['From: ' + ew('Ελένη Παπαδοπούλου', 'iso-8859-7') + ' <eleni@example.gr>',
     'To: support@example.com',
     'Subject: ' + ew('Πρόβλημα με την παραγγελία μου', 'iso-8859-7'),
     'Date: Wed, 18 Nov 2026 11:30:00 +0200',
     'Message-ID: <paraggelia-1@example.gr>',
     'MIME-Version: 1.0',
     'Content-Type: text/plain; charset=iso-8859-7',
     'Content-Transfer-Encoding: base64'],
    base64.encodebytes('Καλημέρα σας,\n\nη παραγγελία μου δεν έχει φτάσει '
                       'ακόμα. Μπορείτε να ελέγξετε την αποστολή;\n\n'
                       'Ευχαριστώ,\nΕλένη\n'.encode('iso-8859-7')).decode())

# 5. She writes again: "ΣΧΕΤ:" prefix, windows-1253, no References.
add(['From: ' + ew('Ελένη Παπαδοπούλου', 'utf-8') + ' <Eleni@Example.GR>',
     'To: support@example.com',
     'Subject: ' + ew('ΣΧΕΤ: Πρόβλημα με την παραγγελία μου', 'windows-1253'),
     'Date: Thu, 19 Nov 2026 10:00:00 +0200',
     'Message-ID: <paraggelia-2@example.gr>',
     'MIME-Version: 1.0',
     'Content-Type: text/plain; charset=windows-1253',
     'Content-Transfer-Encoding: quoted-printable'],
    qp('Καμία ενημέρωση ακόμα;\n', 'windows-1253'))

# 6. English customer, HTML only.
add(['From: Tom Baker <tom@example.org>',
     'To: support@example.com',
     'Subject: Cannot log in since the update',
     'Date: Thu, 19 Nov 2026 16:20:00 +0000',
     'Message-ID: <login-1@example.org>',
     'MIME-Version: 1.0',
     'Content-Type: text/html; charset=utf-8'],
    '<html><head><style>p{color:red}</style></head><body>'
    '<p>Hello,</p><p>since the update I <b>cannot log in</b>: the page '
    'says &quot;invalid token&quot;.</p><ul><li>Browser: Firefox</li>'
    '<li>Account: tom@example.org</li></ul><p>Thanks,<br>Tom</p>'
    '</body></html>\n')

# 7 and 8. Two strangers who both write "Hello": two tickets.
add(['From: Priya <priya@example.net>',
     'To: support@example.com',
     'Subject: Hello',
     'Date: Fri, 20 Nov 2026 08:00:00 +0000',
     'Message-ID: <hello-priya@example.net>'],
    'Hello, is the shop open on Sunday?\n')
add(['From: Marco <marco@example.it>',
     'To: support@example.com',
     'Subject: Hello',
     'Date: Fri, 20 Nov 2026 09:00:00 +0000',
     'Message-ID: <hello-marco@example.it>'],
    'Hello, do you ship to Italy?\n')

# 9. Damaged delivery with a photo attachment and a UTF-8 subject.
boundary = 'b-helpq-sample'
png = base64.encodebytes(b'\x89PNG\r\n\x1a\n' + bytes(range(64))).decode()
add(['From: Lena Vogel <lena.vogel@example.at>',
     'To: support@example.com',
     'Subject: ' + ew('Lieferung beschädigt – Foto anbei', 'utf-8'),
     'Date: Sat, 21 Nov 2026 12:00:00 +0100',
     'Message-ID: <lieferung-9@example.at>',
     'MIME-Version: 1.0',
     'Content-Type: multipart/mixed; boundary="%s"' % boundary],
    '--%s\nContent-Type: text/plain; charset=utf-8\n'
    'Content-Transfer-Encoding: 8bit\n\nDas Paket kam beschädigt an, '
    'siehe Foto.\n\n--%s\nContent-Type: image/png\n'
    'Content-Disposition: attachment; filename*=utf-8\'\'Pak%%C3%%A9t.png\n'
    'Content-Transfer-Encoding: base64\n\n%s--%s--\n'
    % (boundary, boundary, png, boundary))

# 10. An out-of-office auto-reply (stored; never acknowledged later on).
add(['From: Max Weber <max.weber@example.de>',
     'To: support@example.com',
     'Subject: Abwesenheitsnotiz: Ihre Anfrage',
     'Date: Sat, 21 Nov 2026 18:00:00 +0100',
     'Message-ID: <ooo-1@example.de>',
     'Auto-Submitted: auto-replied',
     'Content-Type: text/plain; charset=utf-8'],
    'Ich bin bis 30. November nicht im Büro.\n')

for d in ('cur', 'new'):
    shutil.rmtree(os.path.join(OUT, d), ignore_errors=True)
    os.makedirs(os.path.join(OUT, d))
for i, m in enumerate(msgs):
    sub = 'new' if i == len(msgs) - 1 else 'cur'
    suffix = '' if sub == 'new' else ':2,S'
    name = '%d.M%dP1.sample%s' % (1795000000 + i * 60, i, suffix)
    with open(os.path.join(OUT, sub, name), 'wb') as f:
        f.write(m.encode('utf-8') if any(ord(c) > 127 for c in m) else m.encode('ascii'))
print('%d messages' % len(msgs))
