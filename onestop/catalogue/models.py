"""Service items with the fields of a national implementation list (实施清单).

Field names follow the domain: see ../shared/DOMAIN.md and docs/architecture.md.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.trust import TrustLevel
from onestop.tenancy.models import Bilingual, Department, TenantOwned


class ItemType(models.TextChoices):
    """The eleven kinds of government power and service."""

    LICENSING = "licensing", _("Administrative licensing")  # 行政许可
    PENALTY = "penalty", _("Administrative penalty")  # 行政处罚
    ENFORCEMENT = "enforcement", _("Administrative enforcement")  # 行政强制
    LEVY = "levy", _("Administrative levy")  # 行政征收
    BENEFIT = "benefit", _("Benefit payment")  # 行政给付
    INSPECTION = "inspection", _("Administrative inspection")  # 行政检查
    CONFIRMATION = "confirmation", _("Administrative confirmation")  # 行政确认
    REWARD = "reward", _("Administrative reward")  # 行政奖励
    ADJUDICATION = "adjudication", _("Administrative adjudication")  # 行政裁决
    OTHER_POWER = "other_power", _("Other administrative power")  # 其他行政权力
    PUBLIC_SERVICE = "public_service", _("Public service")  # 公共服务


class BusinessVariant(models.TextChoices):
    NONE = "", _("Not applicable")
    NEW = "new", _("New")  # 新办
    CHANGE = "change", _("Change")  # 变更
    RENEWAL = "renewal", _("Renewal")  # 延续
    CANCELLATION = "cancellation", _("Cancellation")  # 注销


class ExerciseLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")


class Audience(models.TextChoices):
    PERSON = "person", _("People")
    BUSINESS = "business", _("Businesses")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy")
    ELECTRONIC = "electronic", _("Electronic")


class ItemStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Theme(Bilingual, TenantOwned):
    code = models.SlugField(max_length=48)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=96, blank=True)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["tenant", "audience", "order"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="theme_code_unique_in_tenant")]

    def __str__(self) -> str:
        return self.name


class ServiceItem(Bilingual, TenantOwned):
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=128)
    name_en = models.CharField(max_length=200, blank=True)
    sub_item = models.CharField(max_length=128, blank=True)
    variant = models.CharField(max_length=16, choices=BusinessVariant.choices, blank=True, default="")
    item_type = models.CharField(max_length=16, choices=ItemType.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    exercise_level = models.CharField(max_length=16, choices=ExerciseLevel.choices)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    summary = models.TextField(blank=True)
    legal_basis = models.TextField()
    acceptance_conditions = models.TextField()
    statutory_limit_days = models.PositiveSmallIntegerField(
        help_text=_("Statutory time limit in working days (0: decided on the spot).")
    )
    committed_limit_days = models.PositiveSmallIntegerField(
        help_text=_("Committed time limit in working days, never above the statutory one.")
    )
    fee_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    fee_basis = models.TextField(blank=True)
    places = models.JSONField(default=list, blank=True)
    consultation_phone = models.CharField(max_length=32)
    complaint_phone = models.CharField(max_length=32)
    visits_required = models.PositiveSmallIntegerField(
        help_text=_("Number of visits to a service hall; 0 means zero trips.")
    )
    online_depth = models.PositiveSmallIntegerField(default=4)
    min_trust_level = models.PositiveSmallIntegerField(choices=TrustLevel.choices, default=TrustLevel.L3)
    keywords = models.CharField(max_length=256, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="items")
    popularity = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.PUBLISHED)
    version = models.PositiveIntegerField(default=1)
    # The client id of the partner app that handles this item's cases instead of the
    # console (a service module the tenant installed); empty for the console.
    back_office_app = models.CharField(max_length=40, blank=True, default="")
    # An approval issues a paper licence or certificate that an officer hands over or
    # posts (Art. 44: within 10 working days of the decision); electronic certificates
    # are known from their types instead.
    issues_paper_licence = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["tenant", "code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="item_code_unique_in_tenant"),
            models.CheckConstraint(
                condition=models.Q(committed_limit_days__lte=models.F("statutory_limit_days")),
                name="item_committed_within_statutory",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "-popularity"], name="item_hot_idx"),
            models.Index(fields=["tenant", "department"], name="item_department_idx"),
            models.Index(fields=["tenant", "visits_required"], name="item_visits_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_zero_trip(self) -> bool:
        return self.visits_required == 0

    @property
    def is_free(self) -> bool:
        return self.fee_amount == 0


class Material(TenantOwned):
    """An application material, with form and quantity, and the certificate type whose
    electronic certificate can replace it (once-only: the citizen uploads nothing)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=128)
    form = models.CharField(max_length=24, choices=MaterialForm.choices)
    quantity = models.PositiveSmallIntegerField(default=1)
    required = models.BooleanField(default=True)
    notes = models.CharField(max_length=256, blank=True)
    certificate_type = models.CharField(max_length=48, blank=True)
    # The application form itself: answered online, nothing to upload.
    filled_online = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["item", "order"]

    def __str__(self) -> str:
        return self.name


class ProcessStep(TenantOwned):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=64)
    description = models.CharField(max_length=256, blank=True)
    requires_visit = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["item", "order"]

    def __str__(self) -> str:
        return self.name


class LifeEvent(Bilingual, TenantOwned):
    """A "one thing" bundle (一件事): one entry for a life or business event."""

    code = models.SlugField(max_length=48)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=96, blank=True)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    description = models.TextField(blank=True)
    items = models.ManyToManyField(ServiceItem, blank=True, related_name="life_events")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["tenant", "order"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="life_event_code_unique_in_tenant")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceForm(TenantOwned):
    """The declarative, versioned application form of an item: a JSON Schema (2020-12)
    of the answers, with ``x-steps`` grouping fields into the steps the portal shows one
    at a time, and ``title_en`` beside each ``title``. A change makes a new version;
    applications keep the version they were made with."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="forms")
    version = models.PositiveIntegerField()
    schema = models.JSONField()
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="form_version_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version}"


class SearchIndexEntry(TenantOwned):
    """One published item in the full-text index, made from its ``SearchTerm`` rows: the
    terms in three columns by weight — ``a`` the code, the name and its pinyin, the
    keywords; ``b`` the keywords' pinyin, sub-items and English; ``c`` the rest
    (departments, whole pinyin, initials, single characters).

    The table is the database's own engine (migration 0006): an SQLite FTS5 table, or on
    PostgreSQL a table whose ``document`` column (weights A, B, C) carries a GIN index.
    The model lets tenant moves and backups carry the rows like any other; searches go
    through ``catalogue.search_index``."""

    id = models.BigIntegerField(primary_key=True, db_column="rowid")  # the item's id
    a = models.TextField(blank=True)
    b = models.TextField(blank=True)
    c = models.TextField(blank=True)

    class Meta:
        managed = False
        db_table = "catalogue_search_index"
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")

    def __str__(self) -> str:
        return str(self.pk)


class SearchTerm(TenantOwned):
    """The inverted index behind catalogue search: one row per term of an item.

    Terms are Chinese words (jieba), single characters, full pinyin and pinyin initials of
    each word, English words and the item code. Prefix lookups run on the (tenant, term)
    index as a range, which both SQLite and PostgreSQL answer from the index.
    """

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=64)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        indexes = [models.Index(fields=["tenant", "term"], name="search_term_idx")]

    def __str__(self) -> str:
        return self.term
