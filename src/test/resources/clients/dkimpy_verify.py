# dkimpy (Debian python3-dkim) verifies every DKIM-Signature of the message on stdin, looking keys up
# through the DNS server at 127.0.0.1:PORT; prints one "pass"/"fail" line per signature.
import sys
import dns.resolver
import dkim

resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = ["127.0.0.1"]
resolver.port = int(sys.argv[1])
dns.resolver.default_resolver = resolver

message = sys.stdin.buffer.read()
d = dkim.DKIM(message)
count = len([h for h in d.headers if h[0].lower() == b"dkim-signature"])
for i in range(count):
    try:
        print("pass" if d.verify(idx=i) else "fail")
    except dkim.DKIMException as e:
        print("fail " + str(e))
