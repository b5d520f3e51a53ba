#include "gateway/route_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "hotel/whatsapp/v1/conversations.grpc.pb.h"
#include "hotel/whatsapp/v1/guest_data.grpc.pb.h"
#include "hotel/whatsapp/v1/media.grpc.pb.h"
#include "hotel/whatsapp/v1/messages.grpc.pb.h"
#include "hotel/whatsapp/v1/templates.grpc.pb.h"

namespace wa::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

RouteTable ProjectRoutes() {
  absl::StatusOr<RouteTable> table = RouteTable::Build({
      "hotel.whatsapp.v1.MessagesService",
      "hotel.whatsapp.v1.ConversationsService",
      "hotel.whatsapp.v1.TemplatesService",
      "hotel.whatsapp.v1.MediaService",
  });
  EXPECT_TRUE(table.ok()) << table.status();
  return *std::move(table);
}

TEST(RouteTableTest, FindsBodyRoute) {
  RouteTable table = ProjectRoutes();
  RouteLookup r = table.Lookup("POST", "/api/v1/whatsapp/messages/send");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->method->full_name(), "hotel.whatsapp.v1.MessagesService.SendMessage");
  EXPECT_EQ(r.route->grpc_path, "/hotel.whatsapp.v1.MessagesService/SendMessage");
  EXPECT_EQ(r.route->body, "*");
  EXPECT_FALSE(r.route->streaming);
  EXPECT_TRUE(r.bindings.empty());
}

TEST(RouteTableTest, BindsPathVariables) {
  RouteTable table = ProjectRoutes();
  RouteLookup r = table.Lookup("GET", "/api/v1/whatsapp/conversations/conv_abc123/window-status");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->method->name(), "GetWindowStatus");
  EXPECT_EQ(r.route->body, "");
  EXPECT_THAT(r.bindings, ElementsAre(Pair("conversation_id", "conv_abc123")));

  r = table.Lookup("GET", "/api/v1/whatsapp/conversations/conv_abc123");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->method->name(), "GetConversation");

  r = table.Lookup("GET", "/api/v1/whatsapp/conversations");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->method->name(), "ListConversations");
}

TEST(RouteTableTest, HttpMethodSelectsBetweenLiteralAndVariable) {
  RouteTable table = ProjectRoutes();
  RouteLookup post = table.Lookup("POST", "/api/v1/whatsapp/templates/send");
  ASSERT_EQ(post.result, RouteLookup::Result::kFound);
  EXPECT_EQ(post.route->method->name(), "SendTemplateMessage");

  RouteLookup get = table.Lookup("GET", "/api/v1/whatsapp/templates/send");
  ASSERT_EQ(get.result, RouteLookup::Result::kFound);
  EXPECT_EQ(get.route->method->name(), "GetTemplate");
  EXPECT_THAT(get.bindings, ElementsAre(Pair("name", "send")));
}

TEST(RouteTableTest, HeadIsLookedUpAsGet) {
  RouteTable table = ProjectRoutes();
  RouteLookup r = table.Lookup("HEAD", "/api/v1/whatsapp/templates");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->method->name(), "ListTemplates");
}

TEST(RouteTableTest, UnknownPathIsNotFound) {
  RouteTable table = ProjectRoutes();
  EXPECT_EQ(table.Lookup("GET", "/api/v1/whatsapp/nothing").result,
            RouteLookup::Result::kNoSuchPath);
  EXPECT_EQ(table.Lookup("GET", "/").result, RouteLookup::Result::kNoSuchPath);
}

TEST(RouteTableTest, KnownPathWithWrongMethodListsAllowedMethods) {
  RouteTable table = ProjectRoutes();
  RouteLookup r = table.Lookup("DELETE", "/api/v1/whatsapp/messages/send");
  EXPECT_EQ(r.result, RouteLookup::Result::kMethodNotAllowed);
  EXPECT_THAT(r.allowed_methods, ElementsAre("POST"));

  // Both GET (list) and POST (submit) live on /templates.
  r = table.Lookup("PUT", "/api/v1/whatsapp/templates");
  EXPECT_EQ(r.result, RouteLookup::Result::kMethodNotAllowed);
  EXPECT_THAT(r.allowed_methods, ElementsAre("GET", "POST"));
}

TEST(RouteTableTest, StreamingMethodsKeepTheirRoute) {
  RouteTable table = ProjectRoutes();
  RouteLookup r = table.Lookup("POST", "/api/v1/whatsapp/media/upload");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->method->name(), "UploadMedia");
  EXPECT_TRUE(r.route->streaming);
  r = table.Lookup("GET", "/api/v1/whatsapp/media/m_1/content");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->method->name(), "DownloadMedia");
  EXPECT_EQ(r.route->adapter, Route::kTranscoded);  // no adapter was bound
}

TEST(RouteTableTest, RoutesHoldTheirResolvedFields) {
  RouteTable table = ProjectRoutes();
  RouteLookup r = table.Lookup("GET", "/api/v1/whatsapp/messages/m_1/status");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  const google::protobuf::Descriptor* input = r.route->method->input_type();
  ASSERT_EQ(r.route->request.path_fields.size(), 1u);
  EXPECT_THAT(r.route->request.path_fields[0], ElementsAre(input->FindFieldByName("message_id")));
  EXPECT_THAT(r.route->request.path_names, ElementsAre("message_id"));
  EXPECT_EQ(r.route->request.body_field, nullptr);
  EXPECT_EQ(r.route->response_field, nullptr);
}

AdapterBinding Bound(int id, AdapterBinding binding) {
  binding.id = id;
  return binding;
}

// Adapters and routes are one matcher: an adapter bound to an RPC serves
// the route its google.api.http option declares, and documents (no RPC)
// sit beside the routes.
TEST(RouteTableTest, AdaptersTakeTheirRpcsRoutes) {
  // Links guest_data.proto's descriptors into the generated pool.
  ASSERT_NE(hotel::whatsapp::v1::ExportGuestRequest::descriptor(), nullptr);
  absl::StatusOr<RouteTable> table = RouteTable::Build(
      {"hotel.whatsapp.v1.MediaService"},
      {Bound(0, AdapterBinding::ForRpc("hotel.whatsapp.v1.MediaService.UploadMedia")),
       Bound(1, AdapterBinding::ForRpc("hotel.whatsapp.v1.GuestDataService.ExportGuest")),
       Bound(2, AdapterBinding::ForPath("GET", "/healthz"))});
  ASSERT_TRUE(table.ok()) << table.status();
  RouteLookup r = table->Lookup("POST", "/api/v1/whatsapp/media/upload");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->adapter, 0);
  // Its service is not listed: the adapter brings the route.
  r = table->Lookup("GET", "/api/v1/whatsapp/guests/%2B15551234567/export");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->adapter, 1);
  EXPECT_THAT(r.bindings, ElementsAre(Pair("guest_phone", "+15551234567")));
  EXPECT_EQ(table->Lookup("GET", "/api/v1/whatsapp/guests/x/erase").result,
            RouteLookup::Result::kNoSuchPath);
  r = table->Lookup("HEAD", "/healthz");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->adapter, 2);
  EXPECT_EQ(r.route->method, nullptr);
  r = table->Lookup("POST", "/healthz");
  EXPECT_EQ(r.result, RouteLookup::Result::kMethodNotAllowed);
  EXPECT_THAT(r.allowed_methods, ElementsAre("GET"));
  // GetMedia stays transcoded.
  r = table->Lookup("GET", "/api/v1/whatsapp/media/m_1");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->adapter, Route::kTranscoded);
}

TEST(RouteTableTest, AdapterOfEquallySpecificTemplateWins) {
  absl::StatusOr<RouteTable> table = RouteTable::Build(
      {"hotel.whatsapp.v1.MessagesService"},
      {Bound(7, AdapterBinding::ForPath("POST", "/api/v1/whatsapp/messages/send"))});
  ASSERT_TRUE(table.ok()) << table.status();
  RouteLookup r = table->Lookup("POST", "/api/v1/whatsapp/messages/send");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->adapter, 7);
}

TEST(RouteTableTest, AdapterForRpcWithoutRouteFails) {
  absl::StatusOr<RouteTable> table = RouteTable::Build(
      {},
      {AdapterBinding::ForRpc("hotel.whatsapp.v1.ProviderCallbacksService.VerifySubscription")});
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(std::string(table.status().message()), HasSubstr("VerifySubscription"));
  table = RouteTable::Build({}, {AdapterBinding::ForPath("GET", "no-slash")});
  EXPECT_FALSE(table.ok());
}

TEST(RouteTableTest, UnknownServiceFails) {
  absl::StatusOr<RouteTable> table = RouteTable::Build({"hotel.whatsapp.v1.NoSuchService"});
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(std::string(table.status().message()), HasSubstr("NoSuchService"));
}

// A service built at run time, to check rules the project's protos do not exercise.
class CustomServiceTest : public ::testing::Test {
 protected:
  // Each build gets its own package, as one pool cannot define a name twice.
  void AddMethod(google::protobuf::ServiceDescriptorProto* service, const std::string& package,
                 const std::string& name, const google::api::HttpRule& rule) {
    google::protobuf::MethodDescriptorProto* m = service->add_method();
    m->set_name(name);
    m->set_input_type("." + package + ".Req");
    m->set_output_type("." + package + ".Req");
    *m->mutable_options()->MutableExtension(google::api::http) = rule;
  }

  absl::StatusOr<RouteTable> BuildWith(const std::vector<google::api::HttpRule>& rules) {
    const std::string package = "test" + std::to_string(counter_++);
    google::protobuf::FileDescriptorProto file;
    file.set_name(package + ".proto");
    file.set_package(package);
    file.set_syntax("proto3");
    google::protobuf::DescriptorProto* req = file.add_message_type();
    req->set_name("Req");
    google::protobuf::FieldDescriptorProto* id = req->add_field();
    id->set_name("id");
    id->set_number(1);
    id->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
    id->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
    google::protobuf::ServiceDescriptorProto* service = file.add_service();
    service->set_name("Svc");
    for (size_t i = 0; i < rules.size(); ++i) {
      AddMethod(service, package, "M" + std::to_string(i), rules[i]);
    }
    if (pool_.BuildFile(file) == nullptr) return absl::InternalError("bad test file");
    return RouteTable::Build({package + ".Svc"}, &pool_);
  }

  static google::api::HttpRule Get(const std::string& path) {
    google::api::HttpRule rule;
    rule.set_get(path);
    return rule;
  }

  google::protobuf::DescriptorPool pool_;
  int counter_ = 0;
};

TEST_F(CustomServiceTest, LiteralWinsOverVariableWhateverTheOrder) {
  absl::StatusOr<RouteTable> table = BuildWith({Get("/v1/items/{id}"), Get("/v1/items/special")});
  ASSERT_TRUE(table.ok()) << table.status();
  RouteLookup r = table->Lookup("GET", "/v1/items/special");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->method->name(), "M1");
  r = table->Lookup("GET", "/v1/items/other");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_EQ(r.route->method->name(), "M0");
}

TEST_F(CustomServiceTest, AdditionalBindingsAndCustomVerbs) {
  google::api::HttpRule rule = Get("/v1/items/{id}");
  rule.add_additional_bindings()->set_delete_("/v1/items/{id}");
  google::api::HttpRule custom;
  custom.mutable_custom()->set_kind("purge");
  custom.mutable_custom()->set_path("/v1/items/{id}:purge");
  absl::StatusOr<RouteTable> table = BuildWith({rule, custom});
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->Lookup("DELETE", "/v1/items/7").result, RouteLookup::Result::kFound);
  RouteLookup r = table->Lookup("PURGE", "/v1/items/7:purge");
  ASSERT_EQ(r.result, RouteLookup::Result::kFound);
  EXPECT_THAT(r.bindings, ElementsAre(Pair("id", "7")));
}

TEST_F(CustomServiceTest, RejectsVariablesAndBodiesNamingNoField) {
  EXPECT_FALSE(BuildWith({Get("/v1/items/{nope}")}).ok());
  google::api::HttpRule rule;
  rule.set_post("/v1/items");
  rule.set_body("nope");
  absl::StatusOr<RouteTable> table = BuildWith({rule});
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(std::string(table.status().message()), HasSubstr("nope"));
  EXPECT_FALSE(BuildWith({Get("/v1/items/{id")}).ok());
}

}  // namespace
}  // namespace wa::gateway
