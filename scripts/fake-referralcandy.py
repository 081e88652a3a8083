#!/usr/bin/env python3
"""A stand-in ReferralCandy API for trying Candybridge by hand (README quick start).

Listens on 127.0.0.1:PORT, accepts POST /api/v1/<method>.json (and GET, which
`check-config --online` uses for verify.json), checks the MD5 signature with
the access id and secret given on the command line, prints each call's parameters (e-mail
included: this is your terminal, not a log), and answers like ReferralCandy does.
Usage: python3 scripts/fake-referralcandy.py PORT ACCESS_ID SECRET
"""
import hashlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

port, access_id, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        params.update(parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
        got = params.pop("signature", "")
        signed = secret + "".join(sorted(f"{k}={v}" for k, v in params.items()))
        ok = params.get("accessID") == access_id and hashlib.md5(signed.encode("utf-8")).hexdigest() == got
        print(f"{self.command} {url.path} signature={'valid' if ok else 'INVALID'} {json.dumps(params, sort_keys=True)}", flush=True)
        status, body = (200, {"message": "Success", "referralcorner_url": "https://example.test/r/1"}) if ok \
            else (401, {"message": "Invalid Credentials"})
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # verify.json is a GET with the signed parameters in the query, as ReferralCandy's API has it.
    do_GET = do_POST

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
