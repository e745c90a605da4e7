"""Races around partner agencies, on PostgreSQL with real threads and connections: dispatchers
sharing one call at once, and a partner's program sending one incident twice at once."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from cad.exceptions import Conflict
from cad.models import Agency
from calls import services
from calls.models import Call, CallShare, CallType, ChronologyEntry
from tests.calls.test_concurrency import run_together

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL); CI runs it"
)


def test_ten_dispatchers_sharing_one_call_with_one_partner_at_once_share_it_once(seeded_transactional_db):
    alice = get_user_model().objects.get(username="dispatcher1")
    fire = CallType.objects.get(code="FSTRU")
    call = services.call_create(call_type=fire, location={"address": "620 CEDAR ST"}, by=alice)
    nfpd = Agency.objects.get(code="NFPD")

    def share(i):
        try:
            services.call_share(call=call, agency=nfpd, by=alice, relay=bool(i % 2))
            return "shared"
        except Conflict:
            return "conflict"

    outcomes = run_together(10, share)

    assert CallShare.objects.filter(call=call, ended_at__isnull=True).count() == 1
    # The first in shares or relays; each later one either turns it into the other or is told it is done.
    lines = ChronologyEntry.objects.filter(call=call, kind__in=["shared", "relayed"]).count()
    assert outcomes.count("shared") == lines == CallShare.objects.filter(call=call).count()
    assert outcomes.count("conflict") == 10 - lines


def test_one_incident_sent_twice_at_once_makes_one_call(seeded_transactional_db):
    nfpd = Agency.objects.get(code="NFPD")
    fire = CallType.objects.get(code="FSTRU")

    def send(i):
        try:
            return services.call_create(call_type=fire, location={"address": "350 MAIN ST"}, by=None,
                                        source="partner", sent_by=nfpd, sent_by_incident="F26-0042").number
        except Conflict:
            return "conflict"

    outcomes = run_together(8, send)

    assert Call.objects.filter(sent_by=nfpd, sent_by_incident="F26-0042").count() == 1
    assert outcomes.count("conflict") == 7
