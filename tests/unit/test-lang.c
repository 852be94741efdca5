/*
 * helpq - test-lang.c: the customer's language through libexttextcat's
 * real models: Content-Language first, then the text's start with quotes
 * and signature cut.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "message.h"
#include "xmalloc.h"
#include "../tap.h"

static const char *const codes[] = {
	"en", "de", "el", "fr", "es", "it", "nl", "pt", "pl", "tr"
};

/* Parse a message made of headers and a body (LF line ends). */
static struct message *
mk(const char *headers, const char *body)
{
	struct message	*m = NULL;
	char		*raw, *why = NULL;

	raw = xprintf("From: a@example.net\nTo: support@example.com\n"
	    "Subject: x\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n%s\n%s", headers, body);
	if (message_parse(raw, strlen(raw), &m, &why) != 0) {
		diag("parse: %s", why);
		free(why);
	}
	free(raw);
	return (m);
}

static const char *
ident(struct lang *l, const char *headers, const char *body)
{
	struct message	*m = mk(headers, body);
	const char	*r;

	r = m != NULL ? lang_detect(l, m) : "(unparsed)";
	message_free(m);
	return (r != NULL ? r : "(none)");
}

static const char de[] =
    "Guten Tag,\n\nich habe letzte Woche eine Bestellung aufgegeben und bis "
    "heute keine Versandbestätigung erhalten. Können Sie mir bitte sagen, "
    "wann das Paket bei mir ankommt? Die Rechnung habe ich schon bezahlt.\n\n"
    "Mit freundlichen Grüßen\nHans Müller\n";
static const char el[] =
    "Καλησπέρα σας,\n\nπαρήγγειλα την περασμένη εβδομάδα και δεν έχω λάβει "
    "ακόμα κανένα μήνυμα για την αποστολή. Μπορείτε να μου πείτε πότε θα "
    "φτάσει το δέμα;\n\nΕυχαριστώ πολύ,\nΜαρία\n";
static const char en[] =
    "Hello,\n\nI placed an order last week and I have not received any "
    "shipping confirmation yet. Could you please tell me when the parcel "
    "will arrive? I have already paid the invoice.\n\nThanks,\nJohn\n";
static const char fr[] =
    "Bonjour,\n\nj'ai passé une commande la semaine dernière et je n'ai "
    "toujours pas reçu de confirmation d'expédition. Pourriez-vous me dire "
    "quand le colis arrivera ? J'ai déjà payé la facture.\n\nCordialement,\n"
    "Marie\n";

int
main(void)
{
	struct lang	*l;
	char		*cause = NULL, *body;

	l = lang_new(codes, nitems(codes), NULL, &cause);
	if (!ok(l != NULL, "the models load")) {
		diag("%s", cause);
		return (done_testing());
	}
	is_str(ident(l, "", de), "de", "German text");
	is_str(ident(l, "", el), "el", "Greek text");
	is_str(ident(l, "", en), "en", "English text");
	is_str(ident(l, "", fr), "fr", "French text");
	is_str(ident(l, "", "Danke!\n"), "(none)", "too short to say");
	is_str(ident(l, "Content-Language: de-AT\n", en), "de",
	    "Content-Language wins over the text");
	is_str(ident(l, "Content-Language: ja\n", en), "en",
	    "a Content-Language not configured: the text decides");

	/* An English answer under the German question it quotes. */
	body = xprintf("> Guten Tag, ich habe letzte Woche eine Bestellung\n"
	    "> aufgegeben und bis heute keine Versandbestätigung erhalten.\n"
	    "> Können Sie mir bitte sagen, wann das Paket ankommt?\n"
	    "> Mit freundlichen Grüßen, Hans Müller\n\n%s", en);
	is_str(ident(l, "", body), "en", "quoted lines do not count");
	free(body);
	body = xprintf("Thanks, that helps a lot, I will wait for the parcel "
	    "then.\n-- \n%s", de);
	is_str(ident(l, "", body), "en", "nor does the signature");
	free(body);

	is_str(lang_code(l, "de-CH"), "de", "a region tag names its language");
	is_str(lang_code(l, "el_GR"), "el", "so does a locale name");
	ok(lang_code(l, "ru") == NULL, "a language not configured: none");
	ok(lang_code(l, NULL) == NULL, "no tag: none");

	lang_free(l);
	return (done_testing());
}
