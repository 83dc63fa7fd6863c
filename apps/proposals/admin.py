"""Proposals in the Django admin: read to follow a conversation; answers go through the pages or the API (the
services keep the rules, the history and the notifications)."""

from django.contrib import admin

from .models import Proposal, ProposalStep


class ProposalStepInline(admin.TabularInline):
    model = ProposalStep
    extra = 0
    can_delete = False
    fields = ("created", "actor", "action", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "layer", "parent", "proposer", "status", "created")
    list_filter = ("status", "layer")
    list_select_related = ("parent", "proposer")
    search_fields = ("title",)
    inlines = (ProposalStepInline,)
    readonly_fields = [field.name for field in Proposal._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
