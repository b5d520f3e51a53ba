#include "server/domain/messaging_service.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/consent_service.h"
#include "server/domain/conversation_metadata.h"
#include "server/domain/conversation_service.h"
#include "server/domain/errors.h"
#include "server/domain/guest_key.h"
#include "server/domain/ids.h"
#include "server/domain/message_events.h"
#include "server/domain/outbound_content.h"
#include "server/domain/phone.h"
#include "server/domain/property_clock.h"
#include "server/domain/rfc3339.h"
#include "server/domain/schedule_follow.h"
#include "server/domain/utf8.h"
#include "server/domain/window_policy.h"
#include "server/util/status_macros.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

// As for a resolution's staff member (conversation_updates.cc): a name, not a document.
constexpr size_t kMaxStaffMemberId = 64;

absl::Status CheckStaffMemberId(const std::string& id) {
  bool printable =
      std::none_of(id.begin(), id.end(), [](char c) { return absl::ascii_iscntrl(c); });
  if (Utf8Length(id) > kMaxStaffMemberId || !printable) {
    return InvalidArgument("staff_member_id is at most 64 printable characters", "staff_member_id");
  }
  return absl::OkStatus();
}

// The outbound row of `request`, queued now or scheduled for `release`;
// the caller fills in its ids, address and payload.
storage::MessageRecord OutboundRecord(const OutboundRequest& request, const Timing& timing,
                                      absl::Time now, absl::Time release) {
  storage::MessageRecord m;
  m.direction = v1::DIRECTION_OUTBOUND;
  m.message_type = request.message_type;
  // Copies, not moves: on PostgreSQL a transaction that lost a race runs
  // the send's body again (Database::Transaction).
  m.body = request.body;
  m.staff_member_id = request.staff_member_id;
  m.reply_to_message_id = request.reply_to_message_id;
  m.created_at = now;
  const bool later = release > now;
  m.status = later ? v1::MESSAGE_STATUS_SCHEDULED : v1::MESSAGE_STATUS_QUEUED;
  if (later) {
    m.scheduled_for = release;
  } else {
    m.next_attempt_at = now;
  }
  m.valid_until = timing.valid_until;
  m.quiet_hours = timing.respect_quiet_hours || request.marketing;
  m.marketing = request.marketing;
  m.relative_to = timing.relative_key;
  m.relative_offset = timing.offset;
  return m;
}

}  // namespace

absl::StatusOr<storage::MessageRecord> MessagingService::SendText(const Caller& caller,
                                                                  OutboundRequest request) {
  if (request.message_type != v1::MESSAGE_TYPE_TEXT &&
      request.message_type != v1::MESSAGE_TYPE_UNSPECIFIED) {
    return InvalidArgument("message_type must be text on this call", "message_type");
  }
  request.message_type = v1::MESSAGE_TYPE_TEXT;
  if (absl::StripAsciiWhitespace(request.body).empty()) {
    return InvalidArgument("content.text must not be empty", "content.text");
  }
  size_t length = Utf8Length(request.body);
  if (length > kMaxTextLength) {
    return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
                 "content.text is longer than WhatsApp's 4096 characters")
        .Detail("field", "content.text")
        .Detail("length", static_cast<double>(length))
        .Detail("max_length", static_cast<double>(kMaxTextLength));
  }
  request.content.mutable_text()->set_text(request.body);  // keeps preview_url
  return Enqueue(caller, std::move(request), /*needs_window=*/true);
}

absl::StatusOr<storage::MessageRecord> MessagingService::SendTemplate(const Caller& caller,
                                                                      OutboundRequest request) {
  request.message_type = v1::MESSAGE_TYPE_TEMPLATE;
  // Templates are how a business reaches a guest outside the window.
  return Enqueue(caller, std::move(request), /*needs_window=*/false);
}

absl::Status MessagingService::CheckWindow(const std::string& property_id,
                                           const std::string& guest_phone,
                                           std::optional<absl::Time> last_inbound, absl::Time at) {
  WindowState window = EvaluateWindow(last_inbound, at);
  if (window.within_window) return absl::OkStatus();
  return Error(absl::StatusCode::kFailedPrecondition, "MESSAGE_WINDOW_EXPIRED",
               "Cannot send free-form message outside 24-hour window")
      .Detail("guest_phone", PhoneOfKey(guest_phone))
      .Detail("guest_user_id", UserIdOfKey(guest_phone))
      .Detail("last_guest_message", Rfc3339(window.last_guest_message_at))
      .Detail("window_expires", Rfc3339(window.expires_at))
      .Detail("suggested_templates", suggester_ ? suggester_->SuggestInTransaction(property_id)
                                                : std::vector<std::string>{})
      .Recovery({"Use approved template message", "Wait for guest to initiate conversation",
                 "Contact guest via alternative channel"});
}

absl::Status MessagingService::CheckBacklog(const std::string& property_id) {
  const int max = backlog_limit_.max_backlog;
  if (max <= 0) return absl::OkStatus();
  absl::StatusOr<int> backlog = messages_.CountBacklog(property_id, max);
  if (!backlog.ok()) return backlog.status();
  if (*backlog < max) return absl::OkStatus();
  // Room for one more once a tenth of the bound has drained: a hint, not a promise.
  double retry_after = std::ceil(std::max(1.0, max / 10.0 / backlog_limit_.drain_per_second));
  return RateLimitExceeded("The sender's queue is full; try again later", retry_after)
      .Detail("scope", "sender_queue")
      .Detail("backlog", static_cast<double>(*backlog))
      .Detail("max_backlog", static_cast<double>(max));
}

absl::StatusOr<std::string> MessagingService::SenderFor(const std::string& property_id,
                                                        const std::string& requested) {
  if (properties_ == nullptr) {
    if (requested.empty()) return std::string();
    return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                 "from_phone_number_id names no number of this property")
        .Detail("field", "from_phone_number_id");
  }
  absl::StatusOr<std::optional<SenderNumber>> chosen =
      properties_->ChooseSender(property_id, requested, "");
  if (!chosen.ok()) return chosen.status();
  if (*chosen) return (*chosen)->phone_number_id;
  if (!require_number_) return std::string();
  return Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
               absl::StrCat("property ", property_id,
                            " has no WhatsApp number to send from: add one with "
                            "`wa-server properties add-number ",
                            property_id, " --phone_number_id=... --waba_id=...`"))
      .Detail("property_id", property_id)
      .Detail("missing", "phone_number_id");
}

std::string MessagingService::ConversationNumber(const storage::ConversationRecord& c) {
  if (properties_ == nullptr || c.phone_number_id.empty()) return "";
  std::optional<SenderNumber> n = properties_->FindNumber(c.phone_number_id);
  return n && n->property_id == c.property_id ? c.phone_number_id : "";
}

absl::StatusOr<absl::Time> MessagingService::PlanInTransaction(
    const std::string& property_id, const std::string& guest_key, const OutboundRequest& request,
    const Timing& timing, const storage::ConversationRecord& conversation,
    std::optional<absl::Time> last_inbound, bool needs_window, absl::Time now) {
  // A relative send_at reads the metadata as this send leaves it.
  std::map<std::string, std::string> metadata = conversation.metadata;
  for (const auto& [key, value] : request.conversation_metadata) metadata[key] = value;
  const bool quiet = timing.respect_quiet_hours || request.marketing;
  PropertyClock clock;
  if (quiet) {
    absl::StatusOr<PropertyClock> read = ReadPropertyClock(properties_repo_, property_id);
    if (!read.ok()) return read.status();
    clock = *std::move(read);
  }
  absl::StatusOr<absl::Time> release = PlanRelease(timing, metadata, quiet, clock, now);
  if (!release.ok()) return release.status();
  // A free-form message must find the window open when it goes.
  if (needs_window && *release > now) {
    if (absl::Status s = CheckWindow(property_id, guest_key, last_inbound, *release); !s.ok()) {
      return s;
    }
  }
  return release;
}

absl::Status MessagingService::SetMetadataInTransaction(
    const storage::ConversationRecord& conversation, const OutboundRequest& request,
    absl::Time now) {
  if (request.conversation_metadata.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(CheckMetadataAfter(conversation.metadata, request.conversation_metadata, {},
                                     "conversation_metadata"));
  return PatchMetadataInTransaction(db_, conversation.conversation_id,
                                    request.conversation_metadata, {}, now, event_waker_);
}

absl::StatusOr<storage::MessageRecord> MessagingService::Enqueue(const Caller& caller,
                                                                 OutboundRequest request,
                                                                 bool needs_window) {
  absl::StatusOr<GuestAddress> address =
      ParseGuestAddress(request.guest_phone, request.guest_user_id);
  if (!address.ok()) return address.status();
  if (absl::Status s = CheckStaffMemberId(request.staff_member_id); !s.ok()) return s;
  if (auto s = CheckMetadataEntries(request.conversation_metadata, "conversation_metadata");
      !s.ok()) {
    return s;
  }
  absl::Time now = absl::Now();
  absl::StatusOr<Timing> timing = ParseTiming(request.timing, now);
  if (!timing.ok()) return timing.status();
  // Everything that needs no database is done before the transaction: the
  // writer runs transactions one after another.
  std::string message_id = NewId("msg_");
  std::string payload = EncodeContent(request.content);
  absl::StatusOr<std::string> sender = SenderFor(caller.property_id, request.from_phone_number_id);
  if (!sender.ok()) return sender.status();
  absl::StatusOr<storage::MessageRecord> stored =
      storage::TransactValue(db_, [&]() -> absl::StatusOr<storage::MessageRecord> {
        if (absl::Status s = CheckBacklog(caller.property_id); !s.ok()) return s;
        // Window, consent and pacing are the guest's, whichever id names them.
        absl::StatusOr<std::string> phone = directory_.KeyFor(caller.property_id, *address);
        if (!phone.ok()) return phone.status();
        // Consent, window and conversation in one read (one round trip on
        // PostgreSQL), judged in the contract's order of refusals.
        ASSIGN_OR_RETURN(std::string hash, ErasureHash(hasher_, caller.property_id, *phone));
        ASSIGN_OR_RETURN(
            storage::SendChecksRecord checks,
            send_checks_.Read(caller.property_id, *phone, hash, request.conversation_id));
        // Consent first: an opted-out guest is refused whatever the window.
        RETURN_IF_ERROR(ConsentRefusal(checks.consent, *phone, request.marketing));
        // The window at the earliest release, before anything else; at the
        // planned time below.
        if (needs_window) {
          absl::Time earliest = timing->send_at ? std::max(*timing->send_at, now) : now;
          RETURN_IF_ERROR(
              CheckWindow(caller.property_id, *phone, checks.last_inbound_at, earliest));
        }
        absl::StatusOr<storage::ConversationRecord> conversation = ConversationForMessage(
            conversations_, caller.property_id, *phone, request.conversation_id,
            std::move(checks.conversation), "", now, *sender);
        if (!conversation.ok()) return conversation.status();
        absl::StatusOr<absl::Time> release =
            PlanInTransaction(caller.property_id, *phone, request, *timing, *conversation,
                              checks.last_inbound_at, needs_window, now);
        if (!release.ok()) return release.status();
        RETURN_IF_ERROR(SetMetadataInTransaction(*conversation, request, now));
        storage::MessageRecord m = OutboundRecord(request, *timing, now, *release);
        m.message_id = message_id;
        m.property_id = caller.property_id;
        m.conversation_id = conversation->conversation_id;
        m.payload = payload;
        m.guest_phone = *phone;
        const bool later = *release > now;
        // A conversation keeps the number it was opened on unless the
        // request names one.
        std::string own = ConversationNumber(*conversation);
        m.phone_number_id = request.from_phone_number_id.empty() && !own.empty() ? own : *sender;
        if (absl::Status s = messages_.Insert(m); !s.ok()) return s;
        if (later) {
          EventOutbox outbox(db_, event_waker_);
          if (absl::Status s = EmitScheduleEvents(outbox, m, now); !s.ok()) return s;
        }
        if (request.in_transaction) {
          if (absl::Status s = request.in_transaction(m); !s.ok()) return s;
        }
        return m;
      });
  if (!stored.ok()) return stored;
  if (stored->status == v1::MESSAGE_STATUS_SCHEDULED) {
    if (releaser_) releaser_->Wake();
  } else if (send_queue_) {
    send_queue_->Wake();
  }
  return stored;
}

absl::StatusOr<storage::MessageRecord> MessagingService::Get(const std::string& property_id,
                                                             const std::string& message_id) {
  absl::StatusOr<std::optional<storage::MessageRecord>> found = lookups_.Get(message_id);
  if (!found.ok()) return found.status();
  if (!*found || (*found)->property_id != property_id) return NotFound("message", message_id);
  return **found;
}

}  // namespace wa::domain
