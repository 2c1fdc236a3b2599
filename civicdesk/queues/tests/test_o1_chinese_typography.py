"""Chinese messages citizens receive: no ASCII space between Chinese sentences, and none around
an inserted name (a person, a site, a service, an agency) in Chinese text."""

import re

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from civicdesk.queues.appointments import offer_hold_text

CJK = "[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
NAMES = r"%\((?:name|site|service|agency)\)s"
WAITLIST = (
    "Dear %(name)s,\n\nYou are on the waitlist for %(service)s at %(site)s on "
    "%(when)s.\n\n%(offer)s\n\nTo leave the waitlist, use this page: %(link)s"
)


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
@pytest.mark.parametrize("phone", [True, False])
def test_offer_hold_text_joins_chinese_sentences_without_a_space(language, phone):
    with translation.override(language):
        text = offer_hold_text(phone=phone)
    first, second = text.split("。", 1)
    assert first and second and not second.startswith(" "), text


def test_offer_hold_text_in_english_keeps_one_space():
    with translation.override("en"):
        text = offer_hold_text(phone=False)
    assert "link to take it. The place is then held" in text


def test_names_sit_in_chinese_text_without_spaces():
    with translation.override("zh-hant"):
        body = _(WAITLIST) % {"name": "黃小姐", "service": "換領身份證", "site": "海港中區客戶服務中心",
                              "when": "3月2日", "offer": "", "link": "https://x"}  # fmt: skip
        held = _("%(agency)s has your case.") % {"agency": "海港城房屋委員會"}
    assert body.startswith("黃小姐您好：")
    assert "加入海港中區客戶服務中心於" in body
    assert held == "海港城房屋委員會正處理您的個案。"


@pytest.mark.parametrize("locale", ["zh_Hant", "zh_Hans"])
def test_no_catalogue_entry_spaces_a_name_from_chinese_text(locale):
    path = settings.LOCALE_PATHS[0] / locale / "LC_MESSAGES" / "django.po"
    spaced = re.compile(f"{CJK} +{NAMES}|{NAMES} +{CJK}")
    # There, %(name)s is a counter's number, a file's or a parameter's name: Latin, spaced.
    latin = re.compile(r"^(Counter %\(name\)s|There is already a counter|%\(name\)s (contains|must|is not valid|is a HEIC|is empty|is not a readable|is not really))")  # fmt: skip
    wrong = [
        entry.msgid
        for entry in polib.pofile(str(path))
        if not entry.obsolete and not latin.match(entry.msgid)
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if spaced.search(text)
    ]
    assert wrong == []
