// The audit log: every admin-only call and every send is recorded with who
// (token), what (method and ids), when and the outcome, durably, and an
// admin reads their own property's log over gRPC and REST.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/admin.grpc.pb.h"
#include "hotel/whatsapp/v1/audit.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/sandbox.pb.h"
#include "tests/integration/contract_methods.h"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr char kApi[] = "/api/v1/whatsapp";

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

Rpc AuditRpc(const v1::ListAuditEventsRequest& r) {
  std::string query = absl::StrCat("?page_size=", r.page_size());
  if (!r.token_id().empty()) absl::StrAppend(&query, "&token_id=", r.token_id());
  if (!r.method().empty()) absl::StrAppend(&query, "&method=", r.method());
  if (!r.page_token().empty()) absl::StrAppend(&query, "&page_token=", r.page_token());
  if (r.has_since()) {
    absl::StrAppend(
        &query, "&since=",
        Rfc3339(absl::FromUnixSeconds(r.since().seconds()) + absl::Nanoseconds(r.since().nanos())));
  }
  return {"/hotel.whatsapp.v1.AdminService/ListAuditEvents", "GET",
          absl::StrCat(kApi, "/admin/audit", query)};
}

Rpc SendRpc() {
  return {"/hotel.whatsapp.v1.MessagesService/SendMessage", "POST",
          absl::StrCat(kApi, "/messages/send"), true};
}
Rpc InboundRpc() {
  return {"/hotel.whatsapp.v1.SandboxService/SimulateInbound", "POST",
          absl::StrCat(kApi, "/sandbox/inbound"), true};
}
Rpc CreateTokenRpc() {
  return {"/hotel.whatsapp.v1.AdminService/CreateToken", "POST",
          absl::StrCat(kApi, "/admin/tokens"), true};
}
Rpc StatusRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.MessagesService/GetMessageStatus", "GET",
          absl::StrCat(kApi, "/messages/", id, "/status")};
}

// The id of the token named `name` (ServerProcess names them it-<role>).
std::string TokenId(const std::string& grpc_address, const std::string& admin,
                    const std::string& name) {
  auto channel = grpc::CreateChannel(grpc_address, grpc::InsecureChannelCredentials());
  v1::AdminService::Stub stub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + admin);
  v1::ListTokensResponse tokens;
  EXPECT_TRUE(stub.ListTokens(&context, v1::ListTokensRequest(), &tokens).ok());
  for (const auto& t : tokens.tokens()) {
    if (t.name() == name) return t.token_id();
  }
  return "";
}

// Every event the filter matches, over every page.
std::vector<v1::AuditEvent> AllEvents(Surface& surface, const std::string& admin,
                                      v1::ListAuditEventsRequest request) {
  std::vector<v1::AuditEvent> events;
  for (int pages = 0; pages < 100; ++pages) {
    v1::ListAuditEventsResponse page;
    Outcome outcome = surface.Call(AuditRpc(request), admin, request, &page);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    if (!outcome.ok) break;
    events.insert(events.end(), page.events().begin(), page.events().end());
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return events;
}

class AuditTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    server_->Start();
  }
  static void TearDownTestSuite() { delete server_; }

  void SetUp() override {
    surface_ = GetParam() == "grpc" ? MakeGrpcSurface(server_->grpc_address())
                                    : MakeRestSurface(server_->http_port());
    property_ = absl::StrCat("audit", ++properties_, "_", GetParam());
    admin_ = server_->CreateToken("admin", property_);
    staff_ = server_->CreateToken("staff", property_);
    admin_id_ = TokenId(server_->grpc_address(), admin_, "it-admin");
    staff_id_ = TokenId(server_->grpc_address(), admin_, "it-staff");
  }

  static inline ServerProcess* server_ = nullptr;
  static inline int properties_ = 0;
  std::unique_ptr<Surface> surface_;
  std::string property_, admin_, staff_, admin_id_, staff_id_;
};

TEST_P(AuditTest, SendsAndAdminActionsAreLoggedWithWhoWhatWhenAndOutcome) {
  absl::Time before = absl::Now();
  v1::SimulateInboundRequest inbound;
  inbound.set_guest_phone("+14155550100");
  inbound.set_text("Hello");
  v1::SimulateInboundResponse inbound_answer;
  ASSERT_TRUE(surface_->Call(InboundRpc(), admin_, inbound, &inbound_answer).ok);

  v1::SendMessageRequest send;
  send.set_guest_phone("+14155550100");
  send.set_message_type(v1::MESSAGE_TYPE_TEXT);
  send.mutable_content()->set_text("Your door code is 4711");
  send.set_staff_member_id("staff_456");
  v1::SendMessageResponse sent;
  Outcome ok = surface_->Call(SendRpc(), staff_, send, &sent);
  ASSERT_TRUE(ok.ok) << ok.raw_body;
  send.set_guest_phone("+0123");
  v1::SendMessageResponse refused;
  EXPECT_FALSE(surface_->Call(SendRpc(), staff_, send, &refused).ok);
  v1::GetMessageStatusRequest status_request;  // a read: not audited
  status_request.set_message_id(sent.message_id());
  v1::MessageStatusResponse status;
  EXPECT_TRUE(surface_->Call(StatusRpc(sent.message_id()), staff_, status_request, &status).ok);
  v1::CreateTokenRequest create;
  create.set_name("sneaky");
  create.set_role(v1::ROLE_ADMIN);
  v1::CreateTokenResponse created;
  EXPECT_FALSE(surface_->Call(CreateTokenRpc(), staff_, create, &created).ok);
  absl::Time after = absl::Now();

  v1::ListAuditEventsRequest by_staff;
  by_staff.set_token_id(staff_id_);
  std::vector<v1::AuditEvent> events = AllEvents(*surface_, admin_, by_staff);
  ASSERT_EQ(events.size(), 3u);
  // Newest first.
  EXPECT_EQ(events[0].method(), "hotel.whatsapp.v1.AdminService.CreateToken");
  EXPECT_EQ(events[0].code(), "PERMISSION_DENIED");
  EXPECT_EQ(events[0].grpc_code(), 7);
  EXPECT_EQ(events[0].resources().at("name"), "sneaky");
  EXPECT_EQ(events[1].method(), "hotel.whatsapp.v1.MessagesService.SendMessage");
  EXPECT_EQ(events[1].code(), "INVALID_PHONE_NUMBER");
  EXPECT_FALSE(events[1].error_message().empty());
  const v1::AuditEvent& sent_event = events[2];
  EXPECT_EQ(sent_event.method(), "hotel.whatsapp.v1.MessagesService.SendMessage");
  EXPECT_EQ(sent_event.code(), "OK");
  EXPECT_EQ(sent_event.grpc_code(), 0);
  EXPECT_EQ(sent_event.token_id(), staff_id_);
  EXPECT_EQ(sent_event.role(), v1::ROLE_STAFF);
  EXPECT_EQ(sent_event.resources().at("message_id"), sent.message_id());
  EXPECT_EQ(sent_event.resources().at("conversation_id"), sent.conversation_id());
  EXPECT_EQ(sent_event.resources().at("guest_phone"), "+14155550100");
  EXPECT_EQ(sent_event.resources().at("staff_member_id"), "staff_456");
  absl::Time at = absl::FromUnixSeconds(sent_event.occurred_at().seconds()) +
                  absl::Nanoseconds(sent_event.occurred_at().nanos());
  EXPECT_GE(at, before - absl::Milliseconds(1));
  EXPECT_LE(at, after);
  EXPECT_GT(events[0].sequence(), events[1].sequence());
  for (const v1::AuditEvent& e : events) {
    for (const auto& [key, value] : e.resources()) {
      EXPECT_EQ(value.find("4711"), std::string::npos) << key << ": message text in the log";
    }
  }

  v1::ListAuditEventsRequest by_admin;
  by_admin.set_token_id(admin_id_);
  by_admin.set_method("SimulateInbound");
  std::vector<v1::AuditEvent> admin_events = AllEvents(*surface_, admin_, by_admin);
  ASSERT_EQ(admin_events.size(), 1u);
  EXPECT_EQ(admin_events[0].resources().at("message_id"), inbound_answer.message().message_id());
  EXPECT_EQ(admin_events[0].role(), v1::ROLE_ADMIN);

  v1::ListAuditEventsRequest since_after;
  since_after.set_token_id(staff_id_);
  since_after.mutable_since()->set_seconds(absl::ToUnixSeconds(after) + 1);
  EXPECT_TRUE(AllEvents(*surface_, admin_, since_after).empty());
}

TEST_P(AuditTest, OnlyAdminsReadTheirOwnPropertysLogPageByPage) {
  for (int i = 0; i < 5; ++i) {
    v1::SimulateInboundRequest inbound;
    inbound.set_guest_phone(absl::StrCat("+1415555020", i));
    inbound.set_text("Hello");
    v1::SimulateInboundResponse answer;
    ASSERT_TRUE(surface_->Call(InboundRpc(), admin_, inbound, &answer).ok);
  }
  v1::ListAuditEventsRequest request;
  request.set_method("SimulateInbound");
  request.set_page_size(2);
  std::vector<v1::AuditEvent> events = AllEvents(*surface_, admin_, request);
  ASSERT_EQ(events.size(), 5u);
  std::set<int64_t> sequences;
  for (const auto& e : events) sequences.insert(e.sequence());
  EXPECT_EQ(sequences.size(), 5u);

  std::string other_admin = server_->CreateToken("admin", property_ + "_other");
  EXPECT_TRUE(AllEvents(*surface_, other_admin, request).empty());

  v1::ListAuditEventsResponse page;
  Outcome staff = surface_->Call(AuditRpc(request), staff_, request, &page);
  EXPECT_EQ(staff.grpc_code, grpc::PERMISSION_DENIED);
  request.set_page_token("not-a-token");
  Outcome bad = surface_->Call(AuditRpc(request), admin_, request, &page);
  EXPECT_EQ(bad.grpc_code, grpc::INVALID_ARGUMENT);
  EXPECT_EQ(bad.error.code(), "INVALID_ARGUMENT");
  if (GetParam() == "rest") EXPECT_EQ(bad.http_status, 400);
}

INSTANTIATE_TEST_SUITE_P(Surfaces, AuditTest, ::testing::Values("grpc", "rest"));

// Which RPCs are audited follows from the contract, not a list: each
// admin-only RPC and each RPC marked (audited) = true, and no other.
TEST(AuditCoverageTest, EveryAdminOnlyAndEveryMarkedRpcIsAuditedAndNoOther) {
  ServerProcess server;
  server.Start();
  std::string admin = server.CreateToken("admin");
  auto channel = grpc::CreateChannel(server.grpc_address(), grpc::InsecureChannelCredentials());
  std::set<std::string> expected = AdminOnly();
  for (const auto* method : AllMethods()) {
    const google::protobuf::MethodDescriptor* generated =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(method->full_name());
    ASSERT_NE(generated, nullptr) << method->full_name();
    if (generated->options().GetExtension(v1::audited)) expected.insert(method->full_name());
    CallWithEmptyRequest(channel, method, "Bearer " + admin);
  }
  EXPECT_GE(expected.size(), AdminOnly().size() + 6);  // the sends and CancelBatch
  std::unique_ptr<Surface> surface = MakeGrpcSurface(server.grpc_address());
  std::set<std::string> audited;
  for (const v1::AuditEvent& e : AllEvents(*surface, admin, v1::ListAuditEventsRequest())) {
    audited.insert(e.method());
  }
  EXPECT_EQ(audited, expected);
}

// An answered call is in the log, even if the server dies right after.
TEST(AuditCoverageTest, AnsweredCallsSurviveAKill) {
  ServerProcess server;
  server.Start();
  std::string admin = server.CreateToken("admin");
  v1::SimulateInboundRequest inbound;
  inbound.set_guest_phone("+14155550300");
  inbound.set_text("Hello");
  v1::SimulateInboundResponse answer;
  ASSERT_TRUE(
      MakeGrpcSurface(server.grpc_address())->Call(InboundRpc(), admin, inbound, &answer).ok);
  server.Kill();
  server.Start();
  std::unique_ptr<Surface> surface = MakeRestSurface(server.http_port());
  v1::ListAuditEventsRequest request;
  request.set_method("SimulateInbound");
  std::vector<v1::AuditEvent> events = AllEvents(*surface, admin, request);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].resources().at("message_id"), answer.message().message_id());
}

}  // namespace
}  // namespace wa::testing
