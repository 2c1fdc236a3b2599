"""Shared fixtures for the whole suite."""

import pytest

from civicdesk.organisations.tests.factories import AgencyFactory
from civicdesk.routing.integration import reset_cache


@pytest.fixture(autouse=True)
def _routing_cache_per_test():
    """Each test starts with no routing model known to this process (its database is new);
    a version promoted in the test is picked up at once."""
    reset_cache(assume_no_models=True)
    yield
    reset_cache(assume_no_models=True)


@pytest.fixture(autouse=True)
def _fresh_local_caches():
    """Per-process caches (civicdesk.core.localcache) never carry rows from one test into the
    next: a rolled-back test's ids can come back on SQLite."""
    from civicdesk.core.localcache import clear_all

    clear_all()
    yield
    clear_all()


@pytest.fixture(autouse=True)
def _site_language_per_test(settings):
    """Each test starts in the site's default language: a request's LocaleMiddleware leaves the
    language it chose active in the thread, and a later test calling a function directly would
    otherwise read the previous test's Chinese."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def agency(db):
    return AgencyFactory(code="HSG", name="Housing")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(code="TRN", name="Transport")


# --- a real SMTP server ---------------------------------------------------------------------


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) on a free port; Django sends to it. `.messages` collects."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    from civicdesk.bench.harness import free_port

    class Collector(Message):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


# --- browser tests -------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Skipped with a reason outside CI if missing."""
    import os

    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must run the browser tests.")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (factories) are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def serious_axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the current page, described."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def axe():
    return serious_axe_violations


def wait_until_true(page, expression: str, timeout_ms: int = 10_000) -> None:
    """Poll a JavaScript expression until it is truthy.

    Playwright's wait_for_function re-evaluates its predicate with eval() inside the page,
    which our Content-Security-Policy (no 'unsafe-eval') refuses whenever the first check is
    false; page.evaluate goes through the DevTools protocol, which the policy does not cover.
    """
    waited = 0
    while not page.evaluate(expression):
        if waited >= timeout_ms:
            raise AssertionError(f"{expression!r} still false after {timeout_ms} ms")
        page.wait_for_timeout(50)
        waited += 50


@pytest.fixture
def wait_js():
    return wait_until_true
