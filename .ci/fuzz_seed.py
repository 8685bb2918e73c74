#!/usr/bin/env python3
"""Seeds a fresh Tollgate through its public API with one object of each kind, so that the
fuzzer meets lists that are not empty and ids that exist: an organization member (publisher),
a plan, an API with an OpenAPI document, a documentation page and the plan, published; an
application subscribed on the plan, with an API key and an OAuth client; a webhook.

Usage: fuzz_seed.py BASE_URL ADMIN_EMAIL ADMIN_PASSWORD
Prints the administrator's new personal access token (and nothing else) on stdout.
Standard library only; any unexpected answer stops it with the answer on stderr."""

import http.cookiejar
import json
import sys
import urllib.request

BASE, EMAIL, PASSWORD = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
cookies = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
headers = {}


def call(method, path, body=None, expect=(200, 201), content_type="application/json"):
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=dict(headers))
    if data is not None:
        req.add_header("content-type", content_type)
    try:
        with opener.open(req) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    if status not in expect:
        sys.exit(f"{method} {path} answered {status}: {raw.decode(errors='replace')}")
    return json.loads(raw) if raw else None


login = call("POST", "/api/v1/auth/login", {"email": EMAIL, "password": PASSWORD})
headers["x-csrf-token"] = login["csrf_token"]
token = call("POST", "/api/v1/me/tokens", {"name": "fuzzer", "expires_in_days": 1})["secret"]
# From here on, as automation does: the bearer token alone.
cookies.clear()
headers.clear()
headers["authorization"] = f"Bearer {token}"

org = call("GET", "/api/v1/orgs")["items"][0]["id"]
call("POST", f"/api/v1/orgs/{org}/members", {"email": "publisher@fuzz.test", "role": "publisher"})
plan = call(
    "POST",
    f"/api/v1/orgs/{org}/plans",
    {
        "name": "Fuzz plan",
        "currency": "USD",
        "rate_limit": {"requests": 50, "period": "second", "burst": 100},
        "quota": {"requests": 100000, "period": "month"},
        "pricing": {"model": "per_call", "price_micros": 2000, "included_calls": 1000},
    },
)["id"]
api = call(
    "POST",
    f"/api/v1/orgs/{org}/apis",
    {
        "name": "Petstore",
        "context": "/petstore",
        "version": "1.0.0",
        "visibility": "public",
        "tags": ["pets"],
        "endpoints": [{"url": "http://127.0.0.1:9/v1", "weight": 1}],
        "resources": [{"method": "GET", "path": "/pets"}],
        "plan_ids": [plan],
    },
)["id"]
call(
    "PUT",
    f"/api/v1/apis/{api}/openapi",
    "openapi: 3.0.3\ninfo: {title: Petstore, version: 1.0.0}\npaths:\n"
    "  /pets:\n    get: {responses: {'200': {description: ok}}}\n",
    content_type="application/yaml",
)
call(
    "POST",
    f"/api/v1/apis/{api}/documents",
    {"title": "Getting started", "type": "how_to", "source": "inline", "content": "# Hello\n\nSend `apikey`."},
)
call("POST", f"/api/v1/apis/{api}/lifecycle", {"action": "publish"})

application = call("POST", "/api/v1/applications", {"name": "Fuzz app"})["id"]
call("POST", f"/api/v1/applications/{application}/subscriptions", {"api_id": api, "plan_id": plan})
call("POST", f"/api/v1/applications/{application}/keys", {"name": "fuzz key"})
call("POST", f"/api/v1/applications/{application}/oauth-client", {"scopes": ["read"]})
call(
    "POST",
    f"/api/v1/orgs/{org}/webhooks",
    {"url": "http://127.0.0.1:9/hooks", "event_types": ["subscription.created"]},
)
print(token)
