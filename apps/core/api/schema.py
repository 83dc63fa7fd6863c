"""OpenAPI generation: every operation documents the errors it can answer, in the API's one error shape,
and ids in paths are integers."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    """An error that is not about one field."""

    detail = serializers.CharField(help_text="What went wrong, in words.")


VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Each key names a field (or `non_field_errors`) and lists the rules it broke.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

ERROR_DESCRIPTIONS = {
    "400": "Bad input: `{field: [messages]}` naming each field and the rule it broke. Nothing was changed.",
    "401": "No credentials, or invalid ones.",
    "403": "You may see this, but your role may not do this to it (or the CSRF token is missing). A write may "
    "also answer `{field: [messages]}`, naming each field you may not write and the rule.",
    "404": "Not found, or not visible to you.",
    "415": "The body is not JSON (send Content-Type: application/json).",
    "429": "Too many requests: wait for the number of seconds in the Retry-After header.",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema plus the documented error responses of each operation."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] == "id":
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter.setdefault("description", "The id of the object.")
        error_ref = self.resolve_serializer(ErrorSerializer, "response").ref
        schemas = {"400": VALIDATION_ERROR_SCHEMA}
        if self.method != "GET":
            schemas["403"] = {"oneOf": [error_ref, {**VALIDATION_ERROR_SCHEMA, "minProperties": 1}]}
        for code in self._error_codes(operation):
            schema = schemas.get(code, error_ref)
            operation["responses"].setdefault(
                code, {"content": {"application/json": {"schema": schema}}, "description": ERROR_DESCRIPTIONS[code]}
            )
        operation["responses"] = dict(sorted(operation["responses"].items()))
        return operation

    def _error_codes(self, operation: dict) -> list[str]:
        parameters = operation.get("parameters", [])
        codes = ["429"]
        if self.method != "GET" or any(parameter["in"] == "query" for parameter in parameters):
            codes.append("400")
        if not self._is_public():
            codes += ["401", "403"]
        if any(parameter["in"] == "path" for parameter in parameters) or self._is_list_view():
            codes.append("404")
        if "requestBody" in operation:
            codes.append("415")
        return codes

    def _is_public(self) -> bool:
        return all(issubclass(cls, AllowAny) for cls in getattr(self.view, "permission_classes", ()))
