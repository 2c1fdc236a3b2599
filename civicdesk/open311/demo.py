"""Harbour City's Open311: the api_key `demo-open311-key` and a few service questions.

Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from civicdesk.cases.models import Category
from civicdesk.open311.models import ApiKey, Datatype, ServiceAttribute, hash_api_key

DEMO_KEY = "demo-open311-key"
# agency, category, code, datatype, required, order, question, values
ATTRIBUTES = [
    ("HSG", "leak", "floor", Datatype.NUMBER, False, 1, "Which floor is the flat on?", []),
    ("HSG", "leak", "severity", Datatype.SINGLEVALUELIST, True, 2, "How bad is the leak?",
     [("drip", "Dripping"), ("flow", "Running water"), ("flood", "Flooding")]),
    ("TRN", "pothole", "size", Datatype.SINGLEVALUELIST, False, 1, "How big is it?",
     [("small", "Smaller than a shoe"), ("medium", "Up to a car wheel"),
      ("large", "Larger than a car wheel")]),
    ("ENV", "tree", "hazard", Datatype.MULTIVALUELIST, False, 1, "What is the tree doing?",
     [("leaning", "Leaning"), ("branches", "Dropping branches"), ("blocking", "Blocking a path")]),
]  # fmt: skip


def load(*, stdout, stderr) -> None:
    if not ApiKey.objects.filter(key_hash=hash_api_key(DEMO_KEY)).exists():
        api_key = ApiKey(name="Demo Open311 client", agency=None)
        api_key.set_key(DEMO_KEY)
        api_key.save()
        stdout.write(f"Open311: POST to /open311/v2/requests.json with api_key={DEMO_KEY}")
    for agency, category_code, code, datatype, required, order, question, values in ATTRIBUTES:
        category = Category.objects.filter(agency__code=agency, code=category_code).first()
        if category is None:
            continue
        ServiceAttribute.objects.get_or_create(
            category=category,
            code=code,
            defaults={
                "datatype": datatype,
                "required": required,
                "order": order,
                "description": question,
                "values": [{"key": k, "name": n} for k, n in values],
            },
        )
