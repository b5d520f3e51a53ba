#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace wa::storage {

// What the figures are counted over: one conversation, or a property's
// messages (and resolutions) in [start, end).
struct AnalyticsScope {
  std::string conversation_id;  // set: this conversation, whole
  std::string property_id;
  absl::Time start;
  absl::Time end;
};

// How figures are split: one group ("") or a group per staff member,
// department or template.
enum class Grouping { kOverall, kStaffMember, kDepartment, kTemplate };

struct DeliveryCounts {
  int64_t total = 0;
  int64_t sent = 0;       // reached sent, or later
  int64_t delivered = 0;  // reached delivered, or read
  int64_t read = 0;
  int64_t failed = 0;
  std::map<std::string, int64_t> failure_reasons;
  int64_t scheduled = 0;  // scheduled sends, whatever became of them
  int64_t cancelled = 0;
  int64_t expired = 0;
};

// Response times in seconds. A side's turn is a run of its consecutive
// messages; a response is the time from the first message of one turn to
// the first of the other side's next turn.
struct ResponseStats {
  int64_t staff_responses = 0;
  double staff_average = 0;
  double staff_longest = 0;
  // The staff's answer to each conversation's first guest turn, averaged.
  double first_response = 0;
  int64_t guest_responses = 0;
  double guest_average = 0;
};

struct RatingStats {
  int64_t rated = 0;
  double average = 0;
};

// Analytics as SQL aggregates over the indexed tables: nothing is loaded
// into memory but the per-group results.
class AnalyticsRepository {
 public:
  explicit AnalyticsRepository(Database& db) : db_(db) {}

  absl::StatusOr<std::map<std::string, DeliveryCounts>> Delivery(const AnalyticsScope& scope,
                                                                 Grouping grouping);
  absl::StatusOr<std::map<std::string, ResponseStats>> Responses(const AnalyticsScope& scope,
                                                                 Grouping grouping);
  // Ratings of conversations resolved in the range (the whole property's
  // scope only; a conversation's rating is on the conversation).
  absl::StatusOr<std::map<std::string, RatingStats>> Ratings(const AnalyticsScope& scope,
                                                             Grouping grouping);

 private:
  Database& db_;
};

}  // namespace wa::storage
