"""Competency profiles, assessments, training, improvement ideas, awards and pilot programmes."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from civicdesk.core.clock import now
from civicdesk.core.models import (
    LocalNames,
    LocalTextsValidator,  # named by migration 0002
    TimeStampedModel,
    in_language,
    validate_names,
)
from civicdesk.organisations.models import Agency, Department, Site, StaffProfile


def _texts_in_other_languages(verbose_name, max_length: int | None = None):
    """A JSON field with a text in other languages than its English field's, by language code."""
    return models.JSONField(
        verbose_name,
        default=dict,
        blank=True,
        validators=[validate_names if max_length is None else LocalTextsValidator(max_length)],
        help_text=_('By language code, e.g. {"zh-hant": "…", "zh-hans": "…", "ms": "…"}.'),
    )


class StaffGroup(models.TextChoices):
    LEADER = "leader", _("Customer service leaders")
    GENERAL = "general", _("General staff")
    FRONTLINE = "frontline", _("Frontline staff")


class Rating(models.IntegerChoices):
    """The one rating scale, each point described by what an observer sees."""

    NOT_YET = 1, _("Not yet shown: the behaviour is rarely or never seen")
    DEVELOPING = 2, _("Developing: shown sometimes, with prompting")
    CONSISTENT = 3, _("Consistently shown: the expected standard")
    ROLE_MODEL = 4, _("Role model: shown always and coaches others")


# A behaviour rated below this is a development need.
EXPECTED_RATING = Rating.CONSISTENT


class WorkforceProfile(TimeStampedModel):
    """The workforce facts of one staff member that the foundation's StaffProfile lacks."""

    staff = models.OneToOneField(
        StaffProfile, on_delete=models.CASCADE, related_name="workforce_profile"
    )
    staff_group = models.CharField(_("staff group"), max_length=20, choices=StaffGroup.choices)

    def __str__(self) -> str:
        return f"{self.staff} – {self.get_staff_group_display()}"


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROMULGATED = "promulgated", _("Promulgated")
    RETIRED = "retired", _("Retired")


class CompetencyProfile(TimeStampedModel):
    """What good service behaviour looks like for one staff group: one version of it."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="competency_profiles")
    staff_group = models.CharField(_("staff group"), max_length=20, choices=StaffGroup.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    titles = _texts_in_other_languages(_("title in other languages"))
    introduction = models.TextField(_("introduction"), blank=True)
    introductions = _texts_in_other_languages(_("introduction in other languages"), 4000)
    status = models.CharField(
        _("status"), max_length=20, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT
    )
    promulgated_at = models.DateTimeField(_("promulgated at"), null=True, blank=True)

    class Meta:
        ordering = ["agency__code", "staff_group", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "staff_group", "version"], name="profile_version_unique"
            ),
            models.UniqueConstraint(
                fields=["agency", "staff_group"],
                condition=Q(status="promulgated"),
                name="one_promulgated_profile_per_group",
            ),
        ]

    def __str__(self) -> str:
        return self._with_version(self.title)

    @property
    def display_title(self) -> str:
        return in_language(self.titles, self.title)

    @property
    def display_label(self) -> str:
        """The title in the reader's language with the version, as str() gives it in English."""
        return self._with_version(self.display_title)

    def _with_version(self, title: str) -> str:
        return f"{title} v{self.version}"

    @property
    def display_introduction(self) -> str:
        return in_language(self.introductions, self.introduction)


class Competency(LocalNames, models.Model):
    profile = models.ForeignKey(
        CompetencyProfile, on_delete=models.CASCADE, related_name="competencies"
    )
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Stable across versions; training links to it.")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    descriptions = _texts_in_other_languages(_("description in other languages"), 4000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = _("competencies")
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="competency_code_per_profile")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_description(self) -> str:
        return in_language(self.descriptions, self.description)


class Behaviour(models.Model):
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="behaviours")
    text = models.CharField(_("observable behaviour"), max_length=300)
    texts = _texts_in_other_languages(_("behaviour in other languages"), 300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        return in_language(self.texts, self.text)


class ProfileAcknowledgement(models.Model):
    profile = models.ForeignKey(
        CompetencyProfile, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    staff = models.ForeignKey(
        StaffProfile, on_delete=models.CASCADE, related_name="profile_acknowledgements"
    )
    acknowledged_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "staff"], name="acknowledge_once")
        ]

    def __str__(self) -> str:
        return f"{self.staff} acknowledged {self.profile}"


class AssessmentKind(models.TextChoices):
    SELF = "self", _("Self-assessment")
    SUPERVISOR = "supervisor", _("Supervisor assessment")


class Assessment(TimeStampedModel):
    """One person's ratings on every behaviour of their profile, by themself or a supervisor."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="assessments")
    subject = models.ForeignKey(StaffProfile, on_delete=models.PROTECT, related_name="assessments")
    assessor = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, related_name="assessments_given"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssessmentKind.choices)
    profile = models.ForeignKey(CompetencyProfile, on_delete=models.PROTECT)
    period = models.CharField(_("period"), max_length=7, help_text=_("Quarter, e.g. 2026-Q4."))
    submitted_at = models.DateTimeField()
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-period", "subject__display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "kind", "period"], name="one_assessment_per_kind_and_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject.display_name} {self.period}"


class AssessmentRating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    behaviour = models.ForeignKey(Behaviour, on_delete=models.PROTECT, related_name="ratings")
    rating = models.PositiveSmallIntegerField(
        choices=Rating.choices, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "behaviour"], name="rate_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=4), name="rating_on_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.behaviour}: {self.rating}"


class TrainingProgramme(TimeStampedModel):
    """A course, e.g. service concepts or conflict resolution, run as sessions."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="training")
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    titles = _texts_in_other_languages(_("title in other languages"))
    description = models.TextField(_("description"), blank=True)
    descriptions = _texts_in_other_languages(_("description in other languages"), 4000)
    competency_codes = models.JSONField(
        _("competencies it develops"),
        default=list,
        blank=True,
        help_text=_("Codes of the competencies this training develops."),
    )
    required_for = models.JSONField(_("required for staff groups"), default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="training_code_per_agency")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return in_language(self.titles, self.title)

    @property
    def display_description(self) -> str:
        return in_language(self.descriptions, self.description)


class TrainingSession(TimeStampedModel):
    training = models.ForeignKey(
        TrainingProgramme, on_delete=models.PROTECT, related_name="sessions"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="training_sessions")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="training_sessions")
    trainer = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, related_name="sessions_trained"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"))
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_has_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.training.title} {self.starts_at:%Y-%m-%d}"

    @property
    def has_started(self) -> bool:
        return self.starts_at <= now()

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= now()


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    ATTENDED = "attended", _("Attended")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("Did not attend")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(TimeStampedModel):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="enrolments"
    )
    staff = models.ForeignKey(StaffProfile, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(
        max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["staff__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "staff"], name="enrol_once_per_session")
        ]


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Under review")
    APPROVED = "approved", _("Approved")
    IMPLEMENTED = "implemented", _("Implemented")
    DECLINED = "declined", _("Declined")


class Idea(TimeStampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="ideas")
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="ideas"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="ideas"
    )
    submitted_by = models.ForeignKey(
        StaffProfile, on_delete=models.PROTECT, related_name="ideas_submitted"
    )
    # The submitter's line manager when it was submitted: the idea's team.
    team_lead = models.ForeignKey(
        StaffProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="team_ideas"
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    proposal = models.TextField(_("proposal"))
    expected_benefit = models.TextField(_("expected benefit"))
    service = models.CharField(_("service"), max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED
    )
    reviewer = models.ForeignKey(
        StaffProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas_reviewed",
    )
    assignee = models.ForeignKey(
        StaffProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas_assigned",
    )
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    implemented_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.title


class Award(TimeStampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="awards")
    name = models.CharField(_("name"), max_length=200)
    period = models.CharField(_("period"), max_length=20, help_text=_("e.g. 2026"))
    closes_on = models.DateField(_("nominations close"))

    class Meta:
        ordering = ["-closes_on"]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"


class Nomination(TimeStampedModel):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="nominations")
    idea = models.ForeignKey(Idea, on_delete=models.PROTECT, related_name="nominations")
    nominated_by = models.ForeignKey(StaffProfile, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    is_winner = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["award", "idea"], name="nominate_idea_once")]


class PilotProgramme(TimeStampedModel):
    """A service-culture programme started at a few pilot sites, judged against the rest."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="pilot_programmes")
    name = models.CharField(_("name"), max_length=200)
    aims = models.TextField(_("aims"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    training_centre = models.CharField(_("training centre"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="programme_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PilotSite(models.Model):
    programme = models.ForeignKey(PilotProgramme, on_delete=models.CASCADE, related_name="sites")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="pilot_memberships")
    owner = models.ForeignKey(
        StaffProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The line manager who owns the pilot at this site."),
    )

    class Meta:
        ordering = ["site__agency__code", "site__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "site"], name="pilot_site_once")
        ]

    def __str__(self) -> str:
        return str(self.site)


class ProgrammeRoleKind(models.TextChoices):
    SPONSOR = "sponsor", _("Senior management sponsor")
    OWNER = "owner", _("Line manager (owner)")
    STAFF = "staff", _("Staff")
    TRAINING_CENTRE = "training_centre", _("Training centre")


class ProgrammeRole(models.Model):
    programme = models.ForeignKey(PilotProgramme, on_delete=models.CASCADE, related_name="roles")
    staff = models.ForeignKey(
        StaffProfile, on_delete=models.CASCADE, related_name="programme_roles"
    )
    role = models.CharField(max_length=20, choices=ProgrammeRoleKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "staff", "role"], name="programme_role_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.staff}"


class Milestone(TimeStampedModel):
    programme = models.ForeignKey(
        PilotProgramme, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(StaffProfile, on_delete=models.PROTECT, related_name="milestones")
    starts_on = models.DateField(_("starts"))
    due_on = models.DateField(_("due"))
    completed_on = models.DateField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("starts_on")), name="milestone_due_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title
