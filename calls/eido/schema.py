"""The EIDO's JSON schema (NENA-STA-021, calls/reference/eido_openapi.yaml) and the registries its
codes come from (calls/reference/eido_registries.tsv), read once per process.

Two things in the reference are read as NENA meant rather than as written: an agent's
`agentRoleRegistryText` has `minItems: 1,` (a string, which no validator can compare with a count),
taken as 1; and the person, organisation, vehicle and item components point at NIEM schemas
(`NIEMComponents/nc.yaml`) that are not part of the reference, so those parts are checked to be
objects and no further.
"""

import csv
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
SCHEMA_FILE = REFERENCE / "eido_openapi.yaml"
REGISTRIES_FILE = REFERENCE / "eido_registries.tsv"
EIDO_SCHEMA = "EmergencyIncidentDataObjectType"
MOST_REASONS = 20


def _counts_fixed(node: Any) -> Any:
    """The schema with every minItems/maxItems a number (`"1,"` → 1)."""
    if isinstance(node, dict):
        fixed = {}
        for key, value in node.items():
            if key in ("minItems", "maxItems") and isinstance(value, str):
                value = int(re.match(r"\s*(\d+)", value).group(1))
            fixed[key] = _counts_fixed(value)
        return fixed
    if isinstance(node, list):
        return [_counts_fixed(item) for item in node]
    return node


def _niem(uri: str) -> Resource:
    """The NIEM documents the schema names but the reference does not hold: any object."""
    names = ("ncPersonType", "ncOrganizationType", "ncVehicleType", "ncItemType", "jCommercialVehicleType")
    return Resource.from_contents({"components": {"schemas": {name: {"type": "object"} for name in names}}},
                                  default_specification=DRAFT4)


@cache
def eido_validator() -> OAS30Validator:
    document = _counts_fixed(yaml.safe_load(SCHEMA_FILE.read_text()))
    return OAS30Validator({**document, "$ref": f"#/components/schemas/{EIDO_SCHEMA}"},
                          format_checker=oas30_format_checker, registry=Registry(retrieve=_niem))


def eido_problems(document: Any) -> list[str]:
    """Why `document` is not a valid EIDO, each reason with where it is (`$.incidentComponent…`),
    at most MOST_REASONS of them; [] when it is one."""
    errors = sorted(eido_validator().iter_errors(document), key=lambda e: (list(e.absolute_path), e.message))
    return [f"{error.json_path}: {error.message}" for error in errors[:MOST_REASONS]]


@cache
def registry(name: str) -> frozenset[str]:
    """The values of one of the EIDO registries (IncidentStatus, PrimaryUnitStatus, …)."""
    with REGISTRIES_FILE.open(newline="") as handle:
        return frozenset(row[1].strip() for row in csv.reader(handle, delimiter="\t")
                         if row and row[0].split("(")[0] == name)
