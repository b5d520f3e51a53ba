// Templates with --provider=cloud against the fake Graph API: submission
// to Meta's template endpoint, the review through Meta's signed callback,
// a re-sync of the catalog, and template sends in Meta's wire format.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "nlohmann/json.hpp"
#include "tests/integration/cloud_pair.h"
#include "tests/integration/surface.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using Json = nlohmann::json;

Rpc TemplatesRpc(const std::string& method) {
  return {"/hotel.whatsapp.v1.TemplatesService/" + method, "", ""};
}

v1::SubmitTemplateRequest CheckinReady() {
  v1::SubmitTemplateRequest r;
  r.set_name("checkin_ready");
  r.set_category(v1::TEMPLATE_CATEGORY_UTILITY);
  r.set_language("en_GB");
  v1::TemplateComponent* header = r.add_components();
  header->set_type(v1::COMPONENT_TYPE_HEADER);
  header->set_format(v1::HEADER_FORMAT_TEXT);
  header->set_text("Welcome {{guest_name}}");
  v1::TemplateComponent* body = r.add_components();
  body->set_type(v1::COMPONENT_TYPE_BODY);
  body->set_text("Hello {{guest_name}}, room {{room_number}} is ready from {{ready_time}} today.");
  (*r.mutable_example())["guest_name"] = "Maria";
  (*r.mutable_example())["room_number"] = "412";
  (*r.mutable_example())["ready_time"] = "2 PM";
  r.add_labels("check_in");
  return r;
}

class TemplatesCloudTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pair_.Start());
    admin_ = pair_.server->CreateToken("admin");
    staff_ = pair_.server->CreateToken("staff");
    grpc_ = MakeGrpcSurface(pair_.server->grpc_address());
  }

  Outcome Call(const std::string& method, const std::string& token,
               const google::protobuf::Message& request, google::protobuf::Message* response) {
    return grpc_->Call(TemplatesRpc(method), token, request, response);
  }

  v1::Template Get(const std::string& name, const std::string& language) {
    v1::GetTemplateRequest request;
    request.set_name(name);
    request.set_language(language);
    v1::Template t;
    Call("GetTemplate", staff_, request, &t);
    return t;
  }

  Outcome SendCheckinReady(v1::SendMessageResponse* response) {
    v1::SendTemplateMessageRequest request;
    request.set_guest_phone("+447700900123");
    request.set_template_name("checkin_ready");
    request.set_language("en_GB");
    (*request.mutable_parameters())["guest_name"] = "Maria";
    (*request.mutable_parameters())["room_number"] = "412";
    (*request.mutable_parameters())["ready_time"] = "2 PM";
    return Call("SendTemplateMessage", staff_, request, response);
  }

  CloudPair pair_;
  std::string admin_, staff_;
  std::unique_ptr<Surface> grpc_;
};

TEST_F(TemplatesCloudTest, ASubmissionGoesToMetaAndFollowsItsReview) {
  v1::Template submitted;
  Outcome outcome = Call("SubmitTemplate", admin_, CheckinReady(), &submitted);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  EXPECT_EQ(submitted.status(), v1::TEMPLATE_STATUS_PENDING);
  std::vector<fakes::FakeTemplate> at_meta = pair_.fake->Templates();
  ASSERT_EQ(at_meta.size(), 1u);
  EXPECT_EQ(submitted.provider_template_id(), at_meta[0].id);
  Json definition = at_meta[0].definition;
  EXPECT_EQ(definition["parameter_format"], "NAMED");
  EXPECT_EQ(definition["category"], "UTILITY");
  EXPECT_EQ(definition["components"][0]["example"]["header_text_named_params"][0],
            (Json{{"param_name", "guest_name"}, {"example", "Maria"}}));
  EXPECT_EQ(definition["components"][1]["example"]["body_text_named_params"].size(), 3u);

  // Meta's review arrives as a signed callback.
  ASSERT_EQ(pair_.fake->ReviewTemplate("checkin_ready", "en_GB", "APPROVED"), 200);
  ASSERT_TRUE(WaitUntil(
      [&] { return Get("checkin_ready", "en_GB").status() == v1::TEMPLATE_STATUS_APPROVED; }));

  v1::SendMessageResponse sent;
  outcome = SendCheckinReady(&sent);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  ASSERT_TRUE(pair_.fake->WaitForRequests(1, absl::Seconds(10)));
  fakes::RecordedMessage request = pair_.fake->Requests()[0];
  EXPECT_EQ(request.http_status, 200);
  const Json& body = request.body;
  EXPECT_EQ(body["type"], "template");
  EXPECT_EQ(body["template"]["name"], "checkin_ready");
  EXPECT_EQ(body["template"]["language"]["code"], "en_GB");
  Json components = body["template"]["components"];
  ASSERT_EQ(components.size(), 2u);
  EXPECT_EQ(components[0]["type"], "header");
  EXPECT_EQ(components[0]["parameters"][0]["parameter_name"], "guest_name");
  EXPECT_EQ(components[1]["parameters"][1],
            (Json{{"type", "text"}, {"parameter_name", "room_number"}, {"text", "412"}}));

  // Paused by Meta: later sends are refused here, before reaching Meta.
  ASSERT_EQ(pair_.fake->ReviewTemplate("checkin_ready", "en_GB", "PAUSED"), 200);
  ASSERT_TRUE(WaitUntil(
      [&] { return Get("checkin_ready", "en_GB").status() == v1::TEMPLATE_STATUS_PAUSED; }));
  outcome = SendCheckinReady(&sent);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.code(), "TEMPLATE_NOT_FOUND");
  EXPECT_EQ(outcome.error.details().fields().at("status").string_value(), "PAUSED");
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(pair_.fake->Requests().size(), 1u);
}

TEST_F(TemplatesCloudTest, ARejectionKeepsMetasReason) {
  v1::Template submitted;
  ASSERT_TRUE(Call("SubmitTemplate", admin_, CheckinReady(), &submitted).ok);
  ASSERT_EQ(pair_.fake->ReviewTemplate("checkin_ready", "en_GB", "REJECTED", "INVALID_FORMAT"),
            200);
  ASSERT_TRUE(WaitUntil(
      [&] { return Get("checkin_ready", "en_GB").status() == v1::TEMPLATE_STATUS_REJECTED; }));
  EXPECT_EQ(Get("checkin_ready", "en_GB").rejection_reason(), "INVALID_FORMAT");
}

TEST_F(TemplatesCloudTest, MetasRefusalIsRelayedAndNothingIsStored) {
  v1::SubmitTemplateRequest request = CheckinReady();
  request.clear_example();  // Meta wants samples for variables
  v1::Template submitted;
  Outcome outcome = Call("SubmitTemplate", admin_, request, &submitted);
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error.code(), "INVALID_ARGUMENT");
  EXPECT_NE(outcome.error.message().find("example"), std::string::npos) << outcome.error.message();
  v1::GetTemplateRequest get;
  get.set_name("checkin_ready");
  v1::Template t;
  EXPECT_EQ(Call("GetTemplate", staff_, get, &t).error.code(), "TEMPLATE_NOT_FOUND");
}

TEST_F(TemplatesCloudTest, ASyncLearnsTheWholeCatalogAcrossPages) {
  // Made in WhatsApp Manager, unknown here until a sync; more than a page.
  for (int i = 0; i < 105; ++i) {
    fakes::FakeTemplate t;
    t.definition = {{"name", absl::StrCat("notice_", 100 + i)},
                    {"language", "en"},
                    {"category", "UTILITY"},
                    {"components", Json::array({{{"type", "BODY"},
                                                 {"text",
                                                  "Dear {{1}}, the lobby closes at {{2}} "
                                                  "tonight for cleaning."}}})}};
    t.status = "APPROVED";
    pair_.fake->AddTemplate(t);
  }
  v1::SyncTemplatesResponse synced;
  EXPECT_EQ(Call("SyncTemplates", staff_, v1::SyncTemplatesRequest(), &synced).grpc_code,
            grpc::PERMISSION_DENIED);
  Outcome outcome = Call("SyncTemplates", admin_, v1::SyncTemplatesRequest(), &synced);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  EXPECT_EQ(synced.changed(), 105);
  EXPECT_EQ(synced.templates_size(), 105);  // no starter catalog with Meta
  v1::Template notice = Get("notice_150", "en");
  EXPECT_EQ(notice.status(), v1::TEMPLATE_STATUS_APPROVED);
  EXPECT_EQ(notice.parameter_format(), "POSITIONAL");
  EXPECT_EQ(notice.parameters_size(), 2);

  synced.Clear();
  ASSERT_TRUE(Call("SyncTemplates", admin_, v1::SyncTemplatesRequest(), &synced).ok);
  EXPECT_EQ(synced.changed(), 0);
}

}  // namespace
}  // namespace wa::testing
