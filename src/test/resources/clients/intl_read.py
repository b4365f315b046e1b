"""Reads the one message of ADDRESS with Python's own clients: imaplib after ENABLE UTF8=ACCEPT (RFC 6855),
poplib after UTF8 (RFC 6856). Usage: intl_read.py IMAP_PORT POP3_PORT ADDRESS PASSWORD. Prints the
ENVELOPE on one line, then the message as each protocol gave it, in base64."""
import base64, imaplib, poplib, sys

imap_port, pop3_port, address, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]

imap = imaplib.IMAP4("127.0.0.1", imap_port)
imap._encoding = "utf-8"  # imaplib quotes the login in ASCII otherwise
imap.login(address, password)
print("ENABLE", imap.enable("UTF8=ACCEPT")[0])
imap.select("INBOX")
typ, data = imap.fetch("1", "(ENVELOPE)")
# After ENABLE the ENVELOPE holds the UTF-8 as it is (in literals, which imaplib splits into tuples).
print("ENVELOPE", b"".join(b"".join(p) if isinstance(p, tuple) else p for p in data).decode("utf-8").replace("\r\n", " "))
typ, data = imap.fetch("1", "(BODY.PEEK[])")
print("IMAP", base64.b64encode(data[0][1]).decode())
imap.logout()

pop = poplib.POP3("127.0.0.1", pop3_port)
pop.encoding = "utf-8"
print("UTF8", pop.utf8())
pop.user(address)
pop.pass_(password)
print("POP3", base64.b64encode(b"\r\n".join(pop.retr(1)[1]) + b"\r\n").decode())
pop.quit()
