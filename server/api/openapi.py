"""GET /api/openapi.json: the whole API, made from the routes and the wire schemas themselves."""

from flask import current_app, jsonify
from marshmallow import Schema, fields

from . import api, schemas

# Request bodies, by endpoint name; responses are described in words, errors share one shape.
BODIES = {
    "api.login": schemas.Login,
    "api.create_household": schemas.HouseholdCreate,
    "api.update_household": schemas.HouseholdUpdate,
    "api.push": schemas.Push,
    "api.resolve": schemas.ResolveMany,
    "api.review_household": schemas.ReviewAction,
    "api.create_user": schemas.UserCreate,
    "api.revoke_devices": schemas.Revoke,
}
QUERIES = {
    "api.list_households": schemas.Paging,
    "api.pull": schemas.Pull,
}
PUBLIC = {"api.login", "api.openapi"}

_TYPES = {
    fields.String: {"type": "string"},
    fields.Integer: {"type": "integer"},
    fields.Boolean: {"type": "boolean"},
    fields.UUID: {"type": "string", "format": "uuid"},
    fields.Dict: {"type": "object"},
    fields.Raw: {},
}


def _field(f: fields.Field) -> dict:
    if isinstance(f, fields.List):
        return {"type": "array", "items": _field(f.inner)}
    if isinstance(f, fields.Nested):
        return {"$ref": f"#/components/schemas/{type(f.schema).__name__}"}
    for kind, out in _TYPES.items():
        if isinstance(f, kind):
            return dict(out)
    return {}


def schema_json(schema: Schema) -> dict:
    props = {name: _field(f) for name, f in schema.fields.items()}
    required = [name for name, f in schema.fields.items() if f.required]
    out = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    return out


def _operation(endpoint: str, method: str, view) -> dict:
    doc = (view.__doc__ or endpoint).strip().splitlines()[0]
    op = {
        "operationId": endpoint.split(".", 1)[1],
        "summary": doc,
        "responses": {
            "200": {"description": "OK"},
            "default": {
                "description": "错误",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    }
    if endpoint not in PUBLIC:
        op["security"] = [{"bearer": []}]
    if endpoint in BODIES:
        op["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": f"#/components/schemas/{BODIES[endpoint].__name__}"}
                }
            },
        }
    if endpoint in QUERIES:
        op["parameters"] = [
            {"name": name, "in": "query", "required": False, "schema": _field(f)}
            for name, f in QUERIES[endpoint]().fields.items()
        ]
    return op


@api.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        item = paths.setdefault(path, {})
        params = [
            {"name": a, "in": "path", "required": True, "schema": {"type": "string"}}
            for a in rule.arguments
        ]
        if params:
            item["parameters"] = params
        view = current_app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            item[method.lower()] = _operation(rule.endpoint, method, view)
    components = {
        name: schema_json(cls())
        for name, cls in {
            **{c.__name__: c for c in BODIES.values()},
            "Resolve": schemas.Resolve,
        }.items()
    }
    components["Error"] = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
            }
        },
    }
    return jsonify(
        {
            "openapi": "3.1.0",
            "info": {"title": "入户通 Ruhu API", "version": "1"},
            "components": {
                "schemas": components,
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                },
            },
            "paths": paths,
        }
    )
