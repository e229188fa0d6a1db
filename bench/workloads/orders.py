# SPDX-License-Identifier: MIT
"""Realistic: e-commerce "orders" serialised with json, parsed with re,
priced with Decimal, aggregated in dicts (much time spent in C code)."""

import json
import re
from decimal import Decimal, ROUND_HALF_UP

SIZES = {"quick": 1_500, "full": 6_000}   # orders

SKU_RE = re.compile(r"^(?P<cat>[A-Z]{3})-(?P<num>\d{4})-(?P<var>[a-z]+)$")
EMAIL_RE = re.compile(r"^[\w.+-]+@([\w-]+\.)+[a-z]{2,}$")
CATS = ["BOO", "ELE", "TOY", "FOO", "HOM"]
VARS = ["red", "blue", "large", "small", "std"]
CENT = Decimal("0.01")


def make_order(i):
    items = []
    for k in range(1 + i % 5):
        sku = "%s-%04d-%s" % (CATS[(i + k) % 5], (i * 7 + k) % 10000, VARS[k % 5])
        items.append({"sku": sku, "qty": 1 + (i + k) % 3,
                      "price": "%d.%02d" % (1 + (i * k) % 200, (i + k) % 100)})
    return {"id": i, "email": "user%d@example%d.com" % (i, i % 7),
            "items": items, "coupon": "SAVE10" if i % 4 == 0 else None}


def parse_sku(sku):
    m = SKU_RE.match(sku)
    return m.group("cat"), int(m.group("num")), m.group("var")


def line_total(item):
    return (Decimal(item["price"]) * item["qty"]).quantize(CENT, ROUND_HALF_UP)


def price_order(order):
    total = sum((line_total(it) for it in order["items"]), Decimal(0))
    if order["coupon"] == "SAVE10":
        total = (total * Decimal("0.9")).quantize(CENT, ROUND_HALF_UP)
    return total


def handle(raw, stats):
    order = json.loads(raw)
    if not EMAIL_RE.match(order["email"]):
        stats["bad_email"] = stats.get("bad_email", 0) + 1
        return None
    for it in order["items"]:
        cat, _, var = parse_sku(it["sku"])
        stats[cat] = stats.get(cat, 0) + it["qty"]
        stats[var] = stats.get(var, 0) + 1
    total = price_order(order)
    return json.dumps({"id": order["id"], "total": str(total)})


def run(size):
    stats = {}
    receipts = []
    for i in range(size):
        receipts.append(handle(json.dumps(make_order(i)), stats))
    return len(receipts), sorted(stats.items())[:3]
