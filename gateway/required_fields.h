#ifndef WA_GATEWAY_REQUIRED_FIELDS_H_
#define WA_GATEWAY_REQUIRED_FIELDS_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace wa::gateway {

// Refuses a request that leaves out a field marked
// (hotel.whatsapp.v1.required_field): INVALID_ARGUMENT naming the first
// missing one by its path ("content.text"). A scalar is missing when it has
// its default value ("" or 0), a message when it is unset, a repeated field
// when it is empty. Required fields inside a message are checked only when
// the message is given (and in every element of a repeated one).
absl::Status CheckRequiredFields(const google::protobuf::Message& message);

}  // namespace wa::gateway

#endif  // WA_GATEWAY_REQUIRED_FIELDS_H_
