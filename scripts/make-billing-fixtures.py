#!/usr/bin/env python3
"""Generates the signed billing webhook samples in Fixtures/webhooks/billing/.

Run from the repository root with the project's virtualenv (the Makefile creates it):

    .venv/bin/python scripts/make-billing-fixtures.py

The signatures come from the independent `standardwebhooks` package (PyPI), not from Mandate's own
signer, so the Swift tests that verify these files cross-check the two implementations.

Every sample is signed with the published demo secret (BillingWebhook.demoSecret) at a fixed
timestamp, and the body's ISO 8601 `timestamp` is that same instant: the output is the same on every
run. Fixed timestamps mean a live server (±5 min tolerance) refuses the files as too old; send them
with `mandate billing send-test-event --fixture FILE`, which re-signs them now.
"""

import json
import os
from datetime import datetime, timezone

from standardwebhooks import Webhook

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(ROOT, "Fixtures", "webhooks", "billing")

# Keep in step with Sources/MandateCore/Billing/BillingWebhook.swift (the tests check it).
DEMO_SECRET = "whsec_bWFuZGF0ZS1kZW1vLWJpbGxpbmctc2VjcmV0LTAwMDE="

# 2026-11-18T11:06:40Z; each sample is ten minutes after the one before, so sending them in this
# order applies each one ("events older than the last applied one change nothing", DESIGN.md §4).
BASE = 1_795_000_000
STEP = 600

# (file name, description, type, data); data's trialEndsAt "@" means "the event's own timestamp".
SAMPLES = [
    ("subscription-updated-upgrade", "acme upgrades from business to enterprise (active).",
     "subscription.updated", {"tenantId": "acme", "plan": "enterprise", "status": "active"}),
    ("subscription-updated-downgrade", "acme downgrades to free (active): business and enterprise features go.",
     "subscription.updated", {"tenantId": "acme", "plan": "free", "status": "active"}),
    ("subscription-updated-past-due", "hooli's payment failed: team plan, past_due (the plan keeps working).",
     "subscription.updated", {"tenantId": "hooli", "plan": "team", "status": "past_due"}),
    ("subscription-canceled", "hooli cancels its team subscription.",
     "subscription.canceled", {"tenantId": "hooli", "plan": "team", "status": "canceled"}),
    ("trial-ended", "initech's enterprise trial ends without a purchase: canceled.",
     "trial.ended", {"tenantId": "initech", "plan": "enterprise", "status": "canceled", "trialEndsAt": "@"}),
    ("trial-ended-converted", "initech's enterprise trial ends and converts to a paid enterprise plan (active).",
     "trial.ended", {"tenantId": "initech", "plan": "enterprise", "status": "active", "trialEndsAt": "@"}),
]


def iso(seconds):
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    os.makedirs(OUTPUT, exist_ok=True)
    webhook = Webhook(DEMO_SECRET)
    for index, (name, description, event_type, data) in enumerate(SAMPLES):
        seconds = BASE + index * STEP
        data = {key: (iso(seconds) if value == "@" else value) for key, value in data.items()}
        body = json.dumps({"type": event_type, "timestamp": iso(seconds), "data": data}, separators=(",", ":"))
        webhook_id = "msg_fixture_" + name.replace("-", "_")
        signature = webhook.sign(webhook_id, datetime.fromtimestamp(seconds, tz=timezone.utc), body)
        sample = {
            "description": description,
            "webhookId": webhook_id,
            "timestamp": seconds,
            "headers": {
                "webhook-id": webhook_id,
                "webhook-timestamp": str(seconds),
                "webhook-signature": signature,
            },
            "body": body,
        }
        path = os.path.join(OUTPUT, name + ".json")
        with open(path, "w", encoding="utf-8") as file:
            json.dump(sample, file, indent=2)
            file.write("\n")
        print("wrote", os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main()
