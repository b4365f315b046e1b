"""Offers recipients with Python's smtplib and sends no message: smtp_rcpt.py PORT FROM TO...

Prints one line per RCPT TO: the reply code, the recipient and the reply text, tab-separated; then RSET and QUIT.
Exits non-zero only if MAIL FROM is refused or the dialogue breaks."""
import smtplib
import sys

port, sender, recipients = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
client = smtplib.SMTP("127.0.0.1", port, timeout=10)
client.ehlo("python.example")
code, text = client.mail(sender)
if code != 250:
    sys.exit("MAIL refused: %d %s" % (code, text.decode()))
for rcpt in recipients:
    code, text = client.rcpt(rcpt)
    print(code, rcpt, text.decode(), sep="\t")
client.rset()
client.quit()
