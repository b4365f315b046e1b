"""Fetches and deletes every message with Python's poplib: pop3_fetch.py PORT MODE USER PASSWORD

MODE is plain, stls or ssl. Prints one line per fact, for the Java test to compare with the store:
  CAPA <capability>          each line of CAPA
  STAT <count> <octets>
  SIZE <n> <octets>          from LIST
  UIDL <n> <unique-id>
  RETR <n> <octets> <base64> octets as poplib counted them; content with CRLF line ends
  QUIT <reply>
Exits non-zero on any error."""
import base64
import poplib
import ssl
import sys

port, mode, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
if mode == "ssl":
    client = poplib.POP3_SSL("127.0.0.1", port, context=context, timeout=10)
else:
    client = poplib.POP3("127.0.0.1", port, timeout=10)
if mode == "stls":
    client.stls(context=context)
for cap in client.capa():
    print("CAPA", cap)
client.user(user)
client.pass_(password)
count, octets = client.stat()
print("STAT", count, octets)
for line in client.list()[1]:
    print("SIZE", line.decode())
for line in client.uidl()[1]:
    print("UIDL", line.decode())
for n in range(1, count + 1):
    _, lines, size = client.retr(n)
    print("RETR", n, size, base64.b64encode(b"".join(l + b"\r\n" for l in lines)).decode())
    client.dele(n)
print("QUIT", client.quit().decode())
