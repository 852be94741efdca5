#!/bin/sh
# helpq - tests/templates.sh: every shipped language, end to end. For each
# directory under templates/, a customer writes in that language (and
# says so in Content-Language) to a fresh store; the acknowledgement that
# reaches a real SMTP sink carries that language's subject line (the
# template's, with the token and the subject put in), is valid UTF-8 from
# header to body, and writes the due date the locale's way, month name
# and all. Each language's customer writes in another month, so the test
# reads ten month names, not one. And helpq check accepts the shipped
# directory as it is.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need smtp

CHECK=$TOP_SRCDIR/tests/check-mail.py
TPL=$TOP_SRCDIR/templates
smtp_up || { echo "Bail out! the SMTP sink did not start"; exit 1; }

langs=
for d in "$TPL"/*/; do
	d=${d%/}
	langs="$langs ${d##*/}"
done
langs=${langs# }
[ -n "$langs" ] || { echo "Bail out! no languages in $TPL"; exit 1; }
diag "shipped languages: $langs"

conf() {	# conf FILE DB: a desk in Berlin answering in every shipped language
	cat > "$1" <<EOF
[helpq]
address = support@example.com
agents = anna@example.com
database = $2
timezone = Europe/Berlin
templates = $TPL
languages = $(echo "$langs" | sed 's/ /, /g')
[policy]
response-time = 24h
clock = calendar
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = no
EOF
}

# sample LANG: a customer's subject, a tab, and the message, in LANG; a
# language this list does not know yet writes English and relies on its
# Content-Language.
sample() {
	case $1 in
	de) printf 'Wo ist mein Paket?\tGuten Tag, meine Bestellung ist noch nicht angekommen. Können Sie bitte nachsehen, wo das Paket gerade ist? Vielen Dank' ;;
	el) printf 'Πού είναι το δέμα μου;\tΚαλημέρα σας, η παραγγελία μου δεν έχει φτάσει ακόμα. Μπορείτε να δείτε πού βρίσκεται το δέμα; Ευχαριστώ πολύ' ;;
	es) printf '¿Dónde está mi paquete?\tHola, mi pedido todavía no ha llegado. ¿Podrían comprobar dónde está el paquete? Muchas gracias' ;;
	fr) printf 'Où est mon colis ?\tBonjour, ma commande n’est toujours pas arrivée. Pourriez-vous vérifier où se trouve le colis ? Merci beaucoup' ;;
	it) printf 'Dov’è il mio pacco?\tBuongiorno, il mio ordine non è ancora arrivato. Potreste controllare dove si trova il pacco? Grazie mille' ;;
	nl) printf 'Waar blijft mijn pakket?\tGoedendag, mijn bestelling is nog steeds niet aangekomen. Kunt u nagaan waar het pakket nu is? Hartelijk dank' ;;
	pl) printf 'Gdzie jest moja paczka?\tDzień dobry, moje zamówienie jeszcze nie dotarło. Czy mogą Państwo sprawdzić, gdzie jest teraz paczka? Dziękuję bardzo' ;;
	pt) printf 'Onde está a minha encomenda?\tBom dia, a minha encomenda ainda não chegou. Podem verificar onde se encontra neste momento? Muito obrigado' ;;
	tr) printf 'Kargom nerede?\tMerhaba, siparişim hâlâ ulaşmadı. Kargonun şu anda nerede olduğunu kontrol edebilir misiniz? Çok teşekkürler' ;;
	*) printf 'Where is my parcel?\tHello, my order has not arrived yet. Could you please check where the parcel is at the moment? Thank you' ;;
	esac
}

# write_mail FILE LANG AT SUBJECT TEXT: the customer's message dated AT,
# headers encoded as a mail program would (RFC 2047, quoted-printable).
write_mail() {
	"$PY" - "$@" <<'PY'
import email.message, email.policy, email.utils, datetime, sys
path, lang, at, subject, text = sys.argv[1:6]
m = email.message.EmailMessage(policy=email.policy.SMTP)
m["From"] = email.utils.formataddr(("Kunde %s" % lang, "customer-%s@example.net" % lang))
m["To"] = "support@example.com"
m["Subject"] = subject
when = datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
m["Date"] = email.utils.format_datetime(when)
m["Message-ID"] = "<templates-%s@example.net>" % lang
m["Content-Language"] = lang
m.set_content(text + "\n", charset="utf-8", cte="quoted-printable")
open(path, "wb").write(m.as_bytes())
PY
}

# verify FILE LANG AT SUBJECT: what the ack should say and what it says,
# as JSON: the subject from the template, the date from the locale.
verify() {
	"$PY" - "$TPL" "$@" <<'PY'
import datetime, email, email.header, email.policy, json, re, sys
from zoneinfo import ZoneInfo
tpl, path, lang, at, subject = sys.argv[1:6]
out = {}
raw = open(path, "rb").read()

# The template's Subject: line, with what the mail puts in.
want = None
try:
    for line in open("%s/%s/ack" % (tpl, lang), encoding="utf-8"):
        line = line.rstrip("\r\n")
        if line.startswith("#"):
            continue
        if line[:8].lower() == "subject:":
            want = line[8:].lstrip(" \t")
        break
except OSError as e:
    out["error"] = "the ack template: %s" % e
if want is not None:
    for k, v in (("token", "[#1]"), ("ticket", "1"), ("subject", subject),
                 ("$", "$")):
        want = want.replace("${%s}" % k, v)
out["subject_want"] = want

# Valid UTF-8: the raw header is ASCII, every encoded word decodes as
# UTF-8, and so does the body once quoted-printable is undone.
problems = []
head = raw.split(b"\n\n", 1)[0]
try:
    head.decode("ascii")
except UnicodeDecodeError:
    problems.append("8-bit bytes in the header")
for cs, enc, word in re.findall(rb"=\?([^?]+)\?([bBqQ])\?([^?]*)\?=", head):
    try:
        for b, c in email.header.decode_header(
                (b"=?%s?%s?%s?=" % (cs, enc, word)).decode("ascii")):
            if isinstance(b, bytes):
                b.decode("utf-8")
    except (UnicodeDecodeError, ValueError) as e:
        problems.append("encoded word %r: %s" % (word[:20], e))
msg = email.message_from_bytes(raw, policy=email.policy.strict)
if (msg.get_content_charset() or "").lower() != "utf-8":
    problems.append("charset %r" % msg.get_content_charset())
payload = msg.get_payload(decode=True)
try:
    body = payload.decode("utf-8")
except UnicodeDecodeError as e:
    problems.append("body: %s" % e)
    body = payload.decode("utf-8", "replace")
out["utf8"] = "; ".join(problems) or "valid"
out["subject"] = str(msg["Subject"])
out["content_language"] = str(msg["Content-Language"])

# The due date: 24 calendar hours after AT, in Berlin, in the locale's
# format and names (helpq.conf(5), TEMPLATES).
loc = {}
try:
    for line in open("%s/%s/locale" % (tpl, lang), encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            loc[k.strip()] = v.strip()
except OSError as e:
    out["error"] = "the locale: %s" % e
    print(json.dumps(out, ensure_ascii=False))
    sys.exit(0)
names = lambda k: [w.strip() for w in loc[k].split(",")] if k in loc else None
days, months = names("days"), names("months")
sdays, smonths = names("short-days") or days, names("short-months") or months
due = (datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ")
       .replace(tzinfo=datetime.timezone.utc) + datetime.timedelta(hours=24)
       ).astimezone(ZoneInfo("Europe/Berlin"))
wday = (due.weekday() + 1) % 7		# days are listed Sunday first
conv = {"A": lambda: days[wday], "a": lambda: sdays[wday],
        "B": lambda: months[due.month - 1], "b": lambda: smonths[due.month - 1],
        "d": lambda: "%02d" % due.day, "e": lambda: "%d" % due.day,
        "m": lambda: "%02d" % due.month, "Y": lambda: "%d" % due.year,
        "H": lambda: "%02d" % due.hour, "M": lambda: "%02d" % due.minute,
        "Z": due.tzname, "%": lambda: "%"}
out["month_want"] = months[due.month - 1] if months else None
out["month_in_body"] = bool(months) and re.search(r"(?<!\w)%s(?!\w)" %
    re.escape(months[due.month - 1]), body) is not None
out["due_want"] = re.sub(r"%(.)", lambda m: conv[m.group(1)](), loc["date"])
out["due_in_body"] = out["due_want"] in body
print(json.dumps(out, ensure_ascii=False))
PY
}

# ---- helpq check: the shipped directory loads ------------------------
conf "$T/check.conf" "$T/check.db"
out=$("$HELPQ" --config "$T/check.conf" check 2>&1); rc=$?
is "$rc" 0 "helpq check accepts templates = $TPL"
like "$out" 'configuration OK' "and says so"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'

# ---- one customer per language, one acknowledgement each -------------
i=0
for lang in $langs; do
	i=$((i + 1))
	# The 14th of month i (and of month 1 again after 12), 09:00 UTC.
	at=$(printf '2026-%02d-14T09:00:00Z' $(( (i - 1) % 12 + 1 )))
	s=$(sample "$lang")
	subj=$(printf '%s' "$s" | cut -f1)
	text=$(printf '%s' "$s" | cut -f2-)
	conf "$T/$lang.conf" "$T/$lang.db"
	write_mail "$T/$lang.eml" "$lang" "$at" "$subj" "$text"
	before=$(smtp_count)
	HELPQ_NOW=$at "$HELPQ" -q --config "$T/$lang.conf" import "$T/$lang.eml"
	is "$?" 0 "$lang: the customer's message is imported"
	is "$(smtp_count)" $((before + 1)) "$lang: one acknowledgement reaches the sink"
	ack=$(smtp_messages | tail -1)
	if [ "$(smtp_count)" -le "$before" ] || [ -z "$ack" ]; then
		for k in 1 2 3 4 5 6; do ok_rc 1 "$lang: (no ack to check)"; done
		continue
	fi
	"$PY" "$CHECK" "$ack" > "$T/$lang.json"
	is "$?" 0 "$lang: the ack passes Python's strict parser"
	verify "$ack" "$lang" "$at" "$subj" > "$T/$lang.v.json" ||
	    echo '{"error": "the ack could not be read"}' > "$T/$lang.v.json"
	v() { json "j.get('$1')" < "$T/$lang.v.json"; }
	[ "$(v error)" = None ] || diag "$lang: $(v error)"
	is "$(v content_language)" "$lang" "$lang: Content-Language: $lang"
	is "$(v subject)" "$(v subject_want)" \
	    "$lang: the subject is the template's: $(v subject_want)"
	is "$(v utf8)" valid "$lang: header and body are valid UTF-8"
	is "$(v month_in_body)" True \
	    "$lang: the due date names the month as the locale does ($(v month_want))"
	is "$(v due_in_body)" True \
	    "$lang: the due time is written in the locale's format ($(v due_want))"
done

smtp_down
done_testing
