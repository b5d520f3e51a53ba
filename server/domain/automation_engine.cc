#include "server/domain/automation_engine.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "server/domain/conversation_metadata.h"
#include "server/domain/guest_key.h"
#include "server/domain/phone.h"
#include "server/domain/rfc3339.h"
#include "server/domain/schedule_follow.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// A reply refused by its own claim (cooldown, after-hours period): not sent,
// and not an error.
constexpr absl::string_view kNotClaimed = "automation: not claimed";
constexpr absl::Duration kWindow = absl::Hours(24);

// The id of the button or list row an interactive answer names (the
// parser keeps Meta's message object as the payload).
std::string ReplyIdOf(const storage::MessageRecord& m) {
  if (m.payload.empty()) return "";
  nlohmann::json json = nlohmann::json::parse(m.payload, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "";
  for (const char* kind : {"button_reply", "list_reply"}) {
    const nlohmann::json* reply = nullptr;
    if (json.contains("interactive") && json["interactive"].is_object() &&
        json["interactive"].contains(kind)) {
      reply = &json["interactive"][kind];
    }
    if (reply != nullptr && reply->is_object() && reply->contains("id") &&
        (*reply)["id"].is_string()) {
      return (*reply)["id"].get<std::string>();
    }
  }
  if (json.contains("button") && json["button"].is_object() && json["button"].contains("payload") &&
      json["button"]["payload"].is_string()) {
    return json["button"]["payload"].get<std::string>();
  }
  return "";
}

std::string Actor(const std::string& rule_id) { return absl::StrCat("automation:", rule_id); }

}  // namespace

struct AutomationEngine::Context {
  storage::MessageRecord message;
  storage::ConversationRecord conversation;
  std::shared_ptr<const PropertyAutomation> automation;
  RulePlan plan;
  std::string guest_name;
};

std::string FillPlaceholders(const std::string& text, const std::string& guest_name,
                             const std::map<std::string, std::string>& metadata) {
  std::string out;
  size_t at = 0;
  while (true) {
    size_t open = text.find("{{", at);
    size_t close = open == std::string::npos ? open : text.find("}}", open + 2);
    if (close == std::string::npos) break;
    out.append(text, at, open - at);
    const std::string name = text.substr(open + 2, close - open - 2);
    if (name == "guest_name") {
      out += guest_name;
    } else if (absl::StartsWith(name, "metadata.")) {
      auto found = metadata.find(name.substr(9));
      if (found != metadata.end()) out += found->second;
    }
    at = close + 2;
  }
  out.append(text, at, std::string::npos);
  return out;
}

absl::Status AutomationEngine::Evaluate(const std::string& message_id) {
  Context c;
  RETURN_IF_ERROR(db_.Read([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<storage::MessageRecord> m, messages_.Get(message_id));
    if (!m) return absl::OkStatus();
    c.message = *std::move(m);
    ASSIGN_OR_RETURN(std::optional<storage::ConversationRecord> conv,
                     conversations_.Find(c.message.conversation_id));
    if (conv) c.conversation = *std::move(conv);
    ASSIGN_OR_RETURN(std::optional<storage::GuestRecord> guest,
                     guests_.Get(c.message.property_id, c.message.guest_phone));
    if (guest) c.guest_name = guest->profile_name;
    return absl::OkStatus();
  }));
  // Never the service's own messages (nor a message since removed).
  if (c.message.direction != v1::DIRECTION_INBOUND || c.conversation.conversation_id.empty()) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(bool own, FromOwnNumber(c.message.property_id, c.message.guest_phone));
  if (own) return absl::OkStatus();
  ASSIGN_OR_RETURN(c.automation, automation_.Snapshot(c.message.property_id));
  if (c.automation->rules.empty() && c.automation->departments.empty()) return absl::OkStatus();
  auto language = c.conversation.metadata.find("language");
  MessageFacts facts(c.message.body, c.message.message_type, ReplyIdOf(c.message),
                     language == c.conversation.metadata.end() ? "" : language->second);
  c.plan = PlanRules(*c.automation, facts, c.message.created_at, c.conversation.department);
  RETURN_IF_ERROR(Route(c));
  for (const CompiledRule* rule : c.plan.matches) {
    for (const v1::RuleAction& action : rule->rule.actions()) {
      if (action.has_reply()) RETURN_IF_ERROR(Reply(c, *rule, action.reply()));
    }
  }
  return AfterHours(c);
}

absl::Status AutomationEngine::Route(Context& c) {
  const absl::Time now = absl::Now();
  return db_.Transaction([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<storage::ConversationRecord> current,
                     conversations_.Find(c.conversation.conversation_id));
    if (!current) return absl::OkStatus();
    c.conversation = *std::move(current);
    for (const CompiledRule* rule : c.plan.matches) {
      const std::string actor = Actor(rule->rule.rule_id());
      for (const v1::RuleAction& action : rule->rule.actions()) {
        if (action.has_assign()) {
          const v1::AssignAction& a = action.assign();
          std::string department =
              a.department().empty() ? c.conversation.department : a.department();
          std::string assignee =
              a.staff_member().empty() ? c.conversation.assigned_to : a.staff_member();
          if (department == c.conversation.department && assignee == c.conversation.assigned_to) {
            continue;  // already so: nothing to record (a rerun does nothing)
          }
          RETURN_IF_ERROR(
              conversations_.Assign(c.conversation.conversation_id, assignee, department, now));
          c.conversation.department = department;
          c.conversation.assigned_to = assignee;
          RETURN_IF_ERROR(
              Audit(c, actor, "assign", {{"department", department}, {"assigned_to", assignee}}));
          nlohmann::json data = {{"conversation_id", c.conversation.conversation_id},
                                 {"rule_id", rule->rule.rule_id()},
                                 {"department", department},
                                 {"assignee", assignee},
                                 {"message_id", c.message.message_id},
                                 {"routed_at", Rfc3339(now)}};
          RETURN_IF_ERROR(outbox_
                              .EmitInTransaction(c.message.property_id, "conversation_routed",
                                                 c.conversation.conversation_id, data.dump())
                              .status());
        }
        if (action.has_set_metadata()) {
          std::map<std::string, std::string> set;
          for (const auto& [key, value] : action.set_metadata().metadata()) {
            auto found = c.conversation.metadata.find(key);
            if (found == c.conversation.metadata.end() || found->second != value) set[key] = value;
          }
          if (set.empty()) continue;
          RETURN_IF_ERROR(CheckMetadataAfter(c.conversation.metadata, set, {}, "set_metadata"));
          RETURN_IF_ERROR(PatchMetadataInTransaction(db_, c.conversation.conversation_id, set, {},
                                                     now, event_waker_));
          for (const auto& [key, value] : set) c.conversation.metadata[key] = value;
          // The keys only: the audit log holds no guest content.
          std::vector<std::string> keys;
          for (const auto& entry : set) keys.push_back(entry.first);
          RETURN_IF_ERROR(Audit(c, actor, "set_metadata", {{"keys", absl::StrJoin(keys, ",")}}));
        }
      }
    }
    return absl::OkStatus();
  });
}

absl::Status AutomationEngine::Reply(Context& c, const CompiledRule& rule,
                                     const v1::ReplyAction& reply) {
  const std::string& rule_id = rule.rule.rule_id();
  const std::string conversation_id = c.conversation.conversation_id;
  const std::string message_id = c.message.message_id;
  const absl::Duration cooldown = rule.cooldown;
  return Send(
      c, Actor(rule_id), reply,
      [this, rule_id, conversation_id, message_id, cooldown]() {
        return repo_.ClaimCooldown(rule_id, conversation_id, message_id, absl::Now(), cooldown);
      },
      rule_id);
}

absl::Status AutomationEngine::AfterHours(Context& c) {
  const std::string& department = c.conversation.department;
  auto found = c.automation->departments.find(department);
  if (found == c.automation->departments.end() || found->second.after_hours_reply.empty()) {
    return absl::OkStatus();
  }
  const absl::Time at = c.message.created_at;
  if (IsOpen(found->second.hours, at, c.automation->zone)) return absl::OkStatus();
  const absl::Time since = ClosedSince(found->second.hours, at, c.automation->zone);
  v1::ReplyAction reply;
  reply.set_text(found->second.after_hours_reply);
  const std::string property_id = c.message.property_id;
  const std::string conversation_id = c.conversation.conversation_id;
  return Send(
      c, absl::StrCat("automation:after_hours:", department), reply,
      [this, property_id, department, conversation_id, since]() {
        return repo_.ClaimAfterHours(property_id, department, conversation_id, since);
      },
      "");
}

absl::Status AutomationEngine::Send(Context& c, const std::string& actor,
                                    const v1::ReplyAction& reply,
                                    const std::function<absl::StatusOr<bool>()>& claim,
                                    const std::string& rule_id) {
  // Only inside the window the guest's message opened.
  if (absl::Now() - c.message.created_at >= kWindow) return absl::OkStatus();
  const std::string inbound_id = c.message.message_id;
  const std::string department = c.conversation.department;
  auto in_transaction = [&, actor](const storage::MessageRecord& sent) -> absl::Status {
    ASSIGN_OR_RETURN(bool claimed, claim());
    if (!claimed) return absl::AlreadyExistsError(kNotClaimed);
    RETURN_IF_ERROR(Audit(c, actor, "reply", {{"message_id", sent.message_id}}));
    nlohmann::json data = {{"conversation_id", sent.conversation_id},
                           {"rule_id", rule_id},
                           {"department", department},
                           {"message_id", sent.message_id},
                           {"inbound_message_id", inbound_id},
                           {"text", sent.body}};
    return outbox_
        .EmitInTransaction(sent.property_id, "auto_reply_sent", sent.conversation_id, data.dump())
        .status();
  };
  const Caller caller{actor, v1::ROLE_STAFF, c.message.property_id};
  const std::string phone = PhoneOfKey(c.message.guest_phone);
  const std::string user_id = phone.empty() ? UserIdOfKey(c.message.guest_phone) : "";
  absl::StatusOr<storage::MessageRecord> sent;
  if (!reply.template_().empty()) {
    if (templates_ == nullptr) return absl::OkStatus();
    TemplateSend send;
    send.guest_phone = phone;
    send.guest_user_id = user_id;
    send.template_name = reply.template_();
    send.language = reply.language();
    for (const auto& [key, value] : reply.params()) {
      send.parameters[key] = FillPlaceholders(value, c.guest_name, c.conversation.metadata);
    }
    send.conversation_id = c.conversation.conversation_id;
    send.staff_member_id = actor.substr(0, 64);
    send.in_transaction = in_transaction;
    sent = templates_->Send(caller, std::move(send));
  } else {
    OutboundRequest request;
    request.guest_phone = phone;
    request.guest_user_id = user_id;
    request.conversation_id = c.conversation.conversation_id;
    request.staff_member_id = actor.substr(0, 64);
    request.body = FillPlaceholders(reply.text(), c.guest_name, c.conversation.metadata);
    request.in_transaction = in_transaction;
    sent = messaging_.SendText(caller, std::move(request));
  }
  if (sent.ok() || sent.status().message() == kNotClaimed) return absl::OkStatus();
  // The guest opted out, the window closed, the queue is full: no reply,
  // and nothing to retry; the inbound message stays as it was.
  util::LogInfo("automation: no reply in ", c.conversation.conversation_id, " (", actor,
                "): ", sent.status().message());
  return absl::OkStatus();
}

absl::StatusOr<bool> AutomationEngine::FromOwnNumber(const std::string& property_id,
                                                     const std::string& guest) {
  ASSIGN_OR_RETURN(std::vector<storage::PhoneNumberRecord> numbers,
                   storage::ReadValue(db_, [&] { return properties_.ListNumbers(); }));
  for (const storage::PhoneNumberRecord& n : numbers) {
    if (n.property_id != property_id || n.display_phone_number.empty()) continue;
    absl::StatusOr<std::string> own = NormalizePhone(n.display_phone_number);
    if (own.ok() && *own == guest) return true;
  }
  return false;
}

absl::Status AutomationEngine::Audit(const Context& c, const std::string& actor,
                                     const std::string& action,
                                     std::map<std::string, std::string> resources) {
  storage::AuditRecord record;
  record.property_id = c.message.property_id;
  record.occurred_at = absl::Now();
  record.token_id = actor;
  record.method = absl::StrCat("automation.", action);
  resources["conversation_id"] = c.conversation.conversation_id;
  resources["inbound_message_id"] = c.message.message_id;
  record.resources = std::move(resources);
  record.code = "OK";
  return audit_.Insert({record});
}

}  // namespace wa::domain
