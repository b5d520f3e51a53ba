// A chain on one server (chain_fixture.h), what belongs to each number and
// business account: templates stay in their account, media is uploaded
// under the sending number, Meta's quality report reaches its number only,
// and each number keeps its own pace.
#include "tests/integration/chain_fixture.h"

namespace wa::testing {
namespace {

TEST_F(ChainTest, TemplatesStayInTheirBusinessAccount) {
  StartChain();
  auto add = [&](const std::string& waba, const std::string& name) {
    fakes::FakeTemplate t;
    t.waba_id = waba;
    t.definition = {{"name", name},
                    {"language", "en"},
                    {"category", "UTILITY"},
                    {"components", Json::array({{{"type", "BODY"}, {"text", "Welcome, {{1}}."}}})}};
    t.status = "APPROVED";
    fake_->AddTemplate(t);
  };
  add(kDefault.waba_id, "default_welcome");
  add(kParis.waba_id, "paris_welcome");
  Rpc sync{"/hotel.whatsapp.v1.TemplatesService/SyncTemplates", "POST", "", true};
  v1::SyncTemplatesResponse synced;
  // Paris's number was added a moment ago, by another process: the server
  // sees it within seconds.
  Outcome outcome;
  ASSERT_TRUE(WaitUntil([&] {
    outcome = grpc_->Call(sync, admin_["paris"], v1::SyncTemplatesRequest(), &synced);
    return outcome.ok;
  })) << outcome.error.DebugString();
  ASSERT_EQ(synced.templates_size(), 1);
  EXPECT_EQ(synced.templates(0).name(), "paris_welcome");
  synced.Clear();
  ASSERT_TRUE(grpc_->Call(sync, admin_["default"], v1::SyncTemplatesRequest(), &synced).ok);
  ASSERT_EQ(synced.templates_size(), 1);
  EXPECT_EQ(synced.templates(0).name(), "default_welcome");

  // Meta pauses Paris's template: the callback names Paris's account.
  ASSERT_EQ(fake_->ReviewTemplate("paris_welcome", "en", "PAUSED"), 200);
  auto status = [&](const std::string& property, const std::string& name) {
    v1::GetTemplateRequest get;
    get.set_name(name);
    get.set_language("en");
    v1::Template t;
    grpc_->Call({"/hotel.whatsapp.v1.TemplatesService/GetTemplate", "GET", ""}, staff_[property],
                get, &t);
    return t.status();
  };
  EXPECT_TRUE(
      WaitUntil([&] { return status("paris", "paris_welcome") == v1::TEMPLATE_STATUS_PAUSED; }));
  EXPECT_EQ(status("default", "default_welcome"), v1::TEMPLATE_STATUS_APPROVED);
}

TEST_F(ChainTest, MediaIsUploadedUnderTheSendingNumber) {
  StartChain();
  server_->Operator(AddNumberArgs("paris", kParisSpa, "PARIS_TOKEN"));
  GuestWrites("447700900006", kParis);
  ASSERT_TRUE(WaitUntil([&] { return Conversations("paris", "447700900006") == 1; }));
  v1::Media media;
  ASSERT_TRUE(UploadViaRest(server_->http_port(), staff_["paris"],
                            {PngBytes(16, 16), "image", "key.png"}, &media)
                  .ok);
  auto send_from = [&](const fakes::FakeNumber& from) {
    v1::SendMediaMessageRequest request;
    request.set_guest_phone("+447700900006");
    request.set_media_id(media.media_id());
    request.set_media_type(v1::MEDIA_TYPE_IMAGE);
    request.set_from_phone_number_id(from.phone_number_id);
    v1::SendMessageResponse sent;
    Outcome outcome;
    // The spa's number was added a moment ago by another process.
    EXPECT_TRUE(WaitUntil([&] {
      outcome = grpc_->Call({"/hotel.whatsapp.v1.MessagesService/SendMediaMessage", "POST", ""},
                            staff_["paris"], request, &sent);
      return outcome.ok;
    })) << outcome.error.DebugString();
  };
  send_from(kParis);
  ASSERT_TRUE(WaitUntil([&] { return SentFrom(kParis).size() == 1; }));
  send_from(kParisSpa);
  ASSERT_TRUE(WaitUntil([&] { return SentFrom(kParisSpa).size() == 1; }));
  std::vector<fakes::RecordedUpload> uploads = fake_->Uploads();
  ASSERT_EQ(uploads.size(), 2u);
  EXPECT_EQ(uploads[0].phone_number_id, kParis.phone_number_id);
  EXPECT_EQ(uploads[1].phone_number_id, kParisSpa.phone_number_id);
  EXPECT_EQ(SentFrom(kParis)[0].body["image"]["id"], uploads[0].media_id);
  EXPECT_EQ(SentFrom(kParisSpa)[0].body["image"]["id"], uploads[1].media_id);
}

TEST_F(ChainTest, MetasQualityReportReachesItsNumberOnly) {
  StartChain();
  Json change = {{"field", "phone_number_quality_update"},
                 {"value",
                  {{"display_phone_number", kParis.display_phone_number},
                   {"event", "FLAGGED"},
                   {"current_limit", "TIER_1K"}}}};
  Json notification = {{"object", "whatsapp_business_account"},
                       {"entry", Json::array({{{"id", kParis.waba_id},
                                               {"time", absl::ToUnixSeconds(absl::Now())},
                                               {"changes", Json::array({change})}}})}};
  ASSERT_EQ(fake_->PostNotification(notification.dump()), 200);
  auto number_of = [&](const std::string& property) {
    v1::Property p;
    rest_->Call(
        {"/hotel.whatsapp.v1.PropertiesService/GetProperty", "GET", "/api/v1/whatsapp/property"},
        staff_[property], v1::GetPropertyRequest(), &p);
    return p.phone_numbers_size() == 1 ? p.phone_numbers(0) : v1::PhoneNumber();
  };
  EXPECT_TRUE(WaitUntil([&] { return number_of("paris").quality_rating() == "FLAGGED"; }));
  EXPECT_EQ(number_of("paris").messaging_limit_tier(), "TIER_1K");
  EXPECT_EQ(number_of("default").phone_number_id(), kDefault.phone_number_id);
  EXPECT_EQ(number_of("default").quality_rating(), "");
}

TEST_F(ChainTest, EachNumberKeepsItsOwnPace) {
  StartChain({"--send_rate_per_second=2"});
  server_->Operator(AddNumberArgs("paris", kParisSpa, "PARIS_TOKEN"));
  constexpr int kBacklog = 8;
  auto guest = [](int i) { return absl::StrCat("4477009100", 10 + i); };
  for (int i = 0; i < 2 * kBacklog; ++i) GuestWrites(guest(i), kParis);
  ASSERT_TRUE(WaitUntil([&] { return Conversations("paris", guest(2 * kBacklog - 1)) == 1; }));
  v1::SendMessageResponse response;
  for (int i = 0; i < 2 * kBacklog; ++i) {
    const fakes::FakeNumber& from = i < kBacklog ? kParis : kParisSpa;
    ASSERT_TRUE(
        WaitUntil([&] { return Send("paris", guest(i), &response, from.phone_number_id).ok; }));
  }
  ASSERT_TRUE(WaitUntil(
      [&] { return SentFrom(kParis).size() == kBacklog && SentFrom(kParisSpa).size() == kBacklog; },
      absl::Seconds(20)));
  auto rate = [](const std::vector<fakes::RecordedMessage>& sent) {
    return (sent.size() - 1) /
           absl::ToDoubleSeconds(sent.back().received_at - sent.front().received_at);
  };
  std::vector<fakes::RecordedMessage> desk = SentFrom(kParis);
  std::vector<fakes::RecordedMessage> spa = SentFrom(kParisSpa);
  RecordProperty("front_desk_sends_per_second", absl::StrCat(rate(desk)));
  RecordProperty("spa_sends_per_second", absl::StrCat(rate(spa)));
  // At 2/s with a burst of 2, each backlog of 8 takes about 3 s. One bucket
  // for the property would take twice as long, the spa's starting only
  // after the front desk's.
  EXPECT_LE(rate(desk), 3.0);
  EXPECT_LE(rate(spa), 3.0);
  EXPECT_LT(spa.front().received_at, desk.back().received_at);
  EXPECT_LT(absl::ToDoubleSeconds(std::max(desk.back().received_at, spa.back().received_at) -
                                  std::min(desk.front().received_at, spa.front().received_at)),
            6.0);
}

}  // namespace
}  // namespace wa::testing
