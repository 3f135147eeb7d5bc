#!/usr/bin/python3
"""Writes the orderlog fuzz seeds: Entry messages as the storefront, the lab's checkoutservice and
orderlog-cli send them, and placed orders as the checkout tap sees them. Debian's python3-protobuf
and python3-grpc-tools; run by hand:  make_orderlog_seeds.py REPO CORPUS_DIR"""
import hashlib, os, subprocess, sys, tempfile

repo, corpus = sys.argv[1], sys.argv[2]
out = tempfile.mkdtemp()
subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", repo, "-I", "/usr/include", "--python_out", out,
                "orderlog/proto/orderlog.proto", "orderlog/proto/demo.proto"], check=True)
sys.path.insert(0, out)
from orderlog.proto import demo_pb2, orderlog_pb2  # noqa: E402


def save(target, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


lab = orderlog_pb2.Entry(content="Order 1b2c placed by 4f5a for 2 items, total USD 52.49")
save("orderlog_entry", b"\0" + lab.SerializeToString())
full = orderlog_pb2.Entry(request_id="req-7")
o = full.order
o.order_id, o.user_id, o.email = "6a3d0f3c-1d2b-4c8e-9f00-0123456789ab", "u-42", "someone@example.com"
o.total.currency_code, o.total.units, o.total.nanos = "EUR", 129, 990000000
for pid, q in (("OLJCESPC7Z", 1), ("66VCHSJNUP", 3)):
    item = o.items.add()
    item.product_id, item.quantity = pid, q
o.shipping_tracking_id = "ZZ-123-456"
o.shipping_address.city, o.shipping_address.country = "Mountain View", "United States"
o.placed_at.seconds = 1764000000
save("orderlog_entry", b"\0" + full.SerializeToString())
save("orderlog_entry", b"idem-key-1\0" + orderlog_pb2.Entry(order=orderlog_pb2.Order(user_id="u", email="a@b.c")).SerializeToString())

request = demo_pb2.PlaceOrderRequest(user_id="u-42", user_currency="USD", email="someone@example.com")
request.address.street_address, request.address.city, request.address.country = "1600 Amphitheatre Pkwy", "Mountain View", "United States"
request.address.zip_code = 94043
request.credit_card.credit_card_number = "4432-8015-6152-0454"
request.credit_card.credit_card_cvv, request.credit_card.credit_card_expiration_year = 672, 2030
response = demo_pb2.PlaceOrderResponse()
r = response.order
r.order_id, r.shipping_tracking_id = "a1b2c3", "AB-1234-5678"
r.shipping_cost.currency_code, r.shipping_cost.units = "USD", 8
r.shipping_address.CopyFrom(request.address)
for pid, q, units in (("OLJCESPC7Z", 2, 19), ("2ZYFJ3GM2N", 1, 209)):
    item = r.items.add()
    item.item.product_id, item.item.quantity = pid, q
    item.cost.currency_code, item.cost.units = "USD", units
req = request.SerializeToString()
save("checkout_tap", bytes([len(req) & 0xFF, len(req) >> 8]) + req + response.SerializeToString())
