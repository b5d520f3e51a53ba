#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "server/domain/sender_number.h"

namespace wa::domain {

// A template handed to the reviewer.
struct TemplateSubmission {
  std::string provider_template_id;
  // What the reviewer answered at once (PENDING, normally).
  hotel::whatsapp::v1::TemplateStatus status = hotel::whatsapp::v1::TEMPLATE_STATUS_PENDING;
  // A verdict the reviewer will report later by itself (the sandbox's
  // review), stored with the template so that a restart does not lose it;
  // UNSPECIFIED when the verdict comes by callback (Meta).
  hotel::whatsapp::v1::TemplateStatus later_status =
      hotel::whatsapp::v1::TEMPLATE_STATUS_UNSPECIFIED;
  std::string later_reason;
  absl::Duration later_after = absl::ZeroDuration();
};

// Who reviews and keeps the approved templates (Meta, or the sandbox): the
// one thing the template catalog needs from a provider. The domain owns
// this interface and the provider layer implements it, so the dependency
// points down (docs/architecture.md, "Layers").
class TemplateReviewer {
 public:
  virtual ~TemplateReviewer() = default;
  // Sends a template for review under `account`'s business account.
  virtual absl::StatusOr<TemplateSubmission> SubmitTemplate(
      const SenderNumber& account, const hotel::whatsapp::v1::Template& definition) = 0;
  // The reviewer's whole catalog (name, language, category, status,
  // components), for a re-sync; FAILED_PRECONDITION if it keeps none.
  virtual absl::StatusOr<std::vector<hotel::whatsapp::v1::Template>> FetchTemplates(
      const SenderNumber& account) = 0;
};

}  // namespace wa::domain
