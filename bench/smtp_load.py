#!/usr/bin/env python3
"""SMTP load for the mail-authentication benchmark: SESSIONS threads, each one session that sends its
share of MESSAGES copies of one message file, optionally after AUTH PLAIN (submission). Prints the
number sent, the seconds taken, and the median and 99th percentile in milliseconds of the time from
MAIL FROM to the 250 after the final dot; exits 1 if any message was not accepted."""
import smtplib
import sys
import threading
import time

host, port, sessions, messages, path, sender, rcpt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
login = sys.argv[8] if len(sys.argv) > 8 else ""
with open(path, "rb") as f:
    message = f.read()
failures = []
latencies = []


def run(n):
    s = smtplib.SMTP(host, port, local_hostname="bench-client.test", timeout=60)
    s.ehlo()
    if login:
        s.login(login, "bench-pw")
    for _ in range(n):
        try:
            start = time.monotonic()
            s.sendmail(sender, [rcpt], message)
            latencies.append(time.monotonic() - start)
        except smtplib.SMTPException as e:
            failures.append(str(e))
    s.quit()


threads = [threading.Thread(target=run, args=(messages // sessions + (1 if i < messages % sessions else 0),)) for i in range(sessions)]
start = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - start
latencies.sort()


def percentile(p):
    return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0


print(f"{messages - len(failures)} {elapsed:.2f} {percentile(0.5):.1f} {percentile(0.99):.1f}")
if failures:
    print("first failure:", failures[0], file=sys.stderr)
    sys.exit(1)
