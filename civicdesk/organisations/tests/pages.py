"""Steps that many browser tests share."""

import re

from civicdesk.organisations.tests.factories import TEST_PASSWORD

STAFF_HOME = re.compile(r"^http://[^/]+/staff/$")


def sign_in(page, who) -> None:
    """Sign a member of staff (a User or a StaffProfile) in on `page` with the keyboard, as a
    person would, and wait for the staff home. Clears earlier cookies so it can switch users."""
    user = getattr(who, "user", who)
    page.context.clear_cookies()
    page.goto("/staff/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(STAFF_HOME)
