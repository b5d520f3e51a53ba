#ifndef WA_COMMON_REQUIRED_FIELDS_H_
#define WA_COMMON_REQUIRED_FIELDS_H_

#include <optional>
#include <string>

#include "google/protobuf/message.h"

namespace wa {

// The first field of a request marked (hotel.whatsapp.v1.required_field)
// that is left out, by its path ("content.text"), or nullopt. A scalar is
// missing when it has its default value ("" or 0), a message when it is
// unset, a repeated field when it is empty. Required fields inside a
// message are checked only when the message is given (and in every
// element of a repeated one). Both surfaces refuse by it: the gateway
// before the call, the server for gRPC callers.
std::optional<std::string> MissingRequiredField(const google::protobuf::Message& message);

// The refusal's words, the same on both surfaces.
std::string MissingFieldMessage(const std::string& field);
std::string MissingFieldRecovery(const std::string& field);

}  // namespace wa

#endif  // WA_COMMON_REQUIRED_FIELDS_H_
