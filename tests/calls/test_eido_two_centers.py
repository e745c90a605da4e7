"""Two centers running this CAD (two servers on two databases, as `make run` sets them up) relay a
call both ways by EIDO: A's call, posted to B, makes a call there; B's update, posted back, is
applied on A once, and posting it again changes nothing.

Each center knows the other as a partner agency with a token: B is the county sheriff (DCSO) on
A, A is the north fire district (NFPD) on B. A sends one of the sheriff's deputies to its call, so
the sheriff (B) may see it and speak of it.
"""

import pytest

from tests.servers import Site


@pytest.fixture(scope="module")
def centers(tmp_path_factory):
    a = Site(tmp_path_factory.mktemp("center-a"), name="eido_a").prepare()
    b = Site(tmp_path_factory.mktemp("center-b"), name="eido_b").prepare()
    try:
        a.server, b.server = a.start(CAD_EIDO_DOMAIN="a.example"), b.start(CAD_EIDO_DOMAIN="b.example")
        a.own, b.own = a.token("CPD"), b.token("CPD")
        a.peer, b.peer = a.token("DCSO"), b.token("NFPD")  # B's program on A, A's program on B
        yield a, b
    finally:
        a.stop()
        b.stop()


def ok(answer: tuple[int, dict], status: int = 200) -> dict:
    code, body = answer
    assert code == status, body
    return body


def texts(call: dict) -> list[str]:
    return [entry["text"] for entry in call["chronology"]]


def test_a_call_goes_from_a_to_b_and_bs_update_comes_back_to_a_once(centers):
    a, b = centers
    call = ok(a.server.api("POST", "calls/", a.own, {
        "call_type": "ROBBERY", "location": {"address": "310 MAIN ST"},
        "caller": {"name": "Ann Lee", "phone": "816-555-0142"},
        "narrative": "Man with a knife at the counter"}), 201)
    ok(a.server.api("POST", f"calls/{call['id']}/dispatch/", a.own, {"units": ["S21"]}))
    ok(a.server.api("POST", f"calls/{call['id']}/notes/", a.own, {"text": "Suspect in a red jacket"}), 201)

    # A → B: a new pending call on B, sent in by A (NFPD there), with A's incident id.
    from_a = ok(a.server.api("GET", f"calls/{call['id']}/eido/", a.own))
    assert from_a["incidentComponent"]["$id"] == f"urn:emergency:uid:incidentid:{call['number']}:a.example"
    on_b = ok(b.server.api("POST", "eido/", b.peer, from_a), 201)
    assert (on_b["status"], on_b["source"], on_b["call_type"]["code"]) == ("pending", "partner", "ROBBERY")
    assert (on_b["location"]["address"], on_b["location"]["verified"]) == ("310 MAIN ST", True)
    assert on_b["caller"] == {"name": "Ann Lee", "phone": "8165550142"}
    assert on_b["narrative"] == "Man with a knife at the counter"
    assert texts(on_b).count("Suspect in a red jacket") == 1
    assert ok(b.server.api("GET", f"calls/{on_b['id']}/", b.peer))["id"] == on_b["id"]  # A follows it

    # B works it and writes; B → A: applied to A's own call, B's lines once, A's own not again.
    ok(b.server.api("POST", f"calls/{on_b['id']}/notes/", b.own, {"text": "Two deputies from B on the way"}),
       201)
    from_b = ok(b.server.api("GET", f"calls/{on_b['id']}/eido/", b.own))
    assert from_b["incidentComponent"]["$id"] == from_a["incidentComponent"]["$id"]
    back = ok(a.server.api("POST", "eido/", a.peer, from_b))
    assert back["id"] == call["id"]
    on_a = ok(a.server.api("GET", f"calls/{call['id']}/", a.own))
    assert texts(on_a).count("Two deputies from B on the way") == 1
    assert texts(on_a).count("Suspect in a red jacket") == 1
    lines = len(on_a["chronology"])

    # The same EIDO again changes nothing on A; A's next EIDO changes nothing on B it had already.
    ok(a.server.api("POST", "eido/", a.peer, from_b))
    assert len(ok(a.server.api("GET", f"calls/{call['id']}/", a.own))["chronology"]) == lines
    b_lines = len(ok(b.server.api("GET", f"calls/{on_b['id']}/", b.own))["chronology"])
    a_again = ok(a.server.api("GET", f"calls/{call['id']}/eido/", a.own))
    again = ok(b.server.api("POST", "eido/", b.peer, a_again))
    assert again["id"] == on_b["id"]
    assert len(ok(b.server.api("GET", f"calls/{on_b['id']}/", b.own))["chronology"]) == b_lines


def test_a_center_may_not_speak_of_a_call_it_was_not_given(centers):
    a, b = centers
    private = ok(a.server.api("POST", "calls/", a.own, {"call_type": "ROBBERY",
                                                        "location": {"address": "320 MAIN ST"}}), 201)
    eido = ok(a.server.api("GET", f"calls/{private['id']}/eido/", a.own))
    assert ok(a.server.api("POST", "eido/", a.peer, eido), 404)
    assert a.server.api("GET", f"calls/{private['id']}/eido/", a.peer)[0] == 404
