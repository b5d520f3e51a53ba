#include "server/api/audit_resources.h"

#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/admin.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"

namespace wa::api {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

TEST(AuditResources, TakesIdentifiersNotContent) {
  v1::SendMessageRequest request;
  request.set_guest_phone("+1234567890");
  request.set_conversation_id("conv_1");
  request.set_staff_member_id("staff_9");
  request.mutable_content()->set_text("Your room code is 4711");
  std::map<std::string, std::string> out;
  AddIdentifiers(request, &out);
  EXPECT_EQ(out, (std::map<std::string, std::string>{{"conversation_id", "conv_1"},
                                                     {"guest_phone", "+1234567890"},
                                                     {"staff_member_id", "staff_9"}}));
}

TEST(AuditResources, NeverTakesTokensOrSecrets) {
  v1::CreateTokenResponse created;
  created.set_token("wa_secret_token_value");
  created.mutable_token_info()->set_token_id("tok_1");
  created.mutable_token_info()->set_name("front desk");
  std::map<std::string, std::string> out;
  AddIdentifiers(created, &out);
  EXPECT_EQ(out,
            (std::map<std::string, std::string>{{"token_id", "tok_1"}, {"name", "front desk"}}));
  v1::ConfigureWebhookRequest configure;
  configure.set_webhook_url("https://hotel.example/hook?key=s3cret");
  configure.set_verify_token("vt-s3cret");
  out.clear();
  AddIdentifiers(configure, &out);
  EXPECT_TRUE(out.empty());
}

TEST(AuditResources, KeepsTheFirstValueOfAKey) {
  v1::SendMessageResponse response;
  response.set_message_id("msg_1");
  response.set_conversation_id("conv_new");
  v1::SendMessageRequest request;
  request.set_conversation_id("conv_asked");
  std::map<std::string, std::string> out;
  AddIdentifiers(response, &out);
  AddIdentifiers(request, &out);
  EXPECT_EQ(out.at("conversation_id"), "conv_new");
  EXPECT_EQ(out.at("message_id"), "msg_1");
}

}  // namespace
}  // namespace wa::api
