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

Usage: generate_openapi.py CONTRACT_BINPB OUT_YAML OUT_CC (the latter holds
the YAML and the same document as JSON, for the server to serve).
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
ERROR_CODES = {
    "400": "Invalid input (INVALID_ARGUMENT, INVALID_PHONE_NUMBER, FAILED_PRECONDITION)",
    "401": "Missing, unknown or revoked token (UNAUTHENTICATED)",
    "403": "Not allowed (PERMISSION_DENIED, MESSAGE_WINDOW_EXPIRED, GUEST_OPTED_OUT)",
    "404": "Not found (NOT_FOUND, TEMPLATE_NOT_FOUND, MEDIA_NOT_FOUND)",
    "409": "Conflict (ALREADY_EXISTS)",
    "429": "Too many requests (RATE_LIMIT_EXCEEDED)",
    "500": "Server error (INTERNAL, WEBHOOK_DELIVERY_FAILED)",
    "501": "Not implemented (UNIMPLEMENTED)",
    "503": "Unavailable (UNAVAILABLE)",
}


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
    data, i, found = options.SerializeToString(), 0, None
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
            found = value
    return found


def enum_upper(enum_proto):
    """Whether the enum keeps its upper-case spelling."""
    return option_field(enum_proto.options, JSON_UPPER_CASE) == 1


def snake_upper(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).upper()


class Generator:
    def __init__(self, fds, pool):
        self.fds = fds
        self.pool = pool
        self.schemas = {}
        self.field_types = set()
        self.enum_protos = {}
        for fd in fds.file:
            prefix = fd.package
            for e in fd.enum_type:
                self.enum_protos[prefix + "." + e.name] = e
            for m in fd.message_type:
                self._index_nested(prefix + "." + m.name, m)

    def _index_nested(self, name, m):
        for e in m.enum_type:
            self.enum_protos[name + "." + e.name] = e
        for n in m.nested_type:
            self._index_nested(name + "." + n.name, n)

    # -- schemas ---------------------------------------------------------

    def enum_values(self, enum):
        proto = self.enum_protos[enum.full_name]
        prefix = snake_upper(enum.name) + "_"
        upper = enum_upper(proto)
        values = [""]
        for v in enum.values:
            if v.number == 0:
                continue
            name = v.name[len(prefix):] if v.name.startswith(prefix) else v.name
            values.append(name if upper else name.lower())
        return values

    def field_schema(self, field):
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value = field.message_type.fields_by_name["value"]
            return {"type": "object", "additionalProperties": self.single(value)}
        one = self.single(field)
        if field.label == F.LABEL_REPEATED:
            return {"type": "array", "items": one}
        return one

    def single(self, field):
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
            self.message_schema(field.message_type)
            # An unset message field is printed as null: a message used as a
            # field's type is nullable (see document()).
            self.field_types.add(self.ref(field.message_type))
            return {"$ref": "#/components/schemas/" + self.ref(field.message_type)}
        if t == F.TYPE_ENUM:
            return {"type": "string", "enum": self.enum_values(field.enum_type)}
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
        return {"type": "string"}

    def ref(self, message):
        return message.full_name.replace(PACKAGE + ".", "").replace(".", "_")

    def message_schema(self, message, skip=()):
        name = self.ref(message)
        if not skip and name in self.schemas:
            return name
        if not skip:
            self.schemas[name] = {}  # placeholder against recursion
        props = {}
        for field in message.fields:
            if field.name in skip:
                continue
            props[field.name] = self.field_schema(field)
        # Exactly the proto's fields, no others.
        schema = {"type": "object", "properties": props, "additionalProperties": False}
        if not skip:
            # Every field is printed in answers: all are present.
            schema["required"] = list(props)
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

    def operation(self, service, method, verb, template, body):
        path_params = re.findall(r"\{([a-z_.]+)(?:=[^}]*)?\}", template)
        path = re.sub(r"\{([a-z_.]+)(?:=[^}]*)?\}", r"{\1}", template)
        request = method.input_type
        params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                  for p in path_params]
        op = {
            "operationId": service.name + "_" + method.name,
            "tags": [service.name],
            "summary": method.name,
            "parameters": params,
            "responses": self.responses(method.output_type),
        }
        if body == "*":
            # Fields bound by the path are not in the body.
            schema = (self.message_schema(request, skip=set(path_params)) if path_params
                      else {"$ref": "#/components/schemas/" + self.message_schema(request)})
            op["requestBody"] = {"required": True,
                                 "content": {"application/json": {"schema": schema}}}
        elif verb in ("get", "delete"):
            for field in request.fields:
                if field.name in path_params or field.message_type is not None and \
                        field.message_type.full_name != "google.protobuf.Timestamp":
                    continue
                schema = self.single(field)
                if field.label == F.LABEL_REPEATED:
                    schema = {"type": "array", "items": schema}
                schema.pop("nullable", None)
                params.append({"name": field.name, "in": "query", "required": False,
                               "schema": schema})
        return path, op

    def responses(self, output):
        name = self.message_schema(output)
        out = {"200": {"description": "OK", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/" + name}}}}}
        for code, text in ERROR_CODES.items():
            out[code] = {"$ref": "#/components/responses/Error" + code}
        return out

    def build(self):
        paths = {}
        for fd in self.fds.file:
            if fd.package != PACKAGE:
                continue
            for sp in fd.service:
                service = self.pool.FindServiceByName(PACKAGE + "." + sp.name)
                for mp in sp.method:
                    rule = self.http_rule(mp)
                    if rule is None or mp.client_streaming:
                        continue
                    verb, template, body = rule
                    if mp.server_streaming and verb != "get":
                        continue
                    method = service.methods_by_name[mp.name]
                    path, op = self.operation(service, method, verb, template, body)
                    if mp.server_streaming:
                        self.event_stream(method, op)
                    paths.setdefault(path, {})[verb] = op
        self.adapter_paths(paths)
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

    def adapter_paths(self, paths):
        """Routes the gateway's adapters serve, which rules cannot express."""
        media = self.message_schema(self.pool.FindMessageTypeByName(PACKAGE + ".Media"))
        upload = {
            "operationId": "MediaService_UploadMedia",
            "tags": ["MediaService"],
            "summary": "UploadMedia (multipart form, streamed)",
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
        upload["responses"].update(
            {c: {"$ref": "#/components/responses/Error" + c} for c in ("400", "401", "413")})
        upload["responses"]["422"] = {"$ref": "#/components/responses/Error422"}
        paths["/api/v1/whatsapp/media/upload"] = {"post": upload}
        paths["/api/v1/whatsapp/media/{media_id}/content"] = {"get": {
            "operationId": "MediaService_DownloadMedia",
            "tags": ["MediaService"],
            "summary": "The media's bytes (its media_url)",
            "parameters": [{"name": "media_id", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "The file with its content type", "content": {
                    "application/octet-stream": {"schema": {"type": "string",
                                                            "format": "binary"}}}},
                "401": {"$ref": "#/components/responses/Error401"},
                "404": {"$ref": "#/components/responses/Error404"},
            }}}
        guest = [{"name": "guest_phone", "in": "path", "required": True,
                  "schema": {"type": "string"}},
                 {"name": "guest_user_id", "in": "query", "required": False,
                  "schema": {"type": "string"}}]
        paths["/api/v1/whatsapp/guests/{guest_phone}/export"] = {"get": {
            "operationId": "GuestDataService_ExportGuest",
            "tags": ["GuestDataService"],
            "summary": "Everything held on the guest, one JSON document (streamed; "
                       "docs/guest-export.schema.json)",
            "parameters": guest,
            "responses": {
                "200": {"description": "The export", "content": {
                    "application/json": {"schema": {"type": "object"}}}},
                "400": {"$ref": "#/components/responses/Error400"},
                "401": {"$ref": "#/components/responses/Error401"},
                "403": {"$ref": "#/components/responses/Error403"},
            }}}

    def tags(self, paths):
        """One tag per service, described by the service's comment in its .proto."""
        used = {op["tags"][0] for p in paths.values() for op in p.values()}
        comments = {}
        for fd in self.fds.file:
            for index, service in enumerate(fd.service):
                for loc in fd.source_code_info.location:
                    if list(loc.path) == [6, index] and loc.leading_comments.strip():
                        comments[service.name] = " ".join(loc.leading_comments.split())
        return [{"name": t, "description": comments.get(t, t)} for t in sorted(used)]

    def document(self, paths):
        error_body = {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message", "details", "recovery_options"],
            "properties": {
                "code": {"type": "string", "example": "MESSAGE_WINDOW_EXPIRED"},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
                "recovery_options": {"type": "array", "items": {"type": "string"}},
            }}}}
        self.schemas["Error"] = error_body
        for name in self.field_types:
            self.schemas[name]["nullable"] = True
        codes = dict(ERROR_CODES)
        codes["413"] = "Request body too large"
        codes["422"] = "Media refused (MEDIA_UPLOAD_FAILED)"
        responses = {"Error" + c: {"description": t, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}} for c, t in codes.items()}
        return {
            "openapi": "3.0.3",
            "info": {
                "title": "Hotel WhatsApp service",
                "version": "v1",
                "description": ("The REST gateway of wa-server, generated from the protos "
                                "(proto/hotel/whatsapp/v1) and their google.api.http rules. "
                                "The same operations are gRPC services."),
            },
            "servers": [{"url": "http://127.0.0.1:8080"}],
            "security": [{"bearer": []}],
            "tags": self.tags(paths),
            "paths": dict(sorted(paths.items())),
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                               "description": "wa-server tokens create"}},
                "schemas": dict(sorted(self.schemas.items())),
                "responses": responses,
            },
        }


def main():
    contract, out_yaml, out_cc = sys.argv[1:4]
    fds, pool = load(contract)
    spec = Generator(fds, pool).build()
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
