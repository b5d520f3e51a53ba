#include "server/workers/notification_processor.h"

#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "server/domain/phone.h"
#include "server/provider/meta_callback_routes.h"
#include "server/provider/meta_templates.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

namespace wa::workers {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr int kBatch = 256;
constexpr absl::Duration kIdleSleep = absl::Seconds(1);
constexpr absl::Duration kMediaPatience = absl::Minutes(5);

domain::InboundMessage ToInbound(const provider::MetaInbound& m) {
  domain::InboundMessage in;
  in.guest_phone = m.from;
  in.guest_user_id = m.user_id;
  in.guest_parent_user_id = m.parent_user_id;
  in.guest_username = m.username;
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

// What is kept of an item that was not applied, for the operator.
std::string UnparsedBody(const std::string& where, const std::string& reason,
                         const std::string& item_json) {
  nlohmann::json item = nlohmann::json::parse(item_json, nullptr, /*allow_exceptions=*/false);
  nlohmann::json doc = {{"where", where}, {"reason", reason}};
  doc["item"] = item.is_discarded() ? nlohmann::json(item_json) : item;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string InboundJson(const provider::MetaInbound& m) {
  nlohmann::json doc = {{"from", m.from}, {"from_user_id", m.user_id},
                        {"id", m.wamid},  {"type", m.meta_type},
                        {"body", m.body}, {"payload", m.payload}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

NotificationProcessor::NotificationProcessor(
    storage::Database& db, domain::PropertyService& properties, domain::InboundService& inbound,
    domain::StatusService& statuses, domain::ConsentService& consent,
    domain::TemplateService& templates, GuestMediaFetcher* media)
    : db_(db),
      properties_(properties),
      inbound_(inbound),
      statuses_(statuses),
      consent_(consent),
      templates_(templates),
      media_(media),
      directory_(db),
      notifications_(db),
      poller_([this] { return Tick(); }) {}

NotificationProcessor::Routes NotificationProcessor::Route(const provider::MetaNotification& n,
                                                           bool& refreshed) {
  std::set<std::string> numbers, accounts;
  for (const auto& m : n.messages) numbers.insert(m.phone_number_id);
  for (const auto& s : n.statuses) numbers.insert(s.phone_number_id);
  for (const auto& p : n.preferences) numbers.insert(p.phone_number_id);
  for (const auto& u : n.user_id_changes) numbers.insert(u.phone_number_id);
  for (const auto& t : n.template_statuses) accounts.insert(t.waba_id);
  auto route = [&] {
    Routes r;
    for (const std::string& id : numbers) {
      if (std::optional<domain::SenderNumber> number = properties_.FindNumber(id)) {
        r.numbers.emplace(id, *std::move(number));
      } else {
        r.unrouted.insert(id);
      }
    }
    for (const std::string& id : accounts) {
      std::vector<std::string> owners = properties_.PropertiesOfAccount(id);
      if (owners.empty()) r.unrouted.insert(domain::AccountRouteKey(id));
      r.accounts.emplace(id, std::move(owners));
    }
    return r;
  };
  Routes routes = route();
  if (routes.unrouted.empty() || refreshed) return routes;
  refreshed = true;
  if (absl::Status s = properties_.Refresh(); !s.ok()) return routes;
  return route();
}

absl::Status NotificationProcessor::Park(const std::string& key, const std::string& body,
                                         absl::Time received_at) {
  util::LogError("meta callback item kept under ", key, " (wa-server properties unrouted)");
  return notifications_.InsertParked(body, received_at, key);
}

absl::Status NotificationProcessor::ApplyGuestIds(const provider::MetaNotification& n,
                                                  const Routes& routes) {
  for (const provider::MetaUserIdChange& u : n.user_id_changes) {
    auto number = routes.numbers.find(u.phone_number_id);
    if (number == routes.numbers.end()) continue;  // parked with its number
    const std::string& property = number->second.property_id;
    if (auto s = directory_.FollowUserIdChange(property, u.previous_user_id, u.current_user_id,
                                               u.timestamp);
        !s.ok()) {
      return s;
    }
    if (u.wa_id.empty()) continue;
    domain::ObservedGuest guest{u.wa_id, u.current_user_id, "", "", "", u.timestamp};
    if (auto key = directory_.Observe(property, guest); !key.ok()) return key.status();
  }
  // A status of a send by phone may name the guest's BSUID too (and the
  // other way round): one guest, one history.
  for (const provider::MetaStatus& s : n.statuses) {
    if (s.recipient_id.empty() || s.recipient_user_id.empty()) continue;
    auto number = routes.numbers.find(s.phone_number_id);
    if (number == routes.numbers.end()) continue;
    domain::ObservedGuest guest{s.recipient_id, s.recipient_user_id, "", s.recipient_username, "",
                                s.timestamp};
    ASSIGN_OR_RETURN(std::string key, directory_.Observe(number->second.property_id, guest));
    (void)key;
  }
  return absl::OkStatus();
}

absl::Status NotificationProcessor::ApplyIdentityChanges(const provider::MetaNotification& n,
                                                         const Routes& routes) {
  for (const provider::MetaInbound& m : n.messages) {
    if (m.new_wa_id.empty() && m.new_user_id.empty()) continue;
    auto number = routes.numbers.find(m.phone_number_id);
    if (number == routes.numbers.end()) continue;  // parked with its number
    const std::string& property = number->second.property_id;
    if (!m.new_user_id.empty() && !m.user_id.empty()) {
      RETURN_IF_ERROR(
          directory_.FollowUserIdChange(property, m.user_id, m.new_user_id, m.timestamp));
    }
    if (!m.new_wa_id.empty()) {
      domain::GuestAddress before;
      if (!m.from.empty()) {
        ASSIGN_OR_RETURN(before.phone, domain::FromWaId(m.from));
      }
      before.user_id = m.new_user_id.empty() ? m.user_id : m.new_user_id;
      RETURN_IF_ERROR(directory_.FollowPhoneChange(property, before, m.new_wa_id));
    }
  }
  return absl::OkStatus();
}

absl::Status NotificationProcessor::Apply(const provider::MetaNotification& n, const Routes& routes,
                                          absl::Time received_at) {
  auto number_of = [&](const std::string& id) -> const domain::SenderNumber* {
    auto it = routes.numbers.find(id);
    return it == routes.numbers.end() ? nullptr : &it->second;  // null: parked
  };
  for (const provider::MetaInbound& m : n.messages) {
    const domain::SenderNumber* number = number_of(m.phone_number_id);
    if (number == nullptr) continue;
    domain::InboundMessage in = ToInbound(m);
    in.phone_number_id = number->phone_number_id;
    absl::StatusOr<domain::InboundResult> result =
        inbound_.RecordInTransaction(number->property_id, std::move(in));
    // A message we cannot store (say, a number we cannot read) must not
    // block the rest of the notification forever, nor be lost: it is kept
    // for the operator.
    if (!result.ok() && result.status().code() != absl::StatusCode::kInvalidArgument) {
      return result.status();
    }
    if (!result.ok()) {
      std::string body =
          UnparsedBody(m.wamid, std::string(result.status().message()), InboundJson(m));
      if (auto s = Park("unparsed:messages", body, received_at); !s.ok()) return s;
    }
  }
  for (const provider::MetaStatus& s : n.statuses) {
    if (number_of(s.phone_number_id) == nullptr) continue;
    if (auto applied = statuses_.ApplyInTransaction(ToStatusUpdate(s)); !applied.ok()) {
      return applied.status();
    }
  }
  for (const provider::MetaPreference& p : n.preferences) {
    const domain::SenderNumber* number = number_of(p.phone_number_id);
    if (number == nullptr) continue;
    if (p.category != "marketing_messages" || (p.value != "stop" && p.value != "resume")) {
      nlohmann::json item = {
          {"wa_id", p.wa_id}, {"user_id", p.user_id}, {"category", p.category}, {"value", p.value}};
      std::string body =
          UnparsedBody("user_preferences", "a preference this service does not apply", item.dump());
      if (auto s = Park("unparsed:user_preferences", body, received_at); !s.ok()) return s;
      continue;
    }
    // The guest's key, whichever ids Meta gave (a guest with a username may
    // come by BSUID alone).
    absl::StatusOr<std::string> key = directory_.Observe(
        number->property_id, domain::ObservedGuest{p.wa_id, p.user_id, "", "", "", p.timestamp});
    if (!key.ok()) return key.status();
    if (auto s = consent_.ApplyMarketingPreference(number->property_id, *key, p.value == "resume",
                                                   p.timestamp);
        !s.ok()) {
      return s;
    }
  }
  for (const provider::MetaTemplateStatus& t : n.template_statuses) {
    domain::TemplateStatusReport report{t.template_id, t.name, t.language,
                                        provider::TemplateStatusFromMeta(t.event), t.reason};
    // Each property on the account keeps its own copy of the template.
    for (const std::string& property : routes.accounts.at(t.waba_id)) {
      if (auto s = templates_.ApplyReportInTransaction(property, report); !s.ok()) return s;
    }
  }
  for (const provider::MetaQualityUpdate& q : n.quality_updates) {
    if (auto s =
            properties_.NoteQualityInTransaction(q.display_phone_number, q.event, q.current_limit);
        !s.ok()) {
      return s;
    }
  }
  for (const provider::MetaCallbackError& e : n.errors) {
    const domain::SenderNumber* number = number_of(e.phone_number_id);
    util::LogError("meta reports error ", e.code, " for ", e.phone_number_id, " (property ",
                   number != nullptr ? number->property_id : "unknown", "): ", e.title, " ",
                   e.details);
  }
  return absl::OkStatus();
}

bool NotificationProcessor::FetchMedia(const storage::NotificationRecord& record,
                                       provider::MetaNotification& notification,
                                       const Routes& routes) {
  if (media_ == nullptr) return true;
  for (provider::MetaInbound& m : notification.messages) {
    if (m.media_id.empty()) continue;
    auto number = routes.numbers.find(m.phone_number_id);
    if (number == routes.numbers.end()) continue;  // parked: fetched once the number is added
    absl::Status fetched = media_->Fetch(number->second, m);
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

absl::Status NotificationProcessor::Process(Parsed& p) {
  const storage::NotificationRecord& record = *p.record;
  std::string error = p.notification.ok() ? "" : p.notification.status().ToString();
  // Marked first: another instance that read it too and marked it first
  // applied it (its mark waits for ours, or ours for its).
  absl::StatusOr<bool> mine = notifications_.MarkProcessed(record.id, absl::Now(), error);
  if (!mine.ok()) return mine.status();
  if (!*mine || !p.notification.ok()) return absl::OkStatus();
  // What no property owns yet is kept apart, in Meta's shape, until its
  // number is added; the rest is applied now.
  for (const std::string& key : p.routes.unrouted) {
    std::string part = provider::NotificationPart(record.body, key);
    if (part.empty()) part = record.body;
    if (auto s = notifications_.InsertParked(part, record.received_at, key); !s.ok()) return s;
    util::LogError("meta callback for ", key, ", which no property owns: kept until it is added ",
                   "(wa-server properties unrouted)");
  }
  // What the parser could not read or does not know is kept too, never
  // acknowledged and forgotten.
  for (const provider::MetaUnparsed& u : p.notification->unparsed) {
    std::string body = UnparsedBody(u.where, u.reason, u.json);
    if (auto s = Park("unparsed:" + u.field, body, record.received_at); !s.ok()) return s;
  }
  RETURN_IF_ERROR(ApplyGuestIds(*p.notification, p.routes));
  RETURN_IF_ERROR(Apply(*p.notification, p.routes, record.received_at));
  // After the system messages themselves are stored, so that they move
  // with the rest of the guest's history.
  return ApplyIdentityChanges(*p.notification, p.routes);
}

absl::Duration NotificationProcessor::Tick() {
  absl::StatusOr<std::vector<storage::NotificationRecord>> pending =
      storage::ReadValue(db_, [&] { return notifications_.Pending(kBatch); });
  if (!pending.ok()) {
    util::LogError("notifications: ", pending.status().ToString());
    return kIdleSleep;
  }
  // Parsed, routed, and guests' files fetched, outside the transaction:
  // downloads must not hold the writer. A notification whose file must
  // wait holds up those behind it, so the round stops there.
  std::vector<Parsed> ready;
  bool refreshed = false;
  for (const storage::NotificationRecord& record : *pending) {
    Parsed p{&record, provider::ParseMetaNotification(record.body), {}};
    if (p.notification.ok()) {
      p.routes = Route(*p.notification, refreshed);
      if (!FetchMedia(record, *p.notification, p.routes)) break;
    }
    ready.push_back(std::move(p));
  }
  // One transaction (one fsync) for the round, each notification under its
  // own savepoint, in arrival order; one that fails is left pending with
  // everything after it, and the next round retries from there.
  size_t applied = 0;
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    applied = 0;  // a transaction that lost a race runs again from the start
    for (Parsed& p : ready) {
      absl::Status s = db_.Savepoint([&] { return Process(p); });
      if (!s.ok()) {
        util::LogError("notification ", p.record->id, ": ", s.ToString());
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
