"""Plain API views shared by the apps."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # it changes nothing, whatever the method: a 404 is the answer, never a CSRF page
def not_found(request, *args, **kwargs) -> JsonResponse:
    """A URL under the API that names nothing: the API's 404, in JSON."""
    return JsonResponse({"detail": "Not found."}, status=404)
