#include "server/domain/analytics_service.h"

#include <set>

#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/errors.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr absl::Duration kDefaultRange = absl::Hours(24 * 30);
constexpr absl::Duration kMaxRange = absl::Hours(24 * 366);

double Ratio(int64_t part, int64_t whole) {
  return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
}

void Fill(const storage::DeliveryCounts& in, v1::DeliveryRates* out) {
  out->set_total(static_cast<int32_t>(in.total));
  out->set_sent(static_cast<int32_t>(in.sent));
  out->set_delivered(static_cast<int32_t>(in.delivered));
  out->set_read(static_cast<int32_t>(in.read));
  out->set_failed(static_cast<int32_t>(in.failed));
  out->set_delivery_rate(Ratio(in.delivered, in.total));
  out->set_read_rate(Ratio(in.read, in.delivered));
  out->set_scheduled(static_cast<int32_t>(in.scheduled));
  out->set_cancelled(static_cast<int32_t>(in.cancelled));
  out->set_expired(static_cast<int32_t>(in.expired));
  for (const auto& [reason, count] : in.failure_reasons) {
    (*out->mutable_failure_reasons())[reason] = static_cast<int32_t>(count);
  }
}

void Fill(const storage::ResponseStats& in, v1::ResponseTimes* out) {
  out->set_first_response_seconds(in.first_response);
  out->set_average_staff_response_seconds(in.staff_average);
  out->set_longest_staff_response_seconds(in.staff_longest);
  out->set_average_guest_response_seconds(in.guest_average);
  out->set_staff_responses(static_cast<int32_t>(in.staff_responses));
  out->set_guest_responses(static_cast<int32_t>(in.guest_responses));
}

template <typename T>
const T* Find(const std::map<std::string, T>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

}  // namespace

absl::StatusOr<v1::ConversationAnalytics> AnalyticsService::ForConversation(
    const std::string& property_id, const std::string& conversation_id) {
  return storage::ReadValue(db_, [&]() -> absl::StatusOr<v1::ConversationAnalytics> {
    absl::StatusOr<std::optional<storage::ConversationRecord>> c =
        conversations_.Get(conversation_id);
    if (!c.ok()) return c.status();
    if (!*c || (*c)->property_id != property_id) return NotFound("conversation", conversation_id);
    storage::AnalyticsScope scope{conversation_id, property_id, absl::InfinitePast(),
                                  absl::InfiniteFuture()};
    auto delivery = analytics_.Delivery(scope, storage::Grouping::kOverall);
    if (!delivery.ok()) return delivery.status();
    auto responses = analytics_.Responses(scope, storage::Grouping::kOverall);
    if (!responses.ok()) return responses.status();
    v1::ConversationAnalytics out;
    out.set_conversation_id(conversation_id);
    Fill(Find(*delivery, "") ? *Find(*delivery, "") : storage::DeliveryCounts{},
         out.mutable_delivery_rates());
    Fill(Find(*responses, "") ? *Find(*responses, "") : storage::ResponseStats{},
         out.mutable_response_times());
    out.set_satisfaction_score((*c)->satisfaction_rating);
    return out;
  });
}

absl::Status AnalyticsService::AddGroups(
    const storage::AnalyticsScope& scope, storage::Grouping grouping,
    google::protobuf::RepeatedPtrField<v1::AnalyticsGroup>* out) {
  auto delivery = analytics_.Delivery(scope, grouping);
  if (!delivery.ok()) return delivery.status();
  auto responses = analytics_.Responses(scope, grouping);
  if (!responses.ok()) return responses.status();
  auto ratings = analytics_.Ratings(scope, grouping);
  if (!ratings.ok()) return ratings.status();
  std::set<std::string> keys;
  for (const auto& [k, v] : *delivery) keys.insert(k);
  for (const auto& [k, v] : *responses) keys.insert(k);
  for (const auto& [k, v] : *ratings) keys.insert(k);
  for (const std::string& key : keys) {
    v1::AnalyticsGroup* group = out->Add();
    group->set_key(key);
    if (const auto* d = Find(*delivery, key)) Fill(*d, group->mutable_delivery_rates());
    if (const auto* r = Find(*responses, key)) Fill(*r, group->mutable_response_times());
    if (const auto* s = Find(*ratings, key)) {
      group->set_satisfaction_score(s->average);
      group->set_rated_conversations(static_cast<int32_t>(s->rated));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::PropertyAnalytics> AnalyticsService::ForProperty(const std::string& property_id,
                                                                    absl::Time start,
                                                                    absl::Time end) {
  if (end == absl::InfiniteFuture()) end = absl::Now();
  if (start == absl::InfinitePast()) start = end - kDefaultRange;
  if (start >= end) return InvalidArgument("start_time must be before end_time", "start_time");
  if (end - start > kMaxRange) {
    return InvalidArgument("the range is at most 366 days", "start_time");
  }
  storage::AnalyticsScope scope{"", property_id, start, end};
  return storage::ReadValue(db_, [&]() -> absl::StatusOr<v1::PropertyAnalytics> {
    v1::PropertyAnalytics out;
    *out.mutable_start_time() = ToTimestamp(start);
    *out.mutable_end_time() = ToTimestamp(end);
    google::protobuf::RepeatedPtrField<v1::AnalyticsGroup> overall;
    if (auto s = AddGroups(scope, storage::Grouping::kOverall, &overall); !s.ok()) return s;
    if (!overall.empty()) *out.mutable_overall() = overall[0];
    out.mutable_overall()->set_key("");
    for (auto [grouping, field] :
         {std::pair{storage::Grouping::kStaffMember, out.mutable_by_staff_member()},
          std::pair{storage::Grouping::kDepartment, out.mutable_by_department()},
          std::pair{storage::Grouping::kTemplate, out.mutable_by_template()}}) {
      if (auto s = AddGroups(scope, grouping, field); !s.ok()) return s;
    }
    return out;
  });
}

}  // namespace wa::domain
