// The errors each operation declares are the ones it answers (README,
// "When a request is refused"): every declared (RPC, error) pair is
// provoked over real HTTP against a real server, or listed with why not.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/admin.pb.h"
#include "hotel/whatsapp/v1/consent.pb.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/events.pb.h"
#include "hotel/whatsapp/v1/guest_data.pb.h"
#include "hotel/whatsapp/v1/media.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/properties.pb.h"
#include "hotel/whatsapp/v1/sandbox.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/common/media_samples.h"
#include "tests/integration/helpful_errors_fixture.h"
#include "tests/integration/media_transfer.h"
#include "tests/integration/raw_socket.h"
#include "tests/integration/server_process.h"
#include "tests/integration/wait.h"

namespace wa::testing {
namespace {

// The declarations that this test cannot provoke on its sandbox server,
// each with why and where it is provoked instead. Every other (RPC, error)
// pair the protos declare must be provoked below.
const std::map<std::string, std::string>& NotProvokedHere() {
  static const auto* reasons = new std::map<std::string, std::string>{
      {"MessagesService.SendMessage RATE_LIMIT_EXCEEDED",
       "needs a server with a tiny token budget or sender queue: RateLimitTest.*"},
      {"MessagesService.SendMediaMessage RATE_LIMIT_EXCEEDED",
       "needs a server with a tiny token budget: RateLimitTest.* (the same check as SendMessage)"},
      {"MessagesService.SendInteractiveMessage RATE_LIMIT_EXCEEDED",
       "needs a server with a tiny token budget: RateLimitTest.* (the same check as SendMessage)"},
      {"TemplatesService.SendTemplateMessage RATE_LIMIT_EXCEEDED",
       "needs a server with a tiny token budget: RateLimitTest.* (the same check as SendMessage)"},
      {"SandboxService.SimulateInbound FAILED_PRECONDITION",
       "answered under --provider=cloud only, where there is no sandbox to simulate"},
      {"EventsService.ListEvents OUT_OF_RANGE",
       "needs events past the retention: EventStreamTest.CursorOlderThanRetentionIsOutOfRange"},
      {"EventsService.StreamEvents OUT_OF_RANGE",
       "a server stream; needs events past the retention: "
       "EventStreamTest.CursorOlderThanRetentionIsOutOfRange"},
      {"EventsService.StreamEvents SUBSCRIBER_TOO_SLOW",
       "a stream whose client stops reading: "
       "EventStreamTest.SubscribersThatStopReadingCannotGrowTheServer"},
      {"EventsService.StreamEvents TOO_MANY_STREAMS",
       "needs --max_event_streams streams held open at once; not provoked by any test yet"},
  };
  return *reasons;
}

// The errors an operation's RPC declares ((hotel.whatsapp.v1.errors), which
// the OpenAPI document lists) are the ones it answers: each provocation
// below must answer its code, the code must be declared on its RPC (or be
// one every RPC can answer), and every declared pair is provoked here or
// listed in NotProvokedHere() with the reason.
TEST_F(HelpfulErrorsTest, DeclaredErrorsAreTheOnesTheOperationsAnswer) {
  GuestWrites("+15550700005");
  ASSERT_EQ(
      Post("/sandbox/inbound", {{"guest_phone", "+15550700006"}, {"text", "STOP"}}, *admin_).status,
      200);
  const std::string send = absl::StrCat(kApi, "/messages/send");
  const Json text = {{"text", "x"}};
  // A delivered message: neither cancellable nor reschedulable any more.
  Answer sent = Post("/messages/send", {{"guest_phone", "+15550700005"}, {"content", text}});
  ASSERT_EQ(sent.status, 200) << sent.body.dump();
  const std::string done = sent.body["message_id"];
  ASSERT_TRUE(WaitUntil([&] {
    std::string status = Get(absl::StrCat("/messages/", done, "/status")).body.value("status", "");
    return status == "delivered" || status == "read";
  }));
  // An uploaded image: the media sends check the media before the guest.
  hotel::whatsapp::v1::Media image;
  ASSERT_TRUE(
      UploadViaRest(server_->http_port(), *staff_, {PngBytes(16, 16), "image", "key.png"}, &image)
          .ok);
  // A conversation the guest never wrote in (opened by a template).
  const Json followup = {{"template_name", "service_followup"},
                         {"language", "en"},
                         {"parameters", {{"guest_name", "Ann"}, {"service_type", "Spa"}}}};
  Json opening = followup;
  opening["guest_phone"] = "+15550700007";
  Answer opened = Post("/templates/send", opening);
  ASSERT_EQ(opened.status, 200) << opened.body.dump();
  const std::string quiet = opened.body["conversation_id"];

  enum Role { kStaff, kAdmin, kNoToken };
  struct Provocation {
    std::string rpc;  // Service.Method
    std::string method, target;
    Json body;
    Role role;
    std::string code;
  };
  // A send's body for `guest` ("+..." a phone, else a guest_user_id) with `extra` fields.
  auto with = [](Json body, const std::string& guest, const Json& extra = Json::object()) {
    body[absl::StartsWith(guest, "+") || guest == "12" ? "guest_phone" : "guest_user_id"] = guest;
    for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = it.value();
    return body;
  };
  const Json text_send = {{"content", text}};
  const Json media_send = {{"media_id", image.media_id()}, {"media_type", "image"}};
  const Json buttons = {
      {"interactive_type", "buttons"},
      {"content", {{"text", "Choose"}, {"buttons", {{{"id", "a"}, {"title", "A"}}}}}}};
  const Json foreign = {{"from_phone_number_id", "999"}};
  const Json no_conversation = {{"conversation_id", "conv_none"}};
  std::vector<Provocation> provocations;
  // The four sends share their address, window, consent, number and
  // conversation checks: each is provoked on each.
  for (const auto& [rpc, path, base] : std::vector<std::tuple<std::string, std::string, Json>>{
           {"MessagesService.SendMessage", "/messages/send", text_send},
           {"MessagesService.SendMediaMessage", "/messages/send-media", media_send},
           {"MessagesService.SendInteractiveMessage", "/messages/send-interactive", buttons},
           {"TemplatesService.SendTemplateMessage", "/templates/send", followup}}) {
    const std::string target = absl::StrCat(kApi, path);
    provocations.push_back({rpc, "POST", target, with(base, "12"), kStaff, "INVALID_PHONE_NUMBER"});
    provocations.push_back(
        {rpc, "POST", target, with(base, "no"), kStaff, "INVALID_GUEST_USER_ID"});
    provocations.push_back(
        {rpc, "POST", target, with(base, "+15550700006"), kStaff, "GUEST_OPTED_OUT"});
    provocations.push_back(
        {rpc, "POST", target, with(base, "+15550700005", foreign), kStaff, "PERMISSION_DENIED"});
    provocations.push_back(
        {rpc, "POST", target, with(base, "+15550700005", no_conversation), kStaff, "NOT_FOUND"});
    if (rpc != "TemplatesService.SendTemplateMessage") {
      provocations.push_back(
          {rpc, "POST", target, with(base, "+15550700099"), kStaff, "MESSAGE_WINDOW_EXPIRED"});
    }
  }
  const std::string api = kApi;
  const std::string tomorrow =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() + absl::Hours(24), absl::UTCTimeZone());
  const std::vector<Provocation> more = {
      {"MessagesService.SendMediaMessage", "POST", api + "/messages/send-media",
       with({{"media_id", "med_none"}, {"media_type", "image"}}, "+15550700005"), kStaff,
       "MEDIA_NOT_FOUND"},
      {"MessagesService.BatchSendMessages",
       "POST",
       api + "/messages/batch-send",
       {{"messages", {{{"phone", "+15550700005"}, {"content", "hi"}}}},
        {"from_phone_number_id", "999"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"MessagesService.GetMessageStatus", "GET", api + "/messages/msg_none/status", nullptr,
       kStaff, "NOT_FOUND"},
      {"MessagesService.GetBatch", "GET", api + "/messages/batches/batch_none", nullptr, kStaff,
       "NOT_FOUND"},
      {"MessagesService.CancelBatch", "POST", api + "/messages/batches/batch_none/cancel",
       Json::object(), kStaff, "NOT_FOUND"},
      {"MessagesService.CancelMessage", "POST", api + "/messages/msg_none/cancel", Json::object(),
       kStaff, "NOT_FOUND"},
      {"MessagesService.CancelMessage", "POST", api + "/messages/" + done + "/cancel",
       Json::object(), kStaff, "FAILED_PRECONDITION"},
      {"MessagesService.RescheduleMessage",
       "POST",
       api + "/messages/msg_none/reschedule",
       {{"send_at", tomorrow}},
       kStaff,
       "NOT_FOUND"},
      {"MessagesService.RescheduleMessage",
       "POST",
       api + "/messages/" + done + "/reschedule",
       {{"send_at", tomorrow}},
       kStaff,
       "FAILED_PRECONDITION"},
      {"MessagesService.ListMessages", "GET", api + "/messages?guest_phone=abc", nullptr, kStaff,
       "INVALID_PHONE_NUMBER"},
      {"TemplatesService.SendTemplateMessage",
       "POST",
       api + "/templates/send",
       {{"guest_phone", "+15550700005"}, {"template_name", "nope"}, {"language", "en"}},
       kStaff,
       "TEMPLATE_NOT_FOUND"},
      {"TemplatesService.GetTemplate", "GET", api + "/templates/nope", nullptr, kStaff,
       "TEMPLATE_NOT_FOUND"},
      {"TemplatesService.SubmitTemplate",
       "POST",
       api + "/templates",
       {{"name", "service_followup"},
        {"category", "UTILITY"},
        {"language", "en"},
        {"components", {{{"type", "BODY"}, {"text", "Hello there, how was your stay with us?"}}}}},
       kStaff,
       "PERMISSION_DENIED"},
      {"TemplatesService.SubmitTemplate",
       "POST",
       api + "/templates",
       {{"name", "service_followup"},
        {"category", "UTILITY"},
        {"language", "en"},
        {"components", {{{"type", "BODY"}, {"text", "Hello there, how was your stay with us?"}}}}},
       kAdmin,
       "ALREADY_EXISTS"},
      {"TemplatesService.SyncTemplates", "POST", api + "/templates/sync", Json::object(), kStaff,
       "PERMISSION_DENIED"},
      {"MediaService.GetMedia", "GET", api + "/media/med_none", nullptr, kStaff, "MEDIA_NOT_FOUND"},
      {"ConversationsService.GetConversation", "GET", api + "/conversations/c_none", nullptr,
       kStaff, "NOT_FOUND"},
      {"ConversationsService.GetWindowStatus", "GET", api + "/conversations/c_none/window-status",
       nullptr, kStaff, "NOT_FOUND"},
      {"ConversationsService.GetConversationAnalytics", "GET",
       api + "/conversations/c_none/analytics", nullptr, kStaff, "NOT_FOUND"},
      {"ConversationsService.ResolveConversation", "POST", api + "/conversations/c_none/resolve",
       Json::object(), kStaff, "NOT_FOUND"},
      {"ConversationsService.AssignConversation",
       "POST",
       api + "/conversations/c_none/assign",
       {{"department", "spa"}},
       kStaff,
       "NOT_FOUND"},
      {"ConversationsService.UpdateConversationMetadata",
       "POST",
       api + "/conversations/c_none/metadata",
       {{"metadata", {{"room", "12"}}}},
       kStaff,
       "NOT_FOUND"},
      {"ConversationsService.MarkConversationRead", "POST", api + "/conversations/c_none/read",
       Json::object(), kStaff, "NOT_FOUND"},
      {"ConversationsService.MarkConversationRead", "POST",
       api + "/conversations/" + quiet + "/read", Json::object(), kStaff, "FAILED_PRECONDITION"},
      {"ConversationsService.ListConversations", "GET", api + "/conversations?guest_phone=abc",
       nullptr, kStaff, "INVALID_PHONE_NUMBER"},
      {"ConversationsService.ListConversations", "GET", api + "/conversations?guest_user_id=no",
       nullptr, kStaff, "INVALID_GUEST_USER_ID"},
      {"WebhooksService.ConfigureWebhook",
       "POST",
       api + "/webhooks/configure",
       {{"webhook_url", "https://example.invalid/h"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"WebhooksService.GetWebhookConfig", "GET", api + "/webhooks/config", nullptr, kStaff,
       "PERMISSION_DENIED"},
      {"WebhooksService.RotateWebhookSecret", "POST", api + "/webhooks/rotate-secret",
       Json::object(), kStaff, "PERMISSION_DENIED"},
      {"WebhooksService.ListWebhookDeliveries", "GET", api + "/webhooks/deliveries", nullptr,
       kStaff, "PERMISSION_DENIED"},
      {"WebhooksService.GetWebhookDelivery", "GET", api + "/webhooks/deliveries/evt_none", nullptr,
       kStaff, "PERMISSION_DENIED"},
      {"WebhooksService.GetWebhookDelivery", "GET", api + "/webhooks/deliveries/evt_none", nullptr,
       kAdmin, "NOT_FOUND"},
      {"WebhooksService.ReplayWebhookDelivery", "POST",
       api + "/webhooks/deliveries/evt_none/replay", Json::object(), kStaff, "PERMISSION_DENIED"},
      {"WebhooksService.ReplayWebhookDelivery", "POST",
       api + "/webhooks/deliveries/evt_none/replay", Json::object(), kAdmin, "NOT_FOUND"},
      {"WebhooksService.ReplayDeadLetters", "POST", api + "/webhooks/deliveries/replay",
       Json::object(), kStaff, "PERMISSION_DENIED"},
      {"WebhooksService.SendTestWebhook", "POST", api + "/webhooks/test", Json::object(), kStaff,
       "PERMISSION_DENIED"},
      // No webhook is configured on this server (the configure above is refused).
      {"WebhooksService.SendTestWebhook", "POST", api + "/webhooks/test", Json::object(), kAdmin,
       "FAILED_PRECONDITION"},
      {"AdminService.ListAuditEvents", "GET", api + "/admin/audit", nullptr, kStaff,
       "PERMISSION_DENIED"},
      {"AdminService.CreateToken",
       "POST",
       api + "/admin/tokens",
       {{"name", "x"}, {"role", "staff"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"AdminService.ListTokens", "GET", api + "/admin/tokens", nullptr, kStaff,
       "PERMISSION_DENIED"},
      {"AdminService.RevokeToken", "DELETE", api + "/admin/tokens/tok_none", nullptr, kStaff,
       "PERMISSION_DENIED"},
      {"AdminService.RevokeToken", "DELETE", api + "/admin/tokens/tok_none", nullptr, kAdmin,
       "NOT_FOUND"},
      {"ConsentService.GetGuestConsent", "GET", api + "/guests/%2B15550700005/consent", nullptr,
       kStaff, "PERMISSION_DENIED"},
      {"ConsentService.GetGuestConsent", "GET", api + "/guests/12/consent", nullptr, kAdmin,
       "INVALID_PHONE_NUMBER"},
      {"ConsentService.SetGuestConsent",
       "POST",
       api + "/guests/%2B15550700005/consent",
       {{"opted_in", true}, {"reason", "asked at the desk"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"ConsentService.SetGuestConsent",
       "POST",
       api + "/guests/12/consent",
       {{"opted_in", true}, {"reason", "asked at the desk"}},
       kAdmin,
       "INVALID_PHONE_NUMBER"},
      {"SandboxService.SimulateInbound",
       "POST",
       api + "/sandbox/inbound",
       {{"guest_phone", "12"}, {"text", "x"}},
       kAdmin,
       "INVALID_PHONE_NUMBER"},
      {"SandboxService.SimulateInbound",
       "POST",
       api + "/sandbox/inbound",
       {{"guest_phone", "+15550700008"}, {"text", "x"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"PropertiesService.UpdateProperty",
       "PATCH",
       api + "/property",
       {{"quiet_hours", {{"start", "22:00"}, {"end", "07:00"}}}},
       kStaff,
       "PERMISSION_DENIED"},
      {"PropertiesService.UpdateRetention",
       "PATCH",
       api + "/property/retention",
       {{"media_days", 10}},
       kStaff,
       "PERMISSION_DENIED"},
      {"GuestDataService.EraseGuest",
       "POST",
       api + "/guests/%2B15550700005/erase",
       {{"reason", "asked"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"GuestDataService.EraseGuest",
       "POST",
       api + "/guests/12/erase",
       {{"reason", "asked"}},
       kAdmin,
       "INVALID_PHONE_NUMBER"},
      {"GuestDataService.EraseGuest",
       "POST",
       api + "/guests/-/erase",
       {{"reason", "asked"}, {"guest_user_id", "no"}},
       kAdmin,
       "INVALID_GUEST_USER_ID"},
      {"GuestDataService.ExportGuest", "GET", api + "/guests/%2B15550700005/export", nullptr,
       kStaff, "PERMISSION_DENIED"},
      {"GuestDataService.ExportGuest", "GET", api + "/guests/12/export", nullptr, kAdmin,
       "INVALID_PHONE_NUMBER"},
      {"GuestDataService.ExportGuest", "GET", api + "/guests/-/export?guest_user_id=no", nullptr,
       kAdmin, "INVALID_GUEST_USER_ID"},
      // One every RPC can answer: a missing token.
      {"MessagesService.SendMessage",
       "POST",
       send,
       {{"content", text}},
       kNoToken,
       "UNAUTHENTICATED"},
  };
  provocations.insert(provocations.end(), more.begin(), more.end());
  // Every service's descriptors in the generated pool: link each file in.
  for (const auto* d : {hotel::whatsapp::v1::SendMessageRequest::descriptor(),
                        hotel::whatsapp::v1::GetTemplateRequest::descriptor(),
                        hotel::whatsapp::v1::GetMediaRequest::descriptor(),
                        hotel::whatsapp::v1::GetConversationRequest::descriptor(),
                        hotel::whatsapp::v1::ConfigureWebhookRequest::descriptor(),
                        hotel::whatsapp::v1::ListTokensRequest::descriptor(),
                        hotel::whatsapp::v1::SimulateInboundRequest::descriptor(),
                        hotel::whatsapp::v1::GetGuestConsentRequest::descriptor(),
                        hotel::whatsapp::v1::ListEventsRequest::descriptor(),
                        hotel::whatsapp::v1::EraseGuestRequest::descriptor(),
                        hotel::whatsapp::v1::UpdateRetentionRequest::descriptor()}) {
    ASSERT_NE(d, nullptr);
  }
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  std::set<std::string> provoked;
  for (const Provocation& p : provocations) {
    SCOPED_TRACE(p.rpc + " " + p.code + " " + p.target);
    const std::string token = p.role == kNoToken ? "wat_wrong"
                              : p.role == kAdmin ? *admin_
                                                 : *staff_;
    Answer a = Call(p.method, p.target, p.body, token);
    EXPECT_EQ(a.body["error"].value("code", ""), p.code) << a.body.dump();
    const auto* method = pool->FindMethodByName("hotel.whatsapp.v1." + p.rpc);
    ASSERT_NE(method, nullptr);
    const auto& declared = method->options().GetRepeatedExtension(hotel::whatsapp::v1::errors);
    const bool common = p.code == "UNAUTHENTICATED" || p.code == "INVALID_ARGUMENT";
    EXPECT_TRUE(common || std::find(declared.begin(), declared.end(), p.code) != declared.end())
        << p.code << " is answered by " << p.rpc << " but not declared on it";
    provoked.insert(p.rpc + " " + p.code);
  }
  // An upload (multipart, so not through Call): text declared as an image.
  {
    hotel::whatsapp::v1::Media refused;
    Outcome upload = UploadViaRest(server_->http_port(), *staff_,
                                   {"just some words, not a picture", "image", "a.png"}, &refused);
    EXPECT_EQ(upload.error.code(), "MEDIA_UPLOAD_FAILED") << upload.raw_body;
    provoked.insert("MediaService.UploadMedia MEDIA_UPLOAD_FAILED");
  }
  // Every declaration is provoked above or listed with its reason.
  int declarations = 0;
  for (const char* service :
       {"MessagesService", "TemplatesService", "MediaService", "ConversationsService",
        "WebhooksService", "AdminService", "ConsentService", "SandboxService", "PropertiesService",
        "EventsService", "GuestDataService"}) {
    const auto* s = pool->FindServiceByName(absl::StrCat("hotel.whatsapp.v1.", service));
    ASSERT_NE(s, nullptr) << service;
    for (int i = 0; i < s->method_count(); ++i) {
      for (const std::string& code :
           s->method(i)->options().GetRepeatedExtension(hotel::whatsapp::v1::errors)) {
        ++declarations;
        const std::string key = absl::StrCat(service, ".", s->method(i)->name(), " ", code);
        EXPECT_TRUE(provoked.contains(key) || NotProvokedHere().contains(key))
            << key << " is declared but neither provoked here nor listed in NotProvokedHere()";
      }
    }
  }
  for (const auto& [key, reason] : NotProvokedHere()) {
    EXPECT_FALSE(provoked.contains(key)) << key << " is provoked here: take it off the list";
  }
  std::cout << provoked.size() - 1 << " of " << declarations
            << " declared errors provoked here; the others:\n";
  for (const auto& [key, reason] : NotProvokedHere())
    std::cout << "  " << key << ": " << reason << "\n";
}

}  // namespace
}  // namespace wa::testing
