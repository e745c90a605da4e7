"""GET /api/v1/beats/: the beats' outlines as GeoJSON, for the center's staff (the console's map)."""

import pytest

BEATS = "/api/v1/beats/"


@pytest.mark.parametrize("reader", ["as_alice", "as_carol", "as_sam", "as_cpd_token"])
def test_center_staff_get_every_beat_as_geojson(db, reader, request):
    response = request.getfixturevalue(reader).get(BEATS)

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 6
    first = body["features"][0]
    assert first["properties"]["code"] == first["id"]
    assert first["geometry"]["type"] == "Polygon"
    lon, lat = first["geometry"]["coordinates"][0][0]
    assert -95 < lon < -94 and 38.9 < lat < 39.1


def test_partners_and_strangers_do_not_get_the_beats(as_sheriff_token, anonymous):
    assert as_sheriff_token.get(BEATS).status_code == 403
    assert anonymous.get(BEATS).status_code == 401


def test_the_beats_are_read_only(as_alice):
    assert as_alice.post(BEATS, {}, format="json").status_code == 405
