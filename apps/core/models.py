"""Cross-cutting records: who changed what, and when."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ObjectChange(models.Model):
    """One change to one object, kept forever: edits leave history, deletes archive."""

    class Action(models.TextChoices):
        CREATE = "create", "created"
        UPDATE = "update", "updated"
        MOVE = "move", "moved"
        ARCHIVE = "archive", "archived"
        RESTORE = "restore", "restored"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True, help_text="field → [old, new]")
    time = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-time", "-id")
        indexes = [models.Index(fields=("content_type", "object_id", "-time"))]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.content_type.model} #{self.object_id}"
