// Every RPC of every service in our protos, found in the descriptor pool
// (so a new RPC cannot be forgotten), refuses a missing, malformed, unknown
// and revoked token; admin-only RPCs refuse a staff token; no other RPC
// does. Streaming RPCs are called like the unary ones: one request message.
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/admin.grpc.pb.h"
#include "tests/integration/server_process.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// Operations that need an admin token. An RPC missing here that refuses
// staff, or listed here and serving staff, fails the test.
const std::set<std::string>& AdminOnly() {
  static const auto* names = new std::set<std::string>{
      "hotel.whatsapp.v1.AdminService.CreateToken",
      "hotel.whatsapp.v1.AdminService.ListTokens",
      "hotel.whatsapp.v1.AdminService.RevokeToken",
      "hotel.whatsapp.v1.ConsentService.GetGuestConsent",
      "hotel.whatsapp.v1.ConsentService.SetGuestConsent",
      "hotel.whatsapp.v1.SandboxService.SimulateInbound",
      "hotel.whatsapp.v1.TemplatesService.SubmitTemplate",
      "hotel.whatsapp.v1.TemplatesService.SyncTemplates",
      "hotel.whatsapp.v1.WebhooksService.ConfigureWebhook",
      "hotel.whatsapp.v1.WebhooksService.GetWebhookConfig",
      "hotel.whatsapp.v1.WebhooksService.GetWebhookDelivery",
      "hotel.whatsapp.v1.WebhooksService.ListWebhookDeliveries",
      "hotel.whatsapp.v1.WebhooksService.ReplayDeadLetters",
      "hotel.whatsapp.v1.WebhooksService.ReplayWebhookDelivery",
      "hotel.whatsapp.v1.WebhooksService.RotateWebhookSecret",
      "hotel.whatsapp.v1.WebhooksService.SendTestWebhook",
  };
  return *names;
}

// Meta's callbacks are signed by Meta (X-Hub-Signature-256), not by our tokens.
bool SignedByMeta(const google::protobuf::ServiceDescriptor* service) {
  return service->full_name() == "hotel.whatsapp.v1.ProviderCallbacksService";
}

// The contract's services, read from the descriptor set the build makes of
// every .proto it compiles.
const google::protobuf::DescriptorPool& ContractPool() {
  static const auto* pool = [] {
    google::protobuf::FileDescriptorSet set;
    std::ifstream in(WA_CONTRACT_DESCRIPTORS, std::ios::binary);
    EXPECT_TRUE(set.ParseFromIstream(&in)) << WA_CONTRACT_DESCRIPTORS;
    auto* built = new google::protobuf::DescriptorPool();
    for (const auto& file : set.file()) EXPECT_NE(built->BuildFile(file), nullptr) << file.name();
    return built;
  }();
  return *pool;
}

std::vector<const google::protobuf::MethodDescriptor*> AllMethods() {
  google::protobuf::FileDescriptorSet set;
  std::ifstream in(WA_CONTRACT_DESCRIPTORS, std::ios::binary);
  set.ParseFromIstream(&in);
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const auto& proto : set.file()) {
    if (!absl::StartsWith(proto.name(), "hotel/")) continue;
    const google::protobuf::FileDescriptor* fd = ContractPool().FindFileByName(proto.name());
    for (int s = 0; fd != nullptr && s < fd->service_count(); ++s) {
      if (SignedByMeta(fd->service(s))) continue;
      for (int m = 0; m < fd->service(s)->method_count(); ++m) {
        methods.push_back(fd->service(s)->method(m));
      }
    }
  }
  return methods;
}

// Calls `method` with one empty request message, whatever its streaming.
grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel,
                  const google::protobuf::MethodDescriptor* method,
                  const std::string& authorization) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  grpc::CompletionQueue cq;
  std::string path = absl::StrCat("/", method->service()->full_name(), "/", method->name());
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, path, &cq);
  void* tag;
  bool ok;
  auto step = [&](int id) {
    cq.Next(&tag, &ok);
    EXPECT_EQ(tag, reinterpret_cast<void*>(id));
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  if (step(1)) {
    grpc::Slice empty;
    grpc::ByteBuffer request(&empty, 1);
    call->Write(request, reinterpret_cast<void*>(2));
    if (step(2)) {
      call->WritesDone(reinterpret_cast<void*>(3));
      step(3);
    }
    grpc::ByteBuffer response;
    call->Read(&response, reinterpret_cast<void*>(4));
    while (step(4)) call->Read(&response, reinterpret_cast<void*>(4));
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

class AuthCoverageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    server_->Start();
    admin_ = new std::string(server_->CreateToken("admin"));
    staff_ = new std::string(server_->CreateToken("staff"));
    auto channel = grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials());
    // A token made and revoked through the API.
    v1::AdminService::Stub admin_stub(channel);
    grpc::ClientContext create_context;
    create_context.AddMetadata("authorization", "Bearer " + *admin_);
    v1::CreateTokenRequest create;
    create.set_name("soon-revoked");
    create.set_role(v1::ROLE_ADMIN);
    v1::CreateTokenResponse created;
    ASSERT_TRUE(admin_stub.CreateToken(&create_context, create, &created).ok());
    grpc::ClientContext revoke_context;
    revoke_context.AddMetadata("authorization", "Bearer " + *admin_);
    v1::RevokeTokenRequest revoke;
    revoke.set_token_id(created.token_info().token_id());
    v1::TokenInfo revoked;
    ASSERT_TRUE(admin_stub.RevokeToken(&revoke_context, revoke, &revoked).ok());
    revoked_ = new std::string(created.token());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete admin_;
    delete staff_;
    delete revoked_;
  }

  std::shared_ptr<grpc::Channel> Channel() {
    return grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials());
  }

  static inline ServerProcess* server_ = nullptr;
  static inline std::string* admin_ = nullptr;
  static inline std::string* staff_ = nullptr;
  static inline std::string* revoked_ = nullptr;
};

TEST_F(AuthCoverageTest, EveryRpcRefusesCallersWithoutAValidToken) {
  std::vector<const google::protobuf::MethodDescriptor*> methods = AllMethods();
  ASSERT_GE(methods.size(), 25u);
  auto channel = Channel();
  for (const auto* method : methods) {
    for (const std::string& authorization :
         {std::string(), std::string("Bearer"), std::string("Basic dXNlcjpwYXNz"),
          std::string("Bearer wat_not-a-token-we-made"), "Bearer " + *revoked_}) {
      grpc::Status status = Call(channel, method, authorization);
      EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED)
          << method->full_name() << " with '" << authorization.substr(0, 20)
          << "': " << status.error_message();
    }
  }
}

TEST_F(AuthCoverageTest, AdminOnlyRpcsRefuseStaffAndNoOthersDo) {
  auto channel = Channel();
  std::set<std::string> seen;
  for (const auto* method : AllMethods()) {
    seen.insert(method->full_name());
    grpc::Status status = Call(channel, method, "Bearer " + *staff_);
    if (AdminOnly().count(method->full_name())) {
      EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED) << method->full_name();
    } else {
      EXPECT_NE(status.error_code(), grpc::PERMISSION_DENIED)
          << method->full_name() << " refuses staff: list it as admin-only if it should";
      EXPECT_NE(status.error_code(), grpc::UNAUTHENTICATED) << method->full_name();
    }
  }
  for (const std::string& name : AdminOnly()) EXPECT_TRUE(seen.count(name)) << name;
}

}  // namespace
}  // namespace wa::testing
