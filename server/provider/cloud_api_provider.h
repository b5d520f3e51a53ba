#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/provider/http_client.h"
#include "server/provider/provider.h"

namespace wa::provider {

// Sends through Meta's WhatsApp Business Cloud API (Graph API). Statuses
// arrive later through Meta's webhooks, so sends carry no follow-ups.
//
// Outcomes are decided by Meta's error.code (see meta_errors.h); transport
// failures (timeouts, refused or dropped connections) are kRetry. A timeout
// after the request left may still have delivered it: Meta has no
// idempotency key, so a retry can duplicate; biz_opaque_callback_data (our
// message id) lets the status webhooks be matched either way.
class CloudApiProvider : public Provider {
 public:
  struct Options {
    std::string base_url = "https://graph.facebook.com";
    std::string api_version = "v23.0";
    absl::Duration connect_timeout = absl::Seconds(3);
    absl::Duration request_timeout = absl::Seconds(10);
    // Media uploads may be up to 100 MB, far beyond a send's budget.
    absl::Duration upload_timeout = absl::Seconds(120);
    // The HTTP proxy to Graph ("" : none); never taken from the environment.
    std::string proxy;
  };

  explicit CloudApiProvider(Options options);

  std::string Name() const override { return "cloud"; }
  SendResult Send(const OutboundMessage& message) override;
  absl::StatusOr<std::string> UploadMedia(const SenderAccount& from, const std::string& path,
                                          const std::string& mime_type) override;
  // GET /{media-id} for a fresh URL (valid minutes), then the URL itself,
  // both with our token.
  absl::StatusOr<FetchedMedia> DownloadMedia(const SenderAccount& to,
                                             const std::string& provider_media_id,
                                             const MediaSink& sink) override;
  // POST /{waba-id}/message_templates; the verdict arrives by callback.
  absl::StatusOr<TemplateSubmission> SubmitTemplate(
      const SenderAccount& account, const hotel::whatsapp::v1::Template& definition) override;
  // Every page of GET /{waba-id}/message_templates.
  absl::StatusOr<std::vector<hotel::whatsapp::v1::Template>> FetchTemplates(
      const SenderAccount& account) override;

  // POST /{phone_number_id}/messages with status "read" (and Meta's
  // typing_indicator); Meta answers {"success": true}.
  absl::Status MarkRead(const SenderAccount& number, const std::string& wamid,
                        bool typing) override;

  // True from Meta's last rejection of our token (codes 0 and 190) until the
  // next accepted send or upload; for the health report.
  bool credentials_rejected() const { return credentials_rejected_.load(); }
  bool CredentialsAccepted() const override { return !credentials_rejected(); }

  // TCP connections opened towards Graph so far (keep-alive check, metrics).
  int64_t connections_opened() const { return http_.connections_opened(); }

 private:
  // /{version}/{id}: the number's edges, the account's templates, media.
  std::string Url(const std::string& id, const std::string& edge = "") const;
  absl::StatusOr<std::string> TemplatesUrl(const SenderAccount& account) const;
  static std::vector<std::string> AuthHeaders(const SenderAccount& account);
  // Flips the credential flag; logs only on the transition to rejected, so
  // an expired token logs once, not once per queued message.
  void NoteCredentials(bool rejected, const std::string& error);

  const Options options_;
  HttpClient http_;
  std::atomic<bool> credentials_rejected_{false};
};

}  // namespace wa::provider
