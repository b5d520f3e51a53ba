#include "server/domain/schedule_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"
#include "server/domain/guest_key.h"
#include "server/domain/message_events.h"
#include "server/domain/property_clock.h"
#include "server/domain/utf8.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using EndFrom = storage::MessageRepository::EndFrom;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr size_t kMaxReason = 200;

// "<created_at micros>:<message_id>" of the page's last message.
std::string PageToken(const storage::MessageRecord& m) {
  return absl::StrCat(absl::ToUnixMicros(m.created_at), ":", m.message_id);
}

absl::Status ReadPageToken(const std::string& token, storage::MessageRepository::Filter& f) {
  if (token.empty()) return absl::OkStatus();
  std::pair<std::string, std::string> parts = absl::StrSplit(token, absl::MaxSplits(':', 1));
  int64_t micros = 0;
  if (!absl::SimpleAtoi(parts.first, &micros) || parts.second.empty()) {
    return InvalidArgument("page_token is not a token this service issued", "page_token");
  }
  f.before_created_at = absl::FromUnixMicros(micros);
  f.before_message_id = parts.second;
  return absl::OkStatus();
}

}  // namespace

absl::Status ScheduleService::NotChangeable(const storage::MessageRecord& m, const char* what) {
  return Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
               absl::StrCat("message ", m.message_id, " is ",
                            absl::AsciiStrToLower(v1::MessageStatus_Name(m.status).substr(15)),
                            m.claimed && m.status == v1::MESSAGE_STATUS_QUEUED
                                ? " and in a call to WhatsApp"
                                : "",
                            ": ", what))
      .Detail("message_id", m.message_id);
}

absl::StatusOr<storage::MessageRecord> ScheduleService::Load(const std::string& property_id,
                                                             const std::string& message_id) {
  absl::StatusOr<std::optional<storage::MessageRecord>> found = messages_.Get(message_id);
  if (!found.ok()) return found.status();
  if (!*found || (*found)->property_id != property_id ||
      (*found)->direction != v1::DIRECTION_OUTBOUND) {
    return NotFound("message", message_id);
  }
  return **found;
}

absl::StatusOr<storage::MessageRecord> ScheduleService::Cancel(const std::string& property_id,
                                                               const std::string& message_id,
                                                               const std::string& reason) {
  if (Utf8Length(reason) > kMaxReason) {
    return InvalidArgument("reason is at most 200 characters", "reason");
  }
  absl::Time now = absl::Now();
  return storage::TransactValue(db_, [&]() -> absl::StatusOr<storage::MessageRecord> {
    absl::StatusOr<storage::MessageRecord> m = Load(property_id, message_id);
    if (!m.ok()) return m.status();
    // One conditional update: of a cancel and a release (or the send
    // queue's claim) racing, exactly one wins.
    absl::StatusOr<std::optional<storage::MessageRecord>> ended = statuses_.EndInTransaction(
        *m, EndFrom::kCancellable, v1::MESSAGE_STATUS_CANCELLED, now,
        absl::StrCat("CANCELLED: ", reason.empty() ? "cancelled by request" : reason));
    if (!ended.ok()) return ended.status();
    if (!*ended) {
      return NotChangeable(*m,
                           "only a scheduled message, or a queued one not yet handed to "
                           "WhatsApp, can be cancelled");
    }
    return **ended;
  });
}

absl::StatusOr<storage::MessageRecord> ScheduleService::Reschedule(const std::string& property_id,
                                                                   const std::string& message_id,
                                                                   const TimingRequest& send_at) {
  absl::Time now = absl::Now();
  if (send_at.send_at.empty() && send_at.relative_to.empty()) {
    return InvalidArgument("send_at is required", "send_at");
  }
  absl::StatusOr<Timing> timing = ParseTiming(send_at, now);
  if (!timing.ok()) return timing.status();
  absl::StatusOr<storage::MessageRecord> moved =
      storage::TransactValue(db_, [&]() -> absl::StatusOr<storage::MessageRecord> {
        absl::StatusOr<storage::MessageRecord> m = Load(property_id, message_id);
        if (!m.ok()) return m.status();
        if (m->status != v1::MESSAGE_STATUS_SCHEDULED) {
          return NotChangeable(*m, "only a scheduled message can be rescheduled");
        }
        Timing planned = *timing;
        planned.valid_until = m->valid_until;
        absl::StatusOr<std::optional<storage::ConversationRecord>> conversation =
            conversations_.Find(m->conversation_id);
        if (!conversation.ok()) return conversation.status();
        PropertyClock clock;
        if (m->quiet_hours) {
          absl::StatusOr<PropertyClock> read = ReadPropertyClock(properties_, property_id);
          if (!read.ok()) return read.status();
          clock = *std::move(read);
        }
        std::map<std::string, std::string> metadata;
        if (*conversation) metadata = (*conversation)->metadata;
        absl::StatusOr<absl::Time> at = PlanRelease(planned, metadata, m->quiet_hours, clock, now);
        if (!at.ok()) return at.status();
        absl::StatusOr<bool> done =
            messages_.Reschedule(m->message_id, *at, planned.relative_key, planned.offset);
        if (!done.ok()) return done.status();
        if (!*done) return NotChangeable(*m, "only a scheduled message can be rescheduled");
        m->scheduled_for = *at;
        m->relative_to = planned.relative_key;
        m->relative_offset = planned.offset;
        EventOutbox outbox(db_, event_waker_);
        if (absl::Status s = EmitScheduleEvents(outbox, *m, now); !s.ok()) return s;
        return m;
      });
  if (moved.ok() && releaser_) releaser_->Wake();
  return moved;
}

absl::StatusOr<MessagePage> ScheduleService::List(const std::string& property_id,
                                                  const MessageQuery& query) {
  if (query.page_size < 0) return InvalidArgument("page_size must not be negative", "page_size");
  const int page_size =
      query.page_size == 0 ? kDefaultPageSize : std::min(query.page_size, kMaxPageSize);
  storage::MessageRepository::Filter filter;
  filter.property_id = property_id;
  filter.status = query.status;
  filter.conversation_id = query.conversation_id;
  if (!query.scheduled_before.empty()) {
    absl::StatusOr<absl::Time> before = ParseTime(query.scheduled_before, "scheduled_before");
    if (!before.ok()) return before.status();
    filter.scheduled_before = *before;
  }
  if (absl::Status s = ReadPageToken(query.page_token, filter); !s.ok()) return s;
  MessagePage page;
  absl::Status read = db_.Read([&]() -> absl::Status {
    if (!query.guest_phone.empty()) {
      absl::StatusOr<GuestAddress> address = ParseGuestAddress(query.guest_phone, "");
      if (!address.ok()) return address.status();
      absl::StatusOr<std::string> key = directory_.KeyFor(property_id, *address);
      if (!key.ok()) return key.status();
      filter.guest_key = *key;
    }
    absl::StatusOr<std::vector<storage::MessageRecord>> rows =
        messages_.List(filter, page_size + 1);
    if (!rows.ok()) return rows.status();
    page.messages = *std::move(rows);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  if (static_cast<int>(page.messages.size()) > page_size) {
    page.messages.resize(page_size);
    page.next_page_token = PageToken(page.messages.back());
  }
  return page;
}

}  // namespace wa::domain
