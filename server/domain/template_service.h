#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "server/domain/event_outbox.h"
#include "server/domain/messaging_service.h"
#include "server/domain/template_reviewer.h"
#include "server/domain/token_service.h"
#include "server/storage/database.h"
#include "server/storage/template_repository.h"

namespace wa::domain {

struct TemplateQuery {
  std::string language;
  std::string category;  // a WhatsApp category or a hotel label
  hotel::whatsapp::v1::TemplateStatus status = hotel::whatsapp::v1::TEMPLATE_STATUS_UNSPECIFIED;
  int page_size = 0;
  std::string page_token;
};

struct TemplateList {
  std::vector<hotel::whatsapp::v1::Template> templates;
  std::string next_page_token;
};

struct TemplateSend {
  std::string guest_phone;
  std::string guest_user_id;  // instead of guest_phone
  std::string template_name;
  std::string language;
  std::map<std::string, std::string> parameters;
  std::map<std::string, std::string> conversation_metadata;
  std::string conversation_id;
  std::string staff_member_id;
  std::string header_media_link;
  std::string from_phone_number_id;  // as OutboundRequest's
  TimingRequest timing;              // as OutboundRequest's
  // As OutboundRequest::in_transaction: commits with the send or undoes it.
  std::function<absl::Status(const storage::MessageRecord&)> in_transaction;
};

// A review outcome reported by the provider (Meta's
// message_template_status_update).
struct TemplateStatusReport {
  std::string provider_template_id;
  std::string name;
  std::string language;
  hotel::whatsapp::v1::TemplateStatus status = hotel::whatsapp::v1::TEMPLATE_STATUS_UNSPECIFIED;
  std::string reason;
};

// The property's template catalog: submission for review, the review's
// outcome, lookups, and template sends, which are checked against the
// approved template before anything is queued.
class TemplateService : public TemplateSuggester {
 public:
  struct Options {
    // Fresh properties start with the reference's templates, approved
    // (the sandbox; Meta's catalog comes by sync).
    bool starter_catalog = false;
  };

  // Every status change, a submission's PENDING included, emits the
  // hotel's template_status_changed event in its transaction;
  // `event_waker` is woken after (EventWaker).
  TemplateService(storage::Database& db, MessagingService& messaging, TemplateReviewer& reviewer,
                  Options options, EventWaker* event_waker = nullptr)
      : db_(db),
        messaging_(messaging),
        reviewer_(reviewer),
        options_(options),
        templates_(db),
        outbox_(db, event_waker) {}

  // Checks the draft as Meta would, stores it PENDING and hands it to the
  // provider for review.
  absl::StatusOr<hotel::whatsapp::v1::Template> Submit(
      const std::string& property_id, hotel::whatsapp::v1::Template draft,
      const std::vector<std::string>& parameter_names);
  absl::StatusOr<TemplateList> List(const std::string& property_id, const TemplateQuery& query);
  // Without a language: the only one, else the first approved by language.
  absl::StatusOr<hotel::whatsapp::v1::Template> Get(const std::string& property_id,
                                                    const std::string& name,
                                                    const std::string& language);
  absl::StatusOr<storage::MessageRecord> Send(const Caller& caller, TemplateSend send);
  // What Send would refuse before queueing (an unknown or unapproved
  // template, missing parameters), without sending: a batch's items are
  // checked when the batch is accepted.
  absl::Status Check(const std::string& property_id, const TemplateSend& send);

  // Inside a transaction: applies a provider's report; unknown templates
  // are ignored (another system's, or deleted here).
  absl::Status ApplyReportInTransaction(const std::string& property_id,
                                        const TemplateStatusReport& report);
  // Replaces the property's view of every template the provider holds.
  // Returns the catalog after the sync and how many templates changed.
  absl::StatusOr<std::pair<std::vector<hotel::whatsapp::v1::Template>, int>> Sync(
      const std::string& property_id);
  // Applies the sandbox verdicts due at `now`; returns when the next falls
  // due, if one is waiting.
  absl::StatusOr<std::optional<absl::Time>> ApplyDueReviews(absl::Time now);
  // Inside a transaction: the property's approved template names.
  std::vector<std::string> SuggestInTransaction(const std::string& property_id) override;
  // Where a property's business account comes from (its default number).
  void set_properties(PropertyService* properties) { properties_ = properties; }

 private:
  absl::StatusOr<SenderNumber> AccountOf(const std::string& property_id);
  absl::Status EnsureCatalog(const std::string& property_id);
  absl::Status SeedInTransaction(const std::string& property_id);
  absl::Status Changed(const std::string& property_id, const hotel::whatsapp::v1::Template& after,
                       hotel::whatsapp::v1::TemplateStatus previous);
  absl::StatusOr<storage::TemplateRecord> FindForSend(const std::string& property_id,
                                                      const std::string& name,
                                                      const std::string& language);

  storage::Database& db_;
  MessagingService& messaging_;
  TemplateReviewer& reviewer_;
  const Options options_;
  storage::TemplateRepository templates_;
  absl::Mutex mu_;
  absl::flat_hash_set<std::string> seeded_ ABSL_GUARDED_BY(mu_);
  EventOutbox outbox_;
  PropertyService* properties_ = nullptr;
};

}  // namespace wa::domain
