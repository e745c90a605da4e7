"""The records clerks' desk: a call's printable record (a page and a PDF), the supplement form on the
call's admin page, and the call's audit entries for supervisors."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from pypdf import PdfReader

from cad.models import Agency
from calls import services
from calls.models import CallType, ChronologyEntry, Disposition
from premises.models import PremiseFlagRead
from records.models import AuditEntry
from tests.conftest import client_for
from units.models import Unit

SCRIPT = "<script>alert(1)</script>"


def new_call(by, address: str = "310 MAIN ST", code: str = "ROBBERY", **fields):
    call_type = CallType.objects.get(code=code)
    return services.call_create(call_type=call_type, location={"address": address}, by=by, **fields)


def closed_call(by, **fields):
    call = new_call(by, **fields)
    return services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=by)


def page_of(call) -> str:
    return f"/admin/calls/call/{call.pk}/change/"


def record_of(call) -> str:
    return f"/records/calls/{call.pk}/record/"


def pdf_of(call) -> str:
    return f"/records/calls/{call.pk}/record.pdf"


def pdf_pages(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def prints_of(call) -> list[str]:
    return list(AuditEntry.objects.filter(action="call.print", object=f"call:{call.pk}")
                .order_by("pk").values_list("detail__format", flat=True))


@pytest.fixture
def call(alice):
    return closed_call(alice, caller_name="Dana Ruiz", caller_phone="816-555-0142",
                       narrative="Two men, one bat")


@pytest.fixture
def partner(db):
    return Agency.objects.get(code="DCSO").service_user


def staff_dispatcher(user):
    """A dispatcher the center lets into the admin to read calls."""
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_call"))
    return get_user_model().objects.get(pk=user.pk)


# The printable record


@pytest.mark.parametrize("who", ["carol", "sam", "alice"])
def test_a_clerk_a_supervisor_or_a_dispatcher_prints_the_record_and_it_is_audited(request, call, who):
    user = request.getfixturevalue(who)

    page = client_for(user).get(record_of(call))

    assert page.status_code == 200
    text = page.content.decode()
    assert f"Call {call.number}" in text
    assert "Dana Ruiz" in text and "816-555-0142" in text and "310 MAIN ST" in text
    assert f"printed by {user.username} at" in text
    entry = AuditEntry.objects.get(action="call.print", object=f"call:{call.pk}")
    assert entry.username == user.username and entry.detail["format"] == "html"


@pytest.mark.parametrize("who", ["carol", "sam", "alice"])
def test_a_clerk_a_supervisor_or_a_dispatcher_gets_the_pdf_and_it_is_audited(request, call, who):
    user = request.getfixturevalue(who)

    pdf = client_for(user).get(pdf_of(call))

    assert pdf.status_code == 200
    text = "\n".join(pdf_pages(pdf))
    assert call.number in text and "Dana Ruiz" in text and "Two men, one bat" in text
    assert f"printed by {user.username} at" in text and "page 1 of 1" in text
    assert prints_of(call) == ["pdf"]


def test_a_partner_or_someone_signed_out_cannot_print(call, partner):
    assert client_for(partner).get(record_of(call)).status_code == 403
    assert client_for(partner).get(pdf_of(call)).status_code == 403
    signed_out = Client().get(pdf_of(call))
    assert signed_out.status_code == 302 and "/accounts/login/" in signed_out["Location"]
    assert prints_of(call) == []


def test_a_call_that_does_not_exist_is_a_404(carol):
    assert client_for(carol).get("/records/calls/999999/record.pdf").status_code == 404


def test_the_record_has_the_header_times_units_and_chronology_with_supplements_marked(alice, carol, call):
    reopened = services.call_reopen(call=call, by=alice, reason="more to do")
    unit = Unit.objects.get(callsign="1A12")
    services.call_dispatch(call=reopened, units=[unit], by=alice)
    created = ChronologyEntry.objects.get(call=call, kind="created")
    services.call_supplement_add(call=call, by=carol, text="Caller's name is Ruiz-Lee.", corrects=created)

    text = client_for(carol).get(record_of(call)).content.decode()
    pdf = "\n".join(pdf_pages(client_for(carol).get(pdf_of(call))))

    for shown in (text, pdf):
        assert "ROBBERY" in shown and "P1" in shown and "Demo City Police Department" in shown
        assert "Received" in shown and "First dispatched" in shown and "Closed" in shown
        assert "1A12" in shown
        assert "SUPPLEMENT · corrects" in shown and "Call created" in shown
        assert "Caller's name is Ruiz-Lee." in shown.replace("&#x27;", "'")
        assert "clerk1" in shown


def test_user_text_is_text_in_the_page_and_in_the_pdf(carol, call):
    services.call_supplement_add(call=call, by=carol, text=f"{SCRIPT} <b>not bold</b> & <para>")

    page = client_for(carol).get(record_of(call)).content.decode()
    pdf = "\n".join(pdf_pages(client_for(carol).get(pdf_of(call))))

    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;not bold&lt;/b&gt; &amp; &lt;para&gt;" in page
    assert f"{SCRIPT} <b>not bold</b> & <para>" in pdf


def test_a_long_chronology_runs_over_pages_each_numbered(alice, carol):
    call = new_call(alice)
    for n in range(300):
        services.call_note_add(call=call, by=alice, text=f"Note number {n:03d}, " + "words " * 12)
    services.call_supplement_add(call=call, by=carol, text="LAST LINE " + "long supplement " * 600)

    pages = pdf_pages(client_for(carol).get(pdf_of(call)))

    assert len(pages) > 5
    for n, page in enumerate(pages, 1):
        assert f"page {n} of {len(pages)}" in page
    every = "\n".join(pages)
    assert all(f"Note number {n:03d}" in every for n in range(300))
    assert "LAST LINE" in pages[-1] or "LAST LINE" in pages[-2]


def test_a_confidential_flag_is_printed_for_the_centers_staff_and_the_read_is_audited(alice, carol):
    call = closed_call(alice, address="230 OAK ST")

    text = "\n".join(pdf_pages(client_for(carol).get(pdf_of(call))))

    assert "Resident on home oxygen" in text and "(confidential)" in text
    assert PremiseFlagRead.objects.filter(call_id=call.pk, by=carol).count() == 1
    assert AuditEntry.objects.filter(action="flag.confidential_read", username="clerk1",
                                     detail__call=call.number).exists()


# The supplement form on the call's admin page


@pytest.mark.parametrize("who", ["carol", "sam"])
def test_a_clerk_or_a_supervisor_adds_a_supplement_through_the_form(request, alice, call, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    closing = ChronologyEntry.objects.get(call=call, kind="closed")
    page = client.get(page_of(call))
    assert 'id="add-supplement"' in page.content.decode()
    assert f'<option value="{closing.pk}">' in page.content.decode()

    answer = client.post(page_of(call), {"text": "Disposition was 04.", "corrects": closing.pk,
                                         "_supplement": "Add supplement"}, follow=True)

    assert answer.redirect_chain[-1][0] == page_of(call)
    text = answer.content.decode()
    assert f"Supplement added to {call.number}" in text
    assert "SUPPLEMENT · corrects" in text and "Disposition was 04." in text
    entry = ChronologyEntry.objects.get(call=call, kind="supplement")
    assert entry.by == user and entry.corrects == closing
    assert AuditEntry.objects.filter(action="call.supplement", object=f"call:{call.pk}",
                                     username=user.username).exists()


def test_a_dispatcher_let_into_the_admin_adds_a_supplement_too(alice, call):
    client = client_for(staff_dispatcher(alice))

    answer = client.post(page_of(call), {"text": "Caller called back.", "_supplement": "1"})

    assert answer.status_code == 302
    assert ChronologyEntry.objects.filter(call=call, kind="supplement", by=alice).exists()


def test_staff_without_a_centers_role_see_no_form_and_cannot_post_one(call):
    stranger = get_user_model().objects.create_user("auditor", is_staff=True)
    stranger.user_permissions.add(Permission.objects.get(codename="view_call"))
    client = client_for(stranger)

    assert 'id="add-supplement"' not in client.get(page_of(call)).content.decode()
    assert client.post(page_of(call), {"text": "Mine", "_supplement": "1"}).status_code == 403
    assert not ChronologyEntry.objects.filter(call=call, kind="supplement").exists()


def test_a_partner_or_someone_signed_out_cannot_post_a_supplement(call, partner):
    for client in (client_for(partner), Client()):
        answer = client.post(page_of(call), {"text": "Ours", "_supplement": "1"})
        assert answer.status_code in (302, 403)
        assert "/admin/login/" in answer.get("Location", "/admin/login/")
    assert not ChronologyEntry.objects.filter(call=call, kind="supplement").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("   ", "A supplement needs some text."),
    ("y" * 10_001, "Keep a supplement to 10,000 characters."),
])
def test_a_refused_supplement_shows_why_and_keeps_the_text(as_carol, call, text, message):
    answer = as_carol.post(page_of(call), {"text": text, "_supplement": "1"})

    assert answer.status_code == 200
    page = answer.content.decode()
    assert message in page and "The supplement was not added" in page
    assert re.search(rf'<textarea name="text"[^>]*>\n?{re.escape(text)}</textarea>', page)
    assert not ChronologyEntry.objects.filter(call=call, kind="supplement").exists()


def test_a_supplement_cannot_correct_another_calls_entry_through_the_form(alice, as_carol, call):
    elsewhere = ChronologyEntry.objects.filter(call=new_call(alice, address="100 ELM ST")).first()

    answer = as_carol.post(page_of(call), {"text": "Wrong call", "corrects": elsewhere.pk,
                                           "_supplement": "1"})

    page = answer.content.decode()
    assert answer.status_code == 200
    assert f"No chronology entry {elsewhere.pk} on {call.number}." in page
    assert ">\nWrong call</textarea>" in page or ">Wrong call</textarea>" in page
    assert not ChronologyEntry.objects.filter(kind="supplement").exists()


def test_the_form_needs_its_csrf_token(carol, call):
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)

    assert client.post(page_of(call), {"text": "No token", "_supplement": "1"}).status_code == 403
    assert not ChronologyEntry.objects.filter(call=call, kind="supplement").exists()


def test_the_call_page_links_its_printable_record_and_pdf(as_carol, call):
    page = as_carol.get(page_of(call)).content.decode()

    assert f'href="{record_of(call)}"' in page and f'href="{pdf_of(call)}"' in page
    assert "Print record" in page


# The call's audit entries, for supervisors


def test_a_supervisor_sees_the_calls_audit_entries_newest_first(sam, as_sam, carol, call):
    client_for(carol).get(pdf_of(call))

    page = as_sam.get(page_of(call)).content.decode()

    section = page[page.index('id="call-audit"'):]
    assert section.index("call.print") < section.index("call.close") < section.index("call.create")
    assert "clerk1" in section and "dispatcher1" in section
    assert "&quot;format&quot;: &quot;pdf&quot;" in section
    assert f"/admin/records/auditentry/?object=call%3A{call.pk}" in page


def test_the_audit_link_lists_only_that_calls_entries(alice, as_sam, call):
    other = new_call(alice, address="100 ELM ST")

    listed = as_sam.get("/admin/records/auditentry/", {"object": f"call:{call.pk}"})

    objects = {entry.object for entry in listed.context["cl"].result_list}
    assert objects == {f"call:{call.pk}"} and f"call:{other.pk}" not in objects


@pytest.mark.parametrize("who", ["as_carol"])
def test_a_clerk_does_not_see_the_calls_audit_entries(request, call, who):
    page = request.getfixturevalue(who).get(page_of(call)).content.decode()

    assert 'id="call-audit"' not in page and "auditentry" not in page


def test_a_dispatcher_in_the_admin_does_not_see_the_calls_audit_entries(alice, call):
    page = client_for(staff_dispatcher(alice)).get(page_of(call)).content.decode()

    assert 'id="add-supplement"' in page
    assert 'id="call-audit"' not in page
