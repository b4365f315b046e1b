"""Python's smtplib as an SMTP client: EHLO, STARTTLS, EHLO again, then one message with the MAIL FROM
parameters given (REQUIRETLS; BODY=BINARYMIME goes in one BDAT chunk by hand, as smtplib has no BDAT).
Prints whether REQUIRETLS was offered before and after STARTTLS, then the reply to the message.

usage: smtp_send_tls.py PORT SENDER RCPT[,RCPT...] PARAM[,PARAM...]|- MESSAGE_FILE
"""
import smtplib
import ssl
import sys

port, sender, rcpts, params, path = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(","), sys.argv[4], sys.argv[5]
options = [] if params == "-" else params.split(",")
with open(path, "rb") as f:
    data = f.read()

# The test server's certificate is self-signed: this client checks the REQUIRETLS rules, not the certificate.
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE

with smtplib.SMTP("127.0.0.1", port, local_hostname="client.example", timeout=30) as s:
    s.ehlo()
    print("REQUIRETLS before STARTTLS:", s.has_extn("requiretls"))
    s.starttls(context=context)
    s.ehlo()
    print("REQUIRETLS after STARTTLS:", s.has_extn("requiretls"))
    if "BODY=BINARYMIME" in options:
        code, reply = s.mail(sender, options)
        if code != 250:
            sys.exit("MAIL refused: %d %s" % (code, reply.decode()))
        for r in rcpts:
            code, reply = s.rcpt(r)
            if code != 250:
                sys.exit("RCPT refused: %d %s" % (code, reply.decode()))
        s.send(b"BDAT %d LAST\r\n" % len(data) + data)
        code, reply = s.getreply()
    else:
        s.sendmail(sender, rcpts, data, mail_options=options)
        code, reply = 250, b"sent"
    print("message:", code, reply.decode())
    sys.exit(0 if code == 250 else 1)
