#pragma once

#include <map>
#include <string>

#include "google/protobuf/message.h"

namespace wa::api {

// The identifiers a request or answer names, for the audit log: its
// non-empty string fields named `*_id`, `*_name`, `name`, `guest_phone` or
// `language`, at the top level and one message deep. Tokens, secrets,
// texts and URLs are never among them. Existing keys are kept, so the
// first message passed wins a clash.
void AddIdentifiers(const google::protobuf::Message& message,
                    std::map<std::string, std::string>* out);

}  // namespace wa::api
