#include "server/provider/sandbox_provider.h"

#include <thread>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/domain/ids.h"
#include "server/domain/template_text.h"

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

absl::StatusOr<std::string> SandboxProvider::UploadMedia(const SenderAccount& /*from*/,
                                                         const std::string& /*path*/,
                                                         const std::string& /*mime_type*/) {
  return domain::NewId("sandbox-media-");
}

absl::StatusOr<FetchedMedia> SandboxProvider::DownloadMedia(const SenderAccount& /*to*/,
                                                            const std::string& provider_media_id,
                                                            const MediaSink& /*sink*/) {
  return absl::FailedPreconditionError(
      absl::StrCat("the sandbox holds no remote media (", provider_media_id, ")"));
}

absl::StatusOr<TemplateSubmission> SandboxProvider::SubmitTemplate(const SenderAccount& /*account*/,
                                                                   const v1::Template& definition) {
  TemplateSubmission submission;
  submission.provider_template_id = domain::NewId("sandbox_tpl_");
  std::tie(submission.later_status, submission.later_reason) = SandboxTemplateVerdict(definition);
  submission.later_after = options_.template_review_delay;
  return submission;
}

absl::StatusOr<std::vector<v1::Template>> SandboxProvider::FetchTemplates(
    const SenderAccount& /*account*/) {
  return absl::FailedPreconditionError(
      "the sandbox keeps no remote catalog to sync from: templates are reviewed as they are "
      "submitted (sync needs --provider=cloud)");
}

std::pair<v1::TemplateStatus, std::string> SandboxTemplateVerdict(const v1::Template& t) {
  std::string body;
  for (const v1::TemplateComponent& c : t.components()) {
    if (c.type() == v1::COMPONENT_TYPE_BODY) body = c.text();
  }
  std::string lower = absl::AsciiStrToLower(body);
  if (t.category() != v1::TEMPLATE_CATEGORY_MARKETING) {
    for (const char* word : {"offer", "discount", "promo", "sale", "deal", "% off"}) {
      if (absl::StrContains(lower, word)) {
        return {v1::TEMPLATE_STATUS_REJECTED, "INCORRECT_CATEGORY"};
      }
    }
  }
  absl::StatusOr<std::vector<domain::TextPiece>> pieces = domain::SplitTemplateText(body, "body");
  if (!pieces.ok()) return {v1::TEMPLATE_STATUS_REJECTED, "INVALID_FORMAT"};
  size_t variables = 0, words = 0;
  for (const domain::TextPiece& p : *pieces) {
    if (p.variable) {
      ++variables;
    } else {
      std::vector<absl::string_view> split = absl::StrSplit(p.text, ' ', absl::SkipWhitespace());
      words += split.size();
    }
  }
  if (words < 3 * variables) return {v1::TEMPLATE_STATUS_REJECTED, "INVALID_FORMAT"};
  return {v1::TEMPLATE_STATUS_APPROVED, ""};
}

}  // namespace wa::provider
