# pyspf (Debian python3-spf) evaluates SPF for each line "IP SENDER HELO" on stdin (SENDER "-" is the
# null reverse-path), asking the DNS server at 127.0.0.1:PORT; prints one result per line.
import sys
import dns.resolver
import spf

resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = ["127.0.0.1"]
resolver.port = int(sys.argv[1])
resolver.lifetime = 5
dns.resolver.default_resolver = resolver

for line in sys.stdin:
    ip, sender, helo = line.split()
    result, _ = spf.check2(i=ip, s="" if sender == "-" else sender, h=helo)
    print(result)
