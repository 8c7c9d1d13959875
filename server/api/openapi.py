"""GET /api/openapi.json: the whole API, made from the routes and the wire schemas themselves."""

from flask import current_app, jsonify
from marshmallow import EXCLUDE, Schema, fields, validate
from werkzeug.routing import IntegerConverter

from server.api import admin_schemas, api, county_schemas, review_schemas, schemas
from server.models import INT_MAX
from server.reports.jobs import STATUSES
from server.reports.render import FORMATS
from server.sync.pull import CURSOR_PATTERN
from server.sync.schema import Operation

# Request bodies, by endpoint name; responses are described in words, errors share one shape.
BODIES = {
    "api.login": schemas.Login,
    "api.create_household": schemas.HouseholdCreate,
    "api.update_household": schemas.HouseholdUpdate,
    "api.push": schemas.Push,
    "api.resolve": schemas.ResolveMany,
    "api.resolve_all": schemas.ResolveAll,
    "api.review_household": schemas.ReviewAction,
    "api.create_user": schemas.UserCreate,
    "api.import_areas": admin_schemas.AreaImport,
    "api.revoke_devices": schemas.Revoke,
    "api.update_user": admin_schemas.UserUpdate,
    "api.reset_password": admin_schemas.PasswordReset,
    "api.bulk_approve": review_schemas.BulkApprove,
    "api.correct_household": review_schemas.Correction,
    "api.draw_spot_checks": review_schemas.SpotCheckDraw,
    "api.record_spot_check": review_schemas.SpotCheckResult,
    "api.submit_village": county_schemas.VillageAction,
    "api.accept_village": county_schemas.VillageAction,
    "api.return_village": county_schemas.VillageReturn,
    "api.create_campaign": county_schemas.CampaignCreate,
    "api.update_campaign": county_schemas.CampaignIn,
    "api.carry_forward_campaign": county_schemas.CarryForward,
    "api.start_report_job": schemas.ReportJobStart,
}
# Schemas that bodies nest, listed among the components beside the bodies.
NESTED = {
    "Resolve": schemas.Resolve,
    "AreaRow": admin_schemas.AreaRow,
    "LineIn": county_schemas.LineIn,
    "StageIn": county_schemas.StageIn,
}
QUERIES = {
    "api.list_households": schemas.Paging,
    "api.pull": schemas.Pull,
    "api.audit_log": admin_schemas.AuditQuery,
    "api.review_queue": review_schemas.QueueQuery,
    "api.review_dashboard": review_schemas.DashboardQuery,
    "api.household_diff": review_schemas.DiffRange,
    "api.spot_checks": review_schemas.SpotCheckQuery,
    "api.list_conflicts": schemas.ConflictQuery,
    "api.list_village_submissions": county_schemas.VillageList,
    "api.list_report_documents": schemas.ReportDocuments,
}
PUBLIC = {"api.login", "api.openapi"}

_TYPES = {
    fields.String: {"type": "string"},
    fields.Integer: {"type": "integer"},
    fields.Boolean: {"type": "boolean"},
    fields.Date: {"type": "string", "format": "date"},
    fields.UUID: {"type": "string", "format": "uuid"},
    fields.Date: {"type": "string", "format": "date"},
    fields.Dict: {"type": "object"},
    fields.Raw: {},
}


NO_NUL = "^[^\\u0000]*$"


def _field(f: fields.Field) -> dict:
    """A marshmallow field as JSON Schema, with the limits its validators check (lengths,
    ranges, allowed values, patterns), so that what the document allows is what is accepted."""
    if isinstance(f, fields.List):
        out = {"type": "array", "items": _field(f.inner)}
    elif isinstance(f, fields.Nested):
        out = {"$ref": f"#/components/schemas/{type(f.schema).__name__}"}
    elif isinstance(f, fields.Dict):
        out = {"type": "object"}
        if f.key_field is not None:
            out["propertyNames"] = _field(f.key_field)
        if f.value_field is not None:
            out["additionalProperties"] = _field(f.value_field)
    else:
        out = next((dict(v) for kind, v in _TYPES.items() if isinstance(f, kind)), {})
    for v in f.validators:
        out |= _limits(v, out.get("type"))
    if out.get("type") == "string" and not {"pattern", "format"} & out.keys():
        out["pattern"] = NO_NUL  # refused anywhere in a body (schemas.load_json) and a query
    if f.allow_none and out.get("type"):
        out["type"] = [out["type"], "null"]
    if f.metadata.get("description"):
        out["description"] = f.metadata["description"]
    return out


def _limits(v, kind: str | None) -> dict:
    if isinstance(v, validate.Length):
        names = ("minItems", "maxItems") if kind == "array" else ("minLength", "maxLength")
        if kind == "object":
            names = ("minProperties", "maxProperties")
        return {n: x for n, x in zip(names, (v.min, v.max), strict=True) if x is not None}
    if isinstance(v, validate.Range):
        out = {}
        if v.min is not None:
            out["minimum" if v.min_inclusive else "exclusiveMinimum"] = v.min
        if v.max is not None:
            out["maximum" if v.max_inclusive else "exclusiveMaximum"] = v.max
        return out
    if isinstance(v, validate.OneOf):
        return {"enum": list(v.choices)}
    if isinstance(v, validate.Regexp):
        return {"pattern": v.regex.pattern}
    return {}


def schema_json(schema: Schema) -> dict:
    props = {name: _field(f) for name, f in schema.fields.items()}
    required = [name for name, f in schema.fields.items() if f.required]
    out = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    if schema.unknown != EXCLUDE:  # an unknown field is a 422 ("未知字段")
        out["additionalProperties"] = False
    if type(schema).__doc__:
        out["description"] = " ".join(type(schema).__doc__.split())
    return out


# Path parameters: what each route's URL takes (a household, an attachment: a UUID; ids of the
# database: its integers). Anything else is a 4xx, never a lookup.
PATH_PARAMETERS = {
    "household_id": {"type": "string", "format": "uuid"},
    "attachment_id": {"type": "string", "format": "uuid"},
    "form_id": {"type": "string", "pattern": "^[a-z0-9_]{1,40}$"},
    "job_id": {"type": "string", "format": "uuid"},
}
INTEGER_PATH = {"type": "integer", "minimum": 0, "maximum": INT_MAX}

_ERROR_RESPONSE = {
    "description": "错误",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
# What a few answers hold, beyond "OK": the sync's results are what a phone acts upon.
RESPONSES = {
    "api.push": "PushResults",
    "api.bulk_approve": "BulkApproved",
    "api.list_conflicts": "Conflicts",
    "api.start_report_job": "ReportDocument",
    "api.get_report_job": "ReportDocument",
}
# Answers that are files, not JSON.
FILE_RESPONSES = {
    "api.get_report_file": {
        mime: {"schema": {"type": "string", "format": "binary"}} for mime in FORMATS.values()
    }
}
# Headers a route reads, beside its body and its query.
HEADERS = {
    "api.update_household": [
        {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "description": "所依据的版本号（或在请求体中给出 base_version）",
            "schema": {"type": "string", "pattern": '^"?[0-9]{1,10}"?$'},
        }
    ]
}
CAMPAIGN_TASK = {
    "type": ["object", "null"],
    "description": "调查轮次最近一项后台任务的进度（GET /api/campaigns/{campaign_id} 的 progress）",
    "required": ["task", "state", "done", "total"],
    "properties": {
        "task": {"enum": ["recompute", "carry"], "description": "重算裁定、结转农户"},
        "state": {
            "enum": ["queued", "running", "done", "failed"],
            "description": "排队中、进行中、已完成、未能完成",
        },
        "done": {"type": "integer", "minimum": 0},
        "total": {"type": "integer", "minimum": 0},
        "changed": {"type": "integer", "description": "重算：裁定改变的户数"},
        "carried": {"type": "integer", "description": "结转：新建的户数"},
        "skipped": {"type": "integer", "description": "结转：问卷不符合现行规则而未结转的户数"},
        "error": {"type": "string", "description": "未能完成的原因（中文）"},
        "at": {"type": "string", "format": "date-time"},
    },
}
_TASK = {
    "application/json": {
        "schema": {
            "type": "object",
            "required": ["progress"],
            "properties": {"progress": {"$ref": "#/components/schemas/CampaignTask"}},
        }
    }
}
OTHER_SUCCESS = {
    "api.create_household": {"201": {"description": "已建档（户的 JSON，Location 指向它）"}},
    "api.create_user": {"201": {"description": "已创建"}},
    "api.create_campaign": {"201": {"description": "已创建（调查轮次的 JSON，Location 指向它）"}},
    "api.put_attachment": {"201": {"description": "已上传（无内容）"}},
    "api.logout": {"204": {"description": "已退出"}},
    "api.get_form": {"304": {"description": "未改变（ETag）"}},
    "api.start_report_job": {
        "202": {
            "description": "已开始生成（Location 指向任务）",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ReportDocument"}}
            },
        }
    },
    "api.get_report_file": {"304": {"description": "未改变（ETag）"}},
    "api.recompute_campaign": {"202": {"description": "已排队重算裁定", "content": _TASK}},
    "api.carry_forward_campaign": {"202": {"description": "已排队结转农户", "content": _TASK}},
}
RAW_BODIES = {
    "api.put_attachment": {
        kind: {"schema": {"type": "string", "format": "binary", "maxLength": 2 * 1024 * 1024}}
        for kind in ("image/png", "image/jpeg", "image/webp")
    }
}


def _operation(endpoint: str, method: str, view) -> dict:
    doc = (view.__doc__ or endpoint).strip().splitlines()[0]
    ok: dict = {"description": "OK"}
    if endpoint in RESPONSES:
        ref = {"$ref": f"#/components/schemas/{RESPONSES[endpoint]}"}
        ok["content"] = {"application/json": {"schema": ref}}
    if endpoint in FILE_RESPONSES:
        ok["content"] = FILE_RESPONSES[endpoint]
    op = {
        "operationId": endpoint.split(".", 1)[1],
        "summary": doc,
        "responses": {"200": ok, **OTHER_SUCCESS.get(endpoint, {}), "default": _ERROR_RESPONSE},
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
    if endpoint in RAW_BODIES:
        op["requestBody"] = {"required": True, "content": RAW_BODIES[endpoint]}
    parameters = list(HEADERS.get(endpoint, []))
    if endpoint in QUERIES:
        parameters += [
            {
                "name": f.data_key or name,
                "in": "query",
                "required": f.required,
                "schema": _query(endpoint, name, f),
            }
            for name, f in QUERIES[endpoint]().fields.items()
        ]
    if parameters:
        op["parameters"] = parameters
    return op


# What a query field's own validators do not say: the handler checks it.
QUERY_LIMITS = {("api.pull", "since"): {"pattern": CURSOR_PATTERN}}


def _query(endpoint: str, name: str, f: fields.Field) -> dict:
    """A query parameter is absent or a value: never null."""
    out = _field(f) | QUERY_LIMITS.get((endpoint, name), {})
    if isinstance(out.get("type"), list):
        out["type"] = next(t for t in out["type"] if t != "null")
    return out


ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "minLength": 1},
                "message": {"type": "string", "minLength": 1},
                "fields": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
    "additionalProperties": False,
}
_MESSAGES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["path", "message", "severity"],
        "properties": {
            "path": {"type": "string"},
            "message": {"type": "string"},
            "severity": {"enum": ["error", "warning"]},
        },
    },
}
PUSH_RESULTS = {
    "type": "object",
    "required": ["results"],
    "properties": {
        "results": {
            "type": "array",
            "description": "每条操作一个结果，顺序与请求相同",
            "items": {
                "type": "object",
                "required": ["op_id", "household_id", "status"],
                "properties": {
                    "status": {"enum": ["applied", "duplicate", "merged", "conflict", "rejected"]},
                    "first_status": {"enum": ["applied", "merged", "conflict"]},
                    "version": {"type": "integer", "minimum": 1},
                    "code": {"type": "string"},
                    "errors": _MESSAGES,
                    "review_needed": _MESSAGES,
                    "merged": {
                        "type": "object",
                        "properties": {
                            "server": {"type": "array", "items": {"type": "string"}},
                            "device": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                    "conflicts": {
                        "type": "array",
                        "items": {"type": "object", "required": ["path"]},
                    },
                },
            },
        }
    },
}

REPORT_DOCUMENT = {
    "type": "object",
    "description": "一份报表文件及生成它的任务",
    "required": ["id", "report", "status", "progress", "format"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "report": {"type": "string"},
        "title": {"type": "string"},
        "format": {"enum": list(FORMATS)},
        "status": {"enum": list(STATUSES), "description": "排队中、生成中、已完成、生成失败"},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "progress_note": {"type": ["string", "null"]},
        "error": {"type": ["string", "null"], "description": "失败的原因（中文）"},
        "file_url": {"type": ["string", "null"]},
    },
}


CONFLICTS = {
    "type": "array",
    "description": "未处理的冲突；处理时以 id 为键（POST /api/households/{household_id}/resolve）",
    "items": {
        "type": "object",
        "required": ["id", "household_id", "path", "base", "server", "device", "current"],
        "properties": {
            "id": {"type": "integer", "minimum": 1, "description": "冲突编号：处理时的键"},
            "household_id": {"type": "string", "format": "uuid"},
            "path": {"type": "string", "description": "变更路径（members.<成员 id>.<字段> 等）"},
            "version": {"type": "integer", "description": "记录冲突的那一版"},
            "base": {"description": "双方修改前的值"},
            "server": {"description": "记录冲突时服务器上的值"},
            "current": {"description": "服务器上现在的值：“保留现值”保留的就是它"},
            "device": {"description": "手机上改成的值（未采用）"},
            "device_id": {"type": ["string", "null"]},
            "device_user_id": {"type": ["integer", "null"]},
            "device_user_name": {"type": ["string", "null"]},
            "created_at": {"type": "string"},
        },
    },
}


def _path_schema(rule, argument: str) -> dict:
    if isinstance(rule._converters.get(argument), IntegerConverter):
        return dict(INTEGER_PATH)
    return dict(PATH_PARAMETERS.get(argument, {"type": "string"}))


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
            {"name": a, "in": "path", "required": True, "schema": _path_schema(rule, a)}
            for a in sorted(rule.arguments)
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
            "QueueFilter": review_schemas.QueueFilter,
            **NESTED,
        }.items()
    }
    components["Operation"] = schema_json(Operation())
    components["Push"]["properties"]["ops"] = {
        "type": "array",
        "maxItems": current_app.config["RUHU_PUSH_MAX_OPS"],  # more: 413, the batch refused
        "items": {"$ref": "#/components/schemas/Operation"},
        "description": "一条不合格式的操作单独被拒（rejected），其余照常处理；"
        "整批不超过 5 MB 与 500 条，否则 413",
    }
    components["Error"] = ERROR
    components["PushResults"] = PUSH_RESULTS
    components["BulkApproved"] = review_schemas.BULK_APPROVED
    components["Conflicts"] = CONFLICTS
    components["ReportDocument"] = REPORT_DOCUMENT
    components["CampaignTask"] = CAMPAIGN_TASK
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
