#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/content.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "server/domain/read_receipts.h"
#include "server/domain/sender_number.h"
#include "server/domain/template_reviewer.h"
#include "server/storage/records.h"

namespace wa::provider {

// The number a provider call speaks for.
using SenderAccount = domain::SenderNumber;

// An outbound message as the send queue hands it to a provider.
struct OutboundMessage {
  std::string message_id;  // ours; echoed back by Meta as biz_opaque_callback_data
  std::string property_id;
  std::string guest_phone;  // the guest's key: "+E164", or "bsuid:<BSUID>" (domain/guest_key.h)
  hotel::whatsapp::v1::OutboundContent content;
  std::string reply_to_message_id;  // a wamid: sent as context.message_id
  SenderAccount from;
};

enum class SendOutcome {
  kAccepted,            // the provider took it; statuses follow asynchronously
  kRetry,               // transient or rate-limited: try again after `retry_after`
  kFailed,              // permanent: the message fails with the error
  kCredentialsRejected  // our access token is bad: keep the message queued
};

struct SendResult {
  SendOutcome outcome = SendOutcome::kFailed;
  std::string whatsapp_message_id;
  // The provider's own error code (Meta's error.code), 0 if none.
  int error_code = 0;
  // The contract's code for the failure when there is one
  // (MESSAGE_WINDOW_EXPIRED, RATE_LIMIT_EXCEEDED, GUEST_OPTED_OUT,
  // MEDIA_UPLOAD_FAILED, TEMPLATE_NOT_FOUND, ...), else empty.
  std::string contract_code;
  std::string error;
  // At least this long before the next attempt (kRetry).
  absl::Duration retry_after = absl::ZeroDuration();
  // Statuses the provider itself will report later (the sandbox's timer);
  // stored with the acceptance so that a restart does not lose them.
  std::vector<storage::ScheduledStatus> follow_ups;
};

using TemplateSubmission = domain::TemplateSubmission;

// Media a guest sent, as the provider describes it.
struct FetchedMedia {
  std::string mime_type;
  std::string sha256;  // the provider's, hex
};

// Receives a download piece by piece; false aborts it.
using MediaSink = std::function<bool(absl::string_view)>;

// Where messages leave the service: the sandbox or Meta's Cloud API. It
// also reviews templates (domain::TemplateReviewer) and marks guests'
// messages read (domain::ReadMarker).
class Provider : public domain::TemplateReviewer, public domain::ReadMarker {
 public:
  virtual std::string Name() const = 0;
  // Blocking; called by send-queue workers only, possibly from several
  // threads at once.
  virtual SendResult Send(const OutboundMessage& message) = 0;
  // Uploads a local file so that messages can refer to it by the returned
  // provider media id.
  virtual absl::StatusOr<std::string> UploadMedia(const SenderAccount& from,
                                                  const std::string& path,
                                                  const std::string& mime_type) = 0;
  // Downloads media a guest sent, by the provider's id, into `sink`.
  // UNAVAILABLE for what a retry may cure, another code for what it will not.
  virtual absl::StatusOr<FetchedMedia> DownloadMedia(const SenderAccount& to,
                                                     const std::string& provider_media_id,
                                                     const MediaSink& sink) = 0;
  // False while the provider refuses our credentials (for /readyz).
  virtual bool CredentialsAccepted() const { return true; }
  // Whether an admin may simulate a guest's inbound message.
  virtual bool SimulatesInbound() const { return false; }
};

}  // namespace wa::provider
