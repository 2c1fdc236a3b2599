"""The default survey: the US OMB Circular A-11 §280 customer-experience questions plus CSAT,
NPS and CES, in the four languages civicdesk serves. Agencies edit it into new versions."""

from __future__ import annotations

AGREE = {
    "low": {
        "en": "Strongly disagree",
        "zh-hant": "非常不同意",
        "zh-hans": "非常不同意",
        "ms": "Sangat tidak setuju",
    },
    "high": {
        "en": "Strongly agree",
        "zh-hant": "非常同意",
        "zh-hans": "非常同意",
        "ms": "Sangat setuju",
    },
}
SATISFIED = {
    "low": {
        "en": "Very dissatisfied",
        "zh-hant": "非常不滿意",
        "zh-hans": "非常不满意",
        "ms": "Sangat tidak berpuas hati",
    },
    "high": {
        "en": "Very satisfied",
        "zh-hant": "非常滿意",
        "zh-hans": "非常满意",
        "ms": "Sangat berpuas hati",
    },
}
LIKELY = {
    "low": {
        "en": "Not at all likely",
        "zh-hant": "完全不可能",
        "zh-hans": "完全不可能",
        "ms": "Langsung tidak mungkin",
    },
    "high": {
        "en": "Extremely likely",
        "zh-hant": "極有可能",
        "zh-hans": "极有可能",
        "ms": "Sangat mungkin",
    },
}

TITLE = {
    "en": "How was our service?",
    "zh-hant": "我們的服務如何？",
    "zh-hans": "我们的服务如何？",
    "ms": "Bagaimana perkhidmatan kami?",
}
INTRO = {
    "en": "About one minute. Every question except the first may be skipped. We do not ask your name.",
    "zh-hant": "約需一分鐘。除第一題外，所有問題均可略過。我們不會詢問您的姓名。",
    "zh-hans": "约需一分钟。除第一题外，所有问题均可跳过。我们不会询问您的姓名。",
    "ms": "Kira-kira satu minit. Semua soalan kecuali yang pertama boleh dilangkau. Kami tidak bertanya nama anda.",
}

QUESTIONS: list[dict] = [
    {
        "key": "satisfied",
        "kind": "csat",
        "required": True,
        "labels": SATISFIED,
        "text": {
            "en": "Overall, how satisfied were you with the service you received?",
            "zh-hant": "整體而言，您對所得到的服務有多滿意？",
            "zh-hans": "总体而言，您对所得到的服务有多满意？",
            "ms": "Secara keseluruhan, sejauh manakah anda berpuas hati dengan perkhidmatan yang diterima?",
        },
    },
    {
        "key": "trust",
        "kind": "agree",
        "labels": AGREE,
        "text": {
            "en": "This visit increased my trust in the agency.",
            "zh-hant": "這次服務令我更信任這個部門。",
            "zh-hans": "这次服务令我更信任这个部门。",
            "ms": "Lawatan ini meningkatkan kepercayaan saya terhadap agensi ini.",
        },
    },
    {
        "key": "need_addressed",
        "kind": "agree",
        "labels": AGREE,
        "text": {
            "en": "My need was addressed.",
            "zh-hant": "我的需要得到了處理。",
            "zh-hans": "我的需要得到了处理。",
            "ms": "Keperluan saya telah ditangani.",
        },
    },
    {
        "key": "easy",
        "kind": "agree",
        "labels": AGREE,
        "text": {
            "en": "It was easy to complete what I needed to do.",
            "zh-hant": "我很容易便完成了需要辦理的事。",
            "zh-hans": "我很容易便完成了需要办理的事。",
            "ms": "Mudah untuk menyelesaikan urusan saya.",
        },
    },
    {
        "key": "reasonable_time",
        "kind": "agree",
        "labels": AGREE,
        "text": {
            "en": "It took a reasonable amount of time.",
            "zh-hant": "所花的時間合理。",
            "zh-hans": "所花的时间合理。",
            "ms": "Masa yang diambil adalah munasabah.",
        },
    },
    {
        "key": "treated_fairly",
        "kind": "agree",
        "labels": AGREE,
        "text": {
            "en": "I was treated fairly.",
            "zh-hant": "我受到公平對待。",
            "zh-hans": "我受到公平对待。",
            "ms": "Saya dilayan dengan adil.",
        },
    },
    {
        "key": "helpful",
        "kind": "agree",
        "labels": AGREE,
        "text": {
            "en": "The staff I dealt with were helpful.",
            "zh-hant": "為我服務的職員樂於助人。",
            "zh-hans": "为我服务的职员乐于助人。",
            "ms": "Kakitangan yang melayan saya sangat membantu.",
        },
    },
    {
        "key": "effort",
        "kind": "ces",
        "labels": AGREE,
        "text": {
            "en": "The agency made it easy for me to handle my matter.",
            "zh-hant": "這個部門讓我輕鬆處理我的事情。",
            "zh-hans": "这个部门让我轻松处理我的事情。",
            "ms": "Agensi ini memudahkan saya menguruskan hal saya.",
        },
    },
    {
        "key": "recommend",
        "kind": "nps",
        "labels": LIKELY,
        "text": {
            "en": "How likely are you to recommend this service to a friend or relative?",
            "zh-hant": "您有多大可能向親友推薦這項服務？",
            "zh-hans": "您有多大可能向亲友推荐这项服务？",
            "ms": "Sejauh manakah anda akan mengesyorkan perkhidmatan ini kepada rakan atau saudara?",
        },
    },
    {
        "key": "went_well",
        "kind": "text",
        "text": {
            "en": "What went well?",
            "zh-hant": "有甚麼做得好？",
            "zh-hans": "有什么做得好？",
            "ms": "Apakah yang berjalan dengan baik?",
        },
    },
    {
        "key": "not_well",
        "kind": "text",
        "text": {
            "en": "What did not go well, or could be better?",
            "zh-hant": "有甚麼做得不好或可以改善？",
            "zh-hans": "有什么做得不好或可以改善？",
            "ms": "Apakah yang kurang baik atau boleh diperbaiki?",
        },
    },
]
