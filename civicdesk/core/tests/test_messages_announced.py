"""The outcome of a staff action is announced: a refusal as much as a success."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.test import RequestFactory


def _banner_roles(level: int) -> list[str]:
    request = RequestFactory().get("/")
    html = render_to_string(
        "base.html", {"messages": [Message(level, "Nothing was changed.")]}, request=request
    )
    return re.findall(r'class="govuk-notification-banner[^"]*" role="(\w+)"', html)


@pytest.mark.parametrize("level", [constants.ERROR, constants.WARNING, constants.SUCCESS])
def test_an_action_s_outcome_is_an_alert(level):
    # role=alert: read out when it appears, and GOV.UK Frontend moves focus to it on load.
    assert _banner_roles(level) == ["alert"]


def test_information_stays_a_region():
    assert _banner_roles(constants.INFO) == ["region"]
