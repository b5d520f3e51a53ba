#!/usr/bin/python3
"""Writes the REST gateway's OpenAPI 3.0 description from the contract.

Reads the descriptor set the build makes of the protos (contract.binpb) and
describes exactly what gateway/ serves from it: every RPC with a
google.api.http rule, path parameters from the template, query parameters
from the request's other fields on GET/DELETE, the JSON body otherwise;
snake_case field names; enums spelled as the gateway spells them (prefix
stripped, lower-case unless (hotel.whatsapp.v1.json_upper_case)); int64 as
strings; timestamps as RFC 3339 strings or null; every response field
present. The adapters' routes (multipart upload, binary download, Meta's
webhook) are described here too, as are the error body and bearer auth.

What the protos say is what the document says: comments become summaries
and descriptions; (hotel.whatsapp.v1.required_field) makes a request field
required (answers print every field, so all of theirs are); request objects
refuse unknown fields, as the gateway does; (accepts) narrows an enum;
(hotel.whatsapp.v1.errors) lists an RPC's errors beside the common ones.
The reference's request bodies (docs/reference-examples.json) are the
operations' examples.

Usage: generate_openapi.py CONTRACT_BINPB EXAMPLES_JSON OUT_YAML OUT_CC (the
latter holds the YAML and the same document as JSON, for the server to
serve).
"""

import json
import re
import sys

import yaml
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory  # noqa: F401
from google.protobuf.descriptor import FieldDescriptor as F

PACKAGE = "hotel.whatsapp.v1"
JSON_UPPER_CASE = 51001  # (hotel.whatsapp.v1.json_upper_case) on EnumOptions
HTTP_RULE = 72295728     # (google.api.http) on MethodOptions
METHOD_ERRORS = 51271    # (hotel.whatsapp.v1.errors) on MethodOptions
REQUIRED_FIELD = 51272   # (hotel.whatsapp.v1.required_field) on FieldOptions
ACCEPTS = 51273          # (hotel.whatsapp.v1.accepts) on FieldOptions
OBJECT_MEMBER = 51274    # (hotel.whatsapp.v1.json_object_member) on FieldOptions

# The HTTP status of every error code an RPC may declare (the reference's
# table, then gRPC's codes as grpc-gateway maps them). A declared code
# missing here fails the build: add it with its status.
ERROR_STATUS = {
    "INVALID_PHONE_NUMBER": 400, "INVALID_GUEST_USER_ID": 400, "INVALID_ARGUMENT": 400,
    "FAILED_PRECONDITION": 400, "UNAUTHENTICATED": 401, "PERMISSION_DENIED": 403,
    "MESSAGE_WINDOW_EXPIRED": 403, "GUEST_OPTED_OUT": 403, "NOT_FOUND": 404,
    "TEMPLATE_NOT_FOUND": 404, "MEDIA_NOT_FOUND": 404, "ALREADY_EXISTS": 409, "ABORTED": 409,
    "PAYLOAD_TOO_LARGE": 413, "UNSUPPORTED_MEDIA_TYPE": 415, "MEDIA_UPLOAD_FAILED": 422,
    "RATE_LIMIT_EXCEEDED": 429, "RESOURCE_EXHAUSTED": 429, "SUBSCRIBER_TOO_SLOW": 429,
    "TOO_MANY_STREAMS": 429, "OUT_OF_RANGE": 400, "INTERNAL": 500,
    "WEBHOOK_DELIVERY_FAILED": 500, "UNIMPLEMENTED": 501, "UNAVAILABLE": 503,
}
# What every RPC can answer, declared or not: a refused field or body, a
# missing token, the server's own trouble.
COMMON_ERRORS = ["INVALID_ARGUMENT", "UNAUTHENTICATED", "INTERNAL", "UNAVAILABLE"]
BODY_ERRORS = ["PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"]
# The reference's order; services not named here follow, by name.
TAG_ORDER = ["MessagesService", "TemplatesService", "MediaService", "ConversationsService",
             "WebhooksService"]


def load(path):
    fds = descriptor_pb2.FileDescriptorSet()
    with open(path, "rb") as f:
        fds.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for fd in fds.file:
        pool.Add(fd)
    return fds, pool


def read_varint(data, i):
    value, shift = 0, 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, i


def option_field(options, number):
    """The raw value of field `number` in serialized options (an extension
    this interpreter has no Python module for), or None."""
    values = option_values(options, number)
    return values[-1] if values else None


def option_values(options, number):
    """Every raw value of field `number` in serialized options (a repeated
    extension's values, in order)."""
    data, i, found = options.SerializeToString(), 0, []
    while i < len(data):
        tag, i = read_varint(data, i)
        kind = tag & 7
        if kind == 0:
            value, i = read_varint(data, i)
        elif kind == 2:
            length, i = read_varint(data, i)
            value, i = data[i:i + length], i + length
        elif kind == 1:
            value, i = data[i:i + 8], i + 8
        elif kind == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError("unexpected wire type %d in options" % kind)
        if tag >> 3 == number:
            found.append(value)
    return found


def enum_upper(enum_proto):
    """Whether the enum keeps its upper-case spelling."""
    return option_field(enum_proto.options, JSON_UPPER_CASE) == 1


def snake_upper(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).upper()


def clean_comment(text):
    """A proto comment as prose: lines joined into paragraphs."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def first_sentence(text):
    match = re.match(r"(.+?[.:;])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence.rstrip(".:;")


def words(name):
    """SendMessage -> "Send message"."""
    spaced = re.sub(r"(?<=[a-z0-9])([A-Z])", r" \1", name)
    return spaced[:1] + spaced[1:].lower()


class Generator:
    def __init__(self, fds, pool, examples):
        self.fds = fds
        self.pool = pool
        self.examples = examples
        self.schemas = {}
        self.field_types = set()
        self.enum_protos = {}
        self.field_protos = {}
        self.comments = {}
        self.output_messages = set()
        for fd in fds.file:
            self._index_comments(fd)
            prefix = fd.package
            for e in fd.enum_type:
                self.enum_protos[prefix + "." + e.name] = e
            for m in fd.message_type:
                self._index_nested(prefix + "." + m.name, m)

    def _index_comments(self, fd):
        """Leading (else trailing) comments by element path, keyed by the
        element's full name: services, methods, messages, fields, enums and
        enum values."""
        by_path = {}
        for loc in fd.source_code_info.location:
            text = loc.leading_comments or loc.trailing_comments
            if text.strip():
                by_path[tuple(loc.path)] = clean_comment(text)
        pkg = fd.package + "."

        def message(m, name, path):
            self.comments[name] = by_path.get(path, "")
            for k, f in enumerate(m.field):
                self.comments[name + "." + f.name] = by_path.get(path + (2, k), "")
            for k, e in enumerate(m.enum_type):
                enum(e, name + "." + e.name, path + (4, k))
            for k, n in enumerate(m.nested_type):
                message(n, name + "." + n.name, path + (3, k))

        def enum(e, name, path):
            self.comments[name] = by_path.get(path, "")
            for k, v in enumerate(e.value):
                self.comments[name + "." + v.name] = by_path.get(path + (2, k), "")

        for k, m in enumerate(fd.message_type):
            message(m, pkg + m.name, (4, k))
        for k, e in enumerate(fd.enum_type):
            enum(e, pkg + e.name, (5, k))
        for k, sv in enumerate(fd.service):
            self.comments[pkg + sv.name] = by_path.get((6, k), "")
            for j, mp in enumerate(sv.method):
                self.comments[pkg + sv.name + "." + mp.name] = by_path.get((6, k, 2, j), "")

    def _index_nested(self, name, m):
        for f in m.field:
            self.field_protos[name + "." + f.name] = f
        for e in m.enum_type:
            self.enum_protos[name + "." + e.name] = e
        for n in m.nested_type:
            self._index_nested(name + "." + n.name, n)

    def field_options(self, field):
        return self.field_protos[field.full_name].options

    # -- schemas ---------------------------------------------------------

    def enum_values(self, field, request):
        """The spellings the gateway prints (answers: "" for unset too) or
        accepts (requests: every named value, or those (accepts) lists)."""
        enum = field.enum_type
        proto = self.enum_protos[enum.full_name]
        prefix = snake_upper(enum.name) + "_"
        upper = enum_upper(proto)
        accepted = [v.decode() for v in option_values(self.field_options(field), ACCEPTS)]
        values, described = ([] if request else [""]), []
        for v in enum.values:
            if v.number == 0 or (request and accepted and v.name not in accepted):
                continue
            name = v.name[len(prefix):] if v.name.startswith(prefix) else v.name
            spelled = name if upper else name.lower()
            values.append(spelled)
            comment = self.comments.get(enum.full_name + "." + v.name, "")
            if comment:
                described.append("- `%s`: %s" % (spelled, comment))
        return values, described

    def describe(self, schema, text):
        if not text:
            return schema
        if "$ref" in schema:
            # OpenAPI 3.0 ignores siblings of $ref: wrap it.
            return {"allOf": [schema], "description": text}
        schema["description"] = text
        return schema

    def field_schema(self, field, request):
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value = field.message_type.fields_by_name["value"]
            schema = {"type": "object", "additionalProperties": self.single(value, request)}
        else:
            one = self.single(field, request)
            schema = {"type": "array", "items": one} if field.label == F.LABEL_REPEATED else one
        text = self.comments.get(field.full_name, "")
        if field.type == F.TYPE_ENUM and field.label != F.LABEL_REPEATED:
            _, described = self.enum_values(field, request)
            if described:
                text = (text + "\n\n" if text else "") + "\n".join(described)
        return self.describe(schema, text)

    def single(self, field, request):
        t = field.type
        if t == F.TYPE_MESSAGE:
            name = field.message_type.full_name
            if name == "google.protobuf.Timestamp":
                return {"type": "string", "format": "date-time", "nullable": True}
            if name == "google.protobuf.Struct":
                return {"type": "object", "additionalProperties": True, "nullable": True}
            if name == "google.protobuf.Value":
                # Any JSON value: a send's send_at is a time or an object.
                return {"description": "an RFC 3339 time, or {relative_to, offset}"}
            ref = self.message_schema(field.message_type, request)
            # An unset message field is printed as null: a message used as a
            # field's type is nullable (see document()).
            self.field_types.add(ref)
            return {"$ref": "#/components/schemas/" + ref}
        if t == F.TYPE_ENUM:
            values, _ = self.enum_values(field, request)
            return {"type": "string", "enum": values}
        if t in (F.TYPE_INT64, F.TYPE_UINT64, F.TYPE_SINT64, F.TYPE_FIXED64, F.TYPE_SFIXED64):
            return {"type": "string", "format": "int64"}
        if t in (F.TYPE_INT32, F.TYPE_SINT32, F.TYPE_SFIXED32):
            return {"type": "integer", "format": "int32"}
        if t in (F.TYPE_UINT32, F.TYPE_FIXED32):
            return {"type": "integer", "format": "int64", "minimum": 0}
        if t in (F.TYPE_DOUBLE, F.TYPE_FLOAT):
            return {"type": "number"}
        if t == F.TYPE_BOOL:
            return {"type": "boolean"}
        if t == F.TYPE_BYTES:
            return {"type": "string", "format": "byte"}
        member = option_field(self.field_options(field), OBJECT_MEMBER)
        if request and member:
            return {"oneOf": [{"type": "string"}, {
                "type": "object", "additionalProperties": False,
                "properties": {member.decode(): {"type": "string"}}}]}
        return {"type": "string"}

    def ref(self, message, request=False):
        name = message.full_name.replace(PACKAGE + ".", "").replace(".", "_")
        # A type used in answers as well as requests gets one schema for each:
        # the request's demands only its required fields.
        if request and message.full_name in self.output_messages:
            name += "Input"
        return name

    def collect_outputs(self, message):
        if message.full_name in self.output_messages:
            return
        self.output_messages.add(message.full_name)
        for f in message.fields:
            if f.message_type is not None and f.message_type.full_name.startswith(PACKAGE):
                self.collect_outputs(f.message_type)
            elif f.message_type is not None and f.message_type.GetOptions().map_entry:
                value = f.message_type.fields_by_name["value"]
                if value.message_type is not None:
                    self.collect_outputs(value.message_type)

    def message_schema(self, message, request=False, skip=()):
        name = self.ref(message, request)
        if not skip and name in self.schemas:
            return name
        if not skip:
            self.schemas[name] = {}  # placeholder against recursion
        props, required = {}, []
        for field in message.fields:
            if field.name in skip:
                continue
            props[field.name] = self.field_schema(field, request)
            if not request or option_field(self.field_options(field), REQUIRED_FIELD) == 1:
                required.append(field.name)
        # Exactly the proto's fields: the gateway refuses any other.
        schema = {"type": "object", "properties": props, "additionalProperties": False}
        # Answers print every field: all are present.
        if required:
            schema["required"] = required
        schema = self.describe(schema, self.comments.get(message.full_name, ""))
        if not skip:
            self.schemas[name] = schema
            return name
        return schema

    # -- paths -----------------------------------------------------------

    def http_rule(self, method_proto):
        raw = option_field(method_proto.options, HTTP_RULE)
        if raw is None:
            return None
        rule_type = self.pool.FindMessageTypeByName("google.api.HttpRule")
        rule = message_factory.MessageFactory(self.pool).GetPrototype(rule_type)()
        rule.ParseFromString(raw)
        kind = rule.WhichOneof("pattern")
        if kind in (None, "custom"):
            return None
        return kind, getattr(rule, kind), rule.body

    def summary(self, service, name):
        comment = self.comments.get(service.full_name + "." + name, "")
        op = {"summary": first_sentence(comment) if comment else words(name)}
        if comment:
            op["description"] = comment
        return op

    def operation(self, service, method, verb, template, body, method_proto):
        path_params = re.findall(r"\{([a-z_.]+)(?:=[^}]*)?\}", template)
        path = re.sub(r"\{([a-z_.]+)(?:=[^}]*)?\}", r"{\1}", template)
        request = method.input_type
        params = []
        for p in path_params:
            param = {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
            field = request.fields_by_name.get(p)
            if field is not None and self.comments.get(field.full_name):
                param["description"] = self.comments[field.full_name]
            params.append(param)
        op_id = service.name + "_" + method.name
        op = {"operationId": op_id, "tags": [service.name]}
        op.update(self.summary(service, method.name))
        op["parameters"] = params
        if body == "*":
            # Fields bound by the path are not in the body.
            schema = (self.message_schema(request, True, skip=set(path_params)) if path_params
                      else {"$ref": "#/components/schemas/" + self.message_schema(request, True)})
            content = {"schema": schema}
            examples = {e["name"]: {"summary": e["summary"], "value": e["body"]}
                        for e in self.examples.get("examples", []) if e["operation"] == op_id}
            if examples:
                content["examples"] = examples
            op["requestBody"] = {"required": False, "content": {"application/json": content}}
        elif verb in ("get", "delete"):
            for field in request.fields:
                if field.name in path_params or field.message_type is not None and \
                        field.message_type.full_name != "google.protobuf.Timestamp":
                    continue
                schema = self.single(field, True)
                if field.label == F.LABEL_REPEATED:
                    schema = {"type": "array", "items": schema}
                schema.pop("nullable", None)
                param = {"name": field.name, "in": "query",
                         "required": option_field(self.field_options(field), REQUIRED_FIELD) == 1,
                         "schema": schema}
                if self.comments.get(field.full_name):
                    param["description"] = self.comments[field.full_name]
                params.append(param)
        codes = self.declared_errors(method_proto) + COMMON_ERRORS
        if body:
            codes += BODY_ERRORS
        op["responses"] = self.responses(method.output_type, codes)
        return path, op

    def declared_errors(self, method_proto):
        codes = [v.decode() for v in option_values(method_proto.options, METHOD_ERRORS)]
        for code in codes:
            if code not in ERROR_STATUS:
                raise SystemExit("%s declares error %s, which generate_openapi.py's ERROR_STATUS "
                                 "does not know: add it with its HTTP status" % (method_proto.name, code))
        return codes

    def responses(self, output, codes):
        name = self.message_schema(output)
        out = {"200": {"description": "OK", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/" + name}}}}}
        out.update(self.error_responses(codes))
        return out

    def error_responses(self, codes):
        by_status = {}
        for code in codes:
            by_status.setdefault(ERROR_STATUS[code], [])
            if code not in by_status[ERROR_STATUS[code]]:
                by_status[ERROR_STATUS[code]].append(code)
        out = {}
        for status in sorted(by_status):
            listed = by_status[status]
            out[str(status)] = {
                "description": ", ".join(listed),
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"},
                    "example": {"error": {"code": listed[0], "message": "...", "details": {},
                                          "recovery_options": []}}}}}
        return out

    def build(self):
        for fd in self.fds.file:
            if fd.package != PACKAGE:
                continue
            for sp in fd.service:
                for mp in sp.method:
                    self.collect_outputs(self.pool.FindMessageTypeByName(
                        mp.output_type.lstrip(".")))
        operations = []  # (tag rank, declaration order, path, verb, op)
        adapted = self.adapter_operations()
        # Routes the gateway's adapters serve are described by them, not as
        # generic transcoding (DownloadMedia's route is bytes, not events).
        adapted_ids = {op["operationId"] for _, _, op in adapted}
        for fd in self.fds.file:
            if fd.package != PACKAGE:
                continue
            for sp in fd.service:
                service = self.pool.FindServiceByName(PACKAGE + "." + sp.name)
                for mp in sp.method:
                    rule = self.http_rule(mp)
                    if rule is None or mp.client_streaming:
                        continue
                    if sp.name + "_" + mp.name in adapted_ids:
                        continue
                    verb, template, body = rule
                    if mp.server_streaming and verb != "get":
                        continue
                    method = service.methods_by_name[mp.name]
                    path, op = self.operation(service, method, verb, template, body, mp)
                    if mp.server_streaming:
                        self.event_stream(method, op)
                    operations.append((path, verb, op))
        for path, verb, op in adapted:
            operations.append((path, verb, op))
        order = {op["operationId"]: i for i, (_, _, op) in enumerate(operations)}
        operations.sort(key=lambda o: (self.tag_rank(o[2]["tags"][0]), order[o[2]["operationId"]]))
        paths = {}
        for path, verb, op in operations:
            paths.setdefault(path, {})[verb] = op
        return self.document(paths)

    def event_stream(self, method, op):
        """A server-streaming GET: the gateway serves it as Server-Sent Events."""
        name = self.message_schema(method.output_type)
        op["summary"] = method.name + " (Server-Sent Events)"
        op["description"] = (
            "A text/event-stream, one event per streamed " + method.output_type.name +
            ": `id:` is its cursor, `event:` its kind, `data:` the " +
            method.output_type.name + " as JSON (schema " + name + "). A keep-alive is a "
            "comment line with an `id:` only. Reconnect with the `Last-Event-ID` header (or "
            "`after_cursor`) to resume exactly after the last id seen. Errors before the "
            "stream starts are ordinary JSON error answers; one that ends a started stream "
            "is an `event: error` whose data is the error body.")
        op["parameters"].append({"name": "Last-Event-ID", "in": "header", "required": False,
                                 "schema": {"type": "string"},
                                 "description": "Resume after this cursor (wins over "
                                                "after_cursor)."})
        op["responses"]["200"] = {"description": "The event stream", "content": {
            "text/event-stream": {"schema": {"type": "string"},
                                  "x-event-schema": {"$ref": "#/components/schemas/" + name}}}}

    def tag_rank(self, tag):
        return (TAG_ORDER.index(tag), "") if tag in TAG_ORDER else (len(TAG_ORDER), tag)

    def adapter_operations(self):
        """Routes the gateway's adapters serve, which rules cannot express."""
        media = self.message_schema(self.pool.FindMessageTypeByName(PACKAGE + ".Media"))
        upload = {
            "operationId": "MediaService_UploadMedia",
            "tags": ["MediaService"],
            "summary": "Upload a media file (multipart form, streamed)",
            "description": "Upload the file first, then send it by its media_id "
                           "(POST /api/v1/whatsapp/messages/send-media).",
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["media", "media_type"],
                "properties": {
                    "media": {"type": "string", "format": "binary"},
                    "media_type": {"type": "string",
                                   "enum": ["image", "document", "audio", "video", "sticker"]},
                }}}}},
            "responses": {"200": {"description": "The stored media", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/" + media}}}}},
        }
        upload["responses"].update(self.error_responses(
            ["MEDIA_UPLOAD_FAILED"] + COMMON_ERRORS + ["PAYLOAD_TOO_LARGE"]))
        download = {
            "operationId": "MediaService_DownloadMedia",
            "tags": ["MediaService"],
            "summary": "The media's bytes (its media_url)",
            "parameters": [{"name": "media_id", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "The file with its content type", "content": {
                    "application/octet-stream": {"schema": {"type": "string",
                                                            "format": "binary"}}}},
            }}
        download["responses"].update(self.error_responses(["MEDIA_NOT_FOUND", "UNAUTHENTICATED"]))
        export = {
            "operationId": "GuestDataService_ExportGuest",
            "tags": ["GuestDataService"],
            "summary": "Everything held on the guest, one JSON document (streamed; "
                       "docs/guest-export.schema.json)",
            "parameters": [{"name": "guest_phone", "in": "path", "required": True,
                            "schema": {"type": "string"}},
                           {"name": "guest_user_id", "in": "query", "required": False,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The export", "content": {
                "application/json": {"schema": {"type": "object"}}}}}}
        export["responses"].update(self.error_responses(
            ["INVALID_PHONE_NUMBER", "INVALID_GUEST_USER_ID", "PERMISSION_DENIED"] + COMMON_ERRORS))
        return [("/api/v1/whatsapp/media/upload", "post", upload),
                ("/api/v1/whatsapp/media/{media_id}/content", "get", download),
                ("/api/v1/whatsapp/guests/{guest_phone}/export", "get", export)]

    def tags(self, paths):
        """One tag per service, in the reference's order, described by the
        service's comment in its .proto."""
        used = {op["tags"][0] for p in paths.values() for op in p.values()}
        return [{"name": t, "description": self.comments.get(PACKAGE + "." + t) or t}
                for t in sorted(used, key=self.tag_rank)]

    def document(self, paths):
        error_body = {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message", "details", "recovery_options"],
            "properties": {
                "code": {"type": "string", "example": "MESSAGE_WINDOW_EXPIRED",
                         "description": "One of the contract's codes; the operation's "
                                        "responses list the ones it can answer."},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True,
                            "description": "Structured facts: the field at fault "
                                           "(`field`), a guess (`did_you_mean`), ..."},
                "recovery_options": {"type": "array", "items": {"type": "string"},
                                     "description": "What to do about it."},
            }}}}
        self.schemas["Error"] = error_body
        for name in self.field_types:
            target = self.schemas[name]
            target["nullable"] = True
        return {
            "openapi": "3.0.3",
            "info": {
                "title": "Hotel WhatsApp service",
                "version": "v1",
                "description": ("The REST gateway of wa-server, generated from the protos "
                                "(proto/hotel/whatsapp/v1) and their google.api.http rules. "
                                "The same operations are gRPC services. Request bodies are "
                                "JSON (Content-Type: application/json); an unknown field is "
                                "refused with the nearest known name."),
            },
            # Relative: the document describes the server that serves it.
            "servers": [{"url": "/"}],
            "security": [{"bearer": []}],
            "tags": self.tags(paths),
            "paths": paths,
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                               "description": "wa-server tokens create"}},
                "schemas": dict(sorted(self.schemas.items())),
            },
        }


def main():
    contract, examples_path, out_yaml, out_cc = sys.argv[1:5]
    fds, pool = load(contract)
    with open(examples_path) as f:
        examples = json.load(f)
    spec = Generator(fds, pool, examples).build()
    text = yaml.safe_dump(spec, sort_keys=False, width=100, allow_unicode=True)
    with open(out_yaml, "w") as f:
        f.write(text)
    with open(out_cc, "w") as f:
        f.write("// Generated by gateway/openapi/generate_openapi.py: do not edit.\n")
        f.write('#include "gateway/openapi/openapi_spec.h"\n\n')
        f.write("namespace wa::gateway {\n\n")
        f.write('const char kOpenApiYaml[] = R"openapi(' + text + ')openapi";\n\n')
        f.write('const char kOpenApiJson[] = R"openapi(' + json.dumps(spec, indent=1) +
                ')openapi";\n\n')
        f.write("}  // namespace wa::gateway\n")


if __name__ == "__main__":
    main()
