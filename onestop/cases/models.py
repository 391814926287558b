"""Applications (drafts), cases, their history, materials, ratings and rectification."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases.lifecycle import CaseFlow, Decision, PublicState, State
from onestop.tenancy.models import Department, Region, TenantOwned

if TYPE_CHECKING:
    from onestop.cases.lifecycle import Clock
    from onestop.workdays.calendar import WorkCalendar


def case_number(tenant_code: str, received_on: date, sequence: int) -> str:
    """A case's number: the tenant's code, the day of receipt and the day's sequence
    (``GD2026113000042``)."""
    return f"{tenant_code.upper()}{received_on:%Y%m%d}{sequence:05d}"


class Application(TenantOwned):
    """A draft being filled in, one step at a time; submitting turns it into a case."""

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey("catalogue.ServiceItem", on_delete=models.CASCADE, related_name="+")
    form_version = models.PositiveIntegerField()
    data = models.JSONField(default=dict, blank=True)
    wallet = models.JSONField(default=dict, blank=True)  # material order -> credential id
    fetch = models.JSONField(default=list, blank=True)  # material orders the department may fetch
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["tenant", "applicant", "submitted_at"], name="application_owner_idx"),
            # A person's open draft of an item, looked up at every start: only drafts, so
            # that an item applied for a million times is not read through to find it.
            models.Index(
                fields=["tenant", "applicant", "item"],
                condition=models.Q(submitted_at__isnull=True),
                name="application_draft_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"application {self.pk}"


class Upload(TenantOwned):
    """A file a citizen uploaded as a material. Stored under a name the platform chose, in
    the tenant's own folder; the name the user gave is kept only to show."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads"
    )
    material_order = models.PositiveSmallIntegerField()
    storage_name = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return self.storage_name


class Case(TenantOwned):
    number = models.CharField(max_length=32)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("catalogue.ServiceItem", on_delete=models.PROTECT, related_name="+")
    item_version = models.PositiveIntegerField()
    form_version = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=24, choices=[(s.value, s.value) for s in State], default=State.RECEIVED
    )
    public_state = models.CharField(max_length=24, choices=[(s.value, s.value) for s in PublicState])
    decision = models.CharField(max_length=16, blank=True, choices=[(d.value, d.value) for d in Decision])
    limit_days = models.PositiveSmallIntegerField()
    received_on = models.DateField()
    accepted_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    suspended_on = models.DateField(null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField(default=0)
    extension_days = models.PositiveSmallIntegerField(default=0)
    decided_on_time = models.BooleanField(null=True)
    # Working days from acceptance to decision, special procedures excluded (set when decided).
    processing_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # The running clock's deadline (acceptance, decision or certificate), stored for the
    # queue's filters and recomputed at every step.
    due_on = models.DateField(null=True, blank=True)
    due_uncertain = models.BooleanField(default=False)  # the deadline crosses a year nobody entered
    # While received: the decision's due day should the case count as accepted on receipt,
    # so that queue filters see a deemed acceptance before anyone records it.
    deemed_due_on = models.DateField(null=True, blank=True)
    # Set by an approval of an item that issues a certificate (or a paper licence): the
    # 10 working days to issue it run from the decision.
    issues_certificate = models.BooleanField(default=False)
    certificate_issued_on = models.DateField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The partner app (client id) the citizen applied through, and the one whose back
    # office handles the case instead of the console; empty when none.
    submitted_via_app = models.CharField(max_length=40, blank=True, default="")
    handled_by_app = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # True on an instance read as the law has it with a deemed acceptance nobody recorded
    # yet: such an instance is for showing, and is never saved.
    deemed_unrecorded = False

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="case_number_unique_in_tenant")
        ]
        indexes = [
            models.Index(fields=["tenant", "applicant", "-created_at"], name="case_applicant_idx"),
            models.Index(fields=["tenant", "department", "state", "due_on"], name="case_queue_idx"),
            models.Index(fields=["tenant", "state"], name="case_state_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A deemed acceptance is recorded by an action, with its history and audit entry.
        if self.deemed_unrecorded:
            raise RuntimeError("a case read as of a day is not saved: act through cases.actions")
        super().save(*args, **kwargs)

    @property
    def flow(self) -> CaseFlow:
        return CaseFlow(
            limit_days=self.limit_days,
            received_on=self.received_on,
            state=State(self.state),
            accepted_on=self.accepted_on,
            decided_on=self.decided_on,
            concluded_on=self.concluded_on,
            suspended_on=self.suspended_on,
            paused_days=self.paused_days,
            extension_days=self.extension_days,
            decision=self.decision,
            decided_on_time=self.decided_on_time,
            issues_certificate=self.issues_certificate,
            issued_on=self.certificate_issued_on,
        )

    @property
    def clock(self) -> Clock | None:
        """What ``due_on`` is the deadline for."""
        return self.flow.clock

    def take_flow(self, flow: CaseFlow, calendar: WorkCalendar) -> None:
        """Set the stored facts from the flow, deadlines included (not saved here)."""
        self.state, self.public_state, self.decision = flow.state, flow.public_state, flow.decision
        self.received_on, self.accepted_on = flow.received_on, flow.accepted_on
        self.decided_on, self.concluded_on = flow.decided_on, flow.concluded_on
        self.suspended_on, self.paused_days = flow.suspended_on, flow.paused_days
        self.extension_days, self.decided_on_time = flow.extension_days, flow.decided_on_time
        self.issues_certificate, self.certificate_issued_on = (
            flow.issues_certificate,
            flow.issued_on,
        )
        self.processing_days = flow.processing_days(calendar)
        deadline = flow.deadline(calendar)
        self.due_on = deadline.day if deadline is not None else None
        self.due_uncertain = deadline is not None and not deadline.certain
        self.deemed_due_on = flow.deemed_due_on(calendar)

    def as_of(self, on: date, calendar: WorkCalendar) -> Case:
        """This case as the law has it on the day, in memory: 5 working days after receipt
        without an answer it counts as accepted on receipt, whether or not a write or the
        clock has recorded that yet (the first of them will)."""
        law = self.flow.as_of(on, calendar)
        if law.state != self.state:
            self.take_flow(law, calendar)
            self.deemed_unrecorded = True
        return self


class CaseEvent(TenantOwned):
    """One step of a case's history, with the comment the acting officer gave."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=128)
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24)
    comment = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CaseMaterial(TenantOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=128)
    upload = models.ForeignKey(Upload, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A certificate from the applicant's wallet met this material: no upload, no trip.
    certificate_id = models.CharField(max_length=64, blank=True)
    # The applicant consented that the department fetch this material from its issuer.
    fetch_consented = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        ordering = ["case", "order", "id"]

    def __str__(self) -> str:
        return self.name


class CaseSequence(TenantOwned):
    """The last case number given in a tenant on a day (numbers are unique per tenant)."""

    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")
        constraints = [models.UniqueConstraint(fields=["tenant", "day"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.last}"


class RatingTag(models.TextChoices):
    DEADLINE_EXCEEDED = "deadline_exceeded", _("Deadline exceeded without reason")
    CONDITIONS_NOT_IN_GUIDE = (
        "conditions_not_in_guide",
        _("Conditions demanded that are not in the guide"),
    )
    MATERIALS_NOT_IN_GUIDE = (
        "materials_not_in_guide",
        _("Materials demanded that are not in the guide"),
    )
    ATTITUDE = "attitude", _("Unfriendly service")
    FAST = "fast", _("Fast")
    CLEAR_GUIDE = "clear_guide", _("Clear guide")
    NO_TRIP = "no_trip", _("No trip needed")


class Rating(TenantOwned):
    """The applicant's rating of a concluded case (好差评): one per case, 1 to 5."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("catalogue.ServiceItem", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    tags = models.JSONField(default=list, blank=True)
    comment = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_range")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score}"


class RectificationTicket(TenantOwned):
    """Opened by a bad rating (1 or 2): the department verifies, fixes and answers within
    15 working days."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rectification")
    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="rectification")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField()
    due_on = models.DateField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rectification ticket")
        verbose_name_plural = _("rectification tickets")

    def __str__(self) -> str:
        return f"rectification {self.case_id}"


class IdempotencyRecord(TenantOwned):
    """The first answer to a submission with an Idempotency-Key, to give again on a retry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)  # empty while the first request runs
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["tenant", "user", "key"], name="idempotency_unique")]

    def __str__(self) -> str:
        return self.key
