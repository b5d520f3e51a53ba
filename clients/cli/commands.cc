#include "clients/cli/commands.h"

namespace wa::cli {
namespace {

constexpr char kPackage[] = "/hotel.whatsapp.v1.";

Command Make(std::string name, const std::string& method, std::string positional,
             std::string help) {
  return {std::move(name), kPackage + method, std::move(positional), std::move(help)};
}

}  // namespace

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      Make("send", "MessagesService/SendMessage", "",
           "send a text: --guest_phone=+1234567890 --content.text='Hello' "
           "[--at=RFC3339 --valid-until=RFC3339] (--at/--valid-until on every send)"),
      Make("send-template", "TemplatesService/SendTemplateMessage", "",
           "send a template: --guest_phone --template_name --language --parameters.NAME=VALUE"),
      Make("send-media", "MessagesService/SendMediaMessage", "",
           "send media: --guest_phone --media_type=image (--media_id=med_... | --file=PATH) "
           "[--caption]"),
      Make("send-interactive", "MessagesService/SendInteractiveMessage", "",
           "send buttons or a list: --guest_phone --interactive_type=buttons --data=@content.json"),
      Make("upload", "MediaService/UploadMedia", "",
           "upload a file: --file=PATH --media_type=image"),
      Make("status", "MessagesService/GetMessageStatus", "message_id", "a message's status"),
      Make("messages", "MessagesService/ListMessages", "",
           "list sent and scheduled messages: [--status=scheduled --guest_phone "
           "--conversation_id --scheduled_before=RFC3339]"),
      Make("cancel", "MessagesService/CancelMessage", "message_id",
           "cancel a scheduled (or still queued) message: [--reason]"),
      Make("reschedule", "MessagesService/RescheduleMessage", "message_id",
           "move a scheduled message: --at=RFC3339"),
      Make("conversations", "ConversationsService/ListConversations", "",
           "list conversations: [--guest_phone --status --assigned_to --department]"),
      Make("conversation", "ConversationsService/GetConversation", "conversation_id",
           "a conversation with its messages"),
      Make("resolve", "ConversationsService/ResolveConversation", "conversation_id",
           "resolve: [--resolution_notes --satisfaction_rating=1..5 --follow_up_required]"),
      Make("analytics", "ConversationsService/GetConversationAnalytics", "conversation_id",
           "a conversation's delivery rates, response times and rating"),
      Make("templates", "TemplatesService/ListTemplates", "",
           "list templates: [--language --category]"),
      Make("template", "TemplatesService/GetTemplate", "name", "a template's details"),
      Make("submit-template", "TemplatesService/SubmitTemplate", "",
           "submit a template for review (admin): --data=@template.json"),
      Make("webhooks-configure", "WebhooksService/ConfigureWebhook", "",
           "configure the hotel's webhook (admin): --webhook_url --events=... --verify_token"),
      Make("deliveries", "WebhooksService/ListWebhookDeliveries", "", "webhook deliveries"),
      Make("batch", "MessagesService/BatchSendMessages", "",
           "send a batch from a CSV file of phone,content rows, with a progress bar: "
           "--csv=FILE [--rate_limit.messages_per_second=10] [--no-follow]"),
      Make("batch-status", "MessagesService/GetBatch", "batch_id", "a batch's progress and funnel"),
      Make("cancel-batch", "MessagesService/CancelBatch", "batch_id", "cancel a batch"),
      Make("property", "PropertiesService/GetProperty", "",
           "the token's property, its WhatsApp numbers, quiet hours and retention"),
      Make("watch", "EventsService/StreamEvents", "",
           "follow the property's events live, resuming after drops: [--events=KIND,KIND "
           "--conversation=ID --after_cursor=N] (--json: one JSON object a line)"),
      Make("events", "EventsService/ListEvents", "",
           "a page of the property's events: [--after_cursor=N --page_size=100 --events=...]"),
      Make("set-quiet-hours", "PropertiesService/UpdateProperty", "",
           "set the property's quiet hours (admin): --quiet_hours.start=21:00 "
           "--quiet_hours.end=08:00, or --data='{\"quiet_hours\": {}}' to turn them off"),
      Make("window", "ConversationsService/GetWindowStatus", "conversation_id",
           "whether free-form messages reach the guest now (the 24-hour window)"),
      Make(
          "read", "ConversationsService/MarkConversationRead", "conversation_id",
          "mark the guest's latest message read on WhatsApp: [--typing=true] also shows typing..."),
      Make("inbound", "SandboxService/SimulateInbound", "",
           "sandbox only (admin): a guest's message as if from WhatsApp: --guest_phone --text"),
      Make("rules", "AutomationService/ListRules", "",
           "the automation rules, in the order they run (admin)"),
      Make("add-rule", "AutomationService/CreateRule", "",
           "add a rule at the end (admin): --data=@rule.json, or --name "
           "--match.keywords=towel --match.keywords=toalla --match.hours=always --enabled=true "
           "(actions need --data)"),
      Make("rule", "AutomationService/GetRule", "rule_id", "one rule (admin)"),
      Make("update-rule", "AutomationService/UpdateRule", "rule_id",
           "change a rule (admin): [--enabled=false --name --data=@changes.json]"),
      Make("delete-rule", "AutomationService/DeleteRule", "rule_id", "delete a rule (admin)"),
      Make(
          "reorder-rules", "AutomationService/ReorderRules", "",
          "set the order rules run in (admin): --rule_ids=rul_a --rule_ids=rul_b ... (every rule)"),
      Make("test-rules", "AutomationService/TestRules", "",
           "dry run (admin), changes nothing: --message.text='Two more towels?' [--at=RFC3339 "
           "--message.metadata.language=es]"),
      Make("departments", "AutomationService/ListDepartments", "",
           "departments with their hours and whether each is open now (admin)"),
      Make("set-department", "AutomationService/PutDepartment", "department",
           "create or replace a department's hours (admin): --data=@hours.json"),
      Make("tokens", "AdminService/ListTokens", "", "list tokens (admin)"),
      Make("audit", "AdminService/ListAuditEvents", "",
           "the audit log (admin): [--token_id --method --since --until --page_size]"),
  };
  return *commands;
}

const Command* FindCommand(const std::string& name) {
  for (const Command& c : Commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace wa::cli
