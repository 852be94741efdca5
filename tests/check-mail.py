#!/usr/bin/python3
# helpq - tests/check-mail.py: read mail helpq sent (a file the SMTP sink
# wrote) with Python's own email package in strict mode, an independent
# parser, and print what the tests check as JSON. Any defect the parser
# finds is an error (exit 1), so a malformed header never passes.
#
#   check-mail.py FILE
import email
import email.policy
import email.utils
import json
import sys

raw = open(sys.argv[1], "rb").read()
# The sink stores LF line ends; on the wire they were CRLF (the sink saw
# them and converted), so check line lengths here and parse as is.
lines = raw.split(b"\n")
head_end = lines.index(b"")
try:
    msg = email.message_from_bytes(raw, policy=email.policy.strict)
    out = {
        "headers": [k for k in msg.keys()],
        "envelope_from": str(msg["X-Envelope-From"]),
        "envelope_to": str(msg["X-Envelope-To"]),
        "from": [a.addr_spec for a in msg["From"].addresses],
        "from_name": [a.display_name for a in msg["From"].addresses],
        "to": [a.addr_spec for a in msg["To"].addresses],
        "to_name": [a.display_name for a in msg["To"].addresses],
        "cc": [a.addr_spec for a in msg["Cc"].addresses] if msg["Cc"] else [],
        "subject": str(msg["Subject"]),
        "message_id": str(msg["Message-ID"]),
        "in_reply_to": str(msg["In-Reply-To"]) if msg["In-Reply-To"] else None,
        "references": str(msg["References"]).split() if msg["References"] else [],
        "auto_submitted": str(msg["Auto-Submitted"]) if msg["Auto-Submitted"] else None,
        "content_language": str(msg["Content-Language"]) if msg["Content-Language"] else None,
        "date": email.utils.parsedate_to_datetime(str(msg["Date"])).timestamp(),
        "content_type": msg.get_content_type(),
        "charset": msg.get_content_charset(),
        "cte": str(msg["Content-Transfer-Encoding"]),
        "mime_version": str(msg["MIME-Version"]),
        "body": msg.get_content(),
        "defects": [str(d) for d in msg.defects],
        "header_max_line": max(len(l) for l in lines[:head_end]),
        "body_max_line": max([len(l) for l in lines[head_end + 1:]] or [0]),
        "raw_header": b"\n".join(lines[:head_end]).decode("ascii"),
    }
except Exception as e:  # a defect in strict mode, or a missing header
    print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}))
    sys.exit(1)
print(json.dumps(out, ensure_ascii=False))
