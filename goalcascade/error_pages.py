"""The site's own error pages, in debug mode too.

`DEBUG` is on in the embedded default (`make run`), so a newcomer's first mistyped address used to show Django's
technical 404 page, listing every URL of the app. With debug on, this middleware answers a page's 404 or 500 with
the same styled page as production (templates/404.html, 500.html); `DEBUG_TECHNICAL_404=true` brings the technical
pages back for whoever develops the app. The API keeps its JSON errors, and nothing changes with debug off (Django
renders these templates itself then).
"""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string

STYLED = {404: "404.html", 500: "500.html"}


class StyledErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        template = STYLED.get(response.status_code)
        if template is None or not settings.DEBUG or settings.DEBUG_TECHNICAL_404:
            return response
        if request.path.startswith("/api/") or not response.get("Content-Type", "").startswith("text/html"):
            return response
        if response.status_code == 500:
            # Without the request's context, as Django's own server_error view: the layout's database reads may be
            # what failed.
            return HttpResponseServerError(render_to_string(template))
        return render(request, template, status=response.status_code)
