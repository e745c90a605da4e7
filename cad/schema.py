"""The OpenAPI schema states every answer an operation can give, not only its success: partners
generate their clients from it, and a client that meets an undocumented 404 or 409 breaks.

Every operation can answer 400 (a malformed query or body: field errors, or `{"detail"}`), 401
(no or bad credentials) and 403 (a role that may not); one on a path with an id 404; one that takes
a body 415 (not JSON). A 409 is declared by the operation that can conflict.

A body under the one input policy (cad.serializers.StrictInputSerializer) says it takes no other
field (`additionalProperties: false`): the schema states the 400 a stray field gets. An optional
query parameter sent empty (`?since=`, as an HTML form sends a blank field) is the same as leaving it
out, and says so (`allowEmptyValue`).
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from cad.serializers import StrictInputSerializer

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": 'Each field that was wrong and why, e.g. {"location": {"lat": ["Give a number."]}}; '
                   'or {"detail": "…"} for a body that is not JSON',
    "additionalProperties": {},
}
ERRORS = {
    "400": ("The request cannot be carried out as sent: nothing was changed", FIELD_ERRORS),
    "401": ("No credentials, or a bad or revoked token", DETAIL),
    "403": ("The role may not do this", DETAIL),
    "404": ("No such thing, or not one this agency may see", DETAIL),
    "415": ("The body is not JSON", DETAIL),
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403"]
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        for code in codes:
            if code not in responses:
                description, schema = ERRORS[code]
                responses[code] = {**self._get_response_for_code(schema, code), "description": description}
        return responses

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(serializer, StrictInputSerializer):
            schema["additionalProperties"] = False
        return schema
