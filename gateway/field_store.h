#ifndef WA_GATEWAY_FIELD_STORE_H_
#define WA_GATEWAY_FIELD_STORE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace wa::gateway {

// Typed writes into one field by reflection, shared by the JSON reader and
// the path/query reader. Each sets a singular field or appends to a repeated
// one, and checks that the value fits the field. Error messages carry no
// field path; the caller prefixes it.

absl::Status StoreSigned(google::protobuf::Message* m, const google::protobuf::FieldDescriptor* f,
                         int64_t v);
absl::Status StoreUnsigned(google::protobuf::Message* m, const google::protobuf::FieldDescriptor* f,
                           uint64_t v);
absl::Status StoreFloating(google::protobuf::Message* m, const google::protobuf::FieldDescriptor* f,
                           double v);
void StoreBool(google::protobuf::Message* m, const google::protobuf::FieldDescriptor* f, bool v);
void StoreString(google::protobuf::Message* m, const google::protobuf::FieldDescriptor* f,
                 std::string v);
// Checks the number against the enum's declared values.
absl::Status StoreEnumNumber(google::protobuf::Message* m,
                             const google::protobuf::FieldDescriptor* f, int64_t number);
google::protobuf::Message* MutableOrAddMessage(google::protobuf::Message* m,
                                               const google::protobuf::FieldDescriptor* f);

// Parses `text` as the field's type (ints, floats, bools, enums in their
// REST spelling, strings, base64 bytes, and the well-known types that have a
// text form: Timestamp, Duration, FieldMask and the wrappers) and stores it.
absl::Status StoreFromText(google::protobuf::Message* m, const google::protobuf::FieldDescriptor* f,
                           absl::string_view text);

// "unknown value "x"; accepted values: a, b" for `f`'s enum.
absl::Status UnknownEnumValue(const google::protobuf::FieldDescriptor* f, absl::string_view text);

}  // namespace wa::gateway

#endif  // WA_GATEWAY_FIELD_STORE_H_
