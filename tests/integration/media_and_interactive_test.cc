// Interactive and media messages through both surfaces of a real wa-server
// (sandbox provider): the reference's examples, WhatsApp's limits, media
// upload (REST multipart / gRPC client streaming), storage by content,
// download, and media sends followed to `read`.
#include <filesystem>
#include <functional>

#include "gateway/json_transcoder.h"
#include "hotel/whatsapp/v1/media.pb.h"
#include "tests/common/media_samples.h"
#include "tests/integration/api_fixture.h"
#include "tests/integration/media_transfer.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
namespace fs = std::filesystem;

// The reference's "Interactive Messaging" bodies, verbatim (as JSON).
constexpr char kReferenceButtons[] = R"({
  "guest_phone": "+1234567890",
  "interactive_type": "buttons",
  "content": {
    "text": "How would you like to extend your stay?",
    "buttons": [
      {"id": "extend_1_night", "title": "1 More Night"},
      {"id": "extend_2_nights", "title": "2 More Nights"},
      {"id": "call_front_desk", "title": "Call Front Desk"}
    ]
  }
})";
constexpr char kReferenceList[] = R"({
  "guest_phone": "+1234567890",
  "interactive_type": "list",
  "content": {
    "text": "What service would you like to request?",
    "button_text": "View Services",
    "sections": [
      {"title": "Room Services",
       "rows": [
         {"id": "housekeeping", "title": "Housekeeping", "description": "Extra towels, cleaning"},
         {"id": "room_service", "title": "Room Service", "description": "Food and beverage delivery"},
         {"id": "maintenance", "title": "Maintenance", "description": "Technical issues"}]},
      {"title": "Guest Services",
       "rows": [
         {"id": "concierge", "title": "Concierge", "description": "Local recommendations, bookings"},
         {"id": "transportation", "title": "Transportation", "description": "Taxi, shuttle service"}]}
    ]
  }
})";

Rpc SendInteractiveRpc() {
  return {"/hotel.whatsapp.v1.MessagesService/SendInteractiveMessage", "POST",
          absl::StrCat(kApi, "/messages/send-interactive"), true};
}
Rpc SendMediaRpc() {
  return {"/hotel.whatsapp.v1.MessagesService/SendMediaMessage", "POST",
          absl::StrCat(kApi, "/messages/send-media"), true};
}
Rpc GetMediaRpc(const std::string& id) {
  return {"/hotel.whatsapp.v1.MediaService/GetMedia", "GET", absl::StrCat(kApi, "/media/", id)};
}

v1::SendInteractiveMessageRequest Parse(const char* json) {
  v1::SendInteractiveMessageRequest request;
  absl::Status parsed = gateway::MergeJsonText(json, &request);
  EXPECT_TRUE(parsed.ok()) << parsed;
  return request;
}

class MediaAndInteractiveTest : public ApiTest {
 protected:
  Outcome Upload(const UploadRequest& upload, v1::Media* out, const std::string& token = "") {
    const std::string& t = token.empty() ? *staff_ : token;
    return GetParam() == "grpc" ? UploadViaGrpc(server_->grpc_address(), t, upload, out)
                                : UploadViaRest(server_->http_port(), t, upload, out);
  }
  Outcome Download(const v1::Media& media, Downloaded* out, const std::string& token = "") {
    const std::string& t = token.empty() ? *staff_ : token;
    return GetParam() == "grpc" ? DownloadViaGrpc(server_->grpc_address(), t, media.media_id(), out)
                                : DownloadViaRest(server_->http_port(), t, media.media_url(), out);
  }
  v1::Media Uploaded(const std::string& bytes, const std::string& type,
                     const std::string& filename) {
    v1::Media media;
    Outcome outcome = Upload({bytes, type, filename}, &media);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return media;
  }
  Outcome SendMedia(const v1::SendMediaMessageRequest& request, v1::SendMessageResponse* out) {
    return surface_->Call(SendMediaRpc(), *staff_, request, out);
  }
  Outcome SendInteractive(const v1::SendInteractiveMessageRequest& request,
                          v1::SendMessageResponse* out) {
    return surface_->Call(SendInteractiveRpc(), *staff_, request, out);
  }
  // Stored media files, and leftovers of uploads in progress.
  int StoredFiles() { return CountFiles(false); }
  int TempFiles() { return CountFiles(true); }

  static std::string Field(const Outcome& outcome) {
    auto it = outcome.error.details().fields().find("field");
    return it == outcome.error.details().fields().end() ? "" : it->second.string_value();
  }
  static std::string Reason(const Outcome& outcome) {
    auto it = outcome.error.details().fields().find("reason");
    return it == outcome.error.details().fields().end() ? "" : it->second.string_value();
  }

 private:
  int CountFiles(bool temporary) {
    int n = 0;
    const fs::path root = server_->data_dir() / "media";
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      const bool in_tmp = entry.path().parent_path().filename() == "tmp";
      if (entry.is_regular_file() && in_tmp == temporary) ++n;
    }
    return n;
  }
};

TEST_P(MediaAndInteractiveTest, TheReferenceInteractiveExamplesAreSentAndRead) {
  GuestWrites("+1234567890");
  for (const char* json : {kReferenceButtons, kReferenceList}) {
    v1::SendMessageResponse sent;
    if (GetParam() == "rest") {
      // The body exactly as the reference writes it.
      httplib::Client client("127.0.0.1", server_->http_port());
      httplib::Result result = client.Post(SendInteractiveRpc().http_target,
                                           httplib::Headers{{"Authorization", "Bearer " + *staff_}},
                                           json, "application/json");
      ASSERT_TRUE(result);
      ASSERT_EQ(result->status, 200) << result->body;
      ASSERT_TRUE(gateway::MergeJsonText(result->body, &sent).ok());
    } else {
      Outcome outcome = SendInteractive(Parse(json), &sent);
      ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
    }
    EXPECT_EQ(sent.status(), v1::MESSAGE_STATUS_QUEUED);
    EXPECT_EQ(WaitForStatus(sent.message_id(), v1::MESSAGE_STATUS_READ).status(),
              v1::MESSAGE_STATUS_READ);
    v1::GetConversationRequest get;
    get.set_conversation_id(sent.conversation_id());
    v1::Conversation conversation;
    ASSERT_TRUE(
        surface_->Call(ConversationRpc(sent.conversation_id()), *staff_, get, &conversation).ok);
    const v1::Message& last = conversation.messages(conversation.messages_size() - 1);
    EXPECT_EQ(last.message_id(), sent.message_id());
    EXPECT_EQ(last.message_type(), v1::MESSAGE_TYPE_INTERACTIVE);
    EXPECT_EQ(last.text(), Parse(json).content().text());
  }
}

TEST_P(MediaAndInteractiveTest, EveryInteractiveLimitIsRefusedWithItsField) {
  std::string guest = NewGuest();
  GuestWrites(guest);
  using Change = std::function<void(v1::SendInteractiveMessageRequest&)>;
  auto buttons = [](const Change& change) {
    v1::SendInteractiveMessageRequest r = Parse(kReferenceButtons);
    change(r);
    return r;
  };
  auto list = [](const Change& change) {
    v1::SendInteractiveMessageRequest r = Parse(kReferenceList);
    change(r);
    return r;
  };
  auto* c = +[](v1::SendInteractiveMessageRequest& r) { return r.mutable_content(); };
  const std::vector<std::pair<v1::SendInteractiveMessageRequest, std::string>> cases = {
      {buttons([](auto& r) { r.clear_interactive_type(); }), "interactive_type"},
      {buttons([&](auto& r) { c(r)->clear_buttons(); }), "content.buttons"},
      {buttons([&](auto& r) { *c(r)->add_buttons() = c(r)->buttons(0); }), "content.buttons"},
      {buttons([&](auto& r) { c(r)->mutable_buttons(1)->set_title(std::string(21, 'x')); }),
       "content.buttons[1].title"},
      {buttons([&](auto& r) { c(r)->mutable_buttons(2)->set_title("1 More Night"); }),
       "content.buttons[2].title"},
      {buttons([&](auto& r) { c(r)->mutable_buttons(0)->set_id(std::string(257, 'i')); }),
       "content.buttons[0].id"},
      {buttons([&](auto& r) { c(r)->mutable_buttons(1)->set_id("extend_1_night"); }),
       "content.buttons[1].id"},
      {buttons([&](auto& r) { c(r)->set_text(std::string(1025, 'b')); }), "content.text"},
      {buttons([&](auto& r) { c(r)->set_text(""); }), "content.text"},
      {buttons([&](auto& r) { c(r)->set_header(std::string(61, 'h')); }), "content.header"},
      {buttons([&](auto& r) { c(r)->set_footer(std::string(61, 'f')); }), "content.footer"},
      {list([&](auto& r) { c(r)->clear_button_text(); }), "content.button_text"},
      {list([&](auto& r) { c(r)->set_button_text(std::string(21, 'v')); }), "content.button_text"},
      {list([&](auto& r) {
         while (c(r)->sections_size() < 11) *c(r)->add_sections() = c(r)->sections(1);
       }),
       "content.sections"},
      {list([&](auto& r) { c(r)->mutable_sections(1)->clear_title(); }),
       "content.sections[1].title"},
      {list([&](auto& r) { c(r)->mutable_sections(0)->set_title(std::string(25, 's')); }),
       "content.sections[0].title"},
      {list([&](auto& r) {
         for (int i = 0; i < 6; ++i) {
           v1::InteractiveRow* row = c(r)->mutable_sections(1)->add_rows();
           row->set_id("more_" + std::to_string(i));
           row->set_title("More");
         }
       }),
       "content.sections[1].rows[7]"},
      {list([&](auto& r) { c(r)->mutable_sections(1)->mutable_rows(1)->set_id("housekeeping"); }),
       "content.sections[1].rows[1].id"},
      {list([&](auto& r) {
         c(r)->mutable_sections(0)->mutable_rows(0)->set_id(std::string(201, 'i'));
       }),
       "content.sections[0].rows[0].id"},
      {list([&](auto& r) {
         c(r)->mutable_sections(0)->mutable_rows(2)->set_title(std::string(25, 't'));
       }),
       "content.sections[0].rows[2].title"},
      {list([&](auto& r) {
         c(r)->mutable_sections(1)->mutable_rows(0)->set_description(std::string(73, 'd'));
       }),
       "content.sections[1].rows[0].description"},
  };
  for (auto [request, field] : cases) {
    request.set_guest_phone(guest);
    v1::SendMessageResponse sent;
    Outcome outcome = SendInteractive(request, &sent);
    EXPECT_FALSE(outcome.ok) << field;
    EXPECT_EQ(outcome.grpc_code, grpc::INVALID_ARGUMENT) << field << outcome.raw_body;
    if (GetParam() == "rest") EXPECT_EQ(outcome.http_status, 400) << field;
    EXPECT_EQ(outcome.error.code(), "INVALID_ARGUMENT") << field;
    EXPECT_EQ(Field(outcome), field) << outcome.error.message();
  }
}

TEST_P(MediaAndInteractiveTest, UploadsAndDownloadsTheSameBytes) {
  const std::string png = PngBytes(16, 16, GetParam() == "grpc" ? 1 : 2);
  v1::Media media = Uploaded(png, "image", "room_key_info.png");
  EXPECT_TRUE(absl::StartsWith(media.media_id(), "med_"));
  EXPECT_EQ(media.media_url(), absl::StrCat(kApi, "/media/", media.media_id(), "/content"));
  EXPECT_EQ(media.media_type(), v1::MEDIA_TYPE_IMAGE);
  EXPECT_EQ(media.mime_type(), "image/png");
  EXPECT_EQ(media.size_bytes(), static_cast<int64_t>(png.size()));
  EXPECT_EQ(media.filename(), "room_key_info.png");

  Downloaded got;
  Outcome outcome = Download(media, &got);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  EXPECT_EQ(got.bytes, png);
  EXPECT_EQ(got.content_type, "image/png");

  v1::GetMediaRequest get;
  get.set_media_id(media.media_id());
  v1::Media described;
  ASSERT_TRUE(surface_->Call(GetMediaRpc(media.media_id()), *staff_, get, &described).ok);
  EXPECT_EQ(described.sha256(), media.sha256());

  // Another hotel's token sees no such media; no token sees nothing.
  EXPECT_EQ(Download(media, &got, *other_admin_).grpc_code, grpc::NOT_FOUND);
  EXPECT_EQ(
      surface_->Call(GetMediaRpc(media.media_id()), *other_admin_, get, &described).error.code(),
      "MEDIA_NOT_FOUND");
  EXPECT_EQ(Upload({png, "image", "x.png"}, &described, "not-a-token").grpc_code,
            grpc::UNAUTHENTICATED);
}

TEST_P(MediaAndInteractiveTest, TheSameBytesAreStoredOnce) {
  const std::string pdf = PdfBytes("dedupe " + GetParam());
  const int before = StoredFiles();
  v1::Media first = Uploaded(pdf, "document", "hotel_amenities_guide.pdf");
  EXPECT_EQ(first.mime_type(), "application/pdf");
  EXPECT_EQ(StoredFiles(), before + 1);
  v1::Media again;
  // The form's fields in the other order this time (gRPC: metadata last).
  ASSERT_TRUE(Upload({pdf, "document", "copy.pdf", /*reverse_order=*/true}, &again).ok);
  EXPECT_EQ(again.media_id(), first.media_id());
  EXPECT_EQ(StoredFiles(), before + 1);
}

TEST_P(MediaAndInteractiveTest, RefusedUploadsLeaveNoFile) {
  const int before = StoredFiles();
  struct Case {
    UploadRequest upload;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {{"", "image", "empty.png"}, "empty"},
      {{PngBytes(1300, 1300), "image", "huge.png"}, "too_large"},  // > 5 MB
      {{PngBytes(1300, 1300), "image", "huge.png", /*reverse_order=*/true}, "too_large"},
      {{GifBytes(), "image", "anim.gif"}, "type_not_allowed"},
      {{PdfBytes(), "image", "guide.png"}, "type_mismatch"},
      {{PngBytes(), "document", "key.png"}, "type_mismatch"},
      {{WebpBytes(150'000, false), "sticker", "big.webp"}, "too_large"},
  };
  for (const Case& c : cases) {
    v1::Media media;
    Outcome outcome = Upload(c.upload, &media);
    EXPECT_FALSE(outcome.ok) << c.reason;
    EXPECT_EQ(outcome.error.code(), "MEDIA_UPLOAD_FAILED") << c.reason << outcome.raw_body;
    EXPECT_EQ(Reason(outcome), c.reason) << outcome.error.message();
    if (GetParam() == "rest") EXPECT_EQ(outcome.http_status, 422) << c.reason;
    if (GetParam() == "grpc") EXPECT_EQ(outcome.grpc_code, grpc::INVALID_ARGUMENT) << c.reason;
  }
  // No media_type: the form is incomplete.
  v1::Media media;
  Outcome untyped = Upload({PngBytes(), "", "key.png"}, &media);
  EXPECT_EQ(untyped.grpc_code, grpc::INVALID_ARGUMENT);
  EXPECT_EQ(StoredFiles(), before);
  EXPECT_EQ(TempFiles(), 0);
}

TEST_P(MediaAndInteractiveTest, SendsAnUploadedImageAndFollowsItToRead) {
  std::string guest = NewGuest();
  std::string conv = GuestWrites(guest).conversation_id();
  v1::Media media = Uploaded(PngBytes(8, 8, GetParam() == "grpc" ? 3 : 4), "image", "key.png");
  v1::SendMediaMessageRequest request;
  request.set_guest_phone(guest);
  request.set_media_id(media.media_id());
  request.set_media_type(v1::MEDIA_TYPE_IMAGE);
  request.set_caption("Here is your digital room key information.");
  request.set_conversation_id(conv);
  v1::SendMessageResponse sent;
  Outcome outcome = SendMedia(request, &sent);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
  EXPECT_EQ(sent.conversation_id(), conv);
  v1::MessageStatusResponse status = WaitForStatus(sent.message_id(), v1::MESSAGE_STATUS_READ);
  EXPECT_EQ(status.status(), v1::MESSAGE_STATUS_READ) << status.failure_reason();
  EXPECT_FALSE(status.whatsapp_message_id().empty());

  v1::GetConversationRequest get;
  get.set_conversation_id(conv);
  v1::Conversation conversation;
  ASSERT_TRUE(surface_->Call(ConversationRpc(conv), *staff_, get, &conversation).ok);
  ASSERT_EQ(conversation.messages_size(), 2);
  EXPECT_EQ(conversation.messages(1).message_type(), v1::MESSAGE_TYPE_IMAGE);
  EXPECT_EQ(conversation.messages(1).text(), "Here is your digital room key information.");
}

TEST_P(MediaAndInteractiveTest, MediaSendRefusals) {
  std::string guest = NewGuest();
  GuestWrites(guest);
  v1::Media pdf = Uploaded(PdfBytes("refusals " + GetParam()), "document", "guide.pdf");
  v1::SendMediaMessageRequest request;
  request.set_guest_phone(guest);
  request.set_media_id("doc_media_789");  // the reference's placeholder: never uploaded here
  request.set_media_type(v1::MEDIA_TYPE_DOCUMENT);
  request.set_filename("hotel_amenities_guide.pdf");
  request.set_caption("Complete guide to all hotel amenities and services");
  v1::SendMessageResponse sent;
  Outcome unknown = SendMedia(request, &sent);
  EXPECT_EQ(unknown.grpc_code, grpc::NOT_FOUND);
  EXPECT_EQ(unknown.error.code(), "MEDIA_NOT_FOUND");
  if (GetParam() == "rest") EXPECT_EQ(unknown.http_status, 404);

  request.set_media_id(pdf.media_id());
  request.set_media_type(v1::MEDIA_TYPE_IMAGE);
  request.clear_filename();
  Outcome mismatch = SendMedia(request, &sent);
  EXPECT_EQ(mismatch.grpc_code, grpc::INVALID_ARGUMENT);
  EXPECT_EQ(Field(mismatch), "media_type");
  if (GetParam() == "rest") EXPECT_EQ(mismatch.http_status, 400);

  request.set_media_type(v1::MEDIA_TYPE_DOCUMENT);
  request.set_caption(std::string(1025, 'c'));
  EXPECT_EQ(Field(SendMedia(request, &sent)), "caption");

  // The reference's document example, with a real media id: accepted.
  request.set_caption("Complete guide to all hotel amenities and services");
  request.set_filename("hotel_amenities_guide.pdf");
  EXPECT_TRUE(SendMedia(request, &sent).ok);

  // Outside the window, as for text.
  request.set_guest_phone(NewGuest());
  EXPECT_EQ(SendMedia(request, &sent).error.code(), "MESSAGE_WINDOW_EXPIRED");
}

// Several instances share media through --media_dir (README, "Deployment"):
// files go there, not under the data directory, and a second server on the
// same directory serves them.
TEST(MediaDirTest, FilesGoToTheMediaDirectoryAndAnotherServerOnItServesThem) {
  char pattern[] = "/tmp/wa-media-XXXXXX";
  const fs::path media_dir = mkdtemp(pattern);
  ServerProcess server({"--media_dir=" + media_dir.string()});
  server.Start();
  const std::string token = server.CreateToken("staff");
  const std::string png = PngBytes(8, 8, 3);
  v1::Media media;
  Outcome uploaded = UploadViaRest(server.http_port(), token, {png, "image", "a.png"}, &media);
  ASSERT_TRUE(uploaded.ok) << uploaded.raw_body;

  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(media_dir)) {
    files += entry.is_regular_file() && entry.path().filename().string().size() == 64;
  }
  EXPECT_EQ(files, 1);
  EXPECT_FALSE(fs::exists(server.data_dir() / "media") &&
               !fs::is_empty(server.data_dir() / "media"));

  // The same database and media directory, another data directory (the
  // first server stopped: two processes on one SQLite file is not a
  // deployment).
  server.Kill();
  ServerProcess other({"--media_dir=" + media_dir.string()});
  other.ShareDatabaseOf(server);
  other.Start();
  Downloaded downloaded;
  Outcome read = DownloadViaGrpc(other.grpc_address(), token, media.media_id(), &downloaded);
  ASSERT_TRUE(read.ok) << read.error.DebugString();
  EXPECT_EQ(downloaded.bytes, png);
  fs::remove_all(media_dir);
}

INSTANTIATE_TEST_SUITE_P(BothSurfaces, MediaAndInteractiveTest, ::testing::Values("grpc", "rest"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wa::testing
