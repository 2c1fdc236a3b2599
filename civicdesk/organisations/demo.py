"""Harbour City: the fictional city `civicdesk demo` loads. Idempotent: a second run adds nothing."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from civicdesk.organisations.models import Agency, Department, Site, StaffProfile
from civicdesk.organisations.roles import Role
from civicdesk.organisations.services import (
    agency_create,
    department_create,
    site_create,
    staff_create,
)

LANGUAGES = ["en", "zh-hant", "zh-hans", "ms"]
WEEKDAYS_9_TO_5 = {str(d): [["09:00", "17:00"]] for d in range(5)}
COUNTER_HOURS = {**{str(d): [["08:30", "18:00"]] for d in range(5)}, "5": [["09:00", "12:30"]]}
ESTATE_HOURS = {str(d): [["09:00", "13:00"], ["14:00", "17:30"]] for d in range(5)}
LATE_HOURS = {**{str(d): [["10:00", "20:00"]] for d in range(5)}, "5": [["10:00", "16:00"]]}

AGENCIES = [
    {
        "code": "HSG",
        "name": "Harbour City Housing Authority",
        "colour": "#1d4f91",
        "email": "enquiries@housing.harbour.example",
        "departments": [
            ("MAINT", "Estate Maintenance"),
            ("ALLOC", "Allocation and Tenancy"),
            ("RENT", "Rent and Payments"),
            ("ESTM", "Estate Management"),
        ],
        "sites": [
            ("HCC", "Harbour Central Customer Centre", "1 Harbour Road, Central", COUNTER_HOURS),
            ("NPE", "North Point Estate Office", "Block C, North Point Estate", ESTATE_HOURS),
            ("LBE", "Lantern Bay Estate Office", "12 Lantern Bay Road", ESTATE_HOURS),
            ("KRT", "Kowloon Ridge Tenancy Centre", "88 Ridge Street", LATE_HOURS),
        ],
    },
    {
        "code": "TRN",
        "name": "Harbour City Transport Department",
        "colour": "#8a1538",
        "email": "enquiries@transport.harbour.example",
        "departments": [
            ("ROADS", "Road Maintenance"),
            ("BUS", "Bus and Ferry Services"),
            ("LIC", "Vehicle and Driver Licensing"),
            ("PARK", "Parking"),
        ],
        "sites": [
            ("LIC1", "Central Licensing Office", "3 Queensway, Admiralty", COUNTER_HOURS),
            ("LIC2", "Kowloon Licensing Office", "20 Nathan Road", COUNTER_HOURS),
            ("FRY", "Star Ferry Customer Desk", "Star Ferry Pier", LATE_HOURS),
            ("PRK", "Parking Permits Office", "5 Harcourt Road", WEEKDAYS_9_TO_5),
        ],
    },
    {
        "code": "ENV",
        "name": "Harbour City Environment Agency",
        "colour": "#00594c",
        "email": "enquiries@environment.harbour.example",
        "departments": [
            ("CLEAN", "Street Cleansing"),
            ("TREE", "Trees and Parks"),
            ("NOISE", "Noise and Air Quality"),
            ("WASTE", "Waste and Recycling"),
        ],
        "sites": [
            ("ENC", "Environment Centre Wan Chai", "130 Hennessy Road", WEEKDAYS_9_TO_5),
            ("RCY", "Recycling Hub Sham Shui Po", "9 Yen Chow Street", LATE_HOURS),
            ("PKS", "Parks Office Victoria Park", "Victoria Park, Causeway Bay", ESTATE_HOURS),
            ("TKO", "Tseung Kwan O District Office", "2 Po Yap Road", WEEKDAYS_9_TO_5),
        ],
    },
]


def names_by_language(hant: str, hans: str, ms: str) -> dict[str, str]:
    return {"zh-hant": hant, "zh-hans": hans, "ms": ms}


# What citizens and staff read in their language (`LocalNames.names`), by the English name.
NAMES = {
    "Harbour City Housing Authority": names_by_language(
        "海港城房屋委員會", "海港城房屋委员会", "Lembaga Perumahan Bandar Raya Harbour"
    ),
    "Harbour City Transport Department": names_by_language(
        "海港城運輸署", "海港城运输署", "Jabatan Pengangkutan Bandar Raya Harbour"
    ),
    "Harbour City Environment Agency": names_by_language(
        "海港城環境局", "海港城环境局", "Agensi Alam Sekitar Bandar Raya Harbour"
    ),
    # Departments (teams)
    "Estate Maintenance": names_by_language("屋邨維修組", "屋邨维修组", "Penyelenggaraan Estet"),
    "Allocation and Tenancy": names_by_language(
        "編配及租約組", "编配及租约组", "Peruntukan dan Penyewaan"
    ),
    "Rent and Payments": names_by_language("租金及繳費組", "租金及缴费组", "Sewa dan Bayaran"),
    "Estate Management": names_by_language("屋邨管理組", "屋邨管理组", "Pengurusan Estet"),
    "Road Maintenance": names_by_language("道路維修組", "道路维修组", "Penyelenggaraan Jalan"),
    "Bus and Ferry Services": names_by_language(
        "巴士及渡輪服務組", "巴士及渡轮服务组", "Perkhidmatan Bas dan Feri"
    ),
    "Vehicle and Driver Licensing": names_by_language(
        "車輛及駕駛執照組", "车辆及驾驶执照组", "Pelesenan Kenderaan dan Pemandu"
    ),
    "Parking": names_by_language("泊車組", "泊车组", "Tempat Letak Kereta"),
    "Street Cleansing": names_by_language("街道清潔組", "街道清洁组", "Pembersihan Jalan"),
    "Trees and Parks": names_by_language("樹木及公園組", "树木及公园组", "Pokok dan Taman"),
    "Noise and Air Quality": names_by_language(
        "噪音及空氣質素組", "噪音及空气质素组", "Bunyi Bising dan Kualiti Udara"
    ),
    "Waste and Recycling": names_by_language(
        "廢物及回收組", "废物及回收组", "Sisa dan Kitar Semula"
    ),
    # Sites
    "Harbour Central Customer Centre": names_by_language(
        "海港中區客戶服務中心", "海港中区客户服务中心", "Pusat Pelanggan Harbour Central"
    ),
    "North Point Estate Office": names_by_language(
        "北角邨辦事處", "北角邨办事处", "Pejabat Estet North Point"
    ),
    "Lantern Bay Estate Office": names_by_language(
        "燈籠灣邨辦事處", "灯笼湾邨办事处", "Pejabat Estet Lantern Bay"
    ),
    "Kowloon Ridge Tenancy Centre": names_by_language(
        "九龍嶺租約中心", "九龙岭租约中心", "Pusat Penyewaan Kowloon Ridge"
    ),
    "Central Licensing Office": names_by_language(
        "中區牌照辦事處", "中区牌照办事处", "Pejabat Pelesenan Pusat"
    ),
    "Kowloon Licensing Office": names_by_language(
        "九龍牌照辦事處", "九龙牌照办事处", "Pejabat Pelesenan Kowloon"
    ),
    "Star Ferry Customer Desk": names_by_language(
        "天星小輪客戶服務台", "天星小轮客户服务台", "Kaunter Pelanggan Star Ferry"
    ),
    "Parking Permits Office": names_by_language(
        "泊車許可證辦事處", "泊车许可证办事处", "Pejabat Permit Letak Kereta"
    ),
    "Environment Centre Wan Chai": names_by_language(
        "灣仔環境中心", "湾仔环境中心", "Pusat Alam Sekitar Wan Chai"
    ),
    "Recycling Hub Sham Shui Po": names_by_language(
        "深水埗回收中心", "深水埗回收中心", "Hab Kitar Semula Sham Shui Po"
    ),
    "Parks Office Victoria Park": names_by_language(
        "維多利亞公園辦事處", "维多利亚公园办事处", "Pejabat Taman Victoria Park"
    ),
    "Tseung Kwan O District Office": names_by_language(
        "將軍澳區辦事處", "将军澳区办事处", "Pejabat Daerah Tseung Kwan O"
    ),
}


def give_names(item, names: dict[str, dict[str, str]]) -> None:
    """The demo's names in other languages, on a record that has none yet (a demo made before
    names existed gets them on the next run)."""
    if not item.names and item.name in names:
        item.names = names[item.name]
        item.save(update_fields=["names"])


STAFF_ROLES = [
    (Role.TEAM_LEAD, "lead", "Team Lead"),
    (Role.FRONTLINE, "frontline", "Frontline Officer"),
    (Role.QSM, "qsm", "Quality Service Manager"),
    (Role.AGENCY_ADMIN, "admin", "Agency Admin"),
    (Role.TRAINER, "trainer", "Trainer"),
    (Role.EXECUTIVE, "exec", "Executive"),
]


COUNTER_OFFICERS = 4


def _one_team(departments, number: int) -> list:
    """Counter officers belong to one of the first two teams in turn, so the teams' figures
    on the performance page are their own members' (everyone in both made them identical)."""
    teams = departments[:2]
    return [teams[(number - 1) % len(teams)]] if teams else []


def _password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def load_organisations() -> list[tuple[str, str, str]]:
    """Create what is missing; return (username, role, password) for accounts created now."""
    created: list[tuple[str, str, str]] = []
    for spec in AGENCIES:
        agency = Agency.objects.filter(code=spec["code"]).first() or agency_create(
            actor=None,
            code=spec["code"],
            name=spec["name"],
            languages=LANGUAGES,
            colour=spec["colour"],
            office_hours=WEEKDAYS_9_TO_5,
            email=spec["email"],
        )
        give_names(agency, NAMES)
        departments = []
        for code, name in spec["departments"]:
            departments.append(
                Department.objects.filter(agency=agency, code=code).first()
                or department_create(actor=None, agency=agency, code=code, name=name)
            )
            give_names(departments[-1], NAMES)
        sites = []
        for code, name, address, hours in spec["sites"]:
            sites.append(
                Site.objects.filter(agency=agency, code=code).first()
                or site_create(
                    actor=None,
                    agency=agency,
                    code=code,
                    name=name,
                    address=address,
                    opening_hours=hours,
                )
            )
            give_names(sites[-1], NAMES)
        lead = None
        for role, suffix, title in STAFF_ROLES:
            username = f"{agency.code.lower()}.{suffix}"
            existing = StaffProfile.objects.filter(user__username=username).first()
            if existing is not None:
                lead = existing if role is Role.TEAM_LEAD else lead
                continue
            password = _password()
            in_units = role in (Role.FRONTLINE, Role.TEAM_LEAD)
            profile = staff_create(
                actor=None,
                username=username,
                password=password,
                display_name=f"{title} ({agency.code})",
                role=role,
                agency=agency,
                email=f"{username}@staff.harbour.example",
                departments=departments[:2] if in_units else (),
                sites=sites[:2] if in_units else (),
                supervisor=lead if role is Role.FRONTLINE else None,
            )
            lead = profile if role is Role.TEAM_LEAD else lead
            created.append((username, role.label, password))
        # More counter officers, so that the queues' history is served by a team whose
        # figures differ (the performance page compares them).
        for number in range(1, COUNTER_OFFICERS + 1):
            username = f"{agency.code.lower()}.officer{number}"
            if StaffProfile.objects.filter(user__username=username).exists():
                continue
            password = _password()
            staff_create(
                actor=None,
                username=username,
                password=password,
                display_name=f"Counter Officer {number} ({agency.code})",
                role=Role.FRONTLINE,
                agency=agency,
                email=f"{username}@staff.harbour.example",
                departments=_one_team(departments, number),
                sites=[sites[(number - 1) % len(sites)]],
                supervisor=lead,
            )
            created.append((username, Role.FRONTLINE.label, password))
        # Two officers of each site's own, made here (the workforce demo assesses them) so the
        # queues' history has one officer per staffed counter: nobody at two desks at once.
        for site in sorted(sites, key=lambda s: s.code):
            for n in (1, 2):
                username = f"{agency.code.lower()}.officer.{site.code.lower()}{n}"
                if StaffProfile.objects.filter(user__username=username).exists():
                    continue
                staff_create(
                    actor=None,
                    username=username,
                    password=None,
                    display_name=f"Officer {site.code}-{n} ({agency.code})",
                    role=Role.FRONTLINE,
                    agency=agency,
                    email=f"{username}@staff.harbour.example",
                    departments=_one_team(departments, n),
                    sites=[site],
                    supervisor=lead,
                )
    if not get_user_model().objects.filter(username="sysadmin").exists():
        password = _password()
        staff_create(
            actor=None,
            username="sysadmin",
            password=password,
            display_name="System Admin",
            role=Role.SYSTEM_ADMIN,
            agency=None,
            email="sysadmin@harbour.example",
        )
        created.append(("sysadmin", Role.SYSTEM_ADMIN.label, password))
    return created
