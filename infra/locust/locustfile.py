"""Online Boutique shopper, as the upstream load generator drives the frontend.

Mirrors src/loadgenerator/locustfile.py of GoogleCloudPlatform/microservices-demo at v0.8.1 (the
images the lab ran): one TaskSet, on_start visits the home page, task weights index 1,
setCurrency 2, browseProduct 10, addToCart 2, viewCart 3, checkout 1, wait 1-10 s, and the exact
form fields of the frontend's handlers. ``logout`` exists upstream as a helper outside the task
dict; it runs only when BC_LOGOUT_WEIGHT is set to a positive weight (default 0, as upstream).

BC_WAIT_TIME="MIN,MAX" (seconds) overrides the 1-10 s think time, for throughput benchmarks and
fast tests only; "0,0" means no wait at all.

Per-version statistics: the page of the canary product (OLJCESPC7Z) names it "Sunglasses" when v1
of productcatalogservice answered and "SunglassesV2" when v2 did. Each such page is also counted in
an entry of request type VERSION, named "productcatalogservice v1" or "productcatalogservice v2"
(a failed page names no version: "productcatalogservice unknown"). Those entries are logged straight
into their StatsEntry, not through the request event, so Locust's Aggregated row (stats.total)
counts every request once; in master/worker mode the master takes its total from the workers' own
totals, so it does not double either.

Needs only Debian's python3-locust. Run it together with version_fix.py for master/worker mode.
"""

import os
import random

from locust import FastHttpUser, TaskSet, between, constant, events

PRODUCTS = [
    "0PUK6V6EV0",
    "1YMWWN1N4O",
    "2ZYFJ3GM2N",
    "66VCHSJNUP",
    "6E92ZMYYFZ",
    "9SIQT8TOJO",
    "L9ECAV7KIM",
    "LS4PSXUNUM",
    "OLJCESPC7Z",
]

CANARY_PRODUCT = "OLJCESPC7Z"
CANARY_PAGE = "/product/" + CANARY_PRODUCT
VERSION_TYPE = "VERSION"
VERSION_ENTRY = "productcatalogservice "

CURRENCIES = ["EUR", "USD", "JPY", "CAD"]
QUANTITIES = [1, 2, 3, 4, 5, 10]


def index(l):
    l.client.get("/")


def setCurrency(l):
    l.client.post("/setCurrency", {"currency_code": random.choice(CURRENCIES)})


def browseProduct(l):
    l.client.get("/product/" + random.choice(PRODUCTS))


def viewCart(l):
    l.client.get("/cart")


def addToCart(l):
    product = random.choice(PRODUCTS)
    l.client.get("/product/" + product)
    l.client.post("/cart", {"product_id": product, "quantity": random.choice(QUANTITIES)})


def checkout(l):
    addToCart(l)
    l.client.post(
        "/cart/checkout",
        {
            "email": "someone@example.com",
            "street_address": "1600 Amphitheatre Parkway",
            "zip_code": "94043",
            "city": "Mountain View",
            "state": "CA",
            "country": "United States",
            "credit_card_number": "4432-8015-6152-0454",
            "credit_card_expiration_month": "1",
            "credit_card_expiration_year": "2039",
            "credit_card_cvv": "672",
        },
    )


def version_of(body):
    """v1, v2 or None: which productcatalogservice named the canary product on its page."""
    if b"SunglassesV2" in body:
        return "v2"
    if b"Sunglasses" in body:
        return "v1"
    return None


_environment = None


@events.init.add_listener
def _keep_environment(environment, **_kwargs):
    global _environment
    _environment = environment


@events.request.add_listener
def _count_version(request_type, name, response_time, response_length, response=None, exception=None, **_kwargs):
    if name != CANARY_PAGE or _environment is None or _environment.stats is None:
        return
    body = b""
    if exception is None and response is not None:
        body = getattr(response, "content", None) or b""
    version = version_of(body) if exception is None else None
    entry = _environment.stats.get(VERSION_ENTRY + (version or "unknown"), VERSION_TYPE)
    entry.log(response_time, response_length)  # this entry only: stats.total saw the request already
    if exception is not None or version is None:
        entry.log_error(exception or "the page names neither Sunglasses nor SunglassesV2")


def logout(l):
    l.client.get("/logout")


def _logout_weight():
    try:
        return max(0, int(os.environ.get("BC_LOGOUT_WEIGHT", "0")))
    except ValueError:
        return 0


TASKS = {index: 1, setCurrency: 2, browseProduct: 10, addToCart: 2, viewCart: 3, checkout: 1}
if _logout_weight() > 0:
    TASKS[logout] = _logout_weight()


def _wait_time():
    raw = os.environ.get("BC_WAIT_TIME", "")
    try:
        low, high = (float(v) for v in raw.split(","))
    except ValueError:
        return between(1, 10)
    if low < 0 or high < low:
        return between(1, 10)
    return constant(0) if high == 0 else between(low, high)


class UserBehavior(TaskSet):
    def on_start(self):
        index(self)

    tasks = TASKS


class WebsiteUser(FastHttpUser):
    tasks = [UserBehavior]
    wait_time = _wait_time()
