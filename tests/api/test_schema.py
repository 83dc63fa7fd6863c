"""The OpenAPI document is valid, warning-free, and its docs page works offline."""

import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from tests.factories import PersonFactory


@pytest.fixture
def signed_in(db) -> Client:
    client = Client()
    client.force_login(PersonFactory())
    return client


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["info"]["title"] == "GoalCascade API"
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_every_operation_is_described_and_documents_its_errors(signed_in):
    schema = yaml.safe_load(signed_in.get("/api/schema/").content)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary") or operation.get("description"), f"{method} {path}"
            assert "429" in operation["responses"], f"{method} {path}"
            if path not in ("/api/v1/auth/token/", "/api/v1/auth/password-reset/"):  # public: no credentials
                assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"


def test_every_field_is_described(signed_in):
    schema = yaml.safe_load(signed_in.get("/api/schema/").content)
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"


def test_docs_page_loads_its_assets_from_this_server_only(signed_in):
    html = signed_in.get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert "cdn" not in html.lower()


def test_schema_and_docs_are_for_signed_in_people(db):
    assert Client().get("/api/schema/").status_code == 401
    response = Client().get("/api/docs/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_docs_page_runs_no_inline_script(signed_in):
    html = signed_in.get("/api/docs/").content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
