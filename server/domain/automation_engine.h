#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/domain/automation_service.h"
#include "server/domain/event_outbox.h"
#include "server/domain/messaging_service.h"
#include "server/domain/template_service.h"
#include "server/domain/wake_ups.h"
#include "server/storage/audit_repository.h"
#include "server/storage/automation_repository.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/database.h"
#include "server/storage/guest_repository.h"
#include "server/storage/message_repository.h"
#include "server/storage/property_repository.h"

namespace wa::domain {

// Runs a property's rules on one stored inbound message and does what they
// say: assignments and metadata first (one transaction, with their audit
// records and conversation_routed events), then each reply through the
// normal send path (window, consent and the number's pace apply), with
// its cooldown claimed in the send's own transaction, then the
// department's after-hours reply. Running it twice on one message does
// nothing twice: an unchanged assignment is not recorded again, and a
// reply's claim names the message.
class AutomationEngine {
 public:
  AutomationEngine(storage::Database& db, AutomationService& automation,
                   MessagingService& messaging, EventWaker* event_waker)
      : db_(db),
        automation_(automation),
        messaging_(messaging),
        event_waker_(event_waker),
        outbox_(db, event_waker),
        repo_(db),
        messages_(db),
        conversations_(db),
        guests_(db),
        properties_(db),
        audit_(db) {}

  // Template replies go through here (none: refused at send time).
  void set_templates(TemplateService* templates) { templates_ = templates; }

  absl::Status Evaluate(const std::string& message_id);

 private:
  struct Context;

  absl::Status Route(Context& c);
  absl::Status Reply(Context& c, const CompiledRule& rule,
                     const hotel::whatsapp::v1::ReplyAction& reply);
  absl::Status AfterHours(Context& c);
  // Sends `text` (or the template) for the conversation; `claim` runs in
  // the send's transaction and may refuse it (false: not sent, not an error).
  absl::Status Send(Context& c, const std::string& actor,
                    const hotel::whatsapp::v1::ReplyAction& reply,
                    const std::function<absl::StatusOr<bool>()>& claim, const std::string& rule_id);
  // Whether the guest is one of the property's own numbers: two numbers of
  // one property must not answer each other forever.
  absl::StatusOr<bool> FromOwnNumber(const std::string& property_id, const std::string& guest);
  absl::Status Audit(const Context& c, const std::string& actor, const std::string& action,
                     std::map<std::string, std::string> resources);

  storage::Database& db_;
  AutomationService& automation_;
  MessagingService& messaging_;
  EventWaker* event_waker_;
  TemplateService* templates_ = nullptr;
  EventOutbox outbox_;
  storage::AutomationRepository repo_;
  storage::MessageRepository messages_;
  storage::ConversationRepository conversations_;
  storage::GuestRepository guests_;
  storage::PropertyRepository properties_;
  storage::AuditRepository audit_;
};

// A reply's text with {{guest_name}} and {{metadata.<key>}} filled in
// (unknown ones become "").
std::string FillPlaceholders(const std::string& text, const std::string& guest_name,
                             const std::map<std::string, std::string>& metadata);

}  // namespace wa::domain
