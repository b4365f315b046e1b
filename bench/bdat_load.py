"""BDAT vs DATA: sends COUNT messages of SIZE octets over SESSIONS parallel sessions to one account,
with DATA (dot-stuffed once, by hand) or with BDAT chunks (RFC 3030, written by hand: smtplib has no
BDAT), and prints messages/second. Usage: bdat_load.py PORT RCPT MODE(data|bdat) SIZE COUNT SESSIONS"""
import smtplib, sys, threading, time

port, rcpt, mode, size, count, sessions = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
CHUNK = 256 * 1024
line = b"x" * 76 + b"\r\n"
body = b"From: bench@bench.test\r\nTo: " + rcpt.encode() + b"\r\nSubject: bench\r\n\r\n"
body += line * max(1, (size - len(body)) // len(line))


def bdat(s):
    s.mail("bench@bench.test")
    s.rcpt(rcpt)
    for i in range(0, len(body), CHUNK):
        part = body[i:i + CHUNK]
        s.send(b"BDAT %d\r\n" % len(part) + part)
        code, _ = s.getreply()
        assert code == 250, code
    s.send(b"BDAT 0 LAST\r\n")
    code, msg = s.getreply()
    assert code == 250, (code, msg)


# DATA by hand too, dot-stuffed once here: smtplib.sendmail would stuff (and scan) every message again
# in Python, and the figure would measure the client, not DATA against BDAT on the server.
stuffed = body.replace(b"\r\n.", b"\r\n..") + b".\r\n"


def data(s):
    s.mail("bench@bench.test")
    s.rcpt(rcpt)
    code, _ = s.docmd("DATA")
    assert code == 354, code
    s.send(stuffed)
    code, msg = s.getreply()
    assert code == 250, (code, msg)


def worker(n):
    with smtplib.SMTP("127.0.0.1", port) as s:
        s.ehlo("bench.test")
        for _ in range(n):
            if mode == "bdat":
                bdat(s)
            else:
                data(s)


per = [count // sessions + (1 if i < count % sessions else 0) for i in range(sessions)]
threads = [threading.Thread(target=worker, args=(n,)) for n in per]
start = time.monotonic()
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.monotonic() - start
print(f"{mode} {len(body)} octets: {count} messages in {elapsed:.2f} s = {count / elapsed:.1f} msg/s")
