#ifndef WA_GATEWAY_WRAPPER_TYPES_H_
#define WA_GATEWAY_WRAPPER_TYPES_H_

#include <algorithm>
#include <array>

#include "google/protobuf/descriptor.h"

namespace wa::gateway {

// The nine google.protobuf wrapper types (DoubleValue ... BoolValue): each
// holds one field, `value`, and reads, prints and parses as that value.
inline constexpr std::array<google::protobuf::Descriptor::WellKnownType, 9> kWrapperTypes = {
    google::protobuf::Descriptor::WELLKNOWNTYPE_DOUBLEVALUE,
    google::protobuf::Descriptor::WELLKNOWNTYPE_FLOATVALUE,
    google::protobuf::Descriptor::WELLKNOWNTYPE_INT64VALUE,
    google::protobuf::Descriptor::WELLKNOWNTYPE_UINT64VALUE,
    google::protobuf::Descriptor::WELLKNOWNTYPE_INT32VALUE,
    google::protobuf::Descriptor::WELLKNOWNTYPE_UINT32VALUE,
    google::protobuf::Descriptor::WELLKNOWNTYPE_STRINGVALUE,
    google::protobuf::Descriptor::WELLKNOWNTYPE_BYTESVALUE,
    google::protobuf::Descriptor::WELLKNOWNTYPE_BOOLVALUE,
};

// The wrapped field when `type` is a wrapper type, else null.
inline const google::protobuf::FieldDescriptor* WrappedField(
    const google::protobuf::Descriptor* type) {
  const bool wrapper = std::find(kWrapperTypes.begin(), kWrapperTypes.end(),
                                 type->well_known_type()) != kWrapperTypes.end();
  return wrapper ? type->field(0) : nullptr;
}

}  // namespace wa::gateway

#endif  // WA_GATEWAY_WRAPPER_TYPES_H_
