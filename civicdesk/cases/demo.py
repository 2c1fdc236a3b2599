"""Harbour City's cases: categories, service standards, referral bodies and six months of history.

Everything is made through the case services at today's date and then moved back in time by
whole weeks (so working days stay working days). Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db.models import F

from civicdesk.cases.models import (
    Case,
    CaseEvent,
    CaseMessage,
    CaseStatus,
    CaseTransfer,
    Category,
    ReferralBody,
    ServiceStandard,
)
from civicdesk.cases.services import (
    case_add_part,
    case_citizen_add,
    case_create,
    case_merge,
    case_note_add,
    case_reply,
    case_set_status,
    case_transfer,
    cases_mark_breaches,
)
from civicdesk.organisations.models import Agency, StaffProfile
from civicdesk.organisations.roles import Role

# A compliment is thanked, but no substantive reply is owed: every standard leaves it without a
# reply clock, or it would turn up as an overdue reply on the QSM's breach list.
STANDARDS = {
    "HSG": [
        ("Urgent repairs", 4, 5, 3, "receipt", ["compliment"]),
        ("General enquiries and complaints", 8, 10, 5, "receipt", ["compliment"]),
    ],
    "TRN": [("Transport standard", 16, 10, 5, "receipt", ["compliment"])],
    "ENV": [
        ("Tree safety", 4, 3, None, "receipt", ["compliment"]),
        ("Environment standard", 8, 10, 5, "complete_information", ["compliment"]),
    ],
}
# agency, code, name, Chinese name, department code, standard name, keywords
# The topics in Simplified Chinese and Malay (`Category.names`; `name_zh` is Traditional).
CATEGORY_NAMES = {
    code: {"zh-hans": hans, "ms": ms}
    for code, hans, ms in [
        ("leak", "天花板漏水", "Air bocor dari siling"),
        ("lift", "升降机故障", "Lif rosak"),
        ("tenancy", "租约及编配", "Penyewaan dan peruntukan rumah"),
        ("rent", "租金及缴费", "Sewa dan bayaran"),
        ("estate", "屋邨噪音及卫生", "Bunyi bising dan kebersihan estet"),
        ("pothole", "路面损坏", "Lubang atau kerosakan jalan"),
        ("bus", "巴士及渡轮服务", "Perkhidmatan bas dan feri"),
        ("licence", "驾驶及车辆牌照", "Lesen memandu dan lesen kenderaan"),
        ("parking", "泊车许可证", "Permit letak kereta"),
        ("tree", "塌树或危险树木", "Pokok tumbang atau berbahaya"),
        ("litter", "街道卫生", "Kebersihan jalan"),
        ("noise", "建筑噪音", "Bunyi bising pembinaan"),
        ("recycling", "回收服务", "Kutipan kitar semula"),
    ]
}

CATEGORIES = [
    (
        "HSG",
        "leak",
        "Water leak from ceiling",
        "天花板漏水",
        "MAINT",
        "Urgent repairs",
        "leak\nwater\nceiling\n漏水",
    ),
    (
        "HSG",
        "lift",
        "Lift out of order",
        "升降機故障",
        "MAINT",
        "Urgent repairs",
        "lift\nelevator\n升降機",
    ),
    (
        "HSG",
        "tenancy",
        "Tenancy and allocation",
        "租約及編配",
        "ALLOC",
        "General enquiries and complaints",
        "tenancy\nflat\ntransfer",
    ),
    (
        "HSG",
        "rent",
        "Rent and payments",
        "租金及繳費",
        "RENT",
        "General enquiries and complaints",
        "rent\npayment",
    ),
    (
        "HSG",
        "estate",
        "Estate noise and hygiene",
        "屋邨噪音及衞生",
        "ESTM",
        "General enquiries and complaints",
        "noise\nhygiene\nneighbour",
    ),
    (
        "TRN",
        "pothole",
        "Pothole or road damage",
        "路面損壞",
        "ROADS",
        "Transport standard",
        "pothole\nroad",
    ),
    (
        "TRN",
        "bus",
        "Bus and ferry service",
        "巴士及渡輪服務",
        "BUS",
        "Transport standard",
        "bus\nferry",
    ),
    (
        "TRN",
        "licence",
        "Driving and vehicle licences",
        "駕駛及車輛牌照",
        "LIC",
        "Transport standard",
        "licence\nlicense",
    ),
    ("TRN", "parking", "Parking permits", "泊車許可證", "PARK", "Transport standard", "parking"),
    (
        "ENV",
        "tree",
        "Fallen or dangerous tree",
        "塌樹或危險樹木",
        "TREE",
        "Tree safety",
        "tree\nbranch\n樹",
    ),
    (
        "ENV",
        "litter",
        "Street cleanliness",
        "街道衞生",
        "CLEAN",
        "Environment standard",
        "litter\nrubbish",
    ),
    (
        "ENV",
        "noise",
        "Construction noise",
        "建築噪音",
        "NOISE",
        "Environment standard",
        "noise\nconstruction",
    ),
    (
        "ENV",
        "recycling",
        "Recycling collection",
        "回收服務",
        "WASTE",
        "Environment standard",
        "recycling\nbin",
    ),
]
REFERRAL_BODIES = [
    (
        "Harbour Power Company",
        "Power cuts, electricity meters",
        "help@power.harbour.example",
        "2555 0000",
        "https://power.harbour.example",
    ),
    (
        "Harbour City Police (non-emergency)",
        "Crime that is not an emergency",
        "",
        "2527 7177",
        "https://police.harbour.example",
    ),
    (
        "Consumer Council",
        "Disputes with shops and companies",
        "cc@consumer.harbour.example",
        "2929 2222",
        "https://consumer.harbour.example",
    ),
]
TEXTS = {
    "leak": [
        (
            "Water leaking from the ceiling",
            "Water has been leaking from the ceiling of my bathroom for three days. The flat above does not answer.",
        ),
        ("天花板漏水", "浴室天花板漏水已經三天，樓上單位無人應門，請盡快派人檢查。"),
    ],
    "lift": [
        (
            "Lift broken again",
            "The lift in Block C has been out of order since Monday. My mother uses a wheelchair.",
        ),
        ("升降機故障", "C座升降機由星期一開始故障，家中長者出入非常困難。"),
    ],
    "tenancy": [
        (
            "Transfer to a bigger flat",
            "We are a family of five in a 30 square metre flat. How do I apply for a transfer?",
        ),
        ("申請調遷", "我們一家五口住在三十平方米的單位，請問如何申請調遷？"),
    ],
    "rent": [
        ("Rent paid twice", "My rent for this month was taken twice from my bank account."),
        ("租金重複扣款", "本月租金被重複扣款兩次，請退回多付的款項。"),
    ],
    "estate": [
        ("Noise every night", "Loud music from the flat next door every night after midnight."),
        ("深夜噪音", "隔鄰單位每晚十二時後播放很大聲的音樂，影響休息。"),
    ],
    "pothole": [
        (
            "Deep pothole on Harbour Road",
            "A deep pothole outside number 12 Harbour Road. A cyclist fell yesterday.",
        ),
        ("路面有大坑", "海港道12號外有一個很深的坑洞，昨天有單車人士跌倒。"),
    ],
    "bus": [
        ("Bus 12 never on time", "Bus route 12 is 20 minutes late every morning at Lantern Bay."),
        ("巴士經常遲到", "燈籠灣的12號巴士每天早上都遲到二十分鐘。"),
    ],
    "licence": [
        (
            "Licence renewal not received",
            "I renewed my driving licence online a month ago and have not received it.",
        ),
        ("未收到續期駕駛執照", "我一個月前在網上續期駕駛執照，至今仍未收到。"),
    ],
    "parking": [
        ("Parking permit refused", "My residents' parking permit was refused without a reason."),
        ("泊車許可證被拒", "我的住客泊車許可證申請被拒，但沒有說明原因。"),
    ],
    "tree": [
        (
            "Fallen tree blocking the path",
            "A large tree has fallen across the footpath near Lantern Bay Estate.",
        ),
        ("塌樹阻路", "燈籠灣邨附近有一棵大樹倒下，阻塞行人路。"),
    ],
    "litter": [
        (
            "Rubbish not collected",
            "Rubbish has piled up at the corner of Yen Chow Street for a week.",
        ),
        ("垃圾無人清理", "欽州街街角的垃圾堆積了一星期，無人清理。"),
    ],
    "noise": [
        (
            "Construction noise on Sunday",
            "Piling work started at 7am on Sunday at the site on Po Yap Road.",
        ),
        ("星期日建築噪音", "寶邑路地盤星期日早上七時開始打樁，非常嘈吵。"),
    ],
    "recycling": [
        ("Recycling bins full", "The recycling bins at Victoria Park have been full for days."),
        ("回收箱爆滿", "維多利亞公園的回收箱已經爆滿多日。"),
    ],
}
COMPLIMENT = [
    ("Thank you", "The officer at the counter was patient and helpful. Thank you."),
    ("多謝", "櫃位職員非常有耐性，多謝你們的幫忙。"),
]
CHANNELS = ["web", "web", "web", "email", "email", "phone", "counter", "chat", "open311", "social"]
NAMES = [("Chan Tai Man", "chan"), ("Wong Siu Ming", "wong"), ("Li Mei", "li"), ("Aisha Rahman", "aisha"),
         ("Lim Boon Huat", "lim"), ("Cheung Ka Yan", "cheung"), ("Ho Wing Sze", "ho"), ("Tan Wei", "tan")]  # fmt: skip
WEEKS = 26


def load(*, stdout, stderr) -> None:
    agencies = {a.code: a for a in Agency.objects.filter(code__in=STANDARDS)}
    if len(agencies) < len(STANDARDS):
        stderr.write("cases demo: Harbour City agencies missing; skipped.")
        return
    _load_configuration(agencies)
    if Case.objects.filter(agency__in=agencies.values()).exists():
        return
    count = _load_history(agencies)
    stdout.write(f"Cases: {count} cases over {WEEKS} weeks loaded.")


def _load_configuration(agencies: dict) -> None:
    standards = {}
    for code, items in STANDARDS.items():
        for name, ack, reply, interim, start, excluded in items:
            standards[(code, name)], _created = ServiceStandard.objects.get_or_create(
                agency=agencies[code], name=name,
                defaults={"acknowledge_within_hours": ack, "reply_within_days": reply,
                          "interim_reply_after_days": interim, "clock_start": start,
                          "excluded_kinds": excluded},
            )  # fmt: skip
    for code, cat, name, name_zh, dept, standard, keywords in CATEGORIES:
        agency = agencies[code]
        category, _created = Category.objects.get_or_create(
            agency=agency, code=cat,
            defaults={"name": name, "name_zh": name_zh, "keywords": keywords,
                      "department": agency.departments.get(code=dept),
                      "standard": standards[(code, standard)]},
        )  # fmt: skip
        if not category.names and cat in CATEGORY_NAMES:  # a demo made before names existed
            category.names = CATEGORY_NAMES[cat]
            category.save(update_fields=["names"])
    for name, topics, email, phone, website in REFERRAL_BODIES:
        ReferralBody.objects.get_or_create(
            name=name,
            defaults={"topics": topics, "email": email, "phone": phone, "website": website},
        )


def _shift(case_ids: list[int], weeks: int) -> None:
    """Move cases and everything about them back in time by whole weeks."""
    delta = timedelta(weeks=weeks)
    case_fields = ["created_at", "received_at", "clock_started_at", "acknowledge_due_at",
                   "interim_due_at", "reply_due_at", "acknowledged_at", "interim_replied_at",
                   "replied_at", "paused_at", "resolved_at", "closed_at", "assigned_at"]  # fmt: skip
    Case.objects.filter(pk__in=case_ids).update(**{f: F(f) - delta for f in case_fields})
    CaseMessage.objects.filter(case_id__in=case_ids).update(at=F("at") - delta)
    CaseEvent.objects.filter(case_id__in=case_ids).update(at=F("at") - delta)
    CaseTransfer.objects.filter(case_id__in=case_ids).update(at=F("at") - delta)


def _officer(agency, case):
    if case.assignee_id:
        return case.assignee.user
    return (
        StaffProfile.objects.filter(agency=agency, role=Role.QSM)
        .select_related("user")
        .first()
        .user
    )


def _load_history(agencies: dict) -> int:
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    categories = list(
        Category.objects.filter(agency__in=agencies.values()).select_related("agency")
    )
    made = 0
    for n in range(150):
        weeks_ago = WEEKS - (n * WEEKS) // 150  # spread evenly, oldest first
        category = rng.choice(categories)
        agency = category.agency
        chinese = rng.random() < 0.45
        kind = rng.choices(["complaint", "enquiry", "service_request", "suggestion", "compliment"],
                           weights=[40, 25, 20, 8, 7])[0]  # fmt: skip
        subject, text = (COMPLIMENT if kind == "compliment" else TEXTS[category.code])[
            1 if chinese else 0
        ]
        name, handle = rng.choice(NAMES)
        channel = rng.choice(CHANNELS)
        anonymous = rng.random() < 0.08
        case = case_create(
            agency=agency, category=category, kind=kind, channel=channel, subject=subject,
            description=text, language="zh-hant" if chinese else "en",
            contact_name="" if anonymous else name,
            contact_email="" if anonymous or channel == "phone" else f"{handle}{n}@example.org",
            contact_phone=f"+852 9{n:03d} {rng.randint(0, 9999):04d}" if channel == "phone" else "",
            latitude=22.28 + rng.random() / 20, longitude=114.15 + rng.random() / 10,
        )  # fmt: skip
        officer = _officer(agency, case)
        weeks_ago = max(weeks_ago, 0)
        if weeks_ago >= 3:  # finished cases: mostly on time, some late
            case_set_status(case=case, actor=officer, status="acknowledged")
            if rng.random() < 0.3:
                case_reply(case=case, actor=officer, then_status="awaiting_citizen",
                           body="請提供更多資料。" if chinese else "Could you send us more details?")  # fmt: skip
                case_citizen_add(
                    case=case,
                    body="補充資料：晚上情況更差。" if chinese else "It is worse at night.",
                )
            case_note_add(case=case, actor=officer, body="Site visit arranged.")
            case_reply(case=case, actor=officer, then_status="resolved",
                       body="我們已處理你的個案，多謝你的耐心。" if chinese else "We have fixed the problem. Thank you for your patience.")  # fmt: skip
            if rng.random() < 0.7:
                case_set_status(case=case, actor=officer, status="closed")
        elif weeks_ago == 2 and rng.random() < 0.5:
            case_set_status(case=case, actor=officer, status="in_progress")
        elif weeks_ago == 1 and rng.random() < 0.3:
            case_reply(case=case, actor=officer, then_status="awaiting_citizen",
                       body="請提供單位號碼。" if chinese else "Which flat number is it?")  # fmt: skip
        if kind == "compliment" and Case.objects.filter(pk=case.pk, status=CaseStatus.NEW).exists():
            # Compliments are thanked on the day they arrive: none waits for acknowledgement.
            case_set_status(case=case, actor=officer, status="acknowledged")
        _shift([case.pk], weeks_ago)
        made += 1
    made += _journeys(agencies)
    cases_mark_breaches()
    return made


def _journeys(agencies: dict) -> int:
    """The cases the journeys in JOURNEYS.md walk through."""
    hsg, trn, env = agencies["HSG"], agencies["TRN"], agencies["ENV"]
    trn_qsm = StaffProfile.objects.get(user__username="trn.qsm").user
    env_qsm = StaffProfile.objects.get(user__username="env.qsm").user
    hsg_qsm = StaffProfile.objects.get(user__username="hsg.qsm").user
    tree = Category.objects.get(agency=env, code="tree")
    # Journey 2: a fallen tree on a housing estate, written to the transport agency.
    wrong_door = case_create(agency=trn, kind="complaint", channel="email",
                             subject="Fallen tree on Lantern Bay Estate",
                             description="A tree fell across the footpath between Block A and Block B of Lantern Bay Estate.",
                             contact_name="Wong Siu Ming", contact_email="wong.tree@example.org")  # fmt: skip
    case_transfer(case=wrong_door, actor=trn_qsm, to_agency=env, category=tree,
                  reason="Trees on housing estates are looked after by the Environment Agency.")  # fmt: skip
    # A case bounced three times: on every QSM's list.
    bounced = case_create(agency=hsg, kind="complaint", channel="web", subject="Smell from the drains",
                          description="A strong smell from the drains near the market.",
                          contact_email="ho.drain@example.org")  # fmt: skip
    case_transfer(
        case=bounced, actor=hsg_qsm, to_agency=env, reason="Drain smells are environmental."
    )
    case_transfer(case=bounced, actor=env_qsm, to_agency=trn, reason="The drain is under the road.")
    case_transfer(
        case=bounced, actor=trn_qsm, to_agency=hsg, reason="The drain belongs to the estate."
    )
    # Possible duplicates: the same lift reported twice by neighbours, one pair already merged.
    lift = Category.objects.get(agency=hsg, code="lift")
    made = []
    for n, (name, email) in enumerate([("Cheung Ka Yan", "cheung.lift@example.org"),
                                       ("Tan Wei", "tan.lift@example.org"),
                                       ("Li Mei", "li.lift@example.org")]):  # fmt: skip
        made.append(case_create(agency=hsg, category=lift, kind="complaint", channel="web",
                                subject="Lift in Block C broken",
                                description="The lift in Block C of North Point Estate is out of order again.",
                                contact_name=name, contact_email=email, latitude=22.2911,
                                longitude=114.2005 + n / 100000))  # fmt: skip
    case_merge(source=made[2], target=made[0], actor=hsg_qsm)
    # A complaint spanning agencies: one coordinating case, one linked part.
    spanning = case_create(agency=hsg, kind="complaint", channel="counter", category=lift,
                           subject="Lift broken and rubbish piled at the entrance",
                           description="The lift is broken and the rubbish at the entrance has not been collected.",
                           contact_phone="+852 9876 5432", contact_name="Lim Boon Huat")  # fmt: skip
    case_add_part(case=spanning, actor=hsg_qsm, agency=env, note="Rubbish at the estate entrance")
    return 7


__all__ = ["load"]
