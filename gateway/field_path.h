#ifndef WA_GATEWAY_FIELD_PATH_H_
#define WA_GATEWAY_FIELD_PATH_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace wa::gateway {

// Finds a field by its proto name ("guest_phone") or its JSON name
// ("guestPhone"), the two spellings REST clients use.
const google::protobuf::FieldDescriptor* FindFieldByAnyName(
    const google::protobuf::Descriptor* type, absl::string_view name);

// Resolves a dotted field path ("a.b.c") against `type`: every part but the
// last must be a singular message field. Returns the fields in order; the
// error names the first part that does not resolve.
absl::StatusOr<std::vector<const google::protobuf::FieldDescriptor*>> ResolveFieldPath(
    const google::protobuf::Descriptor* type, absl::string_view dotted_path);

}  // namespace wa::gateway

#endif  // WA_GATEWAY_FIELD_PATH_H_
