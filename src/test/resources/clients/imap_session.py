"""Reads and changes a mailbox with Python's imaplib: imap_session.py PORT MODE USER PASSWORD < message-to-append

MODE is plain, starttls or ssl. Logs in with AUTHENTICATE PLAIN (imaplib's LOGIN only takes ASCII),
lists the mailboxes, selects INBOX, fetches every message with BODY.PEEK[], appends stdin to Archive,
flags the first message and copies it to Trash. Prints one JSON object; exits non-zero on any error."""
import base64
import imaplib
import json
import ssl
import sys

port, mode, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
to_append = sys.stdin.buffer.read()
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
if mode == "ssl":
    m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=context, timeout=10)
else:
    m = imaplib.IMAP4("127.0.0.1", port, timeout=10)
    if mode == "starttls":
        m.starttls(ssl_context=context)


def check(result):
    typ, data = result
    if typ != "OK":
        sys.exit("IMAP error: %s %r" % (typ, data))
    return data


check(m.authenticate("PLAIN", lambda _: ("\0" + user + "\0" + password).encode("utf-8")))
out = {"capabilities": list(m.capabilities)}
out["list"] = [line.decode() for line in check(m.list())]
out["exists"] = int(check(m.select("INBOX"))[0])
uids = check(m.uid("SEARCH", None, "ALL"))[0].split()
messages = []
for uid in uids:
    data = check(m.uid("FETCH", uid, "(BODY.PEEK[] RFC822.SIZE FLAGS)"))
    messages.append(base64.b64encode(data[0][1]).decode())
out["messages"] = messages
out["append"] = check(m.append("Archive", "(\\Seen)", None, to_append))[0].decode()
out["store"] = [x.decode() for x in check(m.store("1", "+FLAGS", "(\\Flagged)"))]
out["copy"] = m.copy("1", "Trash")[1][0].decode()
out["search_unseen"] = check(m.search(None, "UNSEEN"))[0].decode()
m.select("Archive", readonly=True)
data = check(m.fetch("1", "(FLAGS BODY[])"))
out["archived"] = base64.b64encode(data[0][1]).decode()
out["archived_flags"] = data[0][0].decode()
m.close()
m.logout()
print(json.dumps(out))
