#!/usr/bin/env python3
"""moto's IAM (and STS) server on a loopback port, seeded from an account file: a second IAM that nobody here wrote.

Usage: python3 moto_iam.py ACCOUNT_JSON
Prints `moto-iam listening on PORT` once seeded, then serves until its standard input closes.

The account file is the local endpoint's (tools/local-iam/account-file.ts) with every date already absolute (ISO
8601): users, their paths, login profiles, PasswordLastUsed and access keys with status, creation and last use.
Dates are set in moto's backend objects in-process, since moto's API has no way to set them.
"""
import json
import sys
from datetime import datetime, timezone

from moto.iam.models import AccessKeyLastUsed, iam_backends
from moto.server import ThreadedMotoServer

ACCOUNT_ID = "123456789012"  # moto's default account, also the local endpoint's


def when(value):
    # moto keeps naive UTC datetimes (its utcnow()).
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)


def seed(account):
    backend = iam_backends[ACCOUNT_ID]["global"]
    for spec in account["users"]:
        name = spec["userName"]
        tags = [{"Key": k, "Value": v} for k, v in (spec.get("tags") or {}).items()]
        user = backend.create_user(region_name="us-east-1", user_name=name, path=spec.get("path", "/"), tags=tags)
        user.create_date = when(spec["created"])
        if spec.get("loginProfile"):
            backend.create_login_profile(name, "Not-a-real-password-1!")
        if spec.get("passwordLastUsed"):
            user.password_last_used = when(spec["passwordLastUsed"])
        for key_spec in spec.get("accessKeys") or []:
            key = backend.create_access_key(name, status=key_spec.get("status", "Active"))
            key.access_key_id = key_spec["accessKeyId"]
            key.create_date = when(key_spec["created"])
            used = key_spec.get("lastUsed")
            if used:
                key.last_used = AccessKeyLastUsed(when(used["at"]), used.get("service") or "N/A", used.get("region") or "N/A")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        account = json.load(f)
    seed(account)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    print(f"moto-iam listening on {server.get_host_and_port()[1]}", flush=True)
    sys.stdin.read()  # until the test closes it (or dies)
    server.stop()


if __name__ == "__main__":
    main()
