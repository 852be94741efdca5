/* helpq - test-message.c: unit tests for the message parser. */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "message.h"
#include "utf8.h"
#include "../../src/message_private.h"
#include "xmalloc.h"
#include "../tap.h"

static struct message *
parse(const char *s)
{
	struct message	*msg = NULL;
	char		*cause = NULL;

	if (message_parse(s, strlen(s), &msg, &cause) != 0) {
		diag("parse failed: %s", cause);
		free(cause);
		return (NULL);
	}
	return (msg);
}

static void
test_dates(void)
{
	static const struct {
		const char	*in;
		long long	 want;
	} t[] = {
		{ "Fri, 23 Aug 2002 12:01:02 -0700", 1030129262 },
		{ "23 Aug 2002 12:01 GMT", 1030104060 },
		{ "Fri, 23 Aug 02 12:01:00 EST", 1030122060 },
		{ "Fri, 23 Aug 2002 12:01:02 PDT", 1030129262 },
		{ "Sat, 2 Jan 1999 03:04:05 +0200 (EET)", 915239045 },
		{ "Wed 29 May 2019 06:09:22 PM EDT", 1559167762 },
		{ "Mon,  2 Apr 101 04:20:10 CST", 986206810 },
		{ "Fri Aug 23 12:01:02 2002", 1030104062 },
		{ "Fri, 23 Aug 2002 12:01:02 +0000 (UTC)", 1030104062 },
		{ "23 Aug 2002", 1030060800 },
		{ "Wed, 15 Dec 2010    59:10 -0500", 1292389200 },
		{ "Fri, 23 Aug 2002 12:00:00 +05:30", 1030084200 },
		{ "Tue, 029 Apr 2019 23:34:45 -0800 (PST)", 1556609685 },
		{ "2002-08-23 12:01:02", 1030104062 },
		{ "Thu, 29 Feb 2024 10:00:00 UT", 1709200800 },
		{ "Thu, 23 Aug 0102 12:01:02 +0000", 1030104062 },
		{ "Fri, 30 Feb 2002 12:00:00 +0000", 0 },
		{ "", 0 },
		{ "garbage", 0 },
		{ "Mon, 32 Foo 2002", 0 },
	};
	size_t	i;

	for (i = 0; i < nitems(t); i++)
		is_int(message_parse_date(t[i].in), t[i].want, "date '%s'",
		    t[i].in);
	is_int(message_parse_date(NULL), 0, "date NULL");
}

static void
test_charsets(void)
{
	static const struct {
		const char	*cs;
		const char	*in;
		const char	*want;
		size_t		 len;		/* 0: strlen(in) */
	} t[] = {
		{ "iso-8859-1", "caf\xe9", "caf\xc3\xa9", 0 },
		{ "ISO-8859-1", "\x93q\x94", "\xe2\x80\x9cq\xe2\x80\x9d", 0 },
		{ "latin1", "gr\xfc\xdf", "gr\xc3\xbc\xc3\x9f", 0 },
		{ "windows-1252", "\x80 \x81", "\xe2\x82\xac \xef\xbf\xbd", 0 },
		{ "cp1252", "\x85", "\xe2\x80\xa6", 0 },
		{ "utf-8", "\xc3\xbc", "\xc3\xbc", 0 },
		{ "utf8", "\xc3\xbc", "\xc3\xbc", 0 },
		{ "UTF-8", "bad \xfc ok \xc3\xbc", "bad \xc3\xbc ok \xc3\xbc", 0 },
		{ "us-ascii", "plain", "plain", 0 },
		{ "us-ascii", "8bit \xe9", "8bit \xc3\xa9", 0 },
		{ "x-unknown", "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9", 0 },
		{ "x-unknown", "\xe9t\xe9", "\xc3\xa9t\xc3\xa9", 0 },
		{ "no-such-charset", "\xe9", "\xc3\xa9", 0 },
		{ NULL, "\xe9", "\xc3\xa9", 0 },
		{ "\"iso-8859-1\"", "\xe9", "\xc3\xa9", 0 },
		{ "iso-8859-1", "\xc3\xa9 lying", "\xc3\xa9 lying", 0 },
		{ "iso-8859-7", "\xe1\xe2\xe3 \xc1\xd9",
		    "\xce\xb1\xce\xb2\xce\xb3 \xce\x91\xce\xa9", 0 },
		{ "windows-1253", "\xe1", "\xce\xb1", 0 },
		{ "iso-8859-2", "\xb1", "\xc4\x85", 0 },
		{ "iso-8859-15", "\xa4", "\xe2\x82\xac", 0 },
		{ "windows-1250", "\x9a", "\xc5\xa1", 0 },
		{ "koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4",
		    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", 0 },
		{ "gb2312", "\xc4\xe3\xba\xc3", "\xe4\xbd\xa0\xe5\xa5\xbd", 0 },
		{ "shift_jis", "\x82\xa0", "\xe3\x81\x82", 0 },
		{ "iso-2022-jp", "\x1b$B$\"\x1b(B", "\xe3\x81\x82", 0 },
		{ "unicode-1-1-utf-7", "+AOk-", "\xc3\xa9", 0 },
		{ "utf-7", "a+AOk-b", "a\xc3\xa9" "b", 0 },
		{ "koi8-r", "\xf0\x00x", "\xd0\x9f\xef\xbf\xbdx", 3 },
		{ "utf-8", "nul\x00", "nul\xef\xbf\xbd", 4 },
	};
	size_t	i, len, outlen;
	char	*out;

	for (i = 0; i < nitems(t); i++) {
		len = t[i].len != 0 ? t[i].len : strlen(t[i].in);
		out = message_to_utf8(t[i].cs, t[i].in, len, &outlen);
		is_str(out, t[i].want, "charset %s: %zu bytes",
		    t[i].cs ? t[i].cs : "(null)", len);
		ok(utf8_valid(out, outlen) && outlen == strlen(out),
		    "charset %s: valid UTF-8, length right",
		    t[i].cs ? t[i].cs : "(null)");
		free(out);
	}
	/* Every byte of an unknown charset converts to something. */
	{
		char	all[256];

		for (i = 0; i < 256; i++)
			all[i] = (char)i;
		out = message_to_utf8("x-bogus", all, 256, &outlen);
		ok(utf8_valid(out, outlen) && outlen == strlen(out) &&
		    outlen > 256, "all 256 bytes convert (%zu bytes)", outlen);
		free(out);
		out = message_to_utf8("shift_jis", all, 256, &outlen);
		ok(utf8_valid(out, outlen) && outlen == strlen(out),
		    "garbage in shift_jis still valid UTF-8");
		free(out);
	}
}

static void
test_headers(void)
{
	struct message	*m;

	m = parse("From nobody Mon Sep  2 13:00:00 2002\n"
	    "Message-ID: <ABC@Example.COM>\n"
	    "In-Reply-To: Your message of Monday <parent@x> (sent)\n"
	    "References: <a@x> junk\n <b@x>,<c@x>\n"
	    "From: =?iso-8859-1?q?J=FCrgen_M=FCller?= <Juergen@Example.DE>\n"
	    "To: \"Doe, John\" <john@doe.com>, jane@DOE.com (Jane Doe),\n"
	    "  undisclosed-recipients:;\n"
	    "Cc: Team: a@b.c, \"X Y\" <d@e.f>;, Broken <g@h.i\n"
	    "Reply-To: <reply@x.org>\n"
	    "Subject: =?utf-8?B?w6l0w6k=?= =?utf-8?Q?_d=C3=A9j=C3=A0?=\n"
	    "  and more\n"
	    "Date: Fri, 23 Aug 2002 12:01:02 -0700\n"
	    "Auto-Submitted: auto-replied\n"
	    "Precedence: bulk\n"
	    "List-Id: Support <support.example.com>\n"
	    "Return-Path: <>\n"
	    "Content-Language: de-DE\n"
	    "X-Odd: =?bogus?x?abc?= plain =?utf-8?b?!!!?=\n"
	    "\n"
	    "Hello.\n");
	if (m == NULL) {
		ok(0, "header message parses");
		return;
	}
	is_str(m->message_id, "ABC@Example.COM", "message-id without <>");
	is_str(m->in_reply_to, "parent@x", "in-reply-to amid junk");
	is_int(m->nreferences, 3, "three references");
	if (m->nreferences == 3) {
		is_str(m->references[0], "a@x", "references[0]");
		is_str(m->references[2], "c@x", "references[2]");
	}
	is_int(m->from.n, 1, "one from");
	if (m->from.n == 1) {
		is_str(m->from.v[0].name, "J\xc3\xbcrgen M\xc3\xbcller",
		    "from name decoded");
		is_str(m->from.v[0].addr, "juergen@example.de",
		    "from addr lower-cased");
	}
	is_int(m->to.n, 2, "two to (empty group dropped)");
	if (m->to.n == 2) {
		is_str(m->to.v[0].name, "Doe, John", "quoted name with comma");
		is_str(m->to.v[1].addr, "jane@doe.com", "second to");
		is_str(m->to.v[1].name, "Jane Doe", "name from comment");
	}
	is_int(m->cc.n, 3, "cc: group members and broken bracket");
	if (m->cc.n == 3) {
		is_str(m->cc.v[0].addr, "a@b.c", "cc group member");
		is_str(m->cc.v[1].name, "X Y", "cc group quoted name");
		is_str(m->cc.v[2].addr, "g@h.i", "cc unterminated <");
	}
	is_int(m->reply_to.n, 1, "reply-to");
	is_str(m->subject, "\xc3\xa9t\xc3\xa9 d\xc3\xa9j\xc3\xa0 and more",
	    "subject: adjacent words joined, folded");
	is_int(m->date, 1030129262, "date");
	is_str(m->auto_submitted, "auto-replied", "auto-submitted");
	is_str(m->precedence, "bulk", "precedence");
	is_str(m->list_id, "Support <support.example.com>", "list-id");
	is_str(m->return_path, "", "return-path <> is empty");
	is_str(m->content_language, "de-DE", "content-language");
	is_str(message_header(m, "x-odd"),
	    "=?bogus?x?abc?= plain =?utf-8?b?!!!?=", "malformed words kept");
	is_str(message_header(m, "SUBJECT"), m->subject, "message_header");
	ok(message_header(m, "X-None") == NULL, "missing header is NULL");
	is_int(m->nheaders, 15, "all fields kept, From_ line skipped");
	if (m->nheaders > 0)
		is_str(m->headers[0].name, "Message-ID", "first field name");
	is_str(m->text, "Hello.\n", "body");
	message_free(m);

	/* Split UTF-8 across B words, raw Latin-1, unknown charset word. */
	m = parse("Subject: =?UTF-8?B?4oI=?= =?UTF-8?B?rA==?= x\n"
	    "From: J\xfcrgen <j@x.de>\n"
	    "To: =?x-unknown?q?caf=E9?= <c@x>\n\nbody\n");
	if (m != NULL) {
		is_str(m->subject, "\xe2\x82\xac x",
		    "character split over words");
		is_str(m->from.n ? m->from.v[0].name : NULL,
		    "J\xc3\xbcrgen", "raw latin-1 name");
		is_str(m->to.n ? m->to.v[0].name : NULL, "caf\xc3\xa9",
		    "x-unknown word");
		message_free(m);
	}

	/* Raw 8-bit header in the message's charset (old mailers). */
	m = parse("Subject: \xf0\xd2\xc9\xd7\xc5\xd4\n"
	    "Content-Type: text/plain; charset=koi8-r\n\n"
	    "\xf0\xd2\xc9\xd7\xc5\xd4\n");
	if (m != NULL) {
		is_str(m->subject,
		    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
		    "raw koi8-r subject");
		is_str(m->text,
		    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\n",
		    "koi8-r body");
		message_free(m);
	}

	m = parse("From: MAILER-DAEMON <>\nReturn-Path: <Bounce@X.org>\n"
	    "To: Big Bug bb@bug.com\nCc: MAILER-DAEMON\n\n");
	if (m != NULL) {
		is_int(m->from.n, 1, "from with <> kept");
		is_str(m->from.n ? m->from.v[0].addr : NULL, "",
		    "empty address");
		is_str(m->return_path, "bounce@x.org", "return-path");
		is_str(m->to.n ? m->to.v[0].addr : NULL, "bb@bug.com",
		    "address without brackets");
		is_str(m->to.n ? m->to.v[0].name : NULL, "Big Bug",
		    "name before bare address");
		is_str(m->cc.n ? m->cc.v[0].addr : NULL, "mailer-daemon",
		    "bare local part");
		is_str(m->subject, "", "absent subject is empty");
		is_int(m->date, 0, "absent date is 0");
		ok(m->message_id == NULL, "absent message-id is NULL");
		message_free(m);
	}
}

/*
 * glibc's ISO-2022-CN-EXT decoder reports EILSEQ for a lone SO (0x0e)
 * having consumed it: the converter must not step past the end of its
 * input (it did, and then asked for ~2^64 bytes).
 */
static void
test_iconv_eilseq_at_end(void)
{
	static const char *const in[] = {
		"\x0e", "a\x0e", "\x0e\x0e", "\x1b$A\x0e", "\x0e\x1b",
	};
	struct message	*m;
	struct buf	 b;
	size_t		 i;

	for (i = 0; i < nitems(in); i++) {
		buf_init(&b);
		if (message_iconv_append(&b, "ISO-2022-CN-EXT", in[i],
		    strlen(in[i])) != 0) {
			ok(0, "iconv knows ISO-2022-CN-EXT");
			continue;
		}
		ok(utf8_valid(buf_cstr(&b), b.len) &&
		    strlen(buf_cstr(&b)) == b.len && b.len <= 3 * strlen(in[i]) + 3,
		    "ISO-2022-CN-EXT, input %zu: %zu bytes of UTF-8", i, b.len);
		buf_free(&b);
	}
	m = parse("From: <a@example.net>\nSubject: =?ISO-2022-CN-EXT?B?Dg==?="
	    "\n\nhi\n");
	ok(m != NULL && utf8_valid(m->subject, strlen(m->subject)),
	    "ISO-2022-CN-EXT subject of one SO parses");
	message_free(m);
	m = parse("From: <a@example.net>\nSubject: body\nContent-Type: "
	    "text/plain; charset=ISO-2022-CN-EXT\n\n\x0e");
	ok(m != NULL && utf8_valid(m->text, m->textlen),
	    "ISO-2022-CN-EXT body of one SO parses");
	message_free(m);
}

/*
 * Encoded words can carry CR, LF and other controls: subjects and display
 * names keep them as one line of text (CR/LF/TAB as spaces, the rest
 * dropped), whether they came encoded or raw.
 */
static void
test_header_controls(void)
{
	static const struct {
		const char	*subject, *want;
	} t[] = {
		{ "=?UTF-8?Q?a=0D=0Ab?=", "a  b" },
		{ "=?UTF-8?Q?Re:=0ABcc:_x@evil.example?=",
		    "Re: Bcc: x@evil.example" },
		{ "=?ISO-8859-1?Q?tab=09and=0Dcr?=", "tab and cr" },
		{ "=?UTF-8?Q?=1B]0;title=07x=1B[31mred?=", "]0;titlex[31mred" },
		{ "=?UTF-8?Q?del=7F_nul=00_end?=", "del nul\xef\xbf\xbd end" },
		{ "=?UTF-8?Q?c1=C2=85nel=C2=9Bcsi=C2=A0nbsp?=",
		    "c1nelcsi\xc2\xa0nbsp" },
		{ "=?windows-1252?Q?=85ok?=", "\xe2\x80\xa6ok" },
		{ "raw \x1b[2Jesc\x07" "bel", "raw [2Jescbel" },
		{ "=?UTF-16BE?B?AAoAYQAN?=", " a " },
		{ "plain", "plain" },
	};
	struct message	*m;
	char		*raw;
	size_t		 i;

	for (i = 0; i < nitems(t); i++) {
		raw = xprintf("From: <a@example.net>\nSubject: %s\n\nx\n",
		    t[i].subject);
		m = parse(raw);
		is_str(m != NULL ? m->subject : NULL, t[i].want,
		    "subject controls %zu", i);
		if (m != NULL)
			is_str(message_header(m, "Subject"), t[i].want,
			    "header value controls %zu", i);
		message_free(m);
		free(raw);
	}
	m = parse("From: =?UTF-8?Q?Anna=0D=0ABcc:_x=1B[1m?= <a@example.net>\n"
	    "Subject: s\n\nx\n");
	ok(m != NULL && m->from.n == 1 && m->from.v[0].name != NULL &&
	    strcmp(m->from.v[0].name, "Anna Bcc: x[1m") == 0,
	    "display name: encoded CR/LF become one space, ESC is dropped");
	if (m != NULL && m->from.n == 1)
		diag("name: '%s'", m->from.v[0].name ? m->from.v[0].name : "");
	message_free(m);
}

/* A byte order mark before the first header (Windows editors). */
static void
test_bom(void)
{
	struct message	*m;

	m = parse("\xef\xbb\xbf" "From: <abuse@example.com>\r\n"
	    "Subject: FW: Earn money\r\n"
	    "Content-Type: multipart/report; report-type=feedback-report;\r\n"
	    "  boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
	    "An abuse report.\r\n--b--\r\n");
	if (m == NULL) {
		ok(0, "BOM message parses");
		return;
	}
	is_str(m->subject, "FW: Earn money", "BOM: headers are read");
	ok(m->from.n == 1 && strcmp(m->from.v[0].addr, "abuse@example.com") ==
	    0, "BOM: the first header is not lost");
	ok(strstr(m->text, "An abuse report.") != NULL, "BOM: body found");
	message_free(m);
}

static void
test_structure(void)
{
	struct message	*m;
	char		*cause = NULL;

	ok(message_parse("", 0, &m, &cause) == -1 && cause != NULL,
	    "empty input fails");
	free(cause);
	cause = NULL;
	ok(message_parse("From x\n", 7, &m, &cause) == -1,
	    "only a From_ line fails");
	free(cause);

	m = parse("just some text, no header\nsecond line\n");
	if (m != NULL) {
		is_str(m->text, "just some text, no header\nsecond line\n",
		    "no header: all body");
		is_int(m->nheaders, 0, "no header fields");
		message_free(m);
	}

	m = parse("Subject: crlf\r\nContent-Type: text/plain\r\n\r\n"
	    "line one\r\nline two\r\n");
	if (m != NULL) {
		is_str(m->subject, "crlf", "CRLF subject");
		is_str(m->text, "line one\nline two\n", "CRLF body to LF");
		ok(strlen(m->hash) == 64, "hash is 64 hex digits");
		is_int(m->size, 63, "raw size");
		message_free(m);
	}

	m = parse("Subject: qp\nContent-Type: text/plain; charset=iso-8859-1\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "Gr=FC=DFe, 50% off =3D great =\nsoft break = stray\n");
	if (m != NULL) {
		is_str(m->text, "Gr\xc3\xbc\xc3\x9f" "e, 50% off = great "
		    "soft break = stray\n", "quoted-printable, stray = kept");
		message_free(m);
	}

	m = parse("Content-Type: multipart/alternative; boundary=\"b1\"\n\n"
	    "preamble\n--b1\nContent-Type: text/plain; charset=utf-8\n\n"
	    "plain version\n--b1\nContent-Type: text/html\n\n"
	    "<p>html version</p>\n--b1--\nepilogue\n");
	if (m != NULL) {
		is_str(m->text, "plain version", "alternative: plain chosen");
		is_int(m->text_from_html, 0, "not from html");
		is_int(m->nattachments, 0, "no attachments");
		message_free(m);
	}

	m = parse("Content-Type: multipart/alternative; boundary=b1\n\n"
	    "--b1\nContent-Type: text/plain\n\n \n--b1\n"
	    "Content-Type: text/html; charset=iso-8859-1\n\n"
	    "<html><head><title>T</title><style>p{}</style></head><body>"
	    "<p>Caf\xe9 &amp; cr&egrave;me</p><ul><li>one</li><li>two</li>"
	    "</ul><script>alert(1)</script>"
	    "<a href=\"https://x.org/a\">link</a> "
	    "<a href=\"https://y.org\">https://y.org</a><br>end"
	    "</body></html>\n--b1--\n");
	if (m != NULL) {
		is_str(m->text, "Caf\xc3\xa9 & cr\xc3\xa8me\n\n- one\n- two\n"
		    "link <https://x.org/a> https://y.org\nend\n",
		    "alternative: empty plain, html used");
		is_int(m->text_from_html, 1, "text from html");
		message_free(m);
	}

	m = parse("Content-Type: multipart/mixed; boundary=\"=_x\"\n\n"
	    "--=_x\nContent-Type: text/plain\n\nfirst\n"
	    "--=_x\nContent-Type: application/pdf; name=\"r.pdf\"\n"
	    "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
	    "--=_x\nContent-Type: text/plain\n"
	    "Content-Disposition: attachment;\n"
	    " filename*0*=utf-8''%C3%A9t;\n filename*1*=%C3%A9.txt\n\nnot body\n"
	    "--=_x\nContent-Type: text/plain; format=flowed\n\n"
	    "second par \nagain\n> quoted \n> more\n"
	    "--=_x\nContent-Type: text/plain; format=Flowed; DelSp=Yes\n\n"
	    "dels \np\n-- \nsig\n"
	    "--=_x\nContent-Type: message/rfc822\n\n"
	    "Subject: Inner =?utf-8?q?s=C3=BCbj?=\n\ninner text\n"
	    "--=_x\nContent-Type: image/png\n"
	    "Content-Disposition: inline; filename=\"=?utf-8?B?w6Quc"
	    "G5n?=\"\n\nxx\n"
	    "--=_x--\n");
	if (m != NULL) {
		is_str(m->text, "first\n\nsecond par again\n> quoted more"
		    "\n\ndelsp\n-- \nsig",
		    "mixed: inline texts in order, flowed undone");
		is_int(m->nattachments, 4, "four attachments");
		if (m->nattachments == 4) {
			is_str(m->attachments[0].type, "application/pdf",
			    "pdf type");
			is_str(m->attachments[0].filename, "r.pdf",
			    "pdf name");
			is_int(m->attachments[0].size, 9, "pdf decoded size");
			is_str(m->attachments[1].filename,
			    "\xc3\xa9t\xc3\xa9.txt", "RFC 2231 continuation");
			is_str(m->attachments[2].type, "message/rfc822",
			    "rfc822 type");
			is_str(m->attachments[2].filename,
			    "Inner s\xc3\xbc" "bj.eml", "rfc822 named");
			is_str(m->attachments[3].filename,
			    "\xc3\xa4.png", "RFC 2047 in a quoted name");
		}
		message_free(m);
	}

	/* Forwarded as an attachment with no text of its own. */
	m = parse("Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: message/rfc822\n\n"
	    "Subject: fw\nContent-Type: text/plain\n\nthe real text\n"
	    "--b--\n");
	if (m != NULL) {
		is_str(m->text, "the real text", "inner message text used");
		is_int(m->nattachments, 1, "rfc822 listed");
		message_free(m);
	}

	/* Unterminated multipart, no closing delimiter. */
	m = parse("Content-Type: multipart/mixed; boundary=zz\n\n"
	    "--zz\n\npart one\n--zz\nContent-Type: text/plain\n\n"
	    "part two, cut");
	if (m != NULL) {
		is_str(m->text, "part one\n\npart two, cut",
		    "unterminated multipart");
		message_free(m);
	}

	/* Multipart with a boundary that never occurs: the text stays. */
	m = parse("Content-Type: multipart/mixed; boundary=nope\n\n"
	    "text that is not in parts\n");
	if (m != NULL) {
		is_str(m->text, "text that is not in parts\n",
		    "missing boundary: body kept");
		message_free(m);
	}

	m = parse("Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "w6l0w6kK\n");
	if (m != NULL) {
		is_str(m->text, "\xc3\xa9t\xc3\xa9\n", "base64 text");
		message_free(m);
	}

	m = parse("Content-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename=data.bin\n\n"
	    "12345");
	if (m != NULL) {
		is_str(m->text, "", "single attachment: no text");
		is_int(m->nattachments, 1, "single attachment listed");
		is_int(m->nattachments ? m->attachments[0].size : 0, 5,
		    "size");
		message_free(m);
	}
}

static void
test_limits(void)
{
	struct message	*m;
	struct buf	 b;
	char		*cause;
	int		 i;

	/* Deeper than the nesting limit. */
	buf_init(&b);
	buf_adds(&b, "Subject: deep\n");
	for (i = 0; i < 200; i++)
		buf_addf(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n"
		    "--b%d\n", i, i);
	buf_adds(&b, "Content-Type: text/plain\n\ndeep text\n");
	ok(message_parse(b.data, b.len, &m, &cause) == 0, "deep parses");
	if (m != NULL) {
		ok(m->limits & MESSAGE_LIMIT_DEPTH, "depth limit reported");
		message_free(m);
	}
	buf_free(&b);

	/* Too many parts. */
	buf_init(&b);
	buf_adds(&b, "Content-Type: multipart/mixed; boundary=b\n\n");
	for (i = 0; i < 12000; i++)
		buf_adds(&b, "--b\nContent-Type: image/gif\n\nx\n");
	buf_adds(&b, "--b--\n");
	ok(message_parse(b.data, b.len, &m, &cause) == 0, "many parts parse");
	if (m != NULL) {
		ok(m->limits & MESSAGE_LIMIT_PARTS, "part limit reported");
		ok(m->nattachments < 10000 && m->nattachments > 9000,
		    "parts listed up to the limit (%zu)", m->nattachments);
		message_free(m);
	}
	buf_free(&b);

	/* Text longer than MESSAGE_TEXT_MAX, with multi-byte characters. */
	buf_init(&b);
	buf_adds(&b, "Content-Type: text/plain; charset=utf-8\n\n");
	while (b.len < MESSAGE_TEXT_MAX + 100)
		buf_adds(&b, "\xc3\xa9\xe2\x82\xac");
	ok(message_parse(b.data, b.len, &m, &cause) == 0, "long text parses");
	if (m != NULL) {
		ok(m->text_truncated, "text truncated");
		ok(m->textlen <= MESSAGE_TEXT_MAX &&
		    utf8_valid(m->text, m->textlen),
		    "cut at a character boundary (%zu)", m->textlen);
		message_free(m);
	}
	buf_free(&b);

	/* NUL bytes in a header. */
	{
		static const char nul[] = "Subject: a\0b\nX-N\0ul: y\n\nbody";

		ok(message_parse(nul, sizeof nul - 1, &m, &cause) == 0,
		    "NUL in header parses");
		if (m != NULL) {
			is_str(m->subject, "a\xef\xbf\xbd" "b",
			    "NUL becomes U+FFFD");
			message_free(m);
		}
	}
}

/* A content type is ASCII: a type with other bytes is malformed, so no
 * attachment's type breaks message.h's promise of valid UTF-8 (found by
 * fuzz-message: "tex\xe6t/plain" was listed as the type). */
static void
test_type_bytes(void)
{
	struct message	*m;
	size_t		 i;

	m = parse("Content-Type: tex\xe6t/plain\n"
	    "Content-Disposition: attachment\n\nbody\n");
	if (m == NULL)
		return;
	for (i = 0; i < m->nattachments; i++)
		ok(utf8_valid(m->attachments[i].type,
		    strlen(m->attachments[i].type)),
		    "attachment type %zu is valid UTF-8", i);
	is_int(m->nattachments, 1, "still listed as an attachment");
	if (m->nattachments == 1)
		is_str(m->attachments[0].type, "text/plain",
		    "a malformed type is text/plain");
	message_free(m);
}

/*
 * fuzz-address found "=?\x9c?\0?\b...?=" read as one encoded word: the
 * encoding letter was looked up with strchr(), which matches the NUL,
 * and the encoded text took a control character along. Both make it an
 * ordinary atom, which a control character keeps out of any address.
 */
#define BYTES(s)	{ s, sizeof s - 1 }
static void
test_addr_word_bytes(void)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} t[] = {
		BYTES("=?\x9c?\0?\b\xf3\x9c<?="),	/* the fuzz input */
		BYTES("=?utf-8?q?a\bb?="),
		BYTES("=?utf-8?\0?ab\b?="),
		BYTES("=?utf-\x01" "8?q?ab?="),
	};
	struct msg_addrs	 as;
	size_t			 i, j;

	for (i = 0; i < nitems(t); i++) {
		memset(&as, 0, sizeof as);
		message_addr_parse(&as, t[i].s, t[i].len, NULL);
		is_int(as.n, 0, "case %zu: a control character, no mailbox",
		    i);
		for (j = 0; j < as.n; j++) {
			free(as.v[j].name);
			free(as.v[j].addr);
		}
		free(as.v);
	}
}

int
main(void)
{
	test_dates();
	test_charsets();
	test_headers();
	test_iconv_eilseq_at_end();
	test_header_controls();
	test_bom();
	test_structure();
	test_limits();
	test_type_bytes();
	test_addr_word_bytes();
	return (done_testing());
}
