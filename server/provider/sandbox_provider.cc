#include "server/provider/sandbox_provider.h"

#include "absl/time/clock.h"
#include "server/domain/ids.h"

namespace wa::provider {

namespace v1 = ::hotel::whatsapp::v1;

SendResult SandboxProvider::Send(const OutboundMessage& message) {
  SendResult result;
  result.outcome = SendOutcome::kAccepted;
  result.whatsapp_message_id = domain::NewId("wamid.SANDBOX");
  absl::Time now = absl::Now();
  int step = 1;
  for (v1::MessageStatus status :
       {v1::MESSAGE_STATUS_SENT, v1::MESSAGE_STATUS_DELIVERED, v1::MESSAGE_STATUS_READ}) {
    storage::ScheduledStatus follow_up;
    follow_up.whatsapp_message_id = result.whatsapp_message_id;
    follow_up.status = status;
    follow_up.due_at = now + options_.status_delay * step++;
    result.follow_ups.push_back(follow_up);
  }
  return result;
}

}  // namespace wa::provider
