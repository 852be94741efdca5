#!/usr/bin/python3
# helpq - tests/smtpsink.py: an SMTP sink for the tests (started by
# tests/servers.sh). Each accepted message goes into a Maildir, headed by
# X-Envelope-From, X-Envelope-To, X-Sink-TLS and X-Sink-Auth so tests can
# check the envelope and that STARTTLS/AUTH were really used.
#
#   smtpsink.py --port P --maildir DIR [--pidfile F] [--tls CERT KEY]
#       [--require-tls] [--smtps] [--auth USER:PASS]
#       [--fail CODE [--fail-at mail|rcpt|data] [--fail-times N]]
#
# --fail answers every DATA (or MAIL, or RCPT) with CODE, or only the first N
# times, for retry tests; each refusal adds a line to DIR/rejected.
# Ready when the pidfile exists. Stops on SIGTERM/SIGINT.
# aiosmtpd is Debian's python3-aiosmtpd: run with /usr/bin/python3.
import argparse
import os
import signal
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class MaildirHandler:
    def __init__(self, path, fail, fail_at, fail_times):
        self.path = path
        for d in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(path, d), exist_ok=True)
        # Continue the numbering of a sink that ran before on this port.
        self.seq = max([int(n.split(".")[0]) for sub in ("new", "cur")
                        for n in os.listdir(os.path.join(path, sub))
                        if n.split(".")[0].isdigit()] or [0])
        self.fail, self.fail_at, self.fail_times = fail, fail_at, fail_times
        self.failed = 0

    def refuse(self, stage, what):
        """The reply when this command is to fail, else None."""
        if not self.fail or self.fail_at != stage:
            return None
        if self.fail_times and self.failed >= self.fail_times:
            return None
        self.failed += 1
        with open(os.path.join(self.path, "rejected"), "a") as f:
            f.write("%d %s %s\n" % (self.fail, stage, what))
        if self.fail >= 500:
            return "%d 5.7.1 refused by the test sink" % self.fail
        return "%d 4.3.0 temporary failure from the test sink" % self.fail

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        r = self.refuse("mail", address)
        if r:
            return r
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        r = self.refuse("rcpt", address)
        if r:
            return r
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        r = self.refuse("data", envelope.mail_from)
        if r:
            return r
        # session.ssl is set by STARTTLS only; --smtps shows in the transport.
        tls = session.ssl is not None or \
            server.transport.get_extra_info("ssl_object") is not None
        head = ("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n"
                "X-Sink-TLS: %s\r\nX-Sink-Auth: %s\r\n") % (
            envelope.mail_from or "<>", ", ".join(envelope.rcpt_tos),
            "yes" if tls else "no",
            "yes" if session.authenticated else "no")
        data = (head.encode() + envelope.original_content).replace(b"\r\n", b"\n")
        # Names sort in arrival order; tmp/ then rename, as Maildir wants.
        self.seq += 1
        name = "%06d.%d.P%d.helpqsink" % (self.seq, int(time.time()), os.getpid())
        tmp = os.path.join(self.path, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.path, "new", name))
        return "250 OK stored"


def make_auth(user, pw):
    def auth(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        return AuthResult(success=(auth_data.login == user.encode() and
                                   auth_data.password == pw.encode()),
                          handled=False)
    return auth


ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--maildir", required=True)
ap.add_argument("--pidfile")
ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
ap.add_argument("--require-tls", action="store_true")
ap.add_argument("--smtps", action="store_true", help="implicit TLS (needs --tls)")
ap.add_argument("--auth", metavar="USER:PASS")
ap.add_argument("--fail", type=int, default=0, metavar="CODE")
ap.add_argument("--fail-at", choices=("mail", "rcpt", "data"), default="data")
ap.add_argument("--fail-times", type=int, default=0, metavar="N",
                help="fail only the first N times (0: always)")
a = ap.parse_args()
if a.fail and not 400 <= a.fail <= 599:
    ap.error("--fail CODE must be 4xx or 5xx")
if (a.require_tls or a.smtps) and not a.tls:
    ap.error("--require-tls and --smtps need --tls CERT KEY")

# AUTH only over TLS when TLS is offered, as real submission servers do.
kw = {"auth_require_tls": bool(a.tls), "enable_SMTPUTF8": True}
if a.tls:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*a.tls)
    if a.smtps:
        kw.update(ssl_context=ctx)
    else:
        kw.update(tls_context=ctx, require_starttls=a.require_tls)
if a.auth:
    u, p = a.auth.split(":", 1)
    kw.update(authenticator=make_auth(u, p), auth_required=True)

# Block the signals before Controller starts its thread, so sigwait gets them.
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
handler = MaildirHandler(a.maildir, a.fail, a.fail_at, a.fail_times)
c = Controller(handler, hostname=a.host, port=a.port, **kw)
c.start()  # raises (port in use) or returns once the port accepts
if a.pidfile:
    with open(a.pidfile + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(a.pidfile + ".tmp", a.pidfile)  # never seen half-written
signal.sigwait({signal.SIGTERM, signal.SIGINT})
c.stop()
if a.pidfile:
    os.unlink(a.pidfile)
