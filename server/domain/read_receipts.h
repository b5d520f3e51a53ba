#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "server/domain/conversation_service.h"
#include "server/domain/property_service.h"
#include "server/domain/sender_number.h"

namespace wa::domain {

// Tells WhatsApp that the hotel read a guest's message; every provider
// implements it (the domain names no provider).
class ReadMarker {
 public:
  virtual ~ReadMarker() = default;
  // Marks `wamid` (and the chat's earlier messages) read, from `number`;
  // with `typing`, also shows the guest a typing indicator. UNAVAILABLE
  // for what a retry may cure, FAILED_PRECONDITION for what it will not.
  virtual absl::Status MarkRead(const SenderNumber& number, const std::string& wamid,
                                bool typing) = 0;
};

struct ReadReceipt {
  std::string conversation_id;
  std::string message_id;
  std::string whatsapp_message_id;
  std::string phone_number_id;
  bool typing = false;
};

// Read receipts for staff (README, "Read receipts and typing"): the
// guest's latest message of a conversation is marked read on WhatsApp
// from the number the guest wrote to (else the property's default). Not
// stored: WhatsApp keeps the ticks; a repeat marks the same message again.
class ReadReceipts {
 public:
  ReadReceipts(ConversationService& conversations, PropertyService& properties, ReadMarker& marker)
      : conversations_(conversations), properties_(properties), marker_(marker) {}

  absl::StatusOr<ReadReceipt> MarkRead(const std::string& property_id,
                                       const std::string& conversation_id, bool typing);

 private:
  ConversationService& conversations_;
  PropertyService& properties_;
  ReadMarker& marker_;
};

}  // namespace wa::domain
