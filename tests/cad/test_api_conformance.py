"""The API answers as its schema says, every operation, as the center's program and as a partner's:
schemathesis generates requests from /api/schema/ (good ones, and bad ones at every field's edges)
against a real server and checks every answer: no 5xx, no status code the schema does not list, a
body and headers that match the schema. A few examples per operation keep it to about a minute.

Path ids are fixed to real rows (a call, a unit of the agency, reference codes), so the generated
requests reach each operation's own logic instead of stopping at 404.
"""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from tests.servers import Site

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance,response_headers_conformance")
EXAMPLES = 5


@pytest.fixture(scope="module")
def api_site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("conformance"), name="conformance").prepare()
    site.first = site.start()
    cpd = site.token("CPD")
    status, call = site.first.api("POST", "calls/", cpd, {"call_type": "ROBBERY",
                                                          "location": {"address": "310 MAIN ST"}})
    assert status == 201, call
    status, answer = site.first.api("POST", f"calls/{call['id']}/dispatch/", cpd, {"units": ["S21"]})
    assert status == 200, answer
    site.call_id = call["id"]
    status, aid = site.first.api("POST", f"calls/{call['id']}/mutual-aid/", cpd,
                                 {"agency": "DCSO", "capability": "patrol", "count": 1})
    assert status == 201, aid
    site.mutual_aid_id = aid["id"]
    site.bill_id = a_bill(site, cpd)
    status, line = site.first.api("POST", "ali/", cpd, {"ani": "8165550100", "class_of_service": "WPH1",
                                                       "lat": 39.0142, "lon": -94.2811})
    assert status == 201, line
    site.ali_id = line["ali"]["id"]
    status, entry = site.first.api("POST", "ali/", cpd, {"ani": "8165550101", "class_of_service": "RESD",
                                                        "address": "310 MAIN ST", "abandoned": True})
    assert status == 201, entry
    site.callback_id = entry["id"]
    yield site
    site.stop()


def a_bill(site, token: str) -> int:
    """Four false alarms at the demo's permitted market this week, billed: the 4th is on a bill."""
    now = datetime.now(UTC)
    for hours in (150, 120, 90, 60):
        received = (now - timedelta(hours=hours)).isoformat(timespec="seconds")
        status, alarm = site.first.api("POST", "calls/", token, {
            "call_type": "ALRBA", "location": {"address": "171 OAK ST"}, "received_at": received})
        assert status == 201, alarm
        status, closed = site.first.api("POST", f"calls/{alarm['id']}/close/", token, {"disposition": "FAB"})
        assert status == 200, closed
    site.manage("billing_run", "--through", now.date().isoformat())
    status, bills = site.first.api("GET", "bills/", token)
    assert status == 200 and bills["count"] == 1, bills
    return bills["results"][0]["id"]


def config(folder, call_id: int, callsign: str, bill_id: int, mutual_aid_id: int, ali_id: int,
           callback_id: int):
    path = folder / "schemathesis.toml"
    path.write_text(f"""
[[operations]]
include-path-regex = "^/api/v1/calls/"
parameters = {{ "path.id" = "{call_id}" }}

[[operations]]
include-path-regex = "^/api/v1/units/"
parameters = {{ "path.callsign" = "{callsign}" }}

[[operations]]
include-path-regex = "^/api/v1/mutual-aid/"
parameters = {{ "path.id" = "{mutual_aid_id}" }}

[[operations]]
include-path-regex = "^/api/v1/bills/"
parameters = {{ "path.id" = "{bill_id}" }}

[[operations]]
include-path-regex = "^/api/v1/ali/"
parameters = {{ "path.id" = "{ali_id}" }}

[[operations]]
include-path-regex = "^/api/v1/callbacks/"
parameters = {{ "path.id" = "{callback_id}" }}

[[operations]]
include-path-regex = "^/api/v1/call-types/"
parameters = {{ "path.code" = "ROBBERY" }}

[[operations]]
include-path-regex = "^/api/v1/dispositions/"
parameters = {{ "path.code" = "02" }}
""")
    return path


@pytest.mark.parametrize("agency, callsign", [("CPD", "1A12"), ("DCSO", "S21")])
def test_every_operation_answers_as_the_schema_says(api_site, tmp_path, agency, callsign):
    token = api_site.token(agency)
    settings = config(tmp_path, api_site.call_id, callsign, api_site.bill_id, api_site.mutual_aid_id,
                      api_site.ali_id, api_site.callback_id)
    done = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(settings), "run",
         f"{api_site.first.url}/api/schema/", "-H", f"Authorization: Token {token}",
         "--checks", CHECKS, "--max-examples", str(EXAMPLES), "--seed", "20261201",
         "--phases", "examples,coverage,fuzzing", "--continue-on-failure", "--no-color",
         "--request-timeout", "20"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,  # its cache stays out of the tree
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Tested: " in done.stdout
