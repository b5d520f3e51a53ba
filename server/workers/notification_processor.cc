#include "server/workers/notification_processor.h"

#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "server/provider/meta_templates.h"
#include "server/util/log.h"

namespace wa::workers {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr int kBatch = 256;
constexpr absl::Duration kIdleSleep = absl::Seconds(1);
constexpr absl::Duration kMediaPatience = absl::Minutes(5);

domain::InboundMessage ToInbound(const provider::MetaInbound& m) {
  domain::InboundMessage in;
  in.guest_phone = m.from;
  in.profile_name = m.profile_name;
  in.whatsapp_message_id = m.wamid;
  in.reply_to_message_id = m.context_wamid;
  in.message_type = m.type;
  in.body = m.body;
  in.payload = m.payload;
  in.at = m.timestamp;
  return in;
}

domain::StatusUpdate ToStatusUpdate(const provider::MetaStatus& s) {
  std::string reason = s.error_title;
  if (!s.error_details.empty()) reason += (reason.empty() ? "" : ": ") + s.error_details;
  return domain::StatusUpdate{s.wamid,     s.status,
                              s.timestamp, static_cast<int>(s.error_code),
                              reason,      s.biz_opaque_callback_data};
}

}  // namespace

NotificationProcessor::NotificationProcessor(
    storage::Database& db, std::map<std::string, std::string> property_by_number,
    std::map<std::string, std::string> property_by_account, domain::InboundService& inbound,
    domain::StatusService& statuses, domain::ConsentService& consent,
    domain::TemplateService& templates, GuestMediaFetcher* media)
    : db_(db),
      property_by_number_(std::move(property_by_number)),
      property_by_account_(std::move(property_by_account)),
      inbound_(inbound),
      statuses_(statuses),
      consent_(consent),
      templates_(templates),
      media_(media),
      notifications_(db),
      poller_([this] { return Tick(); }) {}

const std::string* NotificationProcessor::PropertyFor(const std::string& phone_number_id) const {
  auto it = property_by_number_.find(phone_number_id);
  if (it != property_by_number_.end()) return &it->second;
  util::LogError("meta callback for unknown phone_number_id ", phone_number_id, ": not stored");
  return nullptr;
}

const std::string* NotificationProcessor::PropertyForAccount(const std::string& waba_id) const {
  auto it = property_by_account_.find(waba_id);
  if (it != property_by_account_.end()) return &it->second;
  util::LogError("meta template callback for unknown WABA ", waba_id, ": not applied");
  return nullptr;
}

absl::Status NotificationProcessor::Apply(const provider::MetaNotification& n) {
  for (const provider::MetaInbound& m : n.messages) {
    const std::string* property = PropertyFor(m.phone_number_id);
    if (property == nullptr) continue;
    absl::StatusOr<domain::InboundResult> result =
        inbound_.RecordInTransaction(*property, ToInbound(m));
    // A message we cannot store (say, a number we cannot read) must not
    // block the rest of the notification forever.
    if (!result.ok() && result.status().code() != absl::StatusCode::kInvalidArgument) {
      return result.status();
    }
    if (!result.ok())
      util::LogError("meta inbound ", m.wamid, " skipped: ", result.status().ToString());
  }
  for (const provider::MetaStatus& s : n.statuses) {
    if (PropertyFor(s.phone_number_id) == nullptr) continue;
    if (auto applied = statuses_.ApplyInTransaction(ToStatusUpdate(s)); !applied.ok()) {
      return applied.status();
    }
  }
  for (const provider::MetaPreference& p : n.preferences) {
    const std::string* property = PropertyFor(p.phone_number_id);
    if (property == nullptr || p.category != "marketing_messages") continue;
    if (p.value != "stop" && p.value != "resume") continue;
    if (auto s = consent_.ApplyMarketingPreference(*property, "+" + p.wa_id, p.value == "resume",
                                                   p.timestamp);
        !s.ok()) {
      return s;
    }
  }
  for (const provider::MetaTemplateStatus& t : n.template_statuses) {
    const std::string* property = PropertyForAccount(t.waba_id);
    if (property == nullptr) continue;
    domain::TemplateStatusReport report{t.template_id, t.name, t.language,
                                        provider::TemplateStatusFromMeta(t.event), t.reason};
    if (auto s = templates_.ApplyReportInTransaction(*property, report); !s.ok()) return s;
  }
  for (const provider::MetaError& e : n.errors) {
    util::LogError("meta reports error ", e.code, " for ", e.phone_number_id, ": ", e.title, " ",
                   e.details);
  }
  return absl::OkStatus();
}

bool NotificationProcessor::FetchMedia(const storage::NotificationRecord& record,
                                       provider::MetaNotification& notification) {
  if (media_ == nullptr) return true;
  for (provider::MetaInbound& m : notification.messages) {
    if (m.media_id.empty()) continue;
    const std::string* property = PropertyFor(m.phone_number_id);
    if (property == nullptr) continue;
    absl::Status fetched = media_->Fetch(*property, m);
    if (fetched.ok()) continue;
    // Meta keeps a guest's file for days, but a notification that waits
    // holds up those behind it: a few minutes of retries, then the message
    // is kept without our copy.
    bool retry = fetched.code() == absl::StatusCode::kUnavailable &&
                 absl::Now() - record.received_at < kMediaPatience;
    util::LogError("guest media ", m.media_id, " of ", m.wamid, ": ", fetched.ToString(),
                   retry ? " (retrying)" : " (kept without our copy)");
    if (retry) return false;
  }
  return true;
}

absl::Duration NotificationProcessor::Tick() {
  absl::StatusOr<std::vector<storage::NotificationRecord>> pending =
      storage::ReadValue(db_, [&] { return notifications_.Pending(kBatch); });
  if (!pending.ok()) {
    util::LogError("notifications: ", pending.status().ToString());
    return kIdleSleep;
  }
  // Parsed, and guests' files fetched, outside the transaction: downloads
  // must not hold the writer. A notification whose file must wait holds up
  // those behind it, so the round stops there.
  std::vector<
      std::pair<const storage::NotificationRecord*, absl::StatusOr<provider::MetaNotification>>>
      ready;
  for (const storage::NotificationRecord& record : *pending) {
    absl::StatusOr<provider::MetaNotification> parsed =
        provider::ParseMetaNotification(record.body);
    if (parsed.ok() && !FetchMedia(record, *parsed)) break;
    ready.emplace_back(&record, std::move(parsed));
  }
  // One transaction (one fsync) for the round, each notification under its
  // own savepoint, in arrival order; one that fails is left pending with
  // everything after it, and the next round retries from there.
  size_t applied = 0;
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    applied = 0;  // a transaction that lost a race runs again from the start
    for (auto& [record, parsed] : ready) {
      absl::Status s = db_.Savepoint([&]() -> absl::Status {
        std::string error = parsed.ok() ? "" : parsed.status().ToString();
        // Marked first: another instance that read it too and marked it
        // first applied it (its mark waits for ours, or ours for its).
        absl::StatusOr<bool> mine = notifications_.MarkProcessed(record->id, absl::Now(), error);
        if (!mine.ok()) return mine.status();
        if (!*mine || !parsed.ok()) return absl::OkStatus();
        return Apply(*parsed);
      });
      if (!s.ok()) {
        util::LogError("notification ", record->id, ": ", s.ToString());
        break;
      }
      ++applied;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) {
    util::LogError("notifications: ", status.ToString());
    return kIdleSleep;
  }
  if (applied < ready.size() || ready.size() < pending->size()) return kIdleSleep;
  return static_cast<int>(pending->size()) == kBatch ? absl::ZeroDuration() : kIdleSleep;
}

}  // namespace wa::workers
