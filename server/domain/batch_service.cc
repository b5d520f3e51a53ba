#include "server/domain/batch_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"
#include "server/domain/guest_key.h"
#include "server/domain/ids.h"
#include "server/domain/lifecycle_events.h"
#include "server/domain/paging.h"
#include "server/domain/phone.h"
#include "server/domain/rfc3339.h"
#include "server/domain/utf8.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using storage::BatchItemRecord;
using storage::BatchItemState;
using storage::BatchRecord;

constexpr double kDefaultRate = 10;
constexpr int kDefaultBatchSize = 100;
constexpr int kMaxBatchSize = 1000;
// Batches handled per worker round.
constexpr int kBatchesPerRound = 16;
// A batch that fell further behind its schedule than this (the process was
// down, the machine stalled) resumes at its rate from now instead of
// catching up in a burst.
constexpr absl::Duration kMaxLag = absl::Seconds(1);
// How often the worker looks for batches whose last messages left the queue.
constexpr absl::Duration kCompletionCheck = absl::Seconds(1);
// The message of the status that undoes a release whose item was
// cancelled meanwhile.
constexpr char kNoLongerPending[] = "batch item no longer pending";

bool IsContractError(const absl::Status& status) {
  return status.GetPayload(kErrorDetailUrl).has_value();
}

// The reference's items say `phone`, /send's say `guest_phone`.
const std::string& ItemPhone(const BatchItemInput& item) {
  return item.phone.empty() ? item.guest_phone : item.phone;
}

absl::Status NothingValid(const std::vector<BatchItemError>& errors) {
  google::protobuf::Value list;
  for (const BatchItemError& e : errors) {
    auto& fields =
        *list.mutable_list_value()->add_values()->mutable_struct_value()->mutable_fields();
    fields["index"].set_number_value(e.index);
    fields["phone"].set_string_value(e.phone);
    fields["guest_user_id"].set_string_value(e.guest_user_id);
    fields["code"].set_string_value(e.code);
    fields["message"].set_string_value(e.message);
  }
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
               "no message of the batch is valid; nothing was sent")
      .Detail("field", "messages")
      .Detail("errors", std::move(list))
      .Recovery({"Fix the messages listed in details.errors and send the batch again"});
}

}  // namespace

double BatchService::RateFor(double requested) const {
  double rate = requested > 0 ? requested : kDefaultRate;
  return std::min(rate, options_.max_messages_per_second);
}

absl::Status BatchService::CheckItem(const std::string& property_id,
                                     const BatchItemInput& item) const {
  if (!item.phone.empty() && !item.guest_phone.empty()) {
    return InvalidArgument("give phone or guest_phone, not both", "guest_phone");
  }
  if (item.message_type != v1::MESSAGE_TYPE_UNSPECIFIED &&
      item.message_type != v1::MESSAGE_TYPE_TEXT &&
      item.message_type != v1::MESSAGE_TYPE_TEMPLATE) {
    return InvalidArgument("message_type must be text or template in a batch", "message_type");
  }
  absl::StatusOr<GuestAddress> address = ParseGuestAddress(ItemPhone(item), item.guest_user_id);
  if (!address.ok()) return address.status();
  const bool has_text = !absl::StripAsciiWhitespace(item.content).empty();
  if (!item.timing.relative_to.empty()) {
    return InvalidArgument("a batch item's send_at is an RFC 3339 time", "send_at");
  }
  if (absl::Status s = ParseTiming(item.timing, absl::Now()).status(); !s.ok()) return s;
  if (!item.template_name.empty()) {
    if (has_text) return InvalidArgument("give content or template_name, not both", "content");
    TemplateSend send;
    send.template_name = item.template_name;
    send.language = item.language;
    send.parameters = item.parameters;
    return templates_.Check(property_id, send);
  }
  if (!has_text) return InvalidArgument("content must not be empty", "content");
  if (Utf8Length(item.content) > kMaxTextLength) {
    return InvalidArgument("content is longer than WhatsApp's 4096 characters", "content");
  }
  return absl::OkStatus();
}

absl::Status BatchService::ReadTimings(const BatchRequest& request, absl::Time now,
                                       BatchRecord& batch) const {
  absl::StatusOr<Timing> timing = ParseTiming(request.timing, now);
  if (!timing.ok()) return timing.status();
  if (!timing->relative_key.empty()) {
    return InvalidArgument("a batch's send_at is an RFC 3339 time", "send_at");
  }
  batch.scheduled_for = timing->send_at;
  batch.valid_until = timing->valid_until;
  batch.quiet_hours = timing->respect_quiet_hours;
  return absl::OkStatus();
}

TimingRequest BatchService::ItemTiming(const BatchRecord& batch, const BatchItemRecord& item) {
  TimingRequest timing;
  if (item.send_at) timing.send_at = Rfc3339(*item.send_at);
  std::optional<absl::Time> until = item.valid_until ? item.valid_until : batch.valid_until;
  if (until) timing.valid_until = Rfc3339(*until);
  timing.respect_quiet_hours = item.quiet_hours || batch.quiet_hours;
  return timing;
}

absl::Status BatchService::CheckRequest(const Caller& caller, const BatchRequest& request) const {
  const int count = static_cast<int>(request.items.size());
  if (count == 0) return InvalidArgument("messages must hold at least one message", "messages");
  if (count > options_.max_items) {
    return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
                 absl::StrCat("a batch holds at most ", options_.max_items, " messages"))
        .Detail("field", "messages")
        .Detail("count", static_cast<double>(count))
        .Detail("max_count", static_cast<double>(options_.max_items));
  }
  if (request.messages_per_second < 0) {
    return InvalidArgument("rate_limit.messages_per_second must not be negative",
                           "rate_limit.messages_per_second");
  }
  if (request.batch_size < 0 || request.batch_size > kMaxBatchSize) {
    return InvalidArgument(absl::StrCat("rate_limit.batch_size must be 0 to ", kMaxBatchSize),
                           "rate_limit.batch_size");
  }
  if (Utf8Length(request.staff_member_id) > 64) {
    return InvalidArgument("staff_member_id is at most 64 printable characters", "staff_member_id");
  }
  return messaging_.CheckSender(caller.property_id, request.from_phone_number_id);
}

absl::StatusOr<BatchRecord> BatchService::NewBatch(const Caller& caller,
                                                   const BatchRequest& request,
                                                   absl::Time now) const {
  BatchRecord batch;
  batch.batch_id = NewId("batch_");
  batch.property_id = caller.property_id;
  batch.staff_member_id = request.staff_member_id;
  batch.phone_number_id = request.from_phone_number_id;
  batch.messages_per_second = RateFor(request.messages_per_second);
  batch.batch_size = request.batch_size > 0 ? request.batch_size : kDefaultBatchSize;
  batch.retry_failed = request.retry_failed;
  batch.track_delivery = request.track_delivery;
  batch.total = static_cast<int>(request.items.size());
  batch.created_at = now;
  RETURN_IF_ERROR(ReadTimings(request, now, batch));
  return batch;
}

BatchItemRecord BatchService::NewItem(const Caller& caller, const BatchRecord& batch, int index,
                                      const BatchItemInput& in, absl::Time now,
                                      BatchAccepted& accepted) const {
  BatchItemRecord item;
  item.batch_id = batch.batch_id;
  item.index = index;
  item.phone = ItemPhone(in);
  item.content = in.content;
  item.template_name = in.template_name;
  item.language = in.language;
  item.parameters = in.parameters;
  if (absl::StatusOr<Timing> t = ParseTiming(in.timing, now); t.ok()) {
    item.send_at = t->send_at;
    item.valid_until = t->valid_until;
    item.quiet_hours = t->respect_quiet_hours;
  }
  if (absl::Status s = CheckItem(caller.property_id, in); !s.ok()) {
    v1::ErrorDetail detail = DetailOf(s);
    item.state = BatchItemState::kRejected;
    item.error_code = detail.code();
    item.error_message = detail.message();
    accepted.errors.push_back(
        {index, ItemPhone(in), in.guest_user_id, detail.code(), detail.message()});
    ++accepted.rejected;
  } else {
    // The address as given (resolved to the guest's key when released):
    // "+E164", or "bsuid:<BSUID>".
    GuestAddress address = *ParseGuestAddress(ItemPhone(in), in.guest_user_id);
    item.phone = address.user_id.empty() ? address.phone : BsuidKey(address.user_id);
    ++accepted.accepted;
  }
  return item;
}

absl::StatusOr<BatchAccepted> BatchService::Create(const Caller& caller, BatchRequest request) {
  RETURN_IF_ERROR(CheckRequest(caller, request));
  absl::Time now = absl::Now();
  ASSIGN_OR_RETURN(BatchRecord batch, NewBatch(caller, request, now));
  BatchAccepted accepted;
  accepted.batch_id = batch.batch_id;
  accepted.messages_per_second = batch.messages_per_second;
  std::vector<BatchItemRecord> items;
  items.reserve(request.items.size());
  for (int i = 0; i < static_cast<int>(request.items.size()); ++i) {
    items.push_back(NewItem(caller, batch, i, request.items[i], now, accepted));
  }
  // A batch that would send nothing is the caller's mistake, not a batch.
  if (accepted.accepted == 0) return NothingValid(accepted.errors);
  // The first item goes at once (or at the batch's send_at), the others one
  // interval apart.
  batch.next_release_at = std::max(now, batch.scheduled_for.value_or(now));
  accepted.estimated_completion = EstimateCompletion(batch, accepted.accepted, now);

  absl::Status stored = db_.Transaction([&]() -> absl::Status {
    RETURN_IF_ERROR(batches_.Insert(batch));
    for (const BatchItemRecord& item : items) {
      RETURN_IF_ERROR(batches_.InsertItem(item));
    }
    return request.in_transaction ? request.in_transaction(accepted) : absl::OkStatus();
  });
  if (!stored.ok()) return stored;
  if (runner_) runner_->Wake();
  return accepted;
}

absl::Time BatchService::EstimateCompletion(const BatchRecord& batch, int pending,
                                            absl::Time now) const {
  if (batch.completed_at) return *batch.completed_at;
  if (batch.cancelled_at) return *batch.cancelled_at;
  if (pending <= 0) return now;
  absl::Time start = std::max(now, batch.next_release_at.value_or(now));
  return start + absl::Seconds((pending - 1) / batch.messages_per_second);
}

absl::StatusOr<BatchRecord> BatchService::Find(const std::string& property_id,
                                               const std::string& batch_id) {
  absl::StatusOr<std::optional<BatchRecord>> found = batches_.Get(batch_id);
  if (!found.ok()) return found.status();
  if (!*found || (*found)->property_id != property_id) return NotFound("batch", batch_id);
  return **found;
}

absl::StatusOr<BatchView> BatchService::Get(const std::string& property_id,
                                            const std::string& batch_id, int page_size,
                                            const std::string& page_token) {
  ASSIGN_OR_RETURN(int limit, PageLimit(page_size, kBatchItemsPage));
  // Item indexes start at 0, so the token "0" is a valid position.
  ASSIGN_OR_RETURN(int64_t last_index, ParseSeqToken(page_token, /*min_value=*/0));
  int after = page_token.empty() ? -1 : static_cast<int>(std::min<int64_t>(last_index, INT32_MAX));
  BatchView view;
  absl::Status read = db_.Read([&]() -> absl::Status {
    absl::StatusOr<BatchRecord> batch = Find(property_id, batch_id);
    if (!batch.ok()) return batch.status();
    view.batch = *std::move(batch);
    absl::StatusOr<storage::BatchCounts> counts = batches_.Count(batch_id);
    if (!counts.ok()) return counts.status();
    view.counts = *std::move(counts);
    absl::StatusOr<std::vector<BatchItemRecord>> items = batches_.Items(batch_id, after, limit + 1);
    if (!items.ok()) return items.status();
    view.items = *std::move(items);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  view.next_page_token =
      TrimPage(view.items, limit, [](const auto& last) { return absl::StrCat(last.index); });
  view.estimated_completion = EstimateCompletion(view.batch, view.counts.pending, absl::Now());
  return view;
}

absl::StatusOr<BatchView> BatchService::Cancel(const std::string& property_id,
                                               const std::string& batch_id) {
  absl::Status cancelled = db_.Transaction([&]() -> absl::Status {
    absl::StatusOr<BatchRecord> batch = Find(property_id, batch_id);
    if (!batch.ok()) return batch.status();
    if (batch->status == v1::BATCH_STATUS_CANCELLED) return absl::OkStatus();  // again: no-op
    if (batch->status == v1::BATCH_STATUS_COMPLETED) {
      return Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
                   "the batch is already completed")
          .Detail("batch_id", batch_id);
    }
    return batches_.Cancel(batch_id, absl::Now());
  });
  if (!cancelled.ok()) return cancelled;
  return Get(property_id, batch_id, 0, "");
}

absl::StatusOr<absl::Time> BatchService::Run(absl::Time now) {
  absl::StatusOr<std::vector<BatchRecord>> due =
      storage::ReadValue(db_, [&] { return batches_.DueForRelease(now, kBatchesPerRound); });
  if (!due.ok()) return due.status();
  bool failed = false;
  for (const BatchRecord& batch : *due) {
    if (absl::Status s = ReleaseBatch(batch, now); !s.ok()) {
      util::LogError("batch ", batch.batch_id, ": ", s.ToString());
      failed = true;
    }
  }
  if (absl::Status s = CompleteDrained(now); !s.ok()) return s;
  absl::StatusOr<std::optional<absl::Time>> next =
      storage::ReadValue(db_, [&] { return batches_.NextReleaseAt(); });
  if (!next.ok()) return next.status();
  absl::Time check = now + kCompletionCheck;
  // A batch that failed (the database) stays due; retrying it at once would spin.
  if (failed) return check;
  return *next ? std::min(**next, check) : check;
}

absl::Status BatchService::ReleaseBatch(const BatchRecord& batch, absl::Time now) {
  absl::StatusOr<std::vector<BatchItemRecord>> items = storage::ReadValue(
      db_, [&] { return batches_.PendingItems(batch.batch_id, batch.batch_size); });
  if (!items.ok()) return items.status();
  if (items->empty()) {
    return db_.Transaction([&] { return batches_.SetNextRelease(batch.batch_id, std::nullopt); });
  }
  const absl::Duration interval = absl::Seconds(1.0 / batch.messages_per_second);
  // The schedule, not the clock, sets each release: a late round does not
  // push every later item back.
  absl::Time next = batch.next_release_at.value_or(now);
  // One instance releases a batch at a time: the round claims it, holding
  // it until its releases move its schedule on (or the hold runs out).
  absl::StatusOr<bool> taken = storage::TransactValue(db_, [&] {
    return batches_.ClaimRelease(batch.batch_id, next, now + options_.release_hold);
  });
  if (!taken.ok()) return taken.status();
  if (!*taken) return absl::OkStatus();  // another instance's round
  if (now - next > kMaxLag) next = now;
  for (const BatchItemRecord& item : *items) {
    if (next > now) break;
    absl::StatusOr<Release> release = ReleaseItem(batch, item, next + interval);
    if (!release.ok()) {
      // Ends the hold: the batch is retried at the next round, not after it.
      db_.Transaction([&] { return batches_.SetNextRelease(batch.batch_id, next); }).IgnoreError();
      return release.status();
    }
    switch (release->outcome) {
      case Release::kQueued:
        next += interval;
        break;
      case Release::kSkipped:
        break;
      case Release::kWait:
        return db_.Transaction(
            [&] { return batches_.SetNextRelease(batch.batch_id, now + release->wait); });
    }
  }
  // Ends the hold: the next release as the schedule says (each queued item
  // already wrote it; this also covers a round of skipped items).
  return db_.Transaction([&] { return batches_.SetNextRelease(batch.batch_id, next); });
}

absl::StatusOr<BatchService::Release> BatchService::ReleaseItem(const BatchRecord& batch,
                                                                const BatchItemRecord& item,
                                                                absl::Time next_after) {
  // Commits with the message or not at all: an item is queued exactly once.
  auto release = [&](const storage::MessageRecord& m) -> absl::Status {
    absl::StatusOr<bool> moved =
        batches_.MarkReleased(batch.batch_id, item.index, m.message_id, m.created_at);
    if (!moved.ok()) return moved.status();
    if (!*moved) return absl::AbortedError(kNoLongerPending);
    return batches_.SetNextRelease(batch.batch_id, next_after);
  };
  Caller caller{"", v1::ROLE_STAFF, batch.property_id};
  std::optional<absl::Time> until = item.valid_until ? item.valid_until : batch.valid_until;
  if (until && *until <= absl::Now()) {
    // Its turn came after its valid_until (a slow batch): never sent.
    absl::Status expired = db_.Transaction([&]() -> absl::Status {
      return batches_.MarkFailed(batch.batch_id, item.index, "EXPIRED", ExpiredReason(*until))
          .status();
    });
    if (!expired.ok()) return expired;
    return Release{Release::kSkipped, absl::ZeroDuration()};
  }
  absl::StatusOr<storage::MessageRecord> sent;
  if (!item.template_name.empty()) {
    TemplateSend send;
    send.guest_phone = PhoneOfKey(item.phone);
    send.guest_user_id = UserIdOfKey(item.phone);
    send.template_name = item.template_name;
    send.language = item.language;
    send.parameters = item.parameters;
    send.staff_member_id = batch.staff_member_id;
    send.from_phone_number_id = batch.phone_number_id;
    send.timing = ItemTiming(batch, item);
    send.in_transaction = release;
    sent = templates_.Send(caller, std::move(send));
  } else {
    OutboundRequest out;
    out.guest_phone = PhoneOfKey(item.phone);
    out.guest_user_id = UserIdOfKey(item.phone);
    out.staff_member_id = batch.staff_member_id;
    out.from_phone_number_id = batch.phone_number_id;
    out.body = item.content;
    out.timing = ItemTiming(batch, item);
    out.in_transaction = release;
    sent = messaging_.SendText(caller, std::move(out));
  }
  if (sent.ok()) return Release{Release::kQueued, absl::ZeroDuration()};
  const absl::Status& status = sent.status();
  if (status.code() == absl::StatusCode::kAborted && status.message() == kNoLongerPending) {
    return Release{Release::kSkipped, absl::ZeroDuration()};
  }
  if (!IsContractError(status)) return status;  // the database: try again next round
  v1::ErrorDetail detail = DetailOf(status);
  if (detail.code() == "RATE_LIMIT_EXCEEDED" && batch.retry_failed) {
    auto it = detail.details().fields().find(kRetryAfterDetail);
    double seconds = it == detail.details().fields().end() ? 1 : it->second.number_value();
    return Release{Release::kWait, absl::Seconds(std::max(seconds, 0.1))};
  }
  absl::Status failed = db_.Transaction([&]() -> absl::Status {
    return batches_.MarkFailed(batch.batch_id, item.index, detail.code(), detail.message())
        .status();
  });
  if (!failed.ok()) return failed;
  return Release{Release::kSkipped, absl::ZeroDuration()};
}

absl::Status BatchService::CompleteDrained(absl::Time now) {
  absl::StatusOr<std::vector<BatchRecord>> drained =
      storage::ReadValue(db_, [&] { return batches_.Drained(kBatchesPerRound); });
  if (!drained.ok()) return drained.status();
  for (BatchRecord& batch : *drained) {
    absl::Status s = db_.Transaction([&]() -> absl::Status {
      absl::StatusOr<bool> completed = batches_.MarkCompleted(batch.batch_id, now);
      if (!completed.ok() || !*completed) return completed.status();
      batch.status = v1::BATCH_STATUS_COMPLETED;
      batch.completed_at = now;
      return EmitBatchCompleted(outbox_, batch);
    });
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace wa::domain
