"""/search/: goals, people and units for the words in the header's search box, grouped."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render

from . import selectors


@login_required
def search_page(request):
    raw = request.GET.get("q", "")
    context = {"q": raw[: selectors.MAX_QUERY_LENGTH + 50].replace("\x00", ""), "results": None, "error": None}
    if "q" in request.GET:
        try:
            text = selectors.clean_query(raw)
        except ValidationError as exc:
            context["error"] = exc.message_dict["q"][0]
        else:
            context["results"] = selectors.search(request.user, text)
    status = 400 if context["error"] else 200
    return render(request, "search/search.html", context, status=status)
