#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "server/storage/analytics_repository.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/database.h"

namespace wa::domain {

// Delivery rates, response times and satisfaction, for one conversation or
// a property over a time range (by staff member, department, template).
// delivery_rate = delivered / total outbound; read_rate = read / delivered.
class AnalyticsService {
 public:
  explicit AnalyticsService(storage::Database& db) : db_(db), analytics_(db), conversations_(db) {}

  absl::StatusOr<hotel::whatsapp::v1::ConversationAnalytics> ForConversation(
      const std::string& property_id, const std::string& conversation_id);
  // An infinite start or end means the default range: the 30 days to now.
  absl::StatusOr<hotel::whatsapp::v1::PropertyAnalytics> ForProperty(const std::string& property_id,
                                                                     absl::Time start,
                                                                     absl::Time end);

 private:
  absl::Status AddGroups(
      const storage::AnalyticsScope& scope, storage::Grouping grouping,
      google::protobuf::RepeatedPtrField<hotel::whatsapp::v1::AnalyticsGroup>* out);

  storage::Database& db_;
  storage::AnalyticsRepository analytics_;
  storage::ConversationRepository conversations_;
};

}  // namespace wa::domain
