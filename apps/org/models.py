"""The organisation: units (a tree) and the people in them."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from mptt.models import MPTTModel, TreeForeignKey


class Unit(MPTTModel):
    """An organisation unit — company, division, department, region or team — in one tree."""

    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        DIVISION = "division", "Division"
        DEPARTMENT = "department", "Department"
        REGION = "region", "Region"
        TEAM = "team", "Team"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TEAM)
    parent = TreeForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    lead = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_units")
    # How often the unit's goals want a check-in (days): their owners are reminded when one is older. Set by the
    # unit's lead (or a lead above it), HR or an admin (apps.org.permissions.can_set_checkin_cadence).
    checkin_cadence_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    class MPTTMeta:
        order_insertion_by = ("name",)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("parent", "name"), name="unit_name_unique_among_siblings"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(AbstractUser):
    """A user account with a unit, a manager (another person) and a role.

    Whatever the role, whoever leads a unit or has reports also acts as a manager for that
    unit's subtree and for those reports (see apps.org.selectors).
    """

    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        LEADER = "leader", "Leader"
        MANAGER = "manager", "Manager"
        EMPLOYEE = "employee", "Employee"
        HR = "hr", "HR"

    # One name field: people's names do not all split into first and last.
    first_name = None
    last_name = None
    name = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EMPLOYEE)
    employee_id = models.CharField(max_length=64, null=True, blank=True, unique=True)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(condition=~models.Q(manager=models.F("pk")), name="person_not_own_manager"),
        ]

    def __str__(self) -> str:
        return self.name or self.username

    @staticmethod
    def admin_flags(role: str) -> dict[str, bool]:
        """The admin role is what opens the Django admin: `is_staff` and `is_superuser` follow the role."""
        is_admin = role == Person.Role.ADMIN
        return {"is_staff": is_admin, "is_superuser": is_admin}

    @property
    def is_admin_account(self) -> bool:
        """An admin by role, or a superuser made by hand (`createsuperuser`): only an admin changes such accounts."""
        return self.role == Person.Role.ADMIN or self.is_superuser

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.username


class ImportJob(models.Model):
    """One org-chart file checked (a dry run) or imported in the background (apps.org.tasks.run_import).

    The request only stores the file; a worker reads, checks and — unless it is a dry run — writes it, all or
    nothing, and leaves what happened in `result` (counts, problems, warnings and, for the page, the first
    changes of each kind). Visible to whoever asked for it and to admins. The file lives in the default storage,
    never under a public URL, and is deleted once the job has been finished for IMPORT_KEEP_HOURS.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        REFUSED = "refused", "Refused: the file has problems"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="import_jobs")
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True, max_length=255)
    dry_run = models.BooleanField(default=True)
    # The import's safety options (apps.org.importing.safety): the typed count of deactivations, a new top unit.
    confirm_deactivations = models.PositiveIntegerField(null=True, blank=True)
    allow_new_root = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    applied = models.BooleanField(default=False)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created", "-id")
        indexes = [models.Index(fields=("requested_by", "-created"))]

    def __str__(self) -> str:
        return f"{'Check' if self.dry_run else 'Import'} of {self.filename} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED)


class AccountMail(models.Model):
    """An invitation or a password-reset mail: recorded when it is asked for, in the same transaction (an outbox),
    and sent by a Celery task (apps.org.tasks.send_account_mails), or by the sweep when that task was lost.

    A row is claimed (`claimed_at`) before it is sent, so two workers never send it both; a claim older than
    CLAIM_SECONDS belongs to a worker that died and may be taken again. `outcome` says how it ended: sent, skipped
    (no longer needed: the person activated their account, was deactivated or lost their email) or refused (the mail
    server refused the address). The link in the mail is made when it is sent, so it lasts from then.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        PASSWORD_RESET = "password_reset", "Password reset"
        PLACE_CHANGED = "place_changed", "Your role, manager or the units you lead changed"

    class Outcome(models.TextChoices):
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped: no longer needed"
        REFUSED = "refused", "Refused by the mail server"

    CLAIM_SECONDS = 900

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="account_mails")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    requested_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    import_job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="account_mails"
    )
    created = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    # For PLACE_CHANGED: what changed, as the mail tells it ({"role": [old, new], ...}, names not ids).
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=("person", "kind", "-created")),
            models.Index(fields=("import_job", "outcome")),
            models.Index(fields=("created",), condition=models.Q(finished_at__isnull=True), name="account_mail_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person_id} ({self.outcome or 'waiting'})"
