#!/usr/bin/python3
"""Python httpsig 1.3 as a test peer: reads JSON requests, one per line, on stdin; writes one JSON answer per line.

{"op": "sign", "keyId", "secret", "algorithm", "signed": [names], "method", "path", "headers": {name: value},
 "signHeader": "authorization"|"signature"}
  -> {"ok": true, "value": <signature header value>, "signingString": <what httpsig signed>}
{"op": "verify", "secret", "required": [names], "method", "path", "headers": {name: value}, "signHeader"}
  -> {"ok": <HeaderVerifier.verify() is True>, "error": <exception class name or null>}

Verification is called the way JumpServer calls it: method lower-cased, path = full path with the query.
"""
import json
import sys

from httpsig.sign import HeaderSigner
from httpsig.utils import generate_message
from httpsig.verify import HeaderVerifier


def handle(req):
    if req["op"] == "sign":
        signer = HeaderSigner(req["keyId"], req["secret"], algorithm=req["algorithm"], headers=req["signed"],
                              sign_header=req.get("signHeader", "authorization"))
        signed = signer.sign(req["headers"], method=req["method"], path=req["path"])
        message = generate_message(req["signed"], req["headers"], None, req["method"], req["path"])
        return {"ok": True, "value": signed[req.get("signHeader", "authorization")],
                "signingString": message.decode("ascii")}
    if req["op"] == "verify":
        try:
            verifier = HeaderVerifier(req["headers"], req["secret"], required_headers=req["required"],
                                      method=req["method"].lower(), path=req["path"],
                                      sign_header=req.get("signHeader", "authorization"))
            return {"ok": verifier.verify() is True, "error": None}
        except Exception as e:  # noqa: BLE001 - any exception is a refusal; report its class only
            return {"ok": False, "error": type(e).__name__}
    raise ValueError("unknown op")


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = handle(json.loads(line))
        except Exception as e:  # noqa: BLE001
            answer = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
