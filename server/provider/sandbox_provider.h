#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/provider/provider.h"

namespace wa::provider {

// The embedded default: acknowledges sends with a made-up wamid and reports
// sent, delivered and read on a timer, like Meta's callbacks. Test numbers
// make it fail in chosen ways, so clients can exercise error handling
// without Meta (listed in the README):
//   +15005550001  undeliverable: refused with Meta's 131026
//   +15005550002  rate-limited (130429) twice, then accepted
//   +15005550003  slow: each send takes 3 seconds
//   +15005550004  accepted and sent, then failed (131026) instead of delivered
//
// Templates are reviewed by fixed rules, with Meta's rejection reasons:
//   a UTILITY or AUTHENTICATION body with promotional words (offer,
//   discount, promo, sale, deal, "% off")      -> REJECTED INCORRECT_CATEGORY
//   a body with fewer than three words of text per variable
//                                              -> REJECTED INVALID_FORMAT
//   anything else                              -> APPROVED
class SandboxProvider : public Provider {
 public:
  struct Options {
    // Time between one status and the next.
    absl::Duration status_delay = absl::Seconds(1);
    absl::Duration slow_send = absl::Seconds(3);
    // Time from a template's submission to its review verdict.
    absl::Duration template_review_delay = absl::Seconds(2);
  };
  explicit SandboxProvider(Options options) : options_(options) {}

  std::string Name() const override { return "sandbox"; }
  SendResult Send(const OutboundMessage& message) override;
  absl::StatusOr<std::string> UploadMedia(const SenderAccount& from, const std::string& path,
                                          const std::string& mime_type) override;
  // Guests' sandbox media are stored by the sandbox's inbound call itself.
  absl::StatusOr<FetchedMedia> DownloadMedia(const SenderAccount& to,
                                             const std::string& provider_media_id,
                                             const MediaSink& sink) override;
  // Reviews at once, deterministically (SandboxTemplateVerdict), and
  // reports the verdict after template_review_delay.
  absl::StatusOr<TemplateSubmission> SubmitTemplate(
      const SenderAccount& account, const hotel::whatsapp::v1::Template& definition) override;
  absl::StatusOr<std::vector<hotel::whatsapp::v1::Template>> FetchTemplates(
      const SenderAccount& account) override;
  // No guest's phone to show ticks on: accepted and forgotten.
  absl::Status MarkRead(const SenderAccount& /*number*/, const std::string& /*wamid*/,
                        bool /*typing*/) override {
    return absl::OkStatus();
  }
  bool SimulatesInbound() const override { return true; }

 private:
  SendResult Accept(bool fail_after_sent) const;

  Options options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int> rate_limited_ ABSL_GUARDED_BY(mu_);
};

// The sandbox's review of a template: APPROVED, or REJECTED with a reason.
std::pair<hotel::whatsapp::v1::TemplateStatus, std::string> SandboxTemplateVerdict(
    const hotel::whatsapp::v1::Template& definition);

}  // namespace wa::provider
