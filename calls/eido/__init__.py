"""NENA's Emergency Incident Data Object: a call built as one (build), the schema and registries it
is checked against (schema), and another center's EIDO read into what call entry takes (read)."""
