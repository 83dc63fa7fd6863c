"""Pages of the cycle's close: reviewing goals, signing reviews off, carrying goals over, closing the cycle."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def cycle_review(request, pk: int):
    raise Http404("Not yet.")
