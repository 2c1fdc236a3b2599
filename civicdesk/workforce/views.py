"""Staff pages for the workforce. Thin: a form, one service or selector, a template."""

from __future__ import annotations

from datetime import datetime
from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civicdesk.core.clock import now
from civicdesk.core.errors import ApplicationError, NotAllowed
from civicdesk.organisations.models import Site, StaffProfile
from civicdesk.organisations.permissions import Access, Area, Scope, Target, can, scope_for
from civicdesk.workforce import selectors, services
from civicdesk.workforce.charts import bar_chart
from civicdesk.workforce.forms import (
    ApproveForm,
    AwardForm,
    BehaviourForm,
    CompetencyForm,
    EnrolForm,
    IdeaForm,
    MilestoneForm,
    NominationForm,
    NoteForm,
    PilotSiteForm,
    ProfileStartForm,
    ProgrammeForm,
    ProgrammeRoleForm,
    SessionForm,
    assessment_form_class,
)
from civicdesk.workforce.models import (
    Assessment,
    AssessmentKind,
    Behaviour,
    Enrolment,
    EnrolmentStatus,
    IdeaStatus,
    Nomination,
    ProfileStatus,
    ProgrammeRoleKind,
    Rating,
    StaffGroup,
)
from civicdesk.workforce.report import programme_report, render_report_pdf
from civicdesk.workforce.team import manages, staff_group_of, team_members


def staff_view(view):
    """Signed-in staff with some workforce reach; ApplicationErrors become 4xx pages."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            getattr(request.user, "staff_profile", None) is None
            or scope_for(request.user, Area.WORKFORCE, Access.READ) is Scope.NONE
        ):
            return render(
                request,
                "workforce/forbidden.html",
                {"message": _("Your role does not reach the workforce pages.")},
                status=403,
            )
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            # Services refuse with a reason a person can act on; show it, never a 500.
            return render(
                request, "workforce/forbidden.html", {"message": exc.message}, status=exc.status
            )

    return wrapper


def _post_action(request, action, *, success: str, back: str):
    """Run a service for a POST button; show its error as a banner a person can act on."""
    try:
        action()
    except NotAllowed:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, success)
    return redirect(back)


def _form_errors(request, form, back: str):
    """A small form posted from a page of several: its errors as a banner on that page."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(back)


def _posted_id(request, name: str) -> int | None:
    """A posted row id, or None when it is missing or not a number (a 404, never a 500)."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _apply_error(form, exc: ApplicationError) -> None:
    field = exc.extra.get("field")
    for name, message in (exc.extra.get("fields") or {}).items():
        if name in form.fields:
            form.add_error(name, message)
    if not exc.extra.get("fields"):
        form.add_error(field if field in form.fields else None, exc.message)


# --- home, profiles --------------------------------------------------------------------
@staff_view
def home(request: HttpRequest):
    me = request.user.staff_profile
    profile = selectors.competency_profile_for_me(request.user)
    acknowledged = profile is not None and profile.acknowledgements.filter(staff=me).exists()
    summary = selectors.person_summary(me)
    return render(
        request,
        "workforce/home.html",
        {
            "profile": profile,
            "acknowledged": acknowledged,
            "summary": summary,
            "my_ideas": selectors.idea_list_for(request.user).filter(submitted_by=me)[:5],
            "my_enrolments": Enrolment.objects.filter(staff=me)
            .exclude(status=EnrolmentStatus.WITHDRAWN)
            .select_related("session__training", "session__site")
            .order_by("-session__starts_at")[:5],
            "team_count": team_members(request.user).count(),
            "can_train": can(request.user, Area.TRAINING, Access.WRITE),
            "can_see_programmes": selectors.programme_list_for(request.user).exists(),
            "group": staff_group_of(me),
        },
    )


@staff_view
def my_profile(request: HttpRequest):
    profile = selectors.competency_profile_for_me(request.user)
    me = request.user.staff_profile
    if request.method == "POST" and profile is not None:
        return _post_action(
            request,
            lambda: services.competency_profile_acknowledge(actor=request.user, profile=profile),
            success=_("Thank you. You have acknowledged your competency profile."),
            back="workforce:my_profile",
        )
    ack = profile.acknowledgements.filter(staff=me).first() if profile else None
    return render(
        request,
        "workforce/my_profile.html",
        {
            "profile": profile,
            "acknowledgement": ack,
            "scale": Rating.choices,
            "group": staff_group_of(me),
        },
    )


def _is_admin(user) -> bool:
    profile = user.staff_profile
    return profile.role in ("agency_admin", "system_admin") and profile.agency_id is not None


@staff_view
def profile_list(request: HttpRequest):
    profiles = selectors.competency_profile_list_for(request.user)
    form = ProfileStartForm(request.POST or None, agency=request.user.staff_profile.agency)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.competency_profile_create(
                actor=request.user,
                agency=request.user.staff_profile.agency,
                staff_group=form.cleaned_data["staff_group"],
                title=form.cleaned_data["title"],
                titles=form.texts("title"),
                competencies=[],
            )
        except NotAllowed:
            raise
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Draft started. Add its competencies and behaviours."))
            return redirect("workforce:profile_detail", pk=profile.pk)
    return render(
        request,
        "workforce/profile_list.html",
        {
            "profiles": profiles.prefetch_related("acknowledgements"),
            "form": form if _is_admin(request.user) else None,
        },
        status=_status(form),
    )


def _profile_action(request, profile):
    """The POST buttons of a profile page: promulgate, new version, and drafting."""
    action = request.POST.get("action")
    back = request.path
    if action == "promulgate":
        return _post_action(
            request,
            lambda: services.competency_profile_promulgate(actor=request.user, profile=profile),
            success=_("Version %(v)s is now in force and staff have been told.")
            % {"v": profile.version},
            back=back,
        )
    if action == "new_version":
        new = services.competency_profile_new_version(actor=request.user, profile=profile)
        messages.success(
            request,
            _("Draft version %(v)s created. Change it, then promulgate it.") % {"v": new.version},
        )
        return redirect("workforce:profile_detail", pk=new.pk)
    if action == "add_competency":
        form = CompetencyForm(request.POST, agency=profile.agency)
        if not form.is_valid():
            return _form_errors(request, form, back)
        data = form.cleaned_data
        return _post_action(
            request,
            lambda: services.competency_add(
                actor=request.user,
                profile=profile,
                code=slugify(data["name"])[:40],
                name=data["name"],
                description=data["description"],
                names=form.texts("name"),
                descriptions=form.texts("description"),
            ),
            success=_("Competency added."),
            back=back,
        )
    if action == "add_behaviour":
        competency = profile.competencies.filter(pk=_posted_id(request, "competency")).first()
        if competency is None:
            raise Http404
        form = BehaviourForm(request.POST, agency=profile.agency)
        if not form.is_valid():
            return _form_errors(request, form, back)
        return _post_action(
            request,
            lambda: services.behaviour_add(
                actor=request.user,
                competency=competency,
                text=form.cleaned_data["text"],
                texts=form.texts("text"),
            ),
            success=_("Behaviour added."),
            back=back,
        )
    if action == "remove_behaviour":
        behaviour = Behaviour.objects.filter(
            pk=_posted_id(request, "behaviour"), competency__profile=profile
        ).first()
        if behaviour is None:
            raise Http404
        return _post_action(
            request,
            lambda: services.behaviour_remove(actor=request.user, behaviour=behaviour),
            success=_("Behaviour removed."),
            back=back,
        )
    raise Http404


@staff_view
def profile_detail(request: HttpRequest, pk: int):
    profile = selectors.competency_profile_list_for(request.user).filter(pk=pk).first()
    if profile is None:
        raise Http404
    if request.method == "POST":
        return _profile_action(request, profile)
    can_manage = _is_admin(request.user)
    competencies = list(profile.competencies.prefetch_related("behaviours"))
    return render(
        request,
        "workforce/profile_detail.html",
        {
            "profile": profile,
            "competencies": competencies,
            # One form to add a behaviour under each competency, each with its own ids.
            "behaviour_forms": [
                (c, BehaviourForm(agency=profile.agency, auto_id=f"behaviour-{c.pk}-%s"))
                for c in competencies
            ],
            "competency_form": CompetencyForm(agency=profile.agency, auto_id="competency-%s"),
            "acknowledged": profile.acknowledgements.count(),
            "can_manage": can_manage,
            "is_draft": profile.status == ProfileStatus.DRAFT,
            "editing": can_manage and profile.status == ProfileStatus.DRAFT,
            "scale": Rating.choices,
        },
    )


# --- assessments -------------------------------------------------------------------------
def _subject_or_404(request, staff_id: int) -> StaffProfile:
    subject = StaffProfile.objects.select_related("user", "agency").filter(pk=staff_id).first()
    if subject is None or not selectors.may_see_person(request.user, subject):
        raise Http404
    return subject


def _trend_chart(trend: list[dict]):
    if not trend:
        return None
    return bar_chart(
        title=_("Average rating per period, self and supervisor (1 to 4)"),
        labels=[t["period"] for t in trend],
        max_value=4,
        series=[
            (_("Self"), [t["self"] for t in trend]),
            (_("Supervisor"), [t["supervisor"] for t in trend]),
        ],
    )


@staff_view
def person(request: HttpRequest, staff_id: int):
    subject = _subject_or_404(request, staff_id)
    if request.method == "POST":
        return _post_action(
            request,
            lambda: services.workforce_profile_set_group(
                actor=request.user, staff=subject, staff_group=request.POST.get("staff_group", "")
            ),
            success=_("Staff group changed."),
            back=request.path,
        )
    summary = selectors.person_summary(subject)
    trainings = list(selectors.training_list_for(request.user).filter(is_active=True))
    chart = _trend_chart(summary.trend)
    me = request.user.staff_profile
    return render(
        request,
        "workforce/person.html",
        {
            "subject": subject,
            "summary": summary,
            "chart": chart,
            "group": staff_group_of(subject),
            "groups": StaffGroup.choices,
            "needs": selectors.training_needs(summary, trainings),
            "is_me": me.pk == subject.pk,
            "is_manager": manages(request.user, subject),
        },
    )


@staff_view
def assess(request: HttpRequest, staff_id: int):
    subject = _subject_or_404(request, staff_id)
    me = request.user.staff_profile
    kind = AssessmentKind.SELF if me.pk == subject.pk else AssessmentKind.SUPERVISOR
    if kind == AssessmentKind.SUPERVISOR and not manages(request.user, subject):
        raise NotAllowed(_("%(name)s is not in your team.") % {"name": subject.display_name})
    profile = services.profile_in_force_for(subject)
    if profile is None:
        return render(
            request, "workforce/assess.html", {"subject": subject, "profile": None, "kind": kind}
        )
    period = services.period_of(now())
    if Assessment.objects.filter(subject=subject, kind=kind, period=period).exists():
        # One of each kind per quarter: say so before the form, not after it is filled in.
        return render(
            request,
            "workforce/assess.html",
            {"subject": subject, "profile": profile, "kind": kind, "period": period, "done": True},
        )
    competencies = list(profile.competencies.all())
    behaviours = [b for c in competencies for b in c.behaviours.all()]
    form = assessment_form_class(behaviours)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ratings = {b.id: form.cleaned_data[f"b{b.id}"] for b in behaviours}
        try:
            services.assessment_submit(
                actor=request.user,
                subject=subject,
                ratings=ratings,
                comment=form.cleaned_data["comment"],
            )
        except NotAllowed:
            raise
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(kind)s submitted.") % {"kind": kind.label})
            return redirect("workforce:person", staff_id=subject.pk)
    groups = [
        {"competency": c, "fields": [form[f"b{b.id}"] for b in c.behaviours.all()]}
        for c in competencies
    ]
    return render(
        request,
        "workforce/assess.html",
        {
            "subject": subject,
            "profile": profile,
            "form": form,
            "groups": groups,
            "kind": kind,
            "period": period,
        },
        status=_status(form),
    )


@staff_view
def team(request: HttpRequest):
    overview = selectors.team_overview(request.user)
    trend = selectors.assessment_trend(
        Assessment.objects.filter(subject__in=[row["member"] for row in overview])
    )
    return render(
        request,
        "workforce/team.html",
        {"overview": overview, "trend": trend, "chart": _trend_chart(trend)},
    )


# --- training ------------------------------------------------------------------------------
@staff_view
def training(request: HttpRequest):
    sessions = selectors.session_list_for(request.user, upcoming_only=request.GET.get("all") != "1")
    return render(
        request,
        "workforce/training.html",
        {
            "sessions": sessions,
            "trainings": selectors.active_trainings_in_reader_order(request.user),
            "can_schedule": can(request.user, Area.TRAINING, Access.WRITE),
            "show_all": request.GET.get("all") == "1",
        },
    )


def _session_choices(user):
    me = user.staff_profile
    from civicdesk.workforce.models import PilotSite

    pilot_site_ids = set(
        PilotSite.objects.filter(programme__agency_id=me.agency_id).values_list(
            "site_id", flat=True
        )
    )
    sites = Site.objects.filter(is_active=True).filter(
        Q(agency_id=me.agency_id) | Q(pk__in=pilot_site_ids)
    )
    trainers = StaffProfile.objects.filter(
        agency_id=me.agency_id, role__in=["trainer", "agency_admin"]
    )
    return {
        "trainings": selectors.active_trainings_in_reader_order(user),
        "sites": sites.select_related("agency").distinct().order_by("agency__code", "name"),
        "trainers": trainers,
        "pilot_site_ids": pilot_site_ids,
    }


@staff_view
def session_new(request: HttpRequest):
    if not can(request.user, Area.TRAINING, Access.WRITE):
        raise NotAllowed(_("Only trainers schedule training sessions."))
    form = SessionForm(
        request.POST or None,
        **_session_choices(request.user),
        initial={"trainer": request.user.staff_profile, "capacity": 20},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zone = ZoneInfo(data["site"].timezone)
        try:
            session = services.training_session_schedule(
                actor=request.user,
                training=data["training"],
                site=data["site"],
                trainer=data["trainer"],
                starts_at=datetime.combine(data["day"], data["starts"], tzinfo=zone),
                ends_at=datetime.combine(data["day"], data["ends"], tzinfo=zone),
                capacity=data["capacity"],
            )
        except NotAllowed:
            raise
        except ApplicationError as exc:
            field = {"ends_at": "ends", "starts_at": "day"}.get(
                exc.extra.get("field"), exc.extra.get("field")
            )
            if exc.code == "outside_opening_hours":  # the day is right, the times are not
                field = "starts"
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Session scheduled."))
            return redirect("workforce:session", pk=session.pk)
    return render(request, "workforce/session_new.html", {"form": form}, status=_status(form))


def _enrol_candidates(user, session):
    """Whom the user may enrol: a trainer anyone of the session's agency or, for a pilot
    session at another agency's site, of that site's agency; anyone else their team."""
    if can(user, Area.TRAINING, Access.WRITE, Target(agency_id=session.agency_id)):
        return StaffProfile.objects.filter(
            agency_id__in={session.agency_id, session.site.agency_id}, user__is_active=True
        )
    return team_members(user)


@staff_view
def session(request: HttpRequest, pk: int):
    session = selectors.session_list_for(request.user).filter(pk=pk).first()
    if session is None:
        raise Http404
    me = request.user.staff_profile
    back = request.path
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            return _post_action(
                request,
                lambda: services.training_session_cancel(
                    actor=request.user, session=session, reason=request.POST.get("reason", "")
                ),
                success=_("Session cancelled; the people enrolled have been told."),
                back=back,
            )
        if action == "enrol_me":
            return _post_action(
                request,
                lambda: services.enrolment_create(actor=request.user, session=session, staff=me),
                success=_("You are enrolled."),
                back=back,
            )
        if action == "enrol":
            candidates = _enrol_candidates(request.user, session)
            staff = candidates.filter(pk=_posted_id(request, "staff")).first()
            if staff is None:
                messages.error(request, _("Choose a person from your team."))
                return redirect(back)
            return _post_action(
                request,
                lambda: services.enrolment_create(actor=request.user, session=session, staff=staff),
                success=_("%(name)s is enrolled.") % {"name": staff.display_name},
                back=back,
            )
        enrolment = session.enrolments.filter(pk=_posted_id(request, "enrolment")).first()
        if enrolment is None:
            raise Http404
        if action == "withdraw":
            return _post_action(
                request,
                lambda: services.enrolment_withdraw(actor=request.user, enrolment=enrolment),
                success=_("Enrolment withdrawn."),
                back=back,
            )
        if action in (EnrolmentStatus.ATTENDED, EnrolmentStatus.COMPLETED, EnrolmentStatus.NO_SHOW):
            return _post_action(
                request,
                lambda: services.enrolment_record(
                    actor=request.user, enrolment=enrolment, status=action
                ),
                success=_("Recorded for %(name)s.") % {"name": enrolment.staff.display_name},
                back=back,
            )
        raise Http404
    enrolments = session.enrolments.select_related("staff").exclude(
        status=EnrolmentStatus.WITHDRAWN
    )
    is_trainer = can(request.user, Area.TRAINING, Access.WRITE, Target(agency_id=session.agency_id))
    candidates = (
        _enrol_candidates(request.user, session)
        .exclude(pk__in=enrolments.values("staff_id"))
        .order_by("display_name")
    )
    return render(
        request,
        "workforce/session.html",
        {
            "session": session,
            "enrolments": enrolments,
            "is_trainer": is_trainer,
            "my_enrolment": enrolments.filter(staff=me).first(),
            "enrol_form": EnrolForm(staff=candidates) if candidates.exists() else None,
            "places_left": max(session.capacity - enrolments.count(), 0),
            "started": session.starts_at <= now(),
        },
    )


# --- ideas -----------------------------------------------------------------------------------
@staff_view
def ideas(request: HttpRequest):
    ideas = selectors.idea_list_for(request.user)
    status = request.GET.get("status")
    if status in IdeaStatus.values:
        ideas = ideas.filter(status=status)
    by = request.GET.get("by") if request.GET.get("by") in ("site", "team", "period") else "site"
    counts = selectors.idea_counts(selectors.idea_list_for(request.user), by=by)
    chart = (
        bar_chart(
            title=_("Ideas initiated and implemented"),
            labels=[r["label"] for r in counts],
            series=[
                (_("Initiated"), [r["initiated"] for r in counts]),
                (_("Implemented"), [r["implemented"] for r in counts]),
            ],
        )
        if counts
        else None
    )
    return render(
        request,
        "workforce/ideas.html",
        {
            "ideas": ideas[:200],
            "counts": counts,
            "chart": chart,
            "by": by,
            "status": status,
            "statuses": IdeaStatus.choices,
        },
    )


@staff_view
def idea_new(request: HttpRequest):
    me = request.user.staff_profile
    sites = Site.objects.filter(agency_id=me.agency_id, is_active=True)
    form = IdeaForm(request.POST or None, sites=sites, initial={"site": me.sites.first()})
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_submit(actor=request.user, **form.cleaned_data)
        except NotAllowed:
            raise
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Thank you. Your idea is submitted to your line manager."))
            return redirect("workforce:idea", pk=idea.pk)
    return render(request, "workforce/idea_new.html", {"form": form}, status=_status(form))


@staff_view
def idea(request: HttpRequest, pk: int):
    idea = selectors.idea_list_for(request.user).filter(pk=pk).first()
    if idea is None:
        raise Http404
    back = request.path
    me = request.user.staff_profile
    may_decide = services.can_decide_idea(request.user, idea)
    staff = StaffProfile.objects.filter(agency_id=idea.agency_id).order_by("display_name")
    approve_form = ApproveForm(request.POST or None, staff=staff)
    note_form = NoteForm(request.POST or None)
    awards = selectors.award_list_for(request.user).filter(closes_on__gte=now().date())
    nomination_form = NominationForm(request.POST or None, awards=awards)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "review":
            return _post_action(
                request,
                lambda: services.idea_review(actor=request.user, idea=idea),
                success=_("Marked as under review."),
                back=back,
            )
        if action == "approve" and approve_form.is_valid():
            return _post_action(
                request,
                lambda: services.idea_approve(
                    actor=request.user,
                    idea=idea,
                    assignee=approve_form.cleaned_data["assignee"],
                    note=approve_form.cleaned_data["note"],
                ),
                success=_("Idea approved."),
                back=back,
            )
        if action == "implement" and note_form.is_valid():
            return _post_action(
                request,
                lambda: services.idea_implement(
                    actor=request.user, idea=idea, note=note_form.cleaned_data["note"]
                ),
                success=_("Idea marked as implemented."),
                back=back,
            )
        if action == "decline" and note_form.is_valid():
            return _post_action(
                request,
                lambda: services.idea_decline(
                    actor=request.user, idea=idea, note=note_form.cleaned_data["note"]
                ),
                success=_("Idea declined."),
                back=back,
            )
        if action == "nominate" and nomination_form.is_valid():
            return _post_action(
                request,
                lambda: services.nomination_create(
                    actor=request.user,
                    award=nomination_form.cleaned_data["award"],
                    idea=idea,
                    reason=nomination_form.cleaned_data["reason"],
                ),
                success=_("Idea nominated."),
                back=back,
            )
        messages.error(request, _("Check the form and try again."))
        return redirect(back)
    return render(
        request,
        "workforce/idea.html",
        {
            "idea": idea,
            "may_decide": may_decide,
            "may_implement": idea.status == IdeaStatus.APPROVED
            and (may_decide or idea.assignee_id == me.pk),
            "approve_form": ApproveForm(staff=staff),
            "note_form": NoteForm(),
            "nomination_form": NominationForm(awards=awards)
            if (
                awards.exists()
                and idea.status == IdeaStatus.IMPLEMENTED
                and me.pk != idea.submitted_by_id
            )
            else None,
            "nominations": idea.nominations.select_related("award"),
        },
    )


@staff_view
def awards(request: HttpRequest):
    awards = selectors.award_list_for(request.user).prefetch_related(
        "nominations__idea__submitted_by"
    )
    me = request.user.staff_profile
    can_manage = me.role in ("agency_admin", "system_admin") and me.agency_id is not None
    form = AwardForm(request.POST if request.POST.get("action") == "create" else None)
    if request.method == "POST" and request.POST.get("action") == "create":
        if form.is_valid():
            return _post_action(
                request,
                lambda: services.award_create(
                    actor=request.user, agency=me.agency, **form.cleaned_data
                ),
                success=_("Award scheme opened for nominations."),
                back=request.path,
            )
    elif request.method == "POST":
        nomination = Nomination.objects.filter(
            pk=_posted_id(request, "nomination"), award__in=awards
        ).first()
        if nomination is None:
            raise Http404
        return _post_action(
            request,
            lambda: services.award_choose_winner(actor=request.user, nomination=nomination),
            success=_("Winner recorded."),
            back=request.path,
        )
    return render(
        request,
        "workforce/awards.html",
        {"awards": awards, "can_choose": can_manage, "form": form},
        status=_status(form),
    )


# --- pilot programmes --------------------------------------------------------------------
@staff_view
def programmes(request: HttpRequest):
    me = request.user.staff_profile
    can_create = me.role in ("agency_admin", "system_admin") and me.agency_id is not None
    staff = StaffProfile.objects.filter(agency_id=me.agency_id).order_by("display_name")
    form = ProgrammeForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.pilot_programme_create(
                actor=request.user, agency=me.agency, **form.cleaned_data
            )
        except NotAllowed:
            raise
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Programme created. Add its pilot sites."))
            return redirect("workforce:programme", pk=programme.pk)
    return render(
        request,
        "workforce/programmes.html",
        {
            "programmes": selectors.programme_list_for(request.user).prefetch_related("sites"),
            "form": form if can_create else None,
        },
        status=_status(form),
    )


def _programme_or_404(request, pk: int):
    programme = selectors.programme_list_for(request.user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


@staff_view
def programme(request: HttpRequest, pk: int):
    programme = _programme_or_404(request, pk)
    owners = StaffProfile.objects.filter(
        agency_id__in={
            programme.agency_id,
            *programme.sites.values_list("site__agency_id", flat=True),
        }
    ).order_by("display_name")
    form = MilestoneForm(request.POST or None, staff=owners)
    site_form = PilotSiteForm(
        request.POST if request.POST.get("action") == "add_site" else None,
        prefix="pilot",
        sites=Site.objects.filter(is_active=True)
        .exclude(pk__in=programme.sites.values("site_id"))
        .select_related("agency")
        .order_by("agency__code", "name"),
        staff=owners.filter(role__in=["team_lead", "qsm", "agency_admin"]),
    )
    role_form = ProgrammeRoleForm(
        request.POST if request.POST.get("action") == "add_role" else None,
        prefix="role",
        staff=owners,
        roles=ProgrammeRoleKind.choices,
    )
    if request.method == "POST" and request.POST.get("action") == "add_role":
        if role_form.is_valid():
            return _post_action(
                request,
                lambda: services.programme_role_assign(
                    actor=request.user, programme=programme, **role_form.cleaned_data
                ),
                success=_("Role assigned."),
                back=request.path,
            )
        messages.error(request, _("Choose a person and a role."))
        return redirect(request.path)
    if request.method == "POST" and request.POST.get("action") == "add_site":
        if site_form.is_valid():
            return _post_action(
                request,
                lambda: services.pilot_site_add(
                    actor=request.user, programme=programme, **site_form.cleaned_data
                ),
                success=_("Pilot site added."),
                back=request.path,
            )
        messages.error(request, _("Choose a site."))
        return redirect(request.path)
    if request.method == "POST":
        if request.POST.get("action") == "complete":
            milestone = programme.milestones.filter(pk=_posted_id(request, "milestone")).first()
            if milestone is None:
                raise Http404
            return _post_action(
                request,
                lambda: services.milestone_complete(actor=request.user, milestone=milestone),
                success=_("Milestone completed."),
                back=request.path,
            )
        if form.is_valid():
            try:
                services.milestone_create(
                    actor=request.user, programme=programme, **form.cleaned_data
                )
            except NotAllowed:
                raise
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, _("Milestone added."))
                return redirect(request.path)
    me = request.user.staff_profile
    return render(
        request,
        "workforce/programme.html",
        {
            "programme": programme,
            "form": form,
            "sites": programme.sites.select_related("site__agency", "owner"),
            "roles": selectors.programme_roles(programme),
            "milestones": programme.milestones.select_related("owner"),
            "may_plan": services.may_plan_programme(request.user, programme),
            "site_form": site_form,
            "role_form": role_form,
            "is_admin": me.role in ("agency_admin", "system_admin")
            and me.agency_id == programme.agency_id,
            "me": me,
        },
    )


@staff_view
def report(request: HttpRequest, pk: int):
    programme = _programme_or_404(request, pk)
    if (
        scope_for(request.user, Area.WORKFORCE, Access.READ) < Scope.UNIT
        and not programme.roles.filter(staff=request.user.staff_profile).exists()
    ):
        raise NotAllowed(_("The progress report is for managers and the programme team."))
    return render(request, "workforce/report.html", programme_report(programme))


@staff_view
def report_pdf(request: HttpRequest, pk: int):
    programme = _programme_or_404(request, pk)
    if (
        scope_for(request.user, Area.WORKFORCE, Access.READ) < Scope.UNIT
        and not programme.roles.filter(staff=request.user.staff_profile).exists()
    ):
        raise NotAllowed(_("The progress report is for managers and the programme team."))
    pdf = render_report_pdf(programme)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.pk}.pdf"'
    return response


def _status(form) -> int:
    """422 when a submitted form is shown again with its errors, as elsewhere in civicdesk."""
    return 422 if form is not None and form.is_bound and form.errors else 200
