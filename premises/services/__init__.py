"""The only ways the street file, premise flags and alarm permits change: one module a topic
(the street file, its bulk imports, flags, permits)."""

from premises.services.flags import (
    confidential_reads_audit,
    premise_flag_approve,
    premise_flag_read_record,
    premise_flag_save,
    premise_flags_read_record,
)
from premises.services.importing import (
    ImportReport,
    addresses_import,
    beats_import,
    common_places_import,
    csv_text,
    read_csv,
    segments_import,
    street_segments_derive,
)
from premises.services.permits import alarm_permit_save, alarm_permits_flag_for_suspension
from premises.services.street_file import (
    address_label,
    address_upsert,
    beat_upsert,
    common_place_save,
    intersections_rebuild,
    places_rebeat,
    street_get_or_create,
    street_segment_upsert,
)

__all__ = [
    "ImportReport", "address_label", "confidential_reads_audit",
    "address_upsert", "addresses_import", "alarm_permit_save", "alarm_permits_flag_for_suspension",
    "beat_upsert",
    "beats_import", "common_place_save", "common_places_import", "csv_text", "intersections_rebuild",
    "places_rebeat", "premise_flag_approve", "premise_flag_read_record", "premise_flag_save",
    "premise_flags_read_record", "read_csv", "segments_import", "street_get_or_create",
    "street_segment_upsert", "street_segments_derive",
]
