"""Reads Estafeta's /metrics and parses it with the Prometheus client library's own parser:
metrics_scrape.py URL [TOKEN]

Prints one JSON array of [sample name, labels, value] for every sample; on an HTTP error prints
"HTTP <status>" and exits 2; a text the parser refuses is a traceback and exit 1."""
import json
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

request = urllib.request.Request(sys.argv[1])
if len(sys.argv) > 2:
    request.add_header("Authorization", "Bearer " + sys.argv[2])
try:
    with urllib.request.urlopen(request, timeout=20) as response:
        content_type = response.headers.get("Content-Type", "")
        text = response.read().decode("utf-8")
except urllib.error.HTTPError as e:
    print("HTTP", e.code)
    sys.exit(2)
if not content_type.startswith("text/plain"):
    sys.exit("not the Prometheus text format: " + content_type)
samples = []
for family in text_string_to_metric_families(text):
    for s in family.samples:
        samples.append([s.name, s.labels, s.value])
print(json.dumps(samples))
