#!/usr/bin/env python3
"""An independent Vexora client, Python 3 standard library only.

Signs a checkout request the way the gateway contract says (every non-empty field but `sign`,
sorted by name, written as key=value with no separator, the app secret appended, MD5 of the
UTF-8 bytes in lowercase hex), posts it, and prints the gateway's JSON answer on stdout. It
shares no code with the TypeScript signer, so the sandbox is checked against a second reading
of the contract.

    python3 python_client.py --base-url http://127.0.0.1:4100 \
        --merchant-no SANDBOX0001 --secret sandbox-app-secret [--tamper-sign]
"""

import argparse
import hashlib
import json
import sys
import time
import urllib.error
import urllib.request


def sign(fields, secret):
    base = "".join(
        f"{name}={value}"
        for name, value in sorted(fields.items())
        if name != "sign" and value not in (None, "")
    )
    return hashlib.md5((base + secret).encode("utf-8")).hexdigest()


def checkout_body(args):
    fields = {
        "timestamp": str(int(time.time() * 1000)),
        "tradeNo": args.trade_no or time.strftime("%Y%m%d%H%M%S") + str(time.time_ns() % 1_000_000).zfill(6),
        "amount": args.amount,
        "firstname": "Sok",
        "lastname": "Dara",
        "mobile": "12345678",
        "email": "sok.dara@example.com",
        "channelCode": "KHQR",
        "wayCode": "KHQR",
        "notifyUrl": "https://merchant.example/vexora/notify",
        "returnUrl": "https://merchant.example/return",
        "remark": "python-client",
    }
    fields["sign"] = sign(fields, args.secret)
    if args.tamper_sign:
        # One character changed: still 32 hex digits, so only the comparison can catch it.
        first = "1" if fields["sign"][0] == "0" else "0"
        fields["sign"] = first + fields["sign"][1:]
    return fields


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--merchant-no", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--amount", default="12.50")
    parser.add_argument("--trade-no")
    parser.add_argument("--tamper-sign", action="store_true")
    args = parser.parse_args()

    body = json.dumps(checkout_body(args)).encode("utf-8")
    request = urllib.request.Request(
        args.base_url.rstrip("/") + "/v1/vexora/checkout",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "merchantNo": args.merchant_no},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        print(f"HTTP {error.code}: {error.read().decode('utf-8', 'replace')}", file=sys.stderr)
        return 2
    json.dump(answer, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
