/* helpq - test-rules-literal.c: required literals and the Aho-Corasick scan. */
#include "compat.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "../../src/rules_private.h"
#include "xmalloc.h"
#include "../tap.h"

#define I	RULES_RE_CASELESS
#define M	RULES_RE_MULTILINE
#define S	RULES_RE_DOTALL
#define X	RULES_RE_EXTENDED

#define KELVIN	"\xe2\x84\xaa"		/* U+212A, caseless 'k' */
#define LONG_S	"\xc5\xbf"		/* U+017F, caseless 's' */

#define CORPUS_FILES	300		/* per directory */
#define CORPUS_BYTES	2000		/* per file */

/*
 * A regex, its flags, the literals we expect (sorted or not, joined by
 * '|'; NULL: none) and a text it matches (NULL: PCRE2 rejects it).
 */
struct lit_case {
	const char	*re;
	int		 flags;
	const char	*want;
	const char	*sample;
};

static const struct lit_case cases[] = {
	/* Plain words; ASCII lower-cased, UTF-8 kept as written. */
	{ "invoice", 0, "invoice", "Your invoice 42" },
	{ "Invoice", 0, "invoice", "Invoice" },
	{ "ab", 0, NULL, "ab" },
	{ "abc", 0, "abc", "xabcx" },
	{ "", 0, NULL, "anything" },
	{ "Pa\xc3\x9fwort", 0, "pa\xc3\x9fwort", "Pa\xc3\x9fwort" },
	{ "Ελληνικά", 0, "Ελληνικά", "Ελληνικά" },
	{ "Kündigung", 0, "kündigung", "Kündigung" },
	{ "kind regards", 0, "kind regards", "kind regards" },

	/*
	 * Caseless: non-ASCII breaks runs; k and s do not, the scanner reads
	 * U+212A and U+017F as k and s.
	 */
	{ "Pa\xc3\x9fwort", I, "wort", "PA\xc3\x9fWORT" },
	{ "password", I, "password", "PA" LONG_S LONG_S "WORD" },
	{ "kind regards", I, "kind regards", KELVIN "IND REGARD" LONG_S },
	{ "Kündigung", I, "ndigung", "KÜNDIGUNG" },
	{ "grüße", I, NULL, "GRÜßE" },
	{ "Ελληνικά", I, NULL, "ελληνικά" },
	{ "(?i)Kilo", 0, "kilo", KELVIN "ILO" },
	{ "(?i:Kelvin)x", 0, "kelvin", KELVIN "ELVINx" },
	{ "Kelvin", 0, "kelvin", "Kelvin" },
	{ "ab(?i)kcd", 0, "kcd", "ab" KELVIN "CD" },
	{ "abcd(?i)def", 0, "abcd", "abcdDEF" },
	{ "(?-i)abc", I, "abc", "abc" },

	/* Alternatives and groups. */
	{ "(invoice|rechnung|receipt|payment)", 0,
	    "invoice|rechnung|receipt|payment", "your receipt" },
	{ "foo|barbaz", 0, "foo|barbaz", "a barbaz" },
	{ "foo|ba", 0, NULL, "ba" },
	{ "(?:abc|def)ghij", 0, "ghij", "defghij" },
	{ "(?<nm>abcd|efgh)", 0, "abcd|efgh", "efgh" },
	{ "(?'nm'abcd|efgh)x", 0, "abcd|efgh", "abcdx" },
	{ "(?P<nm>abcd|efgh)", 0, "abcd|efgh", "abcd" },
	{ "(?>abcd)", 0, "abcd", "abcd" },
	{ "(?>abcd|ab)", 0, NULL, "ab" },
	{ "(?|(abc)|(xyz))", 0, "abc|xyz", "xyz" },
	{ "((abc|def)|ghi)", 0, "abc|def|ghi", "ghi" },
	{ "x(abcd|)yz", 0, NULL, "xyz" },
	{ "(?:foo|foobar|xfoo)", 0, "foo", "xfoo" },
	{ "(Abc|aBC)", 0, "abc", "Abc" },
	{ "abcd|(efg|hij)k", 0, "abcd|efg|hij", "hijk" },
	{ "(a|b)cde", 0, "cde", "bcde" },
	{ "^Subject:.*(refund|chargeback)", 0, "subject:",
	    "Subject: refund please" },
	{ "example\\.com", 0, "example.com", "www.example.com" },
	{ "\\[(PATCH|RFC)[^]]*\\]", 0, "patch|rfc", "[PATCH v2 1/3]" },

	/* Quantifiers. */
	{ "colou?r", 0, "colo", "color" },
	{ "abcd?efgh", 0, "efgh", "abcefgh" },
	{ "abc+defg", 0, "cdefg", "abcccdefg" },
	{ "abc*defg", 0, "defg", "abdefg" },
	{ "ab{2}cdef", 0, "bcdef", "abbcdef" },
	{ "ab{0,2}cdef", 0, "cdef", "acdef" },
	{ "xyzab{1,}cd", 0, "xyzab", "xyzabbbcd" },
	{ "ab+?cdef", 0, "bcdef", "abbcdef" },
	{ "ab*+cdef", 0, "cdef", "acdef" },
	{ "a{2,3}bcd", 0, "abcd", "aabcd" },
	{ "(abcd)?efg", 0, "efg", "efg" },
	{ "(abcd)+efg", 0, "abcd", "abcdabcdefg" },
	{ "(abcd){0,3}xyz", 0, "xyz", "xyz" },
	{ "(abcd){2}x", 0, "abcd", "abcdabcdx" },
	{ "(abcd)*?xyz", 0, "xyz", "xyz" },
	{ "ü?abc", 0, "abc", "abc" },
	{ "xyü+abc", 0, "üabc", "xyüüabc" },
	{ "x{abc", 0, "abc", "x{abc" },
	/* Newer PCRE2 reads {,3}, { 2} (maybe {}) as quantifiers: give up. */
	{ "{}abc", 0, NULL, "{}abc" },
	{ "abc{,3}defg", 0, NULL, "abc{,3}defg abcdefg" },
	{ "abc{ 2}defg", 0, NULL, "abc{ 2}defg abccdefg" },
	{ "ab\\Q\\E+cd", 0, "bcd", "abbcd" },
	{ "ab(?#c)+cd", 0, "bcd", "abbcd" },
	{ "ab\\E?cde", 0, "cde", "acde" },
	{ "*abc", 0, NULL, NULL },
	{ "ab{2}{3}cd", 0, NULL, NULL },

	/* Zero-width items keep the run; lookarounds end it. */
	{ "^abc$", 0, "abc", "abc" },
	{ "\\bfoo\\Bbar\\b", 0, "foobar", "a foobar." },
	{ "\\Aabc\\z", 0, "abc", "abc" },
	{ "\\Gabc\\Z", 0, "abc", "abc\n" },
	{ "fooo(?=bar)bar", 0, "fooo", "fooobar" },
	{ "(?<!abc)defg", 0, "defg", "xdefg" },
	{ "(?<=a(b)[)]c)defg", 0, "defg", "ab)cdefg" },
	{ "(?!x(y|z))abcd", 0, "abcd", "abcd" },
	{ "(?<=\\Qab)\\E)cde", 0, "cde", "ab)cde" },
	{ "^(?=.*foo)bar", 0, "bar", "barfoo" },
	{ "(?=[)])\\)abc", 0, ")abc", ")abc" },
	{ "^\\b*abc", 0, NULL, NULL },

	/* What ends a run. */
	{ "abc.defg", 0, "defg", "abcXdefg" },
	{ "[]abc]xyz", 0, "xyz", "]xyz" },
	{ "[^]abc]xyzw", 0, "xyzw", "-xyzw" },
	{ "[a\\]b]xyz", 0, "xyz", "]xyz" },
	{ "[[:alpha:]]xyz", 0, "xyz", "qxyz" },
	{ "[[:^digit:]x]yz1", 0, "yz1", "xyz1" },
	{ "[[:alpha:][:digit:]]{2}yz1", 0, "yz1", "a1yz1" },
	{ "[a[]bcd", 0, "bcd", "[bcd" },
	{ "[[:x]abc]def", 0, "abc]def", "xabc]def" },
	{ "[\\Q]\\E]abc", 0, NULL, "]abc" },
	{ "ab\\dcd\\Def\\wgh\\Wij\\skl\\Smn\\hop\\Hqr\\vst\\Vuv\\Rwx\\Nyz"
	    "\\Xab\\Ccd\\p{L}ef\\PLgh\\p{^Lu}ij", 0, NULL,
	    "ab1cdxef_gh-ij kl.mn\top.qr\nstxuv\r\nwx.yz.ab.cdEef1ghxij" },
	{ "\\Nabcd", 0, "abcd", "xabcd" },
	{ "\\N{U+41}bcd", 0, NULL, "Abcd" },
	{ "(ab)\\1cde", 0, "cde", "ababcde" },
	{ "(ab)\\g{1}cde", 0, "cde", "ababcde" },
	{ "(ab)\\g-1cde", 0, "cde", "ababcde" },
	{ "(ab)\\g1cde", 0, "cde", "ababcde" },
	{ "(?<n>ab)\\k<n>cde", 0, "cde", "ababcde" },
	{ "(?<n>ab)\\k{n}cde", 0, "cde", "ababcde" },
	{ "(?<n>ab)\\k'n'cde", 0, "cde", "ababcde" },
	{ "(?P<n>ab)(?P=n)cde", 0, "cde", "ababcde" },
	{ "abc\\Kdef", 0, NULL, "abcdef" },
	{ "\\qabc", 0, NULL, NULL },
	{ "a\\.b\\/c\\\\d\\[e\\(f\\$g\\-h", 0, "a.b/c\\d[e(f$g-h",
	    "a.b/c\\d[e(f$g-h" },
	{ "abc\\tdef\\nghi\\r", 0, "abc\tdef\nghi\r", "abc\tdef\nghi\r" },
	{ "\\f\\e\\aabc", 0, "\f\033\aabc", "\f\033\aabc" },
	{ "\\Qa.b*c\\E", 0, "a.b*c", "a.b*c" },
	{ "\\Qab\\E+cd", 0, "bcd", "abbcd" },
	{ "\\Qabc", 0, "abc", "abc" },
	{ "\\Qabc\\E?d", 0, NULL, "abd" },
	{ "abcd\\x41def", 0, "abcd", "abcdAdef" },
	{ "\\x4142abc", 0, "42abc", "A42abc" },
	{ "ab\\x{41}cd", 0, NULL, "abAcd" },
	{ "ab\\o{101}cd", 0, NULL, "abAcd" },
	{ "abcd\\101ef", 0, "abcd", "abcdAef" },
	{ "\\012abc", 0, "abc", "\nabc" },
	{ "\\cAabc", 0, "abc", "\001abc" },

	/* Comments and inline options. */
	{ "(?#comment)abc(?#x)def", 0, "abcdef", "abcdef" },
	{ "(?i)abc", 0, "abc", "ABC" },
	{ "(?m)^abc$", 0, "abc", "x\nabc\ny" },
	{ "(?s)a.bcd", 0, "bcd", "a\nbcd" },
	{ "(?U)abc", 0, "abc", "abc" },
	{ "(?n)(abc)", 0, "abc", "abc" },
	{ "(?J)(?<a>abc)", 0, "abc", "abc" },
	{ "(?im-sx)abc", 0, NULL, "ABC" },
	{ "(?x)a b c", 0, NULL, "abc" },
	{ "(?-x)a b c", X, NULL, "a b c" },
	{ "(?^)abc", 0, NULL, "abc" },
	{ "(a)?(?(1)bcd|def)", 0, NULL, "def" },
	{ "abc(?R)?", 0, NULL, "abc" },
	{ "(abc)(?1)", 0, NULL, "abcabc" },
	{ "(?<n>abc)(?&n)", 0, NULL, "abcabc" },
	{ "(?P<n>abc)(?P>n)", 0, NULL, "abcabc" },
	{ "(abc)\\g<1>", 0, NULL, "abcabc" },
	{ "(?C1)abc", 0, NULL, "abc" },
	{ "(*UTF)abc", 0, NULL, "abc" },
	{ "abc(*ACCEPT)def", 0, NULL, "abc" },
	{ "(*pla:abc)abcd", 0, NULL, "abcd" },

	/* Extended mode. */
	{ "foo bar # comment\n baz", X, "foobarbaz", "foobarbaz" },
	{ "abx c +de", X, "abxc", "abxccde" },
	{ "\\ abc\\#d", X, " abc#d", " abc#d" },
	{ "[ ]abc", X, "abc", " abc" },
	{ "\\Qa b\\E#x\nyz", X, "a byz", "a byz" },
	{ "abc#comment\rdef", X, NULL, "abc" },
	{ "abc\xe2\x80\x8e?def", X, "def", "abdef" },
	{ "a b c", 0, "a b c", "a b c" },
	{ "#abc", 0, "#abc", "#abc" },
	{ "^From: .*\\n^To: abc", M, "\nto: abc", "From: x\nTo: abc" },

	/* Syntax errors. */
	{ "abc)", 0, NULL, NULL },
	{ "(abc", 0, NULL, NULL },
	{ "[abc", 0, NULL, NULL },
	{ "abc\\", 0, NULL, NULL },

	/* The peer benchmark's bench/rules.txt; helpq runs them with i. */
	{ "^Subject:.*(invoice|rechnung|receipt|payment)", I, "subject:",
	    "Subject: Your Invoice" },
	{ "^Subject:.*(refund|chargeback|erstattung)", I, "subject:",
	    "Subject: Erstattung" },
	{ "^Subject:.*(password|passwort|login|2fa|locked out)", I,
	    "subject:", "Subject: Passwort vergessen" },
	{ "^Subject:.*(cancel|kündigung|unsubscribe)", I, "subject:",
	    "Subject: KÜNDIGUNG" },
	{ "^Subject:.*(urgent|dringend|asap|emergency)", I, "subject:",
	    "Subject: ASAP" },
	{ "^Subject:.*(bug|crash|error|exception|fehler)", I, "subject:",
	    "Subject: Fehler im Export" },
	{ "^Subject:.*\\[(PATCH|RFC)[^]]*\\]", I, "subject:",
	    "Subject: [PATCH] mips: fix" },
	{ "^Subject:.*(out of office|abwesenheit|automatic reply|autoreply|"
	    "vacation)", I, "subject:", "Subject: Abwesenheit" },
	{ "^Subject:.*(undeliver|delivery status|returned mail|failure notice|"
	    "mail delivery failed)", I,
	    "delivery status|failure notice|mail delivery failed|returned mail|undeliver",
	    "Subject: Undelivered Mail Returned to Sender" },
	{ "^Subject:.*(ticket|case) ?#?[0-9][0-9][0-9][0-9]+", I, "subject:",
	    "Subject: Ticket #12345" },
	{ "^Subject: *(re|aw|fw|fwd|wg|sv)(\\[[0-9]+\\])?:", I, "subject:",
	    "Subject: AW[2]: Rechnung" },
	{ "^Subject:.*=\\?[a-z0-9_-]+\\?[bq]\\?", I, "subject:",
	    "Subject: =?UTF-8?B?w7w=?=" },
	{ "^From:.*(mailer-daemon|postmaster)@", I, "mailer-daemon|postmaster",
	    "From: MAILER-DAEMON@example.com" },
	{ "^From:.*(noreply|no-reply|do-not-reply|donotreply)@", I,
	    "noreply|no-reply|do-not-reply|donotreply",
	    "From: Shop <no-reply@shop.example>" },
	{ "^From:.*@(gmail|yahoo|hotmail|outlook|gmx|web)\\.(com|de|net)", I,
	    "from:", "From: Hans <hans@GMX.de>" },
	{ "^From:.*@[a-z0-9.-]+\\.(de|at|ch)>?$", I, "from:",
	    "From: Fritz <fritz@beispiel.de>" },
	{ "^From:.*@[a-z0-9.-]+\\.gr>?$", I, "from:",
	    "From: Νίκος <nikos@example.gr>" },
	{ "^From:.*,.*<", I, "from:", "From: Doe, John <j@example.com>" },
	{ "^To:.*(support|help|hilfe|service)@", I,
	    "support|help|hilfe|service", "To: Support@example.com" },
	{ "^(To|Cc):.*(sales|billing|accounts)@", I, "sales|billing|accounts",
	    "Cc: billing@example.com" },
	{ "^Auto-Submitted: *auto-(replied|generated)", I, "auto-submitted:",
	    "Auto-Submitted: auto-replied" },
	{ "^Precedence: *(bulk|junk|list)", I, "precedence:",
	    "Precedence: bulk" },
	{ "^List-(Id|Unsubscribe|Post):", I, "list-",
	    "List-Id: <linux-mips.linux-mips.org>" },
	{ "^X-Auto-Response-Suppress:", I, "x-auto-response-suppress:",
	    "X-Auto-Response-Suppress: All" },
	{ "^X-Autoreply:", I, "x-autoreply:", "X-Autoreply: yes" },
	{ "^X-Autorespond:", I, "x-autorespond:", "X-Autorespond: yes" },
	{ "^Return-Path: *<>", I, "return-path:", "Return-Path: <>" },
	{ "^Content-Type: *multipart/report", I, "multipart/report",
	    "Content-Type: multipart/report; report-type=delivery-status" },
	{ "^Content-Type: *text/html", I, "content-type:",
	    "Content-Type: text/html; charset=utf-8" },
	{ "^Content-Type:.*charset.?(iso-8859-7|windows-1253)", I,
	    "content-type:", "Content-Type: text/plain; charset=ISO-8859-7" },
	{ "^Content-Type:.*charset.?(iso-8859-1|iso-8859-15|windows-1252)", I,
	    "content-type:", "Content-Type: text/plain; charset=windows-1252" },
	{ "^X-Spam-(Flag|Status): *yes", I, "x-spam-", "X-Spam-Flag: YES" },
	{ "^X-Mailer:.*(outlook|thunderbird|apple mail)", I, "x-mailer:",
	    "X-Mailer: Microsoft Outlook 16.0" },
	{ "^In-Reply-To:.*<[^>]+>", I, "in-reply-to:",
	    "In-Reply-To: <abc@example.com>" },
	{ "^References:.*<[^>]+>", I, "references:",
	    "References: <abc@example.com>" },
	{ "^Message-ID:.*@(localhost|example\\.(com|org))", I, "message-id:",
	    "Message-ID: <1@localhost>" },
	{ "^Importance: *high", I, "importance:", "Importance: High" },
	{ "^X-Priority: *[12]", I, "x-priority:", "X-Priority: 1 (Highest)" },
	{ "^Received:.*\\[10\\.[0-9]+\\.[0-9]+\\.[0-9]+\\]", I, "received:",
	    "Received: from x ([10.1.2.3])" },
	{ "^Reply-To:.*@", I, "reply-to:", "Reply-To: a@example.com" },
	{ "(order|bestellung) (number|nummer|no\\.?) *:? *[A-Z0-9-][A-Z0-9-]"
	    "[A-Z0-9-][A-Z0-9-][A-Z0-9-]+", I, "bestellung|order",
	    "Ihre Bestellung Nr. hm, Bestellung nummer: AB-12345" },
	{ "(tracking|sendungs)(nummer| number)", I, "tracking|sendungs",
	    "Ihre Sendungsnummer lautet" },
	{ "(credit card|kreditkarte|iban|bic)", I, "bic|credit card|iban|kreditkarte",
	    "Ihre IBAN bitte" },
	{ "https?://[^ ]*(unsubscribe|optout)", I, "optout|unsubscribe",
	    "https://example.com/unsubscribe?id=1" },
	{ "^> .*wrote:$", I, "wrote:", "> On Monday, Bob wrote:" },
	{ "^-- $", I, "-- ", "-- " },
	{ "(kind regards|best regards|mit freundlichen grüßen|viele grüße)",
	    I, "kind regards|best regards|mit freundlichen gr|viele gr",
	    "Mit freundlichen Grüßen" },
	{ "(attached|anbei|im anhang)", I, "attached|anbei|im anhang",
	    "Die Rechnung anbei." },
	{ "(not work|does not work|funktioniert nicht|broken)", I,
	    "not work|funktioniert nicht|broken",
	    "Das Login funktioniert nicht" },
	{ "(Final-Recipient|Action: failed|Status: 5\\.[0-9]\\.[0-9])", I,
	    "final-recipient|action: failed|status: 5.", "Status: 5.1.1" },
};

/*
 * Texts for the soundness check, beside the samples above; each is also
 * tried upper-cased and with s and k spelled U+017F and U+212A.
 */
static const char *const texts[] = {
	"Subject: Invoice 2024-0042",
	"Subject: Re: Ihre Rechnung Nr. 12345",
	"Subject: AW: Rechnung vom 3. März",
	"Subject: WG: Zahlungserinnerung",
	"Subject: Fwd: Payment received",
	"Subject: Your receipt from Example Store",
	"Subject: Refund for order #1234",
	"Subject: Chargeback notice",
	"Subject: Rückerstattung Ihrer Bestellung",
	"Subject: Password reset request",
	"Subject: Passwort zurücksetzen",
	"Subject: Locked out of my account",
	"Subject: 2FA not working",
	"Subject: Kündigung meines Vertrags",
	"Subject: please unsubscribe me",
	"Subject: URGENT: server down",
	"Subject: Dringend: Lieferung fehlt",
	"Subject: Bug in the export",
	"Subject: crash when opening file",
	"Subject: [PATCH v3 2/7] MIPS: Fix cache flush",
	"Subject: [RFC] new syscall",
	"Subject: Out of Office: back Monday",
	"Subject: Automatische Antwort: Abwesenheit",
	"Subject: Undelivered Mail Returned to Sender",
	"Subject: Delivery Status Notification (Failure)",
	"Subject: failure notice",
	"Subject: Mail delivery failed: returning message to sender",
	"Subject: Ticket #20431 updated",
	"Subject: Case 9876: escalation",
	"Subject: =?ISO-8859-7?B?0OHx3OPj5eviDQ==?=",
	"Subject: =?utf-8?q?K=C3=BCndigung?=",
	"Subject: SV: Angående fakturan",
	"Subject: RE[2]: meeting",
	"Subject: Θέμα: Επιστροφή χρημάτων για την παραγγελία",
	"Subject: ΑΠ: Σχετικά με το τιμολόγιο",
	"Subject: Παραγγελία αριθμός 55123",
	"From: MAILER-DAEMON@mail.example.com",
	"From: Mail Delivery System <postmaster@example.org>",
	"From: Example Shop <noreply@shop.example.com>",
	"From: no-reply@accounts.example",
	"From: \"Doe, Jane\" <jane@example.com>",
	"From: Hans Müller <hans.mueller@gmx.de>",
	"From: Γιώργος Παπαδόπουλος <giorgos@example.gr>",
	"From: someone@outlook.com",
	"From: Jörg <joerg@firma.ch>",
	"To: support@example.com",
	"To: Hilfe <hilfe@example.de>",
	"Cc: sales@example.com, billing@example.com",
	"Auto-Submitted: auto-generated",
	"Auto-Submitted: auto-replied",
	"Precedence: list",
	"Precedence: junk",
	"List-Id: Linux MIPS <linux-mips.linux-mips.org>",
	"List-Unsubscribe: <mailto:leave@example.com>",
	"List-Post: <mailto:list@example.com>",
	"X-Auto-Response-Suppress: OOF, AutoReply",
	"X-Autoreply: yes",
	"X-Autorespond: true",
	"Return-Path: <>",
	"Content-Type: multipart/report; report-type=delivery-status",
	"Content-Type: text/html; charset=\"iso-8859-7\"",
	"Content-Type: text/plain; charset=windows-1253",
	"Content-Type: text/plain; charset=ISO-8859-15",
	"X-Spam-Status: Yes, score=12.3",
	"X-Spam-Flag: YES",
	"X-Mailer: Apple Mail (2.3654)",
	"X-Mailer: Mozilla Thunderbird 115",
	"In-Reply-To: <20240101.abc@mail.example.com>",
	"References: <a@b> <c@d>",
	"Message-ID: <12345@example.org>",
	"Message-Id: <x@localhost>",
	"Importance: high",
	"X-Priority: 2",
	"Received: from mx ([10.0.0.7]) by example.com",
	"Reply-To: Support <support@example.com>",
	"Ihre Bestellung Nummer: DE-44821 wurde versandt.",
	"Order number: AB12345",
	"Your order no. XY-99812 has shipped",
	"Ihre Sendungsnummer: 00340434161094042557",
	"Tracking number 1Z999AA10123456784",
	"Bitte geben Sie Ihre Kreditkarte nicht weiter.",
	"Credit card ending in 4242",
	"IBAN: DE89 3704 0044 0532 0130 00, BIC: COBADEFFXXX",
	"To unsubscribe visit https://news.example.com/unsubscribe?u=1",
	"http://example.com/optout.php",
	"> On Tue, 1 Jan 2024, Bob wrote:",
	"Am 02.01.2024 schrieb Alice:",
	"-- ",
	"--\nSignature",
	"Kind regards,\nJane",
	"Best Regards\nThe Team",
	"Mit freundlichen Grüßen\nHans Müller",
	"Viele Grüße aus Köln",
	"MIT FREUNDLICHEN GRÜSSEN",
	"Please find the invoice attached.",
	"Die Rechnung finden Sie im Anhang.",
	"Anbei die Unterlagen.",
	"The update does not work anymore.",
	"Der Drucker funktioniert nicht.",
	"Link is broken",
	"Final-Recipient: rfc822; user@example.com\nAction: failed\n"
	    "Status: 5.1.1",
	"Με εκτίμηση,\nΓιώργος",
	"Ευχαριστώ πολύ για την άμεση απάντηση!",
	"ΤΙΜΟΛΌΓΙΟ ΑΡΙΘΜΌΣ 42",
	"Straße, Größe, Übergröße, ÄÖÜ äöü ß ẞ",
	"ſtraße and " KELVIN "kelvin",
	"mIxEd CaSe SuBjEcT: InVoIcE",
	"pAsSwOrD ReSeT",
	"foo bar baz foobar foobarbaz colour colr",
	"example.com EXAMPLE.COM example.org",
	"x{abc}, {}abc, a{,}b",
	"[PATCH] a(b)c [x]y ]xyz [bcd",
	"line one\nline two\r\nline three\ttab",
	"\tleading tab and trailing space ",
	"",
	"a",
	"0123456789",
	"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
};

static char	*all[20000];		/* texts tried */
static size_t	 nall;
static int	 quiet;			/* no diagnostics from unsound() */

/* Escape control characters for a diagnostic line. */
static const char *
show(const char *s)
{
	static char	out[4][512];
	static int	k;
	char		*o = out[k = (k + 1) % 4];
	size_t		 n = 0;

	for (; *s != '\0' && n < sizeof out[0] - 5; s++) {
		if ((unsigned char)*s < 0x20)
			n += snprintf(o + n, 5, "\\x%02x", (unsigned char)*s);
		else
			o[n++] = *s;
	}
	o[n] = '\0';
	return (o);
}

/* Fold a copy of len bytes as the scanner does: ASCII, U+017F, U+212A. */
static char *
fold(const char *s, size_t len)
{
	char	*f;
	size_t	 i, o = 0;

	f = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (i + 1 < len && memcmp(s + i, LONG_S, 2) == 0) {
			f[o++] = 's';
			i++;
		} else if (i + 2 < len && memcmp(s + i, KELVIN, 3) == 0) {
			f[o++] = 'k';
			i += 2;
		} else
			f[o++] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' :
			    s[i];
	}
	f[o] = '\0';
	return (f);
}

/* Replace every byte that is not valid UTF-8 with '?'. */
static void
utf8_clean(char *s, size_t len)
{
	unsigned char	*p = (unsigned char *)s;
	size_t		 i, n, k;

	for (i = 0; i < len; i += n) {
		n = 1;
		if (p[i] < 0x80)
			continue;
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			n = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			n = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			n = 4;
		else {
			p[i] = '?';
			continue;
		}
		for (k = 1; k < n; k++) {
			if (i + k >= len || p[i + k] < 0x80 || p[i + k] > 0xbf)
				break;
		}
		if (k < n || (p[i] == 0xe0 && p[i + 1] < 0xa0) ||
		    (p[i] == 0xed && p[i + 1] > 0x9f) ||
		    (p[i] == 0xf0 && p[i + 1] < 0x90) ||
		    (p[i] == 0xf4 && p[i + 1] > 0x8f)) {
			p[i] = '?';
			n = 1;
		}
	}
}

static void
add_text(const char *s, size_t len)
{
	char	*t;

	if (nall == nitems(all))
		return;
	t = xmalloc(len + 1);
	memcpy(t, s, len);
	t[len] = '\0';
	utf8_clean(t, len);
	all[nall++] = t;
}

/* The text, upper-cased, and with s and k as U+017F and U+212A. */
static void
add_variants(const char *s)
{
	struct buf	b;
	size_t		i;

	add_text(s, strlen(s));
	buf_init(&b);
	for (i = 0; s[i] != '\0'; i++)
		buf_addc(&b, s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' :
		    s[i]);
	add_text(buf_cstr(&b), b.len);
	buf_reset(&b);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == 's' || s[i] == 'S')
			buf_adds(&b, LONG_S);
		else if (s[i] == 'k' || s[i] == 'K')
			buf_adds(&b, KELVIN);
		else
			buf_addc(&b, s[i]);
	}
	add_text(buf_cstr(&b), b.len);
	buf_free(&b);
}

static int
add_file(const char *path)
{
	char	 buf[CORPUS_BYTES];
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return (0);
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	add_text(buf, n);
	return (1);
}

/* Up to *left files under dir, in name order, recursively. */
static void
add_dir(const char *dir, int *left)
{
	struct dirent	**ents;
	struct stat	  st;
	char		 *path;
	int		  i, n;

	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0)
		return;
	for (i = 0; i < n; i++) {
		if (*left > 0 && ents[i]->d_name[0] != '.') {
			path = xprintf("%s/%s", dir, ents[i]->d_name);
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
				add_dir(path, left);
			else if (S_ISREG(st.st_mode) && add_file(path))
				(*left)--;
			free(path);
		}
		free(ents[i]);
	}
	free(ents);
}

static void
add_corpus(void)
{
	static const char *const dirs[] = {
		"threads/linux-mips",
		"spam/spamassassin-spam",
		"auto/sisimai-bounces",
	};
	const char	*root;
	char		*path;
	size_t		 i, before;
	int		 left;

	if ((root = getenv("HELPQ_CORPUS")) == NULL || *root == '\0') {
		diag("HELPQ_CORPUS not set: built-in texts only");
		return;
	}
	for (i = 0; i < nitems(dirs); i++) {
		before = nall;
		left = CORPUS_FILES;
		path = xprintf("%s/%s", root, dirs[i]);
		add_dir(path, &left);
		diag("%zu texts from %s", nall - before, path);
		free(path);
	}
}

/* Literals joined by '|', sorted; allocated. */
static char *
joined(char **lits, size_t n)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(&b, '|');
		buf_adds(&b, lits[i]);
	}
	return (buf_steal(&b, NULL));
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char * const *)a, *(char * const *)b));
}

/* want, a '|'-joined list in any order, sorted and rejoined. */
static char *
sorted_want(const char *want)
{
	char	*copy, *p, *v[64], *out;
	size_t	 n = 0;

	copy = xstrdup(want);
	for (p = copy; n < nitems(v); p = NULL) {
		if ((v[n] = strtok(p, "|")) == NULL)
			break;
		n++;
	}
	qsort(v, n, sizeof *v, cmp_str);
	out = joined(v, n);
	free(copy);
	return (out);
}

static pcre2_code *
compile(const char *re, size_t len, int flags)
{
	uint32_t	opts = PCRE2_UTF | PCRE2_UCP;
	PCRE2_SIZE	off;
	int		err;
	pcre2_code	*code;

	if (flags & I)
		opts |= PCRE2_CASELESS;
	if (flags & M)
		opts |= PCRE2_MULTILINE;
	if (flags & S)
		opts |= PCRE2_DOTALL;
	if (flags & X)
		opts |= PCRE2_EXTENDED;
	/* No JIT: valgrind cannot follow JIT code. */
	code = pcre2_compile((PCRE2_SPTR)re, len, opts, &err, &off, NULL);
	return (code);
}

/* Does one of the literals, folded as the scanner folds them, occur in
 * the folded text? */
static int
lits_in(char **lits, size_t n, const char *folded, size_t len)
{
	char	*l;
	size_t	 i;
	int	 found = 0;

	/* Folding may shorten the text: len is an upper bound. */
	len = strnlen(folded, len);
	for (i = 0; i < n && !found; i++) {
		l = fold(lits[i], strlen(lits[i]));
		found = memmem(folded, len, l, strlen(l)) != NULL;
		free(l);
	}
	return (found);
}

/*
 * Every text the regex matches holds one of the literals. Returns the
 * number of texts that break it (0 when the set is empty: nothing to
 * break); *matchedp counts the matching texts.
 */
static size_t
unsound(const char *re, size_t relen, int flags, char **lits, size_t n,
    char **folded, size_t *matchedp)
{
	pcre2_code		*code;
	pcre2_match_data	*md;
	size_t			 i, bad = 0, len;
	int			 rc;

	*matchedp = 0;
	if ((code = compile(re, relen, flags)) == NULL)
		return (0);
	md = pcre2_match_data_create_from_pattern(code, NULL);
	for (i = 0; i < nall; i++) {
		len = strlen(all[i]);
		rc = pcre2_match(code, (PCRE2_SPTR)all[i], len, 0, 0, md,
		    NULL);
		if (rc == PCRE2_ERROR_NOMATCH)
			continue;
		if (rc < 0) {
			if (!quiet)
				diag("/%s/: pcre2_match error %d on text %zu",
				    show(re), rc, i);
			bad++;
			continue;
		}
		(*matchedp)++;
		if (n != 0 && !lits_in(lits, n, folded[i], len)) {
			if (bad++ < 3 && !quiet)
				diag("/%s/ matches '%.80s' without its "
				    "literals", show(re), show(all[i]));
		}
	}
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	return (bad);
}

static void
test_cases(char **folded)
{
	const struct lit_case	*c;
	pcre2_code		*code;
	pcre2_match_data	*md;
	char			**lits, **lits2, *got, *got2, *want;
	size_t			 i, n, n2, bad, matched, matched2;
	size_t			 stable = 0, nullbad = 0;
	int			 rc;

	for (i = 0; i < nitems(cases); i++) {
		c = &cases[i];
		n = rules_literals(c->re, strlen(c->re), c->flags, &lits);
		got = n != 0 ? joined(lits, n) : NULL;
		want = c->want != NULL ? sorted_want(c->want) : NULL;
		is_str(got, want, "/%s/%s%s%s%s: literals", show(c->re),
		    c->flags & I ? "i" : "", c->flags & M ? "m" : "",
		    c->flags & S ? "s" : "", c->flags & X ? "x" : "");
		if ((n == 0) != (lits == NULL))
			nullbad++;

		/* m and s change nothing we extract. */
		n2 = rules_literals(c->re, strlen(c->re), c->flags | M | S,
		    &lits2);
		got2 = n2 != 0 ? joined(lits2, n2) : NULL;
		if ((got == NULL) == (got2 == NULL) &&
		    (got == NULL || strcmp(got, got2) == 0))
			stable++;
		else
			diag("/%s/: m and s change the literals", show(c->re));
		rules_literals_free(lits2, n2);
		free(got2);

		/* The sample matches, or PCRE2 rejects the regex. */
		code = compile(c->re, strlen(c->re), c->flags);
		if (c->sample == NULL)
			ok(code == NULL, "/%s/: PCRE2 rejects it", show(c->re));
		else if (code == NULL)
			ok(0, "/%s/: PCRE2 compiles it", show(c->re));
		else {
			md = pcre2_match_data_create_from_pattern(code, NULL);
			rc = pcre2_match(code, (PCRE2_SPTR)c->sample,
			    strlen(c->sample), 0, 0, md, NULL);
			ok(rc > 0, "/%s/: matches its sample", show(c->re));
			pcre2_match_data_free(md);
		}
		pcre2_code_free(code);

		/* Sound with the flags as given, and with m and s too. */
		bad = unsound(c->re, strlen(c->re), c->flags, lits, n, folded,
		    &matched);
		bad += unsound(c->re, strlen(c->re), c->flags | M | S, lits, n,
		    folded, &matched2);
		ok(bad == 0, "/%s/: sound on %zu matching texts", show(c->re),
		    matched + matched2);

		rules_literals_free(lits, n);
		free(got);
		free(want);
	}
	is_int(stable, nitems(cases), "flags m and s never change literals");
	is_int(nullbad, 0, "*litsp is NULL exactly when there are none");
}

/* The literals of "(w00x|w01x|...)" with k alternatives. */
static size_t
alternatives(size_t k, char ***litsp)
{
	struct buf	b;
	size_t		i, n;

	buf_init(&b);
	buf_addc(&b, '(');
	for (i = 0; i < k; i++)
		buf_addf(&b, "%sw%02zux", i == 0 ? "" : "|", i);
	buf_addc(&b, ')');
	n = rules_literals(b.data, b.len, 0, litsp);
	buf_free(&b);
	return (n);
}

/* Cases that do not fit the table. */
static void
test_limits(char **folded)
{
	struct buf	 b;
	char		**lits, *got;
	size_t		 n, i, bad, matched;

	/* RULES_LITERALS_MAX alternatives, and one more. */
	n = alternatives(RULES_LITERALS_MAX, &lits);
	is_int(n, RULES_LITERALS_MAX, "%d alternatives", RULES_LITERALS_MAX);
	rules_literals_free(lits, n);
	n = alternatives(RULES_LITERALS_MAX + 1, &lits);
	is_int(n, 0, "%d alternatives are too many", RULES_LITERALS_MAX + 1);
	rules_literals_free(lits, n);

	/* Nesting: deep is fine, absurdly deep gives up. */
	buf_init(&b);
	for (i = 0; i < 50; i++)
		buf_addc(&b, '(');
	buf_adds(&b, "abc");
	for (i = 0; i < 50; i++)
		buf_addc(&b, ')');
	n = rules_literals(b.data, b.len, 0, &lits);
	ok(n == 1 && strcmp(lits[0], "abc") == 0, "50 nested groups");
	rules_literals_free(lits, n);
	buf_reset(&b);
	for (i = 0; i < 200; i++)
		buf_addc(&b, '(');
	buf_adds(&b, "abc");
	for (i = 0; i < 200; i++)
		buf_addc(&b, ')');
	n = rules_literals(b.data, b.len, 0, &lits);
	is_int(n, 0, "200 nested groups: give up");
	rules_literals_free(lits, n);
	buf_free(&b);

	/* A literal '|', a NUL, bad UTF-8, and len is honoured. */
	n = rules_literals("ab\\|cd", 6, 0, &lits);
	got = n != 0 ? joined(lits, n) : NULL;
	is_str(got, "ab|cd", "escaped | is a literal");
	free(got);
	rules_literals_free(lits, n);
	n = rules_literals("abcd\0efg", 8, 0, &lits);
	ok(n == 1 && strcmp(lits[0], "abcd") == 0, "a NUL ends the run");
	rules_literals_free(lits, n);
	n = rules_literals("abcd\xff" "efg", 8, 0, &lits);
	is_int(n, 0, "invalid UTF-8: give up");
	rules_literals_free(lits, n);
	n = rules_literals("abcdefgh", 4, 0, &lits);
	ok(n == 1 && strcmp(lits[0], "abcd") == 0, "only len bytes are read");
	rules_literals_free(lits, n);

	/* The checker itself catches a wrong set. */
	lits = xcalloc(1, sizeof *lits);
	lits[0] = xstrdup("zzzzz");
	quiet = 1;
	bad = unsound("invoice", 7, I, lits, 1, folded, &matched);
	quiet = 0;
	ok(bad > 0 && matched > 0, "a wrong literal is caught (%zu texts)",
	    bad);
	rules_literals_free(lits, 1);
}

/*
 * The extractor's caseless rule rests on this: the only non-ASCII
 * characters that match an ASCII letter caselessly are U+017F and U+212A.
 * Also, a '#' comment in extended mode must end at LF.
 */
static void
test_pcre2_assumptions(void)
{
	pcre2_code		*code;
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov, off;
	struct buf		 b;
	unsigned char		 u[4];
	uint32_t		 c, nl;
	int			 found = 0, other = 0;

	/* Every code point from U+0080 on, in one subject. */
	buf_init(&b);
	for (c = 0x80; c < 0x110000; c++) {
		if (c >= 0xd800 && c < 0xe000)
			continue;
		if (c < 0x800) {
			u[0] = 0xc0 | c >> 6;
			u[1] = 0x80 | (c & 0x3f);
			buf_add(&b, u, 2);
		} else if (c < 0x10000) {
			u[0] = 0xe0 | c >> 12;
			u[1] = 0x80 | ((c >> 6) & 0x3f);
			u[2] = 0x80 | (c & 0x3f);
			buf_add(&b, u, 3);
		} else {
			u[0] = 0xf0 | c >> 18;
			u[1] = 0x80 | ((c >> 12) & 0x3f);
			u[2] = 0x80 | ((c >> 6) & 0x3f);
			u[3] = 0x80 | (c & 0x3f);
			buf_add(&b, u, 4);
		}
	}
	code = compile("[a-z]", 5, I);
	md = pcre2_match_data_create_from_pattern(code, NULL);
	ov = pcre2_get_ovector_pointer(md);
	for (off = 0; pcre2_match(code, (PCRE2_SPTR)b.data, b.len, off, 0,
	    md, NULL) > 0; off = ov[1]) {
		if (ov[1] - ov[0] == 2 &&
		    memcmp(b.data + ov[0], LONG_S, 2) == 0)
			found++;
		else if (ov[1] - ov[0] == 3 &&
		    memcmp(b.data + ov[0], KELVIN, 3) == 0)
			found++;
		else if (other++ < 5)
			diag("byte %zu matches an ASCII letter caselessly",
			    (size_t)ov[0]);
	}
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	buf_free(&b);
	ok(other == 0 && found == 2,
	    "only U+017F and U+212A fold to ASCII letters");

	pcre2_config(PCRE2_CONFIG_NEWLINE, &nl);
	ok(nl == PCRE2_NEWLINE_LF || nl == PCRE2_NEWLINE_ANY ||
	    nl == PCRE2_NEWLINE_ANYCRLF, "PCRE2's newline ends at LF (%u)", nl);
}

static uint64_t	rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((uint32_t)(rng >> 11) % n);
}

/*
 * Random regexes from awkward pieces, against random texts from awkward
 * characters (and texts holding one of the literals, so that some match):
 * a match without a literal is a bug.
 */
static void
test_random_regexes(void)
{
	static const char *const pieces[] = {
		"a", "b", "k", "s", "K", "S", "ab", "abc", "bab", "ss", "kk",
		LONG_S, KELVIN, "\xc3\xa4", "\xc3\x84", "\xe2\x80\x8e",
		".", "\\d", "\\w", "\\s", "\\S", "\\b", "\\B", "^", "$",
		"[ab]", "[^a]", "[]a]", "[a-c]", "[[:alpha:]]", "[\\]]",
		"\\.", "\\-", "\\ ", "\\Q", "\\E", "\\Qa|b\\E",
		"(?i)", "(?-i)", "(?i:", "(?m)", "(?s)", "(?x)", "(?n)",
		"(?#c)", "(", "(", ")", ")", "(?:", "(?=", "(?!", "(?<=a)",
		"(?<!b)", "(?>", "(?|", "(?<n>", "\\k<n>", "(?P=n)", "|", "|",
		"?", "*", "+", "{2}", "{0,1}", "{1,}", "{,2}", "{ 1}", "+?",
		"?+", "{", "}", ":", "-", "]", " ", "#", "\n",
		"\\x61", "\\x{61}", "\\141", "\\1", "\\g1", "\\K",
		"\\n", "\\t", "\\e", "\\c", "\\p{L}", "\\pL", "\\N",
		"\\R", "\\X", "\\h", "\\v", "\\A", "\\z", "\\Z",
		"\\G",
	};
	static const char *const chars[] = {
		"a", "b", "k", "s", "A", "B", "K", "S", LONG_S, KELVIN,
		"\xc3\xa4", "\xc3\x84", "\xe2\x80\x8e", " ", ".", "\n",
		"#", "{", "}", "1", "2", "]", ":", "-", "|", "\t", "(", ")",
		"\\", ",", "ab", "abc", "bab", "ss", "kk",
	};
	pcre2_code		*code;
	pcre2_match_data	*md;
	struct buf		 re, text;
	char			**lits, *f;
	size_t			 n, i, k, tried = 0, withlits = 0, matched = 0;
	size_t			 bad = 0;
	int			 flags, round, t;

	buf_init(&re);
	buf_init(&text);
	md = pcre2_match_data_create(32, NULL);
	for (round = 0; round < 20000; round++) {
		buf_reset(&re);
		for (k = 1 + rnd(10); k > 0; k--)
			buf_adds(&re, pieces[rnd(nitems(pieces))]);
		flags = rnd(16);
		n = rules_literals(re.data, re.len, flags, &lits);
		if ((code = compile(re.data, re.len, flags)) == NULL) {
			rules_literals_free(lits, n);
			continue;
		}
		tried++;
		for (t = 0; n != 0 && t < 60; t++) {
			buf_reset(&text);
			for (k = rnd(14); k > 0; k--)
				buf_adds(&text, chars[rnd(nitems(chars))]);
			if (t % 3 == 0) {
				buf_adds(&text, lits[rnd(n)]);
				buf_adds(&text, chars[rnd(nitems(chars))]);
			}
			if (pcre2_match(code, (PCRE2_SPTR)buf_cstr(&text),
			    text.len, 0, 0, md, NULL) < 0)
				continue;
			matched++;
			f = fold(text.data, text.len);
			i = lits_in(lits, n, f, strlen(f)) ? 0 : n;
			free(f);
			if (i == n && bad++ < 5)
				diag("/%s/ (flags %d) matches '%s' without "
				    "its literals", show(re.data), flags,
				    show(text.data));
		}
		withlits += n != 0;
		rules_literals_free(lits, n);
		pcre2_code_free(code);
	}
	pcre2_match_data_free(md);
	buf_free(&re);
	buf_free(&text);
	ok(bad == 0 && matched > 5000, "%zu random regexes (%zu with "
	    "literals): sound on %zu matching texts", tried, withlits,
	    matched);
}

/* Set the bits a naive search finds; returns how many were new. */
static size_t
naive(char **lits, size_t *lens, uint32_t *ids, size_t n, const char *text,
    size_t len, uint8_t *seen)
{
	char	*f, *l;
	size_t	 i, k = 0;

	f = fold(text, len);
	len = strlen(f);	/* folding may shorten it */
	for (i = 0; i < n; i++) {
		l = fold(lits[i], lens[i]);
		if ((lens[i] == 0 || memmem(f, len, l, strlen(l)) != NULL) &&
		    !(seen[ids[i] >> 3] & (1 << (ids[i] & 7)))) {
			seen[ids[i] >> 3] |= 1 << (ids[i] & 7);
			k++;
		}
		free(l);
	}
	free(f);
	return (k);
}

/* Random literals and texts over a small alphabet, many overlaps. */
static void
test_ac_random(void)
{
	static const char alpha[] = "aAbBcx\xc3\xa4\xc3" "Z";
	struct rules_ac	*ac;
	char		*lits[64], text[256];
	size_t		 lens[64], n, i, j, len, k1, k2, bytes;
	uint32_t	 ids[64];
	uint8_t		 s1[16], s2[16];
	int		 round, bad = 0, scans = 0;

	for (round = 0; round < 400; round++) {
		ac = rules_ac_new();
		n = 1 + rnd(40);
		for (i = 0; i < n; i++) {
			lens[i] = rnd(20) == 0 ? 0 : 1 + rnd(6);
			lits[i] = xmalloc(lens[i] + 1);
			for (j = 0; j < lens[i]; j++)
				lits[i][j] = alpha[rnd(sizeof alpha - 2)];
			lits[i][lens[i]] = '\0';
			ids[i] = rnd(100);
			rules_ac_add(ac, lits[i], lens[i], ids[i]);
		}
		rules_ac_build(ac);
		bytes = rules_ac_max_id(ac) / 8 + 1;
		for (j = 0; j < 20; j++) {
			len = rnd(sizeof text);
			for (i = 0; i < len; i++)
				text[i] = alpha[rnd(sizeof alpha - 1)];
			memset(s1, 0, sizeof s1);
			/* Some bits already set by an earlier scan. */
			if (j % 2 == 1) {
				for (i = 0; i < bytes; i++)
					s1[i] = rnd(256) & rnd(256);
			}
			memcpy(s2, s1, sizeof s2);
			k1 = rules_ac_scan(ac, text, len, s1);
			k2 = naive(lits, lens, ids, n, text, len, s2);
			scans++;
			if ((k1 != k2 || memcmp(s1, s2, sizeof s1) != 0) &&
			    bad++ == 0)
				diag("round %d scan %zu: %zu new bits, naive "
				    "%zu", round, j, k1, k2);
		}
		for (i = 0; i < n; i++)
			free(lits[i]);
		rules_ac_free(ac);
	}
	ok(bad == 0, "Aho-Corasick agrees with a naive search (%d scans)",
	    scans);
}

/*
 * The literals of every case (ids: case numbers, repeated) and 1,000
 * words of the texts, scanned over every text.
 */
static void
test_ac_texts(void)
{
	struct rules_ac	*ac;
	char		**lits, **words, **clits;
	size_t		 i, j, n, nw, nc, *lens, len, bad = 0, hits = 0;
	uint32_t	*ids;
	uint8_t		*s1, *s2;

	nc = 0;
	clits = xcalloc(nitems(cases) * RULES_LITERALS_MAX + 1000,
	    sizeof *clits);
	ids = xcalloc(nitems(cases) * RULES_LITERALS_MAX + 1000, sizeof *ids);
	ac = rules_ac_new();
	for (i = 0; i < nitems(cases); i++) {
		n = rules_literals(cases[i].re, strlen(cases[i].re),
		    cases[i].flags, &lits);
		for (j = 0; j < n; j++) {
			ids[nc] = i;
			clits[nc++] = xstrdup(lits[j]);
		}
		rules_literals_free(lits, n);
	}
	/* Words of 4..12 letters, from every 7th text. */
	words = clits + nc;
	nw = 0;
	for (i = 0; i < nall && nw < 1000; i += 7) {
		const char	*p = all[i], *q;

		while (*p != '\0' && nw < 1000) {
			for (q = p; *q >= 'a' && *q <= 'z'; q++)
				;
			if (q - p >= 4 && q - p <= 12) {
				ids[nc + nw] = nitems(cases) + nw;
				words[nw++] = xstrndup(p, q - p);
			}
			p = *q != '\0' ? q + 1 : q;
		}
	}
	n = nc + nw;
	lens = xcalloc(n, sizeof *lens);
	for (i = 0; i < n; i++) {
		lens[i] = strlen(clits[i]);
		rules_ac_add(ac, clits[i], lens[i], ids[i]);
	}
	rules_ac_build(ac);
	len = rules_ac_max_id(ac) / 8 + 1;
	s1 = xcalloc(len, 1);
	s2 = xcalloc(len, 1);
	for (i = 0; i < nall; i++) {
		memset(s1, 0, len);
		memset(s2, 0, len);
		j = rules_ac_scan(ac, all[i], strlen(all[i]), s1);
		hits += j;
		if ((j != naive(clits, lens, ids, n, all[i], strlen(all[i]),
		    s2) || memcmp(s1, s2, len) != 0) && bad++ == 0)
			diag("text %zu: the scan differs", i);
	}
	ok(bad == 0, "%zu literals over %zu texts: as a naive search "
	    "(%zu hits)", n, nall, hits);
	for (i = 0; i < n; i++)
		free(clits[i]);
	free(clits);
	free(ids);
	free(lens);
	free(s1);
	free(s2);
	rules_ac_free(ac);
}

static void
test_ac_edges(void)
{
	struct rules_ac	*ac;
	uint8_t		 seen[2];

	ac = rules_ac_new();
	rules_ac_build(ac);
	memset(seen, 0, sizeof seen);
	is_int(rules_ac_scan(ac, "abc", 3, seen), 0, "empty automaton");
	is_int(rules_ac_max_id(ac), 0, "empty automaton: max id 0");
	rules_ac_free(ac);
	rules_ac_free(NULL);

	ac = rules_ac_new();
	rules_ac_add(ac, "abc", 3, 3);
	rules_ac_add(ac, "bc", 2, 9);
	rules_ac_add(ac, "\xc3\xa4", 2, 9);
	rules_ac_build(ac);
	is_int(rules_ac_max_id(ac), 9, "max id");
	memset(seen, 0, sizeof seen);
	is_int(rules_ac_scan(ac, "xABC", 4, seen), 2, "ABC: both ids");
	ok(seen[0] == 0x08 && seen[1] == 0x02, "bits 3 and 9");
	is_int(rules_ac_scan(ac, "abc", 3, seen), 0, "nothing new");
	memset(seen, 0, sizeof seen);
	is_int(rules_ac_scan(ac, "\xc3\x84", 2, seen), 0,
	    "non-ASCII is not folded");
	is_int(rules_ac_scan(ac, "\xc3\xa4", 2, seen), 1, "exact bytes match");
	rules_ac_free(ac);
}

int
main(void)
{
	char	**folded;
	size_t	  i;

	for (i = 0; i < nitems(cases); i++) {
		if (cases[i].sample != NULL)
			add_variants(cases[i].sample);
	}
	for (i = 0; i < nitems(texts); i++)
		add_variants(texts[i]);
	add_corpus();
	diag("%zu texts", nall);
	folded = xcalloc(nall, sizeof *folded);
	for (i = 0; i < nall; i++)
		folded[i] = fold(all[i], strlen(all[i]));

	test_pcre2_assumptions();
	test_cases(folded);
	test_limits(folded);
	test_random_regexes();
	test_ac_edges();
	test_ac_random();
	test_ac_texts();

	for (i = 0; i < nall; i++) {
		free(all[i]);
		free(folded[i]);
	}
	free(folded);
	return (done_testing());
}
