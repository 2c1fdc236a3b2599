"""Routing learns from the agency's own handled cases, and finds similar resolved ones."""

import pytest

from civicdesk.cases.services import case_create, case_reply
from civicdesk.cases.services.work import case_set_status
from civicdesk.routing.adapters import corpus_documents, routing_examples

pytestmark = pytest.mark.django_db


def test_handled_cases_become_labelled_examples(monday, leak, officer, maintenance):
    handled = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                          subject="Leak", description="天花板漏水")  # fmt: skip
    case_set_status(case=handled, actor=officer.user, status="acknowledged")
    case_create(agency=leak.agency, category=leak, kind="enquiry", channel="phone",
                description="Not yet handled")  # fmt: skip
    examples = list(routing_examples(agency=leak.agency))
    assert [(e.text, e.label, e.kind, e.category_hint) for e in examples] == [
        ("Leak\n天花板漏水", maintenance.code, "complaint", "")
    ]
    front_door = list(routing_examples())
    assert [e.label for e in front_door] == [leak.agency.code]


def test_resolved_corpus_carries_the_reply_sent(monday, leak, officer):
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       subject="Leak", description="Water through the ceiling",
                       contact_email="chan@example.org")  # fmt: skip
    case_set_status(case=case, actor=officer.user, status="acknowledged")
    case_set_status(case=case, actor=officer.user, status="in_progress")
    case_reply(case=case, actor=officer.user, body="A plumber comes on Tuesday.",
               then_status="resolved")  # fmt: skip
    resolved = list(corpus_documents("resolved", agency=leak.agency, limit=10))
    assert [(d.key, d.reply) for d in resolved] == [(case.reference, "A plumber comes on Tuesday.")]
    assert resolved[0].url.endswith(f"/{case.reference}/")
    assert list(corpus_documents("open", agency=leak.agency, limit=10)) == []


def test_case_page_shows_routing_help_and_similar_replies(client, monday, leak, officer):
    done = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       subject="Leak", description="Water through the ceiling of my flat")  # fmt: skip
    case_set_status(case=done, actor=officer.user, status="acknowledged")
    case_set_status(case=done, actor=officer.user, status="in_progress")
    case_reply(case=done, actor=officer.user, body="A plumber comes on Tuesday.",
               then_status="resolved")  # fmt: skip
    new = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                      subject="Leak", description="Water through the ceiling again")  # fmt: skip
    client.force_login(officer.user)
    html = client.get(f"/cases/staff/{new.reference}/").content.decode()
    assert "Routing suggestion" in html
    section = html[html.index("Routing suggestion") :]
    assert "No routing model is serving yet." in section
    assert done.reference in html and "A plumber comes on Tuesday." in html
