"""Goals in the Django admin. Saves go through the services, so the cascade rules hold here too;
deleting is replaced by archiving (history is kept)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from mptt.admin import MPTTModelAdmin

from apps.core.admin import ReadOnlyAdmin

from . import rules, services
from .models import PRIVATE_FIELDS, CheckIn, Goal, GoalComment, GoalLink, Layer, Metric, ReflectionRead
from .permissions import reflection_read_by_other


class GoalAdminForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = (
            "title",
            "layer",
            "parent",
            "cycle",
            "unit",
            "owner",
            "description",
            "why",
            "weight",
            "status",
            "progress_source",
            "manual_progress",
            "identity",
            "motivation",
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        instance = self.instance if self.instance.pk else None
        if instance and data["layer"] != instance.layer:
            self.add_error("layer", "The layer of a goal is fixed when it is created: create a new goal instead.")
            return data
        try:
            rules.check_attributes(
                layer=data["layer"],
                weight=data["weight"],
                manual_progress=data["manual_progress"],
                status=data["status"],
                progress_source=data["progress_source"],
                identity=data["identity"],
                motivation=data["motivation"],
            )
            rules.check_placement(layer=data["layer"], parent=data["parent"], cycle=data["cycle"], goal=instance)
            if instance:
                rules.check_children_fit_cycle(instance, data["cycle"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data


@admin.register(Goal)
class GoalAdmin(MPTTModelAdmin):
    form = GoalAdminForm
    list_display = ("title", "layer", "status", "owner", "unit", "cycle", "progress", "archived_at")
    list_filter = ("layer", "status", "cycle", "archived_at")
    search_fields = ("title", "description")
    raw_id_fields = ("parent", "owner")
    list_select_related = ("owner", "unit", "cycle")
    readonly_fields = (
        "progress",
        "measured_progress",
        "rollup_progress",
        "last_checkin_at",
        "last_activity_at",
        "archived_at",
    )
    actions = ("archive_selected",)
    mptt_level_indent = 16

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An admin reads someone else's reflection here: recorded for its owner, as on the page and the API."""
        goal = Goal.objects.filter(pk=object_id if str(object_id).isdigit() else None).first()
        values = {name: getattr(goal, name) for name in PRIVATE_FIELDS} if goal else {}
        if goal and reflection_read_by_other(request.user, goal.layer, goal.owner_id, values):
            services.reflection_reads_record(
                reader=request.user, goal_ids=[goal.pk], channel=ReflectionRead.Channel.ADMIN
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        """The reflection on someone else's personal goal is theirs: shown to an admin, never editable."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.layer == Layer.PERSONAL and obj.owner_id != request.user.pk:
            fields += PRIVATE_FIELDS
        return fields

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS if name in form.cleaned_data}
        if not change:
            goal = services.goal_create(
                actor=request.user, layer=form.cleaned_data["layer"], parent=form.cleaned_data["parent"], **data
            )
            obj.pk = goal.pk
            return
        current = Goal.objects.get(pk=obj.pk)
        services.goal_update(actor=request.user, goal=current, **data)
        if form.cleaned_data["parent"] != current.parent:
            services.goal_move(actor=request.user, goal=current, parent=form.cleaned_data["parent"])

    @admin.action(description="Archive selected goals")
    def archive_selected(self, request, queryset):
        for goal in queryset:
            try:
                services.goal_archive(actor=request.user, goal=goal)
            except ValidationError as exc:
                self.message_user(request, f"{goal}: {' '.join(exc.messages)}", messages.ERROR)


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ("name", "goal", "start", "target", "current", "weight", "progress", "archived_at")
    raw_id_fields = ("goal",)
    readonly_fields = ("progress", "archived_at")
    search_fields = ("name", "goal__title")
    list_select_related = ("goal",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.METRIC_FIELDS}
        if change:
            services.metric_update(actor=request.user, metric=Metric.objects.get(pk=obj.pk), **data)
        else:
            obj.pk = services.metric_create(actor=request.user, goal=form.cleaned_data["goal"], **data).pk


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    """Check-ins are history: read-only here, recorded through the pages and the API."""

    list_display = ("created", "goal", "metric", "value", "confidence", "author")
    list_select_related = ("goal", "metric", "author")
    # The reflection is the author's and the goal owner's words (DESIGN.md "Whose words are whose"): never shown here.
    exclude = ("reflection",)


@admin.register(GoalComment)
class GoalCommentAdmin(ReadOnlyAdmin):
    """Comments are a conversation's record: read-only here, posted through the pages and the API."""

    list_display = ("created", "goal", "author")
    list_select_related = ("goal", "author")
    search_fields = ("body", "goal__title")
    raw_id_fields = ("goal", "author", "mentions")


@admin.register(GoalLink)
class GoalLinkAdmin(ReadOnlyAdmin):
    """Links are checked against the cascade rules by apps.goals.links alone: read-only here, made through the goal
    page and the API."""

    list_display = ("source", "kind", "target", "weight", "created_by", "created")
    list_filter = ("kind",)
    list_select_related = ("source", "target", "created_by")
    search_fields = ("source__title", "target__title")
