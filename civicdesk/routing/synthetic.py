"""Synthetic case history for Harbour City's demo and the training benchmark.

Sentences are assembled from per-department phrase banks in English and Chinese, with openers,
places and closings shared by every department (so the model must find the real signal), and a
share of cases first sent to the wrong department and corrected (the label is where it ended).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from civicdesk.routing.adapters import RoutingExample

PROBLEMS: dict[str, dict[str, list[str]]] = {
    # Harbour City Housing Authority
    "MAINT": {
        "en": [
            "water is leaking from the ceiling",
            "the lift has broken down again",
            "the toilet is blocked",
            "there is mould on the bedroom wall",
            "the window frame is rusted and loose",
            "the water heater stopped working",
            "a pipe burst under the kitchen sink",
            "the corridor lights are out",
        ],
        "zh": [
            "天花板漏水",
            "升降機又壞了",
            "廁所堵塞",
            "睡房牆身發霉",
            "窗框生鏽鬆脫",
            "熱水爐壞了",
            "廚房水管爆裂",
            "走廊燈不亮",
        ],
    },
    "ALLOC": {
        "en": [
            "I applied for a flat three years ago and have heard nothing",
            "I want to transfer to a bigger flat for my family",
            "please add my son to the tenancy",
            "I need to know my place on the waiting list",
            "my tenancy agreement has a wrong name",
        ],
        "zh": [
            "申請公屋三年仍未有消息",
            "想調遷到較大的單位",
            "請把兒子加入租約",
            "想知道輪候冊的位置",
            "租約上的名字錯了",
        ],
    },
    "RENT": {
        "en": [
            "I was charged rent twice this month",
            "the autopay for my rent failed",
            "I cannot afford the rent increase and need relief",
            "my rent receipt is missing",
            "the arrears letter is wrong, I already paid",
        ],
        "zh": [
            "這個月租金被扣了兩次",
            "自動轉賬交租失敗",
            "租金加幅太大，希望減免",
            "收不到租金收據",
            "欠租信有錯，我已經交了",
        ],
    },
    "ESTM": {
        "en": [
            "my neighbour is making noise every night",
            "people are smoking in the lift lobby",
            "the security guard was rude",
            "someone keeps a dog in the flat against the rules",
            "bicycles are blocking the fire exit",
        ],
        "zh": [
            "鄰居每晚製造噪音",
            "有人在升降機大堂吸煙",
            "保安員態度惡劣",
            "有住戶違規養狗",
            "單車阻塞走火通道",
        ],
    },
    # Harbour City Transport Department
    "ROADS": {
        "en": [
            "there is a deep pothole in the road",
            "the traffic lights at the junction are not working",
            "the road surface is uneven and dangerous",
            "a road sign has fallen over",
            "the street lamp is flickering",
        ],
        "zh": ["馬路有個大坑洞", "路口的交通燈壞了", "路面不平很危險", "路牌倒了", "街燈閃爍"],
    },
    "BUS": {
        "en": [
            "the bus did not come for forty minutes",
            "the bus driver drove off before I got on",
            "the ferry timetable changed without notice",
            "the bus was too crowded to board",
            "please add more buses in the morning",
        ],
        "zh": [
            "巴士等了四十分鐘都沒有來",
            "巴士司機沒等我上車就開走",
            "渡輪班次突然更改",
            "巴士太擠上不了車",
            "早上請增加巴士班次",
        ],
    },
    "LIC": {
        "en": [
            "I need to renew my driving licence",
            "my vehicle licence renewal was rejected",
            "I lost my driving licence",
            "how do I book a driving test",
            "the licence fee was charged twice",
        ],
        "zh": [
            "想續領駕駛執照",
            "車輛牌照續期被拒",
            "遺失了駕駛執照",
            "怎樣預約駕駛考試",
            "牌費被扣了兩次",
        ],
    },
    "PARK": {
        "en": [
            "cars are parking illegally on the pavement",
            "the parking meter ate my coins",
            "I got a parking ticket but the meter was broken",
            "I want to apply for a residents parking permit",
            "lorries park overnight in the loading bay",
        ],
        "zh": [
            "有車違例停泊在行人路",
            "咪錶食了我的硬幣",
            "咪錶壞了卻被抄牌",
            "想申請居民泊車證",
            "貨車通宵停在上落貨區",
        ],
    },
    # Harbour City Environment Agency
    "CLEAN": {
        "en": [
            "rubbish is piling up on the street",
            "the street has not been swept for a week",
            "someone dumped old furniture on the pavement",
            "the public toilet is filthy",
            "dog waste is everywhere on the footpath",
        ],
        "zh": [
            "街上堆滿垃圾",
            "街道一星期沒有人清掃",
            "有人在行人路棄置舊傢俬",
            "公廁非常骯髒",
            "行人路到處都是狗糞",
        ],
    },
    "TREE": {
        "en": [
            "a tree fell across the footpath",
            "dead branches are hanging over the playground",
            "tree roots have lifted the paving",
            "the grass in the park has not been cut",
            "a tree is leaning dangerously towards the building",
        ],
        "zh": [
            "有棵樹倒在行人路上",
            "遊樂場上有枯枝懸掛",
            "樹根頂起地磚",
            "公園草地很久沒有剪",
            "有棵樹傾側向大廈",
        ],
    },
    "NOISE": {
        "en": [
            "construction noise goes on after midnight",
            "a restaurant exhaust fan is very loud",
            "there is black smoke from a factory chimney",
            "air conditioners drip and roar all night",
            "a bar plays loud music every night",
        ],
        "zh": [
            "地盤半夜後仍有噪音",
            "餐廳抽氣扇非常嘈吵",
            "工廠煙囪冒黑煙",
            "冷氣機整晚滴水又嘈",
            "酒吧每晚大聲播音樂",
        ],
    },
    "WASTE": {
        "en": [
            "the recycling bins are overflowing",
            "nobody collected the bulky waste I booked",
            "where can I recycle old electronics",
            "the refuse collection point smells terrible",
            "glass bottles are not being collected",
        ],
        "zh": [
            "回收桶滿了",
            "預約的大型垃圾沒有人收",
            "舊電器可以在哪裡回收",
            "垃圾收集站非常臭",
            "玻璃樽沒有人收集",
        ],
    },
}

AGENCY_DEPARTMENTS = {
    "HSG": ["MAINT", "ALLOC", "RENT", "ESTM"],
    "TRN": ["ROADS", "BUS", "LIC", "PARK"],
    "ENV": ["CLEAN", "TREE", "NOISE", "WASTE"],
}
# Phrases that sound like another department's: the realistic source of misroutes.
CONFUSABLE = {"MAINT": "ESTM", "ESTM": "MAINT", "RENT": "ALLOC", "ROADS": "PARK", "TREE": "CLEAN"}

OPENERS = {
    "en": ["", "Hello, ", "Dear officer, ", "I want to complain: ", "Please help, ", "Urgent: "],
    "zh": ["", "你好，", "我想投訴，", "請幫忙，", "緊急：", "您好，"],
}
PLACES = {
    "en": [
        "",
        " at Block C",
        " near the market",
        " on Harbour Road",
        " in North Point",
        " outside my building",
    ],
    "zh": ["", "，在C座", "，街市附近", "，海港道", "，北角", "，我大廈外面"],
}
CLOSINGS = {
    "en": [
        "",
        ". Please fix it soon.",
        ". This has happened before.",
        ". Nobody has replied.",
        "!",
    ],
    "zh": ["", "。請盡快處理。", "。已經不是第一次。", "。一直沒有人回覆。", "！"],
}
VAGUE = {
    "en": [
        "I called three times and nobody answered",
        "Please call me back about my case",
        "Your service is very slow",
        "I want to speak to a manager",
    ],
    "zh": ["打了三次電話都沒有人接", "請回電給我", "你們的服務很慢", "我想找主管"],
}
KINDS = ["complaint", "complaint", "enquiry", "service_request", "suggestion"]
CHANNELS = ["web", "email", "phone", "counter", "open311", "chat"]


def sentence(rng: random.Random, department: str, lang: str) -> str:
    problem = rng.choice(PROBLEMS[department][lang])
    if rng.random() < 0.25 and department in CONFUSABLE:  # a second, misleading issue
        problem += (" and " if lang == "en" else "，而且") + rng.choice(
            PROBLEMS[CONFUSABLE[department]][lang]
        )
    text = (
        rng.choice(OPENERS[lang]) + problem + rng.choice(PLACES[lang]) + rng.choice(CLOSINGS[lang])
    )
    return text[0].upper() + text[1:] if lang == "en" else text


def history(
    *,
    departments: list[str],
    n: int,
    start: datetime,
    end: datetime,
    seed: int = 0,
    label_for=None,
    chinese_share: float = 0.4,
) -> list[RoutingExample]:
    """n cases spread over [start, end), uneven across departments like real demand."""
    rng = random.Random(seed)  # noqa: S311  (synthetic data, not security)
    weights = [1.0 / (i + 1) ** 0.5 for i in range(len(departments))]
    span = (end - start).total_seconds()
    examples = []
    for i in range(n):
        department = rng.choices(departments, weights)[0]
        lang = "zh" if rng.random() < chinese_share else "en"
        # Some cases say nothing about where they belong; only the officer knew.
        vague = rng.random() < 0.06
        examples.append(
            RoutingExample(
                text=rng.choice(VAGUE[lang]) if vague else sentence(rng, department, lang),
                kind=rng.choice(KINDS),
                channel=rng.choice(CHANNELS),
                category_hint="",
                location_hint="",
                label=label_for(department) if label_for else department,
                created_at=start + timedelta(seconds=span * i / max(n, 1)),
            )
        )
    return examples


def agency_of(department: str) -> str:
    return next(code for code, deps in AGENCY_DEPARTMENTS.items() if department in deps)
