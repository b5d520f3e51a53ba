#ifndef WA_GATEWAY_JSON_TRANSCODER_H_
#define WA_GATEWAY_JSON_TRANSCODER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/path_template.h"
#include "google/protobuf/message.h"
#include "nlohmann/json_fwd.hpp"

namespace wa::gateway {

// The one descriptor-driven mapping between REST JSON and protobuf messages
// (docs/gateway.md, "The contract"). It works on any message by reflection; nothing
// here knows a field or a route by name.
//
// Output: proto (snake_case) field names; every field printed, defaults
// included; unset singular message fields as null; unset oneof members left
// out; enums in their REST spelling (see EnumSpelling); int64 kinds as JSON
// strings and bytes as base64 (protobuf's JSON convention); maps as objects
// with sorted keys; well-known types in their JSON forms (Timestamp and
// Duration as strings, Struct/Value/ListValue as plain JSON, wrappers as
// their primitive).
//
// Input: proto or JSON (lowerCamel) field names; an unknown field is refused
// with the nearest known name (field_errors.h);
// null leaves a field at its default; ints also from numeric strings; enums
// in any case, by full name or by number. Every error is INVALID_ARGUMENT
// and starts with the field path ("content.text: expected string").

// Appends `message` as JSON to `out`.
void AppendMessageJson(const google::protobuf::Message& message, std::string* out);
std::string MessageToJson(const google::protobuf::Message& message);

// Parses JSON text; an empty or blank text is an empty object. The error
// gives the byte offset of malformed input.
absl::StatusOr<nlohmann::json> ParseJsonText(absl::string_view text);

// Merges a parsed JSON object into `message`.
absl::Status MergeJsonObject(const nlohmann::json& object, google::protobuf::Message* message);
// Parses `text` with ParseJsonText and merges it.
absl::Status MergeJsonText(absl::string_view text, google::protobuf::Message* message);
// Merges a JSON value into one field of `message` (the body: "field" case):
// an object for a message field, an array for a repeated one, and so on.
absl::Status MergeJsonIntoField(const nlohmann::json& value,
                                const google::protobuf::FieldDescriptor* field,
                                google::protobuf::Message* message);

// Sets the field at `dotted_path` from its text form, as path variables and
// query parameters carry it; a repeated field gets `value` appended.
absl::Status SetFieldFromText(absl::string_view dotted_path, absl::string_view value,
                              google::protobuf::Message* message);

// httplib::Params has this type; the gateway passes it straight through.
using QueryParams = std::multimap<std::string, std::string>;

using FieldChain = std::vector<const google::protobuf::FieldDescriptor*>;

// Where a route puts a request's fields, resolved against its request type
// once (when the route table is built), so that a request only looks up.
struct RequestBinding {
  std::string body_rule;  // "", "*" or a top-level field name
  const google::protobuf::FieldDescriptor* body_field = nullptr;  // body_rule's field
  // Per path variable, in template order (as PathTemplate::Match binds them).
  std::vector<FieldChain> path_fields;
  std::vector<std::string> path_names;  // their canonical dotted names
};

// Resolves `body_rule` and `path`'s variables against `type`; the error
// names what does not resolve.
absl::StatusOr<RequestBinding> ResolveRequestBinding(const google::protobuf::Descriptor* type,
                                                     absl::string_view body_rule,
                                                     const PathTemplate& path);

// Builds an RPC's request from the parts of an HTTP request, following the
// google.api.http rules for `body_rule` ("" none, "*" whole message, or a
// top-level field name):
//   1. the body (ignored when body_rule is empty);
//   2. query parameters, when body_rule is not "*": each names a field by
//      dotted path; repeating a parameter fills a repeated field; a parameter
//      naming no field is an error; fields bound by the path or inside the
//      body field are skipped;
//   3. path bindings, last, so that they win over anything the body set;
//   4. the fields marked (hotel.whatsapp.v1.required_field) must be given.
// `bindings` are `binding`'s path values, in the same order.
absl::Status BuildRequestMessage(const RequestBinding& binding, absl::string_view body,
                                 const QueryParams& query, const PathBindings& bindings,
                                 google::protobuf::Message* message);
// The same, resolving `body_rule` and the bindings' field paths first (for
// callers without a route).
absl::Status BuildRequestMessage(absl::string_view body_rule, absl::string_view body,
                                 const QueryParams& query, const PathBindings& bindings,
                                 google::protobuf::Message* message);

// Prints an RPC's response: the whole message, or only the field named by
// `response_body` (the google.api.http option) when it is not empty.
void AppendResponseJson(const google::protobuf::Message& response, absl::string_view response_body,
                        std::string* out);
// The same with the field resolved already (null: the whole message).
void AppendResponseJson(const google::protobuf::Message& response,
                        const google::protobuf::FieldDescriptor* response_field, std::string* out);

}  // namespace wa::gateway

#endif  // WA_GATEWAY_JSON_TRANSCODER_H_
