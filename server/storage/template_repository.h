#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "server/storage/database.h"

namespace wa::storage {

// A property's template. `definition` is the whole template as the API
// shows it; the review fields hold a sandbox verdict not yet due.
struct TemplateRecord {
  std::string property_id;
  hotel::whatsapp::v1::Template definition;
  std::optional<absl::Time> review_due_at;
  hotel::whatsapp::v1::TemplateStatus review_status =
      hotel::whatsapp::v1::TEMPLATE_STATUS_UNSPECIFIED;
  std::string review_reason;
};

struct TemplateFilter {
  std::string property_id;
  std::string language;  // empty: any
  // Matches the WhatsApp category or one of the template's labels; empty:
  // any. `category` is the enum value for `category_or_label`, if it names one.
  std::string label;
  hotel::whatsapp::v1::TemplateCategory category =
      hotel::whatsapp::v1::TEMPLATE_CATEGORY_UNSPECIFIED;
  hotel::whatsapp::v1::TemplateStatus status =
      hotel::whatsapp::v1::TEMPLATE_STATUS_UNSPECIFIED;  // unspecified: any
  int limit = 50;
  // Keyset cursor: rows strictly after (name, language).
  std::string after_name;
  std::string after_language;
};

class TemplateRepository {
 public:
  explicit TemplateRepository(Database& db) : db_(db) {}

  // Fails with ALREADY_EXISTS if the property has the name + language.
  absl::Status Insert(const TemplateRecord& record);
  // Inserts or replaces (a review outcome, a sync from the provider).
  absl::Status Put(const TemplateRecord& record);
  absl::StatusOr<std::optional<TemplateRecord>> Get(const std::string& property_id,
                                                    const std::string& name,
                                                    const std::string& language);
  // Every language of a name.
  absl::StatusOr<std::vector<TemplateRecord>> ByName(const std::string& property_id,
                                                     const std::string& name);
  // The property's copy of a provider's template (several properties on one
  // business account each hold one).
  absl::StatusOr<std::optional<TemplateRecord>> ByProviderId(const std::string& property_id,
                                                             const std::string& provider_id);
  // By name, then language.
  absl::StatusOr<std::vector<TemplateRecord>> List(const TemplateFilter& filter);
  // Templates whose sandbox review is due at `now`.
  absl::StatusOr<std::vector<TemplateRecord>> ReviewsDue(absl::Time now, int limit);
  // When the next sandbox review falls due, if any is waiting.
  absl::StatusOr<std::optional<absl::Time>> NextReview();
  // Clears a review still due at `now` (what ReviewsDue read); false when
  // another instance took it: the caller applies the review only when true.
  absl::StatusOr<bool> TakeReview(const std::string& property_id, const std::string& name,
                                  const std::string& language, absl::Time now);

  // Whether the property's starter catalog was written (once per property).
  absl::StatusOr<bool> Seeded(const std::string& property_id);
  absl::Status MarkSeeded(const std::string& property_id, absl::Time at);

 private:
  Database& db_;
};

}  // namespace wa::storage
