#pragma once

// The chain integration tests' fixture (chain_test.cc,
// chain_accounts_test.cc): one server, two properties (and a third that
// joins later), each on its own WhatsApp number and business account,
// against the fake Graph API serving every number with its own token.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/admin.pb.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/properties.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/common/media_samples.h"
#include "tests/fakes/fake_graph_api.h"
#include "tests/integration/media_transfer.h"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"
#include "tests/integration/wait.h"
#include "tests/integration/webhook_receiver.h"

namespace wa::testing {

namespace v1 = ::hotel::whatsapp::v1;
using Json = nlohmann::json;

inline constexpr char kAppSecret[] = "test-app-secret";
inline constexpr char kWebhookPath[] = "/api/v1/whatsapp/provider/webhook";

// The first number is the one the flags name: the `default` property's.
inline const fakes::FakeNumber kDefault{"109876543210987", "15550100200", "210987654321098",
                                        "fake-graph-access-token"};
inline const fakes::FakeNumber kParis{"109876543210999", "15550100299", "210987654321099",
                                      "paris-graph-token"};
// Paris's second number (its spa), in Paris's business account.
inline const fakes::FakeNumber kParisSpa{"109876543210998", "15550100298", "210987654321099",
                                         "paris-graph-token"};
inline const fakes::FakeNumber kLyon{"109876543210777", "15550100277", "210987654321077",
                                     "lyon-graph-token"};

inline std::string AddNumberArgs(const std::string& property, const fakes::FakeNumber& n,
                                 const std::string& token_env) {
  return absl::StrCat("properties add-number ", property, " --phone_number_id=", n.phone_number_id,
                      " --waba_id=", n.waba_id, " --display_phone_number=+", n.display_phone_number,
                      " --access_token_env=", token_env);
}

class ChainTest : public ::testing::Test {
 protected:
  void StartChain(std::vector<std::string> flags = {}) {
    int http_port = FreeLoopbackPort();
    fakes::FakeGraphApiOptions options;
    options.webhook_url = absl::StrCat("http://127.0.0.1:", http_port, kWebhookPath);
    options.app_secret = kAppSecret;
    options.more_numbers = {kParis, kParisSpa, kLyon};
    fake_ = std::make_unique<fakes::FakeGraphApi>(options);
    ASSERT_TRUE(fake_->Start());
    flags.insert(flags.end(), {"--provider=cloud", "--cloud_api_base_url=" + fake_->base_url(),
                               "--phone_number_id=" + kDefault.phone_number_id,
                               "--waba_id=" + kDefault.waba_id, "--webhook_allow_loopback=true",
                               absl::StrCat("--http_listen=127.0.0.1:", http_port)});
    server_ = std::make_unique<ServerProcess>(
        flags, ServerProcess::Env{{"WA_CLOUD_ACCESS_TOKEN", kDefault.access_token},
                                  {"PARIS_TOKEN", kParis.access_token},
                                  {"LYON_TOKEN", kLyon.access_token},
                                  {"WA_META_APP_SECRET", kAppSecret},
                                  {"WA_META_VERIFY_TOKEN", "test-verify-token"}});
    server_->Start();
    server_->Operator(AddNumberArgs("paris", kParis, "PARIS_TOKEN"));
    grpc_ = MakeGrpcSurface(server_->grpc_address());
    rest_ = MakeRestSurface(server_->http_port());
    staff_["default"] = server_->CreateToken("staff");
    staff_["paris"] = server_->CreateToken("staff", "paris");
    admin_["default"] = server_->CreateToken("admin");
    admin_["paris"] = server_->CreateToken("admin", "paris");
  }

  // A guest writes to one of the numbers through Meta.
  void GuestWrites(const std::string& wa_id, const fakes::FakeNumber& to,
                   const std::string& text = "Hi") {
    ASSERT_EQ(fake_->PostNotification(
                  fake_->InboundTextNotification(wa_id, "Guest", text, "", to.phone_number_id)),
              200);
  }

  int Conversations(const std::string& property, const std::string& wa_id) {
    v1::ListConversationsRequest request;
    request.set_guest_phone("+" + wa_id);
    v1::ListConversationsResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.ConversationsService/ListConversations", "GET", ""};
    return grpc_->Call(rpc, staff_[property], request, &response).ok ? response.conversations_size()
                                                                     : -1;
  }

  Outcome Send(const std::string& property, const std::string& wa_id,
               v1::SendMessageResponse* response, const std::string& from = "",
               Surface* surface = nullptr) {
    v1::SendMessageRequest request;
    request.set_guest_phone("+" + wa_id);
    request.mutable_content()->set_text("Your room is ready");
    request.set_from_phone_number_id(from);
    Rpc rpc{"/hotel.whatsapp.v1.MessagesService/SendMessage", "POST",
            "/api/v1/whatsapp/messages/send", true};
    return (surface ? surface : grpc_.get())->Call(rpc, staff_[property], request, response);
  }

  v1::MessageStatus StatusOf(const std::string& property, const std::string& message_id) {
    v1::GetMessageStatusRequest request;
    request.set_message_id(message_id);
    v1::MessageStatusResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.MessagesService/GetMessageStatus", "GET", ""};
    grpc_->Call(rpc, staff_[property], request, &response);
    return response.status();
  }

  // The fake's accepted sends that went to `number`'s path.
  std::vector<fakes::RecordedMessage> SentFrom(const fakes::FakeNumber& number) {
    std::vector<fakes::RecordedMessage> out;
    for (const fakes::RecordedMessage& m : fake_->AcceptedRequests()) {
      if (absl::StrContains(m.path, "/" + number.phone_number_id + "/")) out.push_back(m);
    }
    return out;
  }

  std::unique_ptr<fakes::FakeGraphApi> fake_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Surface> grpc_;
  std::unique_ptr<Surface> rest_;
  std::map<std::string, std::string> staff_;
  std::map<std::string, std::string> admin_;
};

}  // namespace wa::testing
