"""The starter competency profiles and training programmes an agency can adopt (used by the demo)."""

from django.utils.translation import gettext_lazy as _

from civicdesk.workforce.models import StaffGroup

PROFILES = {
    StaffGroup.FRONTLINE: {
        "title": _("Frontline service competencies"),
        "introduction": _(
            "What citizens should see from everyone who serves them in person, "
            "by phone or in writing."
        ),
        "competencies": [
            {
                "code": "welcome",
                "name": _("Welcoming and listening"),
                "behaviours": [
                    _("Greets each person promptly and introduces themself"),
                    _("Listens without interrupting and checks they have understood"),
                ],
            },
            {
                "code": "right-first-time",
                "name": _("Getting it right first time"),
                "behaviours": [
                    _("Finds the answer rather than passing the person on"),
                    _("Uses the case and queue systems accurately"),
                ],
            },
            {
                "code": "informing",
                "name": _("Keeping people informed"),
                "behaviours": [
                    _("Tells people what happens next and when"),
                    _("Follows up on promises without being chased"),
                ],
            },
            {
                "code": "difficult",
                "name": _("Handling difficult situations"),
                "behaviours": [
                    _("Stays calm and respectful when a person is upset"),
                    _("Offers options and knows when to escalate"),
                ],
            },
        ],
    },
    StaffGroup.LEADER: {
        "title": _("Customer service leadership competencies"),
        "introduction": _("How leaders build a service culture in their teams."),
        "competencies": [
            {
                "code": "vision",
                "name": _("Leading service culture"),
                "behaviours": [
                    _("Explains the service standards and why they matter"),
                    _("Recognises good service in the team publicly"),
                ],
            },
            {
                "code": "coaching",
                "name": _("Coaching"),
                "behaviours": [
                    _("Observes staff serving and gives specific feedback"),
                    _("Agrees development goals with each person"),
                ],
            },
            {
                "code": "improving",
                "name": _("Improving the service"),
                "behaviours": [
                    _("Asks the team for improvement ideas and acts on them"),
                    _("Uses complaints and survey results to set priorities"),
                ],
            },
        ],
    },
    StaffGroup.GENERAL: {
        "title": _("General staff service competencies"),
        "introduction": _("Service behaviour for staff who support the front line."),
        "competencies": [
            {
                "code": "internal",
                "name": _("Serving colleagues"),
                "behaviours": [
                    _("Answers requests from colleagues within the agreed time"),
                    _("Explains decisions in plain language"),
                ],
            },
            {
                "code": "data",
                "name": _("Using evidence"),
                "behaviours": [
                    _("Checks facts before passing them on"),
                    _("Shares what the data shows with the team"),
                ],
            },
        ],
    },
}

TRAINING = [
    {
        "code": "service-concepts",
        "title": _("Service concepts"),
        "description": _(
            "The service standards, the citizen's journey and why every contact matters."
        ),
        "competency_codes": ["welcome", "informing", "internal"],
        "required_for": [StaffGroup.FRONTLINE, StaffGroup.LEADER, StaffGroup.GENERAL],
    },
    {
        "code": "leading-improvement",
        "title": _("Leading improvement projects"),
        "description": _("Finding the problem, testing a change, measuring the result."),
        "competency_codes": ["improving", "vision", "coaching"],
        "required_for": [StaffGroup.LEADER],
    },
    {
        "code": "conflict-resolution",
        "title": _("Conflict resolution"),
        "description": _("De-escalation, options and safe escalation."),
        "competency_codes": ["difficult"],
        "required_for": [],
    },
    {
        "code": "digital-skills",
        "title": _("Digital skills"),
        "description": _("Using the case, queue and survey systems well."),
        "competency_codes": ["right-first-time", "data"],
        "required_for": [],
    },
]
