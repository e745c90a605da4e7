from django.core.management import call_command


def test_the_openapi_schema_generates_and_validates_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/calls/", "/api/v1/calls/{id}/dispatch/", "/api/v1/units/{callsign}/status/",
                 "/api/v1/addresses/"):
        assert path in text
    assert "agencyToken" in text
