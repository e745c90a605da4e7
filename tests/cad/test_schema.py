import yaml
from django.core.management import call_command


def test_the_openapi_schema_generates_and_validates_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/calls/", "/api/v1/calls/{id}/dispatch/", "/api/v1/units/{callsign}/status/",
                 "/api/v1/addresses/"):
        assert path in text
    assert "agencyToken" in text


# What partners' generated clients call: an operation may be added, never renamed.
OPERATIONS = [
    "calls_duplicates_ask", "calls_duplicates_retrieve", "units_check_create", "units_status_create",
    "v1_addresses_list", "v1_alerts_acknowledge_create", "v1_alerts_list", "v1_alerts_retrieve",
    "v1_beats_retrieve", "v1_call_types_list", "v1_call_types_retrieve", "v1_calls_close_create",
    "v1_calls_create", "v1_calls_dispatch_create", "v1_calls_link_create", "v1_calls_list",
    "v1_calls_mutual_aid_create", "v1_calls_notes_create", "v1_calls_partial_update",
    "v1_calls_recommendations_retrieve",
    "v1_calls_reopen_create", "v1_calls_retrieve", "v1_dispositions_list", "v1_dispositions_retrieve",
    "v1_mutual_aid_accept_create", "v1_mutual_aid_cancel_create", "v1_mutual_aid_decline_create",
    "v1_mutual_aid_list", "v1_mutual_aid_partners_list", "v1_mutual_aid_retrieve",
    "v1_priorities_list", "v1_priorities_retrieve", "v1_stats_today_retrieve", "v1_units_list",
    "v1_units_location_create", "v1_units_retrieve",
]


def test_every_operation_keeps_its_id(db, tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    ids = {operation["operationId"] for path in schema["paths"].values() for operation in path.values()}
    assert set(OPERATIONS) <= ids, sorted(set(OPERATIONS) - ids)


def test_every_body_says_it_takes_no_other_field(db, tmp_path):
    # The API refuses a field it does not take (400); a client generated from the schema must be
    # told so, or it sends extras the schema allowed and meets an undocumented refusal.
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    components = schema["components"]["schemas"]
    open_bodies = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            name = body["schema"]["$ref"].rsplit("/", 1)[-1]
            if components[name].get("additionalProperties") is not False:
                open_bodies.append(f"{method.upper()} {path} ({name})")
    assert open_bodies == []
    # Nested objects too: a caller with a stray field is refused like the call.
    assert components["CallerInputRequest"]["additionalProperties"] is False
