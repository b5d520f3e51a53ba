// Media and interactive messages with --provider=cloud against the fake
// Graph API: our uploads reach Meta once on first send and are reused, in
// Meta's wire format; inbound media and replies from Meta's callbacks show
// in the conversation history.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "nlohmann/json.hpp"
#include "tests/common/media_samples.h"
#include "tests/fakes/fake_graph_api.h"
#include "tests/integration/media_transfer.h"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"
#include "tests/integration/wait.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr char kAppSecret[] = "media-test-app-secret";
constexpr char kGuest[] = "447700900123";

// Meta's documented webhook examples for an inbound image with caption and a reply
// button click, with fresh timestamps.
std::string InboundImage(const std::string& wamid) {
  return absl::StrReplaceAll(
      R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321098","changes":[{"field":"messages","value":{
 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
 "contacts":[{"profile":{"name":"Maria Lopez"},"wa_id":"447700900123"}],
 "messages":[{"from":"447700900123","id":"$WAMID","timestamp":"$TS","type":"image","image":{"caption":"The shower is leaking","mime_type":"image/jpeg",
   "sha256":"q2l0c2hhMjU2ZXhhbXBsZXZhbHVlYmFzZTY0ZW5jb2RlZD0=","id":"1234567890123456"}}]}}]}]})",
      {{"$WAMID", wamid}, {"$TS", absl::StrCat(absl::ToUnixSeconds(absl::Now()))}});
}
std::string InboundButtonReply(const std::string& wamid) {
  return absl::StrReplaceAll(
      R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321098","changes":[{"field":"messages","value":{
 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
 "contacts":[{"profile":{"name":"Maria Lopez"},"wa_id":"447700900123"}],
 "messages":[{"context":{"from":"15550100200","id":"wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkFTRTAwMDAwMDAwMDAwMDEA"},
   "from":"447700900123","id":"$WAMID","timestamp":"$TS","type":"interactive",
   "interactive":{"type":"button_reply","button_reply":{"id":"late_checkout_yes","title":"Yes, 2 pm"}}}]}}]}]})",
      {{"$WAMID", wamid}, {"$TS", absl::StrCat(absl::ToUnixSeconds(absl::Now()))}});
}

class MediaCloudTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const int http_port = FreeLoopbackPort();
    fakes::FakeGraphApiOptions options;
    options.webhook_url =
        absl::StrCat("http://127.0.0.1:", http_port, "/api/v1/whatsapp/provider/webhook");
    options.app_secret = kAppSecret;
    fake_ = std::make_unique<fakes::FakeGraphApi>(options);
    ASSERT_TRUE(fake_->Start());
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--provider=cloud", "--cloud_api_base_url=" + fake_->base_url(),
                                 "--phone_number_id=" + options.phone_number_id,
                                 absl::StrCat("--http_listen=127.0.0.1:", http_port)},
        ServerProcess::Env{{"WA_CLOUD_ACCESS_TOKEN", options.access_token},
                           {"WA_META_APP_SECRET", kAppSecret},
                           {"WA_META_VERIFY_TOKEN", "verify-token"}});
    server_->Start();
    staff_ = server_->CreateToken("staff");
    grpc_ = MakeGrpcSurface(server_->grpc_address());
  }

  // The guest's conversation, once it holds `messages` messages.
  v1::Conversation ConversationWith(int messages) {
    v1::Conversation conversation;
    WaitUntil([&] {
      v1::ListConversationsRequest list;
      list.set_guest_phone(absl::StrCat("+", kGuest));
      v1::ListConversationsResponse found;
      Rpc rpc{"/hotel.whatsapp.v1.ConversationsService/ListConversations", "GET", ""};
      if (!grpc_->Call(rpc, staff_, list, &found).ok || found.conversations_size() == 0)
        return false;
      v1::GetConversationRequest get;
      get.set_conversation_id(found.conversations(0).conversation_id());
      conversation.Clear();
      Rpc get_rpc{"/hotel.whatsapp.v1.ConversationsService/GetConversation", "GET", ""};
      return grpc_->Call(get_rpc, staff_, get, &conversation).ok &&
             conversation.messages_size() >= messages;
    });
    return conversation;
  }

  void GuestWrites() {
    ASSERT_EQ(fake_->PostNotification(fake_->InboundTextNotification(kGuest, "Maria", "Hi")), 200);
    ConversationWith(1);
  }

  std::string SendImage(const std::string& media_id, const std::string& caption) {
    v1::SendMediaMessageRequest request;
    request.set_guest_phone(absl::StrCat("+", kGuest));
    request.set_media_id(media_id);
    request.set_media_type(v1::MEDIA_TYPE_IMAGE);
    request.set_caption(caption);
    v1::SendMessageResponse sent;
    Rpc rpc{"/hotel.whatsapp.v1.MessagesService/SendMediaMessage", "POST", ""};
    Outcome outcome = grpc_->Call(rpc, staff_, request, &sent);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString();
    return sent.message_id();
  }

  v1::MessageStatusResponse Status(const std::string& id) {
    v1::GetMessageStatusRequest request;
    request.set_message_id(id);
    v1::MessageStatusResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.MessagesService/GetMessageStatus", "GET", ""};
    grpc_->Call(rpc, staff_, request, &response);
    return response;
  }

  std::unique_ptr<fakes::FakeGraphApi> fake_;
  std::unique_ptr<ServerProcess> server_;
  std::string staff_;
  std::unique_ptr<Surface> grpc_;
};

TEST_F(MediaCloudTest, InboundMediaAndRepliesShowInTheHistory) {
  // The guest's photo, as Meta holds it (the id the notification names).
  const std::string photo = PngBytes(32, 32, 7);
  fake_->AddGuestMedia("1234567890123456", photo, "image/png");
  ASSERT_EQ(fake_->PostNotification(InboundImage("wamid.MEDIATEST.image")), 200);
  ASSERT_EQ(fake_->PostNotification(InboundButtonReply("wamid.MEDIATEST.reply")), 200);
  v1::Conversation conversation = ConversationWith(2);
  ASSERT_EQ(conversation.messages_size(), 2);
  const v1::Message& image = conversation.messages(0);
  EXPECT_EQ(image.direction(), v1::DIRECTION_INBOUND);
  EXPECT_EQ(image.message_type(), v1::MESSAGE_TYPE_IMAGE);
  EXPECT_EQ(image.text(), "The shower is leaking");
  EXPECT_EQ(image.whatsapp_message_id(), "wamid.MEDIATEST.image");
  // Downloaded at once into our storage, with Meta's token, and served by us.
  EXPECT_EQ(fake_->GuestMediaDownloads(), 1);
  ASSERT_TRUE(absl::StartsWith(image.media_id(), "med_")) << image.DebugString();
  EXPECT_EQ(image.media_url(), "/api/v1/whatsapp/media/" + image.media_id() + "/content");
  Downloaded ours;
  ASSERT_TRUE(DownloadViaRest(server_->http_port(), staff_, image.media_url(), &ours).ok);
  EXPECT_EQ(ours.bytes, photo);
  EXPECT_EQ(ours.content_type, "image/png");
  const v1::Message& reply = conversation.messages(1);
  EXPECT_EQ(reply.message_type(), v1::MESSAGE_TYPE_INTERACTIVE);
  EXPECT_EQ(reply.text(), "Yes, 2 pm");
  EXPECT_EQ(reply.reply_id(), "late_checkout_yes");
  EXPECT_TRUE(reply.media_id().empty());
  EXPECT_EQ(reply.reply_to_message_id(),
            "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkFTRTAwMDAwMDAwMDAwMDEA");
}

TEST_F(MediaCloudTest, AGuestFileMetaCannotServeIsKeptWithoutOurCopy) {
  // No file under the notification's media id: Meta answers 400, which a
  // retry will not change.
  ASSERT_EQ(fake_->PostNotification(InboundImage("wamid.MEDIATEST.gone")), 200);
  v1::Conversation conversation = ConversationWith(1);
  ASSERT_EQ(conversation.messages_size(), 1);
  EXPECT_EQ(conversation.messages(0).message_type(), v1::MESSAGE_TYPE_IMAGE);
  EXPECT_TRUE(conversation.messages(0).media_id().empty());
}

TEST_F(MediaCloudTest, AnUploadReachesMetaOnceAndItsIdIsReused) {
  GuestWrites();
  const std::string png = PngBytes(32, 32);
  v1::Media media;
  Outcome uploaded =
      UploadViaRest(server_->http_port(), staff_, {png, "image", "room_key_info.png"}, &media);
  ASSERT_TRUE(uploaded.ok) << uploaded.raw_body;
  EXPECT_TRUE(fake_->Uploads().empty()) << "nothing goes to Meta before a send";

  std::string first = SendImage(media.media_id(), "Here is your digital room key information.");
  ASSERT_TRUE(WaitUntil([&] { return Status(first).status() == v1::MESSAGE_STATUS_READ; }))
      << Status(first).DebugString();
  std::string second = SendImage(media.media_id(), "The same key again");
  ASSERT_TRUE(fake_->WaitForRequests(2, absl::Seconds(10)));

  std::vector<fakes::RecordedUpload> uploads = fake_->Uploads();
  ASSERT_EQ(uploads.size(), 1u) << "the second send reuses Meta's copy";
  EXPECT_EQ(uploads[0].type_field, "image/png");
  EXPECT_EQ(uploads[0].size, png.size());
  std::vector<fakes::RecordedMessage> requests = fake_->AcceptedRequests();
  ASSERT_EQ(requests.size(), 2u);
  for (const fakes::RecordedMessage& request : requests) {
    EXPECT_EQ(request.body["type"], "image");
    EXPECT_EQ(request.body["image"]["id"], uploads[0].media_id);
  }
  EXPECT_EQ(requests[0].body["image"]["caption"], "Here is your digital room key information.");
}

TEST_F(MediaCloudTest, AFailedUploadIsRetriedAndARefusedOneFailsTheMessage) {
  GuestWrites();
  v1::Media media;
  ASSERT_TRUE(
      UploadViaRest(server_->http_port(), staff_, {PngBytes(3, 3), "image", "a.png"}, &media).ok);
  fake_->EnqueueUploads({fakes::Behavior::Drop()});
  std::string retried = SendImage(media.media_id(), "");
  ASSERT_TRUE(WaitUntil([&] { return Status(retried).status() == v1::MESSAGE_STATUS_READ; }))
      << Status(retried).DebugString();
  EXPECT_EQ(fake_->Uploads().size(), 1u);

  v1::Media other;
  ASSERT_TRUE(
      UploadViaRest(server_->http_port(), staff_, {PngBytes(4, 4), "image", "b.png"}, &other).ok);
  fake_->EnqueueUploads({fakes::Behavior::Error(131053, 400, "Media upload error")});
  std::string refused = SendImage(other.media_id(), "");
  ASSERT_TRUE(WaitUntil([&] { return Status(refused).status() == v1::MESSAGE_STATUS_FAILED; }));
  EXPECT_NE(Status(refused).failure_reason().find("MEDIA_UPLOAD_FAILED"), std::string::npos)
      << Status(refused).failure_reason();
}

TEST_F(MediaCloudTest, TheReferenceListReachesMetaInItsShape) {
  GuestWrites();
  v1::SendInteractiveMessageRequest request;
  request.set_guest_phone(absl::StrCat("+", kGuest));
  request.set_interactive_type(v1::INTERACTIVE_TYPE_LIST);
  v1::InteractiveContent* c = request.mutable_content();
  c->set_text("What service would you like to request?");
  c->set_button_text("View Services");
  v1::InteractiveSection* room = c->add_sections();
  room->set_title("Room Services");
  v1::InteractiveRow* row = room->add_rows();
  row->set_id("housekeeping");
  row->set_title("Housekeeping");
  row->set_description("Extra towels, cleaning");
  v1::InteractiveSection* guest = c->add_sections();
  guest->set_title("Guest Services");
  row = guest->add_rows();
  row->set_id("concierge");
  row->set_title("Concierge");
  v1::SendMessageResponse sent;
  Rpc rpc{"/hotel.whatsapp.v1.MessagesService/SendInteractiveMessage", "POST", ""};
  ASSERT_TRUE(grpc_->Call(rpc, staff_, request, &sent).ok);
  ASSERT_TRUE(fake_->WaitForRequests(1, absl::Seconds(10)));
  std::vector<fakes::RecordedMessage> requests = fake_->AcceptedRequests();
  ASSERT_EQ(requests.size(), 1u) << "the fake accepted Meta's shape";
  const nlohmann::json& interactive = requests[0].body["interactive"];
  EXPECT_EQ(interactive["type"], "list");
  EXPECT_EQ(interactive["body"]["text"], "What service would you like to request?");
  EXPECT_EQ(interactive["action"]["button"], "View Services");
  ASSERT_EQ(interactive["action"]["sections"].size(), 2u);
  EXPECT_EQ(interactive["action"]["sections"][1]["rows"][0]["id"], "concierge");
}

}  // namespace
}  // namespace wa::testing
