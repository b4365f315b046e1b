"""Sends one message with Python's smtplib: smtp_send.py PORT MODE FROM TO [USER PASSWORD] < message

MODE is plain, starttls or ssl; with ssl (port 465, submission) it logs in as USER. Prints the server's reply to DATA; exits non-zero on any error."""
import base64
import smtplib
import ssl
import sys

port, mode, sender, rcpt = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
message = sys.stdin.buffer.read()
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
if mode == "ssl":
    client = smtplib.SMTP_SSL("127.0.0.1", port, context=context, timeout=10)
else:
    client = smtplib.SMTP("127.0.0.1", port, timeout=10)
client.ehlo("python.example")
if mode == "starttls":
    client.starttls(context=context)
    client.ehlo("python.example")
if mode == "ssl":
    # smtplib's login() insists on ASCII passwords; AUTH PLAIN carries UTF-8 (RFC 4616).
    token = base64.b64encode(("\0" + sys.argv[5] + "\0" + sys.argv[6]).encode("utf-8")).decode("ascii")
    code, text = client.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        sys.exit("AUTH failed: %d %s" % (code, text.decode()))
client.mail(sender)
client.rcpt(rcpt)
code, text = client.data(message)
print(code, text.decode())
client.quit()
sys.exit(0 if code == 250 else 1)
