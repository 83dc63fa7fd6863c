"""Property-based run of the whole API against its own OpenAPI document (schemathesis, in-process).

For every operation, schemathesis generates requests from the schema (valid ones and invalid
ones) and sends each as an admin and as an employee. Every answer must be documented: no 5xx,
a documented status code and content type, and a body that matches the schema.

Ids in paths and in bodies are mostly mapped onto the objects of the cast, so that the run
reads, changes, moves and archives real goals rather than meeting 404s. The run is bounded
(SCHEMATHESIS_MAX_EXAMPLES per operation, 20 by default) and deterministic unless
SCHEMATHESIS_RANDOM=1.
"""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from goalcascade.wsgi import application
from tests.cast import GOALS

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
REFERENCES = {"parent", "goal", "cycle", "unit", "owner", "manager", "lead"}


def _served_schema() -> dict:
    """The document /api/schema/ serves (to signed-in people), generated without a request or a database."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))


# Loaded when the module is collected: one test per operation; requests go to the WSGI app.
schema = schemathesis.openapi.from_dict(_served_schema())
schema.app = application


@pytest.fixture
def in_test_transaction():
    """Requests go straight to the WSGI app; like Django's test client, keep the app from closing the
    connection at the end of each request, which would end the test's transaction (on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(cast, in_test_transaction):
    """Tokens for the two callers, and the ids of real objects to aim the generated requests at."""
    tokens = {role: Token.objects.create(user=cast.person(role)).key for role in ("admin", "employee")}
    ids = {
        "goals": [cast.goal(name).pk for name in GOALS],
        "metrics": [cast.oper_metric.pk, cast.personal_metric.pk, cast.other_metric.pk],
        "units": [cast.company.pk, cast.team.pk, cast.ops.pk],
        "people": [cast.admin.pk, cast.employee.pk, cast.manager.pk, cast.other_employee.pk],
        "cycles": [cast.year.pk],
    }
    references = {
        "parent": ids["goals"],
        "goal": ids["goals"],
        "cycle": ids["cycles"],
        "unit": ids["units"],
        "owner": ids["people"],
        "manager": ids["people"],
        "lead": ids["people"],
    }
    return {"tokens": tokens, "ids": ids, "references": references}


def aim_at_real_objects(case, world) -> None:
    """Map generated ids onto real ones: even ids name a real object, odd ones stay (and are mostly 404/400)."""
    resource = case.path.split("/")[3]
    if case.path_parameters and isinstance(case.path_parameters.get("id"), int):
        generated = case.path_parameters["id"]
        if generated % 2 == 0 and resource in world["ids"]:
            real = world["ids"][resource]
            case.path_parameters["id"] = real[generated // 2 % len(real)]
    if isinstance(case.body, dict):
        for name in REFERENCES & set(case.body):
            value = case.body[name]
            if isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0:
                real = world["references"][name]
                case.body[name] = real[value // 2 % len(real)]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("SCHEMATHESIS_RANDOM") != "1",
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_conforms_to_its_schema(case, world):
    aim_at_real_objects(case, world)
    for role in ("admin", "employee"):
        case.call_and_validate(headers={"Authorization": f"Token {world['tokens'][role]}"}, checks=CHECKS)
