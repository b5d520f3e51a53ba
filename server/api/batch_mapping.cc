#include "server/api/batch_mapping.h"

#include "absl/time/clock.h"
#include "server/api/proto_mapping.h"
#include "server/domain/guest_key.h"

namespace wa::api {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using storage::BatchItemState;

v1::BatchItemStatus ItemStatus(const storage::BatchItemRecord& item, bool batch_waiting) {
  switch (item.state) {
    case BatchItemState::kPending:
      return batch_waiting ? v1::BATCH_ITEM_STATUS_SCHEDULED : v1::BATCH_ITEM_STATUS_PENDING;
    case BatchItemState::kRejected:
    case BatchItemState::kFailed:
      return v1::BATCH_ITEM_STATUS_FAILED;
    case BatchItemState::kCancelled:
      return v1::BATCH_ITEM_STATUS_CANCELLED;
    case BatchItemState::kReleased:
      break;
  }
  switch (item.message_status) {
    case v1::MESSAGE_STATUS_SENT:
      return v1::BATCH_ITEM_STATUS_SENT;
    case v1::MESSAGE_STATUS_DELIVERED:
      return v1::BATCH_ITEM_STATUS_DELIVERED;
    case v1::MESSAGE_STATUS_READ:
      return v1::BATCH_ITEM_STATUS_READ;
    case v1::MESSAGE_STATUS_FAILED:
      return v1::BATCH_ITEM_STATUS_FAILED;
    case v1::MESSAGE_STATUS_SCHEDULED:
      return v1::BATCH_ITEM_STATUS_SCHEDULED;
    case v1::MESSAGE_STATUS_CANCELLED:
      return v1::BATCH_ITEM_STATUS_CANCELLED;
    case v1::MESSAGE_STATUS_EXPIRED:
      return v1::BATCH_ITEM_STATUS_EXPIRED;
    default:
      return v1::BATCH_ITEM_STATUS_QUEUED;
  }
}

// `batch_waiting`: the batch's send_at has not come yet.
void ToItem(const storage::BatchItemRecord& in, bool batch_waiting, v1::BatchItem* out) {
  out->set_index(in.index);
  out->set_phone(domain::PhoneOfKey(in.phone));
  out->set_guest_user_id(domain::UserIdOfKey(in.phone));
  out->set_status(ItemStatus(in, batch_waiting));
  out->set_message_id(in.message_id);
  if (!in.error_code.empty()) {
    out->set_error_code(in.error_code);
    out->set_error_message(in.error_message);
  } else if (in.message_status == v1::MESSAGE_STATUS_FAILED) {
    out->set_error_code("DELIVERY_FAILED");
    out->set_error_message(in.failure_reason);
  } else if (in.message_status == v1::MESSAGE_STATUS_EXPIRED) {
    out->set_error_code("EXPIRED");
    out->set_error_message(in.failure_reason);
  }
  if (in.released_at) SetTimestamp(*in.released_at, out->mutable_queued_at());
  if (in.sent_at) SetTimestamp(*in.sent_at, out->mutable_sent_at());
}

}  // namespace

domain::BatchRequest FromBatchRequest(const v1::BatchSendMessagesRequest& in) {
  domain::BatchRequest out;
  out.items.reserve(in.messages_size());
  for (const v1::BatchMessage& m : in.messages()) {
    out.items.push_back(
        {m.phone(),
         m.content(),
         m.template_name(),
         m.language(),
         std::map<std::string, std::string>(m.parameters().begin(), m.parameters().end()),
         m.guest_user_id(),
         {m.send_at(), "", "", m.valid_until(), m.respect_quiet_hours()},
         m.guest_phone(),
         m.message_type()});
  }
  out.timing = {in.send_at(), "", "", in.valid_until(), in.respect_quiet_hours()};
  out.messages_per_second = in.rate_limit().messages_per_second();
  out.batch_size = in.rate_limit().batch_size();
  out.retry_failed = in.delivery_options().retry_failed();
  out.track_delivery = in.delivery_options().track_delivery();
  out.staff_member_id = in.staff_member_id();
  out.from_phone_number_id = in.from_phone_number_id();
  return out;
}

void ToBatchResponse(const domain::BatchAccepted& in, v1::BatchSendMessagesResponse* out) {
  out->set_batch_id(in.batch_id);
  SetTimestamp(in.estimated_completion, out->mutable_estimated_completion());
  out->set_accepted(in.accepted);
  out->set_rejected(in.rejected);
  out->set_messages_per_second(in.messages_per_second);
  for (const domain::BatchItemError& e : in.errors) {
    v1::BatchItemError* error = out->add_errors();
    error->set_index(e.index);
    error->set_phone(e.phone);
    error->set_guest_user_id(e.guest_user_id);
    error->set_code(e.code);
    error->set_message(e.message);
  }
}

void ToBatch(const domain::BatchView& in, v1::Batch* out) {
  const storage::BatchRecord& b = in.batch;
  const storage::BatchCounts& c = in.counts;
  out->set_batch_id(b.batch_id);
  out->set_status(b.status);
  out->set_total(b.total);
  out->set_pending(c.pending);
  out->set_queued(c.queued);
  out->set_sent(c.sent);
  out->set_delivered(c.delivered);
  out->set_read(c.read);
  out->set_failed(c.failed);
  out->set_cancelled(c.cancelled);
  for (const auto& [reason, count] : c.failures) {
    v1::BatchFailureCount* failure = out->add_failures();
    failure->set_reason(reason);
    failure->set_count(count);
  }
  out->set_messages_per_second(b.messages_per_second);
  SetTimestamp(b.created_at, out->mutable_created_at());
  SetTimestamp(in.estimated_completion, out->mutable_estimated_completion());
  if (b.completed_at) SetTimestamp(*b.completed_at, out->mutable_completed_at());
  if (b.cancelled_at) SetTimestamp(*b.cancelled_at, out->mutable_cancelled_at());
  const bool waiting = b.scheduled_for && *b.scheduled_for > absl::Now() && !b.cancelled_at;
  if (b.scheduled_for) SetTimestamp(*b.scheduled_for, out->mutable_scheduled_for());
  for (const storage::BatchItemRecord& item : in.items) ToItem(item, waiting, out->add_items());
  out->set_next_page_token(in.next_page_token);
}

}  // namespace wa::api
