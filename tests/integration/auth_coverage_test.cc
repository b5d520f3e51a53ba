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
#include "tests/integration/contract_methods.h"
#include "tests/integration/server_process.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

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
      grpc::Status status = CallWithEmptyRequest(channel, method, authorization);
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
    grpc::Status status = CallWithEmptyRequest(channel, method, "Bearer " + *staff_);
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
