"""International mail with Python's own clients: smtplib sends with SMTPUTF8 (DATA) and with BDAT
written by hand (smtplib has no BDAT), imaplib reads after ENABLE UTF8=ACCEPT, poplib after UTF8.
Usage: intl_mail.py SMTP_PORT IMAP_PORT POP3_PORT ADDRESS PASSWORD. Prints what the server returned."""
import imaplib, poplib, smtplib, sys

smtp_port, imap_port, pop3_port, address, password = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
message = ("From: Señora <señora@correo.es>\r\nTo: José <" + address + ">\r\nSubject: Año nuevo\r\n\r\n¡Feliz año!\r\n").encode()

with smtplib.SMTP("127.0.0.1", smtp_port) as s:
    s.ehlo("cliente.example")
    assert s.has_extn("smtputf8") and s.has_extn("chunking"), s.esmtp_features
    s.sendmail("señora@correo.es", [address], message, mail_options=["SMTPUTF8"])
    s.mail("señora@correo.es", ["SMTPUTF8"])
    s.rcpt(address)
    half = len(message) // 2
    s.send(b"BDAT %d\r\n" % half + message[:half])
    print("BDAT", *s.getreply())
    s.send(b"BDAT %d LAST\r\n" % (len(message) - half) + message[half:])
    print("BDAT LAST", *s.getreply())

imap = imaplib.IMAP4("127.0.0.1", imap_port)
imap._encoding = "utf-8"  # imaplib quotes the login in ASCII otherwise
imap.login(address, password)
print("ENABLE", imap.enable("UTF8=ACCEPT")[0])
imap.select("INBOX")
for n in ("1", "2"):
    # After ENABLE the ENVELOPE holds the UTF-8 as it is (in literals, which imaplib splits into tuples).
    typ, data = imap.fetch(n, "(ENVELOPE)")
    envelope = b"".join(b"".join(p) if isinstance(p, tuple) else p for p in data).decode("utf-8")
    typ, data = imap.fetch(n, "(BODY.PEEK[])")
    print("IMAP", "señora" in envelope and "Año nuevo" in envelope, data[0][1].endswith(message))
imap.logout()

pop = poplib.POP3("127.0.0.1", pop3_port)
pop.encoding = "utf-8"
print("UTF8", pop.utf8())
pop.user(address)
pop.pass_(password)
for n in (1, 2):
    lines = pop.retr(n)[1]
    print("POP3", b"\r\n".join(lines).decode("utf-8").endswith(message.decode("utf-8").rstrip("\r\n")))
pop.quit()
