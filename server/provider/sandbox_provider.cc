#include "server/provider/sandbox_provider.h"

#include <thread>

#include "absl/time/clock.h"
#include "server/domain/ids.h"

namespace wa::provider {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr char kUndeliverable[] = "+15005550001";
constexpr char kRateLimitedTwice[] = "+15005550002";
constexpr char kSlow[] = "+15005550003";
constexpr char kFailsAfterSent[] = "+15005550004";

SendResult Refused(int code, SendOutcome outcome, const char* contract_code, const char* error) {
  SendResult result;
  result.outcome = outcome;
  result.error_code = code;
  result.contract_code = contract_code;
  result.error = error;
  return result;
}

}  // namespace

SendResult SandboxProvider::Accept(bool fail_after_sent) const {
  SendResult result;
  result.outcome = SendOutcome::kAccepted;
  result.whatsapp_message_id = domain::NewId("wamid.SANDBOX");
  absl::Time now = absl::Now();
  auto follow = [&](v1::MessageStatus status, int step) {
    storage::ScheduledStatus s;
    s.whatsapp_message_id = result.whatsapp_message_id;
    s.status = status;
    s.due_at = now + options_.status_delay * step;
    if (status == v1::MESSAGE_STATUS_FAILED) {
      s.failure_code = 131026;
      s.failure_reason = "(#131026) Message undeliverable";
    }
    result.follow_ups.push_back(s);
  };
  follow(v1::MESSAGE_STATUS_SENT, 1);
  if (fail_after_sent) {
    follow(v1::MESSAGE_STATUS_FAILED, 2);
  } else {
    follow(v1::MESSAGE_STATUS_DELIVERED, 2);
    follow(v1::MESSAGE_STATUS_READ, 3);
  }
  return result;
}

SendResult SandboxProvider::Send(const OutboundMessage& message) {
  const std::string& to = message.guest_phone;
  if (to == kUndeliverable) {
    return Refused(131026, SendOutcome::kFailed, "", "(#131026) Message undeliverable");
  }
  if (to == kRateLimitedTwice) {
    absl::MutexLock lock(&mu_);
    if (++rate_limited_[message.message_id] <= 2) {
      SendResult limited =
          Refused(130429, SendOutcome::kRetry, "RATE_LIMIT_EXCEEDED", "(#130429) Rate limit hit");
      limited.retry_after = absl::Milliseconds(200);
      return limited;
    }
    rate_limited_.erase(message.message_id);
  }
  if (to == kSlow) std::this_thread::sleep_for(absl::ToChronoNanoseconds(options_.slow_send));
  return Accept(to == kFailsAfterSent);
}

absl::StatusOr<std::string> SandboxProvider::UploadMedia(const std::string& /*path*/,
                                                         const std::string& /*mime_type*/) {
  return domain::NewId("sandbox-media-");
}

}  // namespace wa::provider
