#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/storage/records.h"

namespace wa::provider {

// An outbound message as the send queue hands it to a provider.
struct OutboundMessage {
  std::string message_id;
  std::string property_id;
  std::string guest_phone;  // E.164
  hotel::whatsapp::v1::MessageType message_type = hotel::whatsapp::v1::MESSAGE_TYPE_TEXT;
  std::string body;
  std::string payload;  // kind-specific JSON
  std::string reply_to_message_id;
};

enum class SendOutcome {
  kAccepted,  // the provider took it; statuses follow asynchronously
  kRetry,     // transient: try again after `retry_after`
  kFailed,    // permanent: the message fails with the error
};

struct SendResult {
  SendOutcome outcome = SendOutcome::kFailed;
  std::string whatsapp_message_id;
  int error_code = 0;
  std::string error;
  absl::Duration retry_after = absl::ZeroDuration();
  // Statuses the provider itself will report later (the sandbox's timer);
  // stored with the acceptance so that a restart does not lose them.
  std::vector<storage::ScheduledStatus> follow_ups;
};

// Where messages leave the service: the sandbox or Meta's Cloud API.
class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string Name() const = 0;
  // Blocking; called by send-queue workers only.
  virtual SendResult Send(const OutboundMessage& message) = 0;
  // Whether an admin may simulate a guest's inbound message.
  virtual bool SimulatesInbound() const { return false; }
};

}  // namespace wa::provider
