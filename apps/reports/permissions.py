"""Who may see the reports and their exports: one place, used by the API, the pages and the services."""

from django.db.models import QuerySet

from apps.org.permissions import Role, access_for

from .models import ExportJob


def can_view_alignment_report(person) -> bool:
    access = access_for(person)
    return access is not None and (access.is_admin or access.role == Role.HR)


def visible_export_jobs(person, queryset: QuerySet[ExportJob] | None = None) -> QuerySet[ExportJob]:
    """A person's own export jobs; an admin's, everyone's. Others' jobs do not exist for them."""
    queryset = ExportJob.objects.all() if queryset is None else queryset
    access = access_for(person)
    if access is None or not can_view_alignment_report(person):
        return queryset.none()
    if access.is_admin:
        return queryset
    return queryset.filter(requested_by_id=person.pk)
