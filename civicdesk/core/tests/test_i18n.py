"""Translations: every catalogue is complete, compiled, and actually used by the pages."""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])

# Language code as in settings.LANGUAGES -> strings its pages must show.
EXPECTED = {
    "zh-hant": {
        "sign_in_heading": "職員登入",
        "sign_in_button": "登入",
        "username": "用戶名稱",
        "home_heading": "向您所在城市的公共服務尋求協助",
        "home_title": "公共服務",
        "skip_link": "跳至主要內容",
        "name_local": "繁體中文",
    },
    "zh-hans": {
        "sign_in_heading": "员工登录",
        "sign_in_button": "登录",
        "username": "用户名",
        "home_heading": "向您所在城市的公共服务寻求帮助",
        "home_title": "公共服务",
        "skip_link": "跳到主要内容",
        "name_local": "简体中文",
    },
    "ms": {
        "sign_in_heading": "Log masuk kakitangan",
        "sign_in_button": "Log masuk",
        "username": "Nama pengguna",
        "home_heading": "Dapatkan bantuan daripada perkhidmatan awam bandar anda",
        "home_title": "Perkhidmatan awam",
        "skip_link": "Langkau ke kandungan utama",
        "name_local": "Bahasa Melayu",
    },
}
TRANSLATED = sorted(EXPECTED)
ENGLISH = {
    "sign_in_heading": "Staff sign in",
    "home_heading": "Get help from your city&#x27;s public services",
    "skip_link": "Skip to main content",
}


def test_every_configured_language_but_english_is_covered():
    assert sorted(code for code, _name in settings.LANGUAGES if code != "en") == TRANSLATED


# --- pages render translated -------------------------------------------------------------


def get_in(client, code: str, url: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("code", TRANSLATED)
def test_staff_sign_in_page_is_translated(client, code):
    html = get_in(client, code, "/staff/sign-in/")
    expected = EXPECTED[code]
    assert f'<html lang="{code}"' in html
    assert f'<h1 class="govuk-heading-l">{expected["sign_in_heading"]}</h1>' in html
    assert f"<title>{expected['sign_in_heading']} – civicdesk</title>" in html
    assert f">{expected['sign_in_button']}</button>" in html
    assert expected["username"] in html
    assert expected["skip_link"] in html
    # The current language is marked in the language navigation, by its own name.
    assert f'aria-current="true">{expected["name_local"]}</span>' in html
    assert ENGLISH["sign_in_heading"] not in html
    assert ENGLISH["skip_link"] not in html


@pytest.mark.django_db
@pytest.mark.parametrize("code", TRANSLATED)
def test_public_home_page_is_translated(client, agency, code):
    html = get_in(client, code, "/")
    expected = EXPECTED[code]
    assert f'<html lang="{code}"' in html
    assert f'<h1 class="govuk-heading-xl">{expected["home_heading"]}</h1>' in html
    assert f"<title>{expected['home_title']} – civicdesk</title>" in html
    assert agency.name in html  # data is not translated, only the interface
    assert ENGLISH["home_heading"] not in html


@pytest.mark.django_db
def test_english_is_the_default(client):
    response = client.get("/staff/sign-in/")
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert ENGLISH["sign_in_heading"] in html


@pytest.mark.django_db
@pytest.mark.parametrize("code", TRANSLATED)
def test_form_errors_are_translated(client, code):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    response = client.post("/staff/sign-in/", {"username": "nobody", "password": "wrong"})
    html = response.content.decode()
    catalogue = compiled_catalogue(code)
    message = "Enter a correct username and password. Both are case-sensitive."
    assert catalogue.gettext(message) != message
    assert catalogue.gettext(message) in html
    assert catalogue.gettext("There is a problem") in html


# --- switching language by link ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("code", TRANSLATED)
def test_switching_language_by_link(client, code):
    response = client.get(f"/language/{code}/?next=/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == code
    assert cookie["samesite"] == "Lax"

    html = client.get("/").content.decode()
    assert f'<html lang="{code}"' in html
    assert EXPECTED[code]["home_heading"] in html

    # The navigation links back to English, and that switch works too.
    assert 'href="/language/en/?next=/"' in html
    response = client.get("/language/en/?next=/", follow=True)
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("code", TRANSLATED)
def test_switching_language_keeps_the_page_but_not_foreign_sites(client, code):
    response = client.get(f"/language/{code}/?next=/staff/sign-in/")
    assert response["Location"] == "/staff/sign-in/"
    html = client.get(response["Location"]).content.decode()
    assert EXPECTED[code]["sign_in_heading"] in html

    response = client.get(f"/language/{code}/?next=https://evil.example/")
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_unknown_language_is_ignored(client):
    response = client.get("/language/xx/?next=/")
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# --- catalogues are complete and compiled ------------------------------------------------


def po_path(code: str) -> Path:
    return LOCALE_DIR / to_locale(code) / "LC_MESSAGES" / "django.po"


def compiled_catalogue(code: str) -> gettext.GNUTranslations:
    with open(po_path(code).with_suffix(".mo"), "rb") as mo:
        return gettext.GNUTranslations(mo)


def messages(code: str) -> list:
    return [e for e in polib.pofile(str(po_path(code))) if not e.obsolete]


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
TAG = re.compile(r"</?[a-z][^>]*>")


def _translations(entry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_is_complete(code):
    catalogue = polib.pofile(str(po_path(code)))
    assert "nplurals=1; plural=0;" in catalogue.metadata["Plural-Forms"]
    assert catalogue.metadata["Language"] == to_locale(code)
    entries = messages(code)
    assert len(entries) > 1000
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        for text in _translations(entry):
            if not text:
                problems.append(f"untranslated: {entry.msgid!r}")
                continue
            if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(text)):
                problems.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
            if sorted(TAG.findall(entry.msgid)) != sorted(TAG.findall(text)):
                problems.append(f"HTML tags differ: {entry.msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems[:20])


def test_catalogues_hold_the_same_messages():
    ids = {code: {(e.msgctxt, e.msgid) for e in messages(code)} for code in TRANSLATED}
    first = ids[TRANSLATED[0]]
    for code in TRANSLATED[1:]:
        assert ids[code] == first, code


@pytest.mark.parametrize("code", TRANSLATED)
def test_committed_mo_matches_po(code):
    """The .mo files are committed so `make run` needs no gettext; they must not be stale."""
    with open(po_path(code).with_suffix(".mo"), "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [
        e.msgid
        for e in messages(code)
        if not e.msgid_plural
        and not e.msgctxt
        and e.msgstr
        and compiled.gettext(e.msgid) != e.msgstr
    ]
    assert not stale, f"run `make messages`; stale in {code}: {stale[:5]}"
