#pragma once

#include <string>

#include "server/storage/records.h"

namespace wa::domain {

// What a stored message's payload adds to its history entry. Inbound
// payloads are Meta's message object (the sandbox writes the same shape):
// the media our copy of a guest's file is (payload[kind].id, media_url),
// and the id a guest chose (interactive.button_reply.id,
// interactive.list_reply.id, or a template button's payload).
struct PayloadView {
  std::string media_id;
  std::string media_url;
  std::string reply_id;
};

PayloadView ReadPayload(const storage::MessageRecord& message);

// The stored media a message names, whichever way it went: the guest's
// file (inbound) or the upload of ours it sent; "" for none.
std::string MediaIdOf(const storage::MessageRecord& message);

}  // namespace wa::domain
