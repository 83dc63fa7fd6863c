"""One error shape for the whole API: 400 `{field: [messages]}`, never a 500 for what a client sends.

The services raise Django's ValidationError naming the field and the rule; here it becomes the
same 400 that DRF's own validation gives. A database refusing a write (a uniqueness race, a value
the database cannot hold) is the client's request failing against the current state, not a crash.
"""

import logging

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.validation import FieldsPermissionDenied

logger = logging.getLogger(__name__)


def validation_error_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    """`{field: [messages]}` from a Django ValidationError; errors without a field go under non_field_errors."""
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}
    detail: dict[str, list[str]] = {}
    for field, messages in exc.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
        detail.setdefault(key, []).extend(messages)
    return detail


def exception_handler(exc, context):
    if isinstance(exc, FieldsPermissionDenied):
        exc = exceptions.PermissionDenied({name: [message] for name, message in exc.fields.items()})
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, exceptions.ParseError):
        # A body that is not JSON is bad input like any other: the same {field: [messages]} shape.
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc.detail)]})
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [f"The request body is larger than {limit:,} bytes."]}
        )
    elif isinstance(exc, IntegrityError | DataError):
        logger.warning("Write refused by the database: %s", exc)
        exc = exceptions.ValidationError(
            {
                api_settings.NON_FIELD_ERRORS_KEY: [
                    "This change conflicts with the data as it now stands: reload and retry."
                ]
            }
        )
    return drf_exception_handler(exc, context)
