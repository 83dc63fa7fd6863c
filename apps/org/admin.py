from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from mptt.admin import MPTTModelAdmin

from apps.core.admin import ReadOnlyAdmin

from . import invitations, services
from .models import ImportJob, Person, Unit


@admin.register(Unit)
class UnitAdmin(MPTTModelAdmin):
    list_display = ("name", "kind", "lead")
    list_select_related = ("lead",)
    search_fields = ("name",)
    raw_id_fields = ("lead",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            obj.pk = services.unit_create(
                actor=request.user, name=data["name"], kind=data["kind"], parent=data["parent"], lead=data["lead"]
            ).pk
            return
        current = Unit.objects.get(pk=obj.pk)
        services.unit_update(actor=request.user, unit=current, name=data["name"], kind=data["kind"], lead=data["lead"])
        if data["parent"] != current.parent:
            services.unit_move(actor=request.user, unit=current, parent=data["parent"])


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = ("username", "name", "email", "role", "unit", "manager", "is_active")
    list_filter = ("role", "is_active", "unit")
    list_select_related = ("unit", "manager")
    search_fields = ("username", "name", "email", "employee_id")
    ordering = ("username",)
    raw_id_fields = ("manager",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("name", "email", "employee_id", "unit", "manager", "role")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    # "Password-based authentication: disabled" makes a person without a password, who is mailed an invitation.
    add_fieldsets = (
        (None, {"fields": ("username", "usable_password", "password1", "password2", "name", "email", "unit", "role")}),
    )
    actions = ("send_invitation",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # as people/ and the import do: someone new without a password is invited
            invitations.invitations_for_new_people(people=[obj], actor=request.user)

    @admin.action(description="Mail an invitation to set a password")
    def send_invitation(self, request, queryset):
        sent, refused = 0, []
        for person in queryset:
            try:
                invitations.invitation_request(actor=request.user, person=person)
                sent += 1
            except ValidationError as exc:
                refused.extend(exc.messages)
        self.message_user(request, f"{sent} invitation(s) on the way.", messages.SUCCESS)
        for message in refused[:20]:
            self.message_user(request, message, messages.WARNING)


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Import jobs are started from the import page and the API; the admin only looks."""

    list_display = ("id", "filename", "dry_run", "status", "applied", "requested_by", "created", "finished_at")
    list_filter = ("status", "dry_run")
    list_select_related = ("requested_by",)
