// The hostile part of the bad-input catalogue (README, "Limits and bad
// input"; issue 20), past the request bodies (hostile_requests_test.cc):
// defaults are safe; answers carry the contract's message and never the
// server's own text; consent follows the events' time; metadata has one
// validator; a media file that is gone gets a whole error.
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"
#include "nlohmann/json.hpp"
#include "tests/common/media_samples.h"
#include "tests/integration/cloud_pair.h"
#include "tests/integration/hostile_client.h"
#include "tests/integration/media_transfer.h"
#include "tests/integration/raw_socket.h"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"
#include "tests/integration/wait.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using Json = nlohmann::json;

class HostileMediaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>();
    server_->CaptureStderr();
    server_->Start();
    token_ = server_->CreateToken("staff");
  }

  v1::Media Upload(const std::string& text) {
    v1::Media media;
    Outcome up = UploadViaRest(server_->http_port(), token_,
                               {PdfBytes(text), "document", "guide.pdf"}, &media);
    EXPECT_TRUE(up.ok) << up.raw_body;
    return media;
  }

  std::filesystem::path FileOf(const v1::Media& media) {
    return server_->data_dir() / "media" / media.sha256().substr(0, 2) / media.sha256();
  }

  Answer Get(const v1::Media& media, const std::string& extra = "") {
    return Send(server_->http_port(),
                {Head("GET", media.media_url(), 0, absl::StrCat(Bearer(token_), extra))});
  }

  std::unique_ptr<ServerProcess> server_;
  std::string token_;
};

// Ranges are not served: the whole file with 200, and no Accept-Ranges
// that would say otherwise.
TEST_F(HostileMediaTest, RangesAreNotServed) {
  v1::Media media = Upload("ranges");
  const std::string whole = PdfBytes("ranges");
  for (const char* range :
       {"bytes=0-9", "bytes=10-", "bytes=-5", "bytes=0-1,5-9", "bytes=999999999-"}) {
    SCOPED_TRACE(range);
    Answer a = Get(media, absl::StrCat("Range: ", range, "\r\n"));
    EXPECT_EQ(a.status, 200) << a.head;
    EXPECT_EQ(Header(a, "Accept-Ranges"), "none") << a.head;
    EXPECT_EQ(Header(a, "Content-Range"), "") << a.head;
    EXPECT_EQ(Header(a, "Content-Length"), std::to_string(whole.size())) << a.head;
  }
  Answer head = Send(server_->http_port(), {Head("HEAD", media.media_url(), 0, Bearer(token_))});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(Header(head, "Accept-Ranges"), "none") << head.head;
}

// A file gone from disk: the contract's 404, whole, on both surfaces, a log
// line and a metric; never a 200 cut short.
TEST_F(HostileMediaTest, AMissingFileGetsAWholeError) {
  v1::Media media = Upload("missing");
  ASSERT_TRUE(std::filesystem::remove(FileOf(media)));
  Answer a = Get(media);
  ExpectError(a, 404, "MEDIA_NOT_FOUND");
  EXPECT_EQ(a.body["error"]["details"].value("reason", ""), "file_missing");
  EXPECT_FALSE(absl::StrContains(a.body.dump(), server_->data_dir().string())) << a.body.dump();

  Downloaded downloaded;
  Outcome grpc = DownloadViaGrpc(server_->grpc_address(), token_, media.media_id(), &downloaded);
  EXPECT_EQ(grpc.grpc_code, static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(grpc.error.code(), "MEDIA_NOT_FOUND");
  EXPECT_TRUE(downloaded.bytes.empty());

  Answer metrics = Send(server_->http_port(), {Head("GET", "/metrics", 0)});
  EXPECT_TRUE(absl::StrContains(metrics.text, "wa_media_file_errors_total{reason=\"missing\"} 2"))
      << metrics.text;
  EXPECT_TRUE(WaitUntil([&] {
    return absl::StrContains(server_->Stderr(),
                             absl::StrCat("media ", media.media_id(), " download refused"));
  }));
}

// A file that cannot be read (here a directory where the file was): an
// internal error whose answer is the stable message and the request id,
// while the log has the real text under that id.
TEST_F(HostileMediaTest, AnUnreadableFileAnswersNoInternalText) {
  v1::Media media = Upload("unreadable");
  ASSERT_TRUE(std::filesystem::remove(FileOf(media)));
  std::filesystem::create_directory(FileOf(media));
  Answer a = Get(media, "X-Request-Id: req-unreadable-1\r\n");
  ExpectError(a, 500, "DATA_LOSS");
  const std::string message = a.body["error"].value("message", "");
  EXPECT_TRUE(absl::StrContains(message, "req-unreadable-1")) << message;
  EXPECT_FALSE(absl::StrContains(message, "directory")) << message;
  EXPECT_FALSE(absl::StrContains(a.body.dump(), "/")) << a.body.dump();
  EXPECT_EQ(a.body["error"]["details"].value("request_id", ""), "req-unreadable-1");
  EXPECT_TRUE(WaitUntil([&] {
    std::string log = server_->Stderr();
    return absl::StrContains(log, "req-unreadable-1") && absl::StrContains(log, "Is a directory");
  })) << server_->Stderr();

  Downloaded downloaded;
  Outcome grpc = DownloadViaGrpc(server_->grpc_address(), token_, media.media_id(), &downloaded);
  EXPECT_EQ(grpc.grpc_code, static_cast<int>(grpc::StatusCode::DATA_LOSS));
  EXPECT_FALSE(absl::StrContains(grpc.error.message(), "directory")) << grpc.error.message();
}

// ---------------------------------------------------------------------------
// Secure defaults.

// Under --provider=cloud a webhook may not point at this machine unless an
// operator allows it (--webhook_allow_loopback=true); on both surfaces.
TEST(HostileDefaults, CloudRefusesALoopbackWebhook) {
  CloudPair pair;
  ASSERT_TRUE(pair.Start());
  const std::string admin = pair.server->CreateToken("admin");
  std::vector<std::unique_ptr<Surface>> surfaces;
  surfaces.push_back(MakeRestSurface(pair.server->http_port()));
  surfaces.push_back(MakeGrpcSurface(pair.server->grpc_address()));
  for (const auto& surface : surfaces) {
    SCOPED_TRACE(surface->Name());
    for (const char* url :
         {"http://127.0.0.1:9/hook", "https://127.0.0.1/hook", "http://localhost:9/hook",
          "https://[::1]/hook", "https://[64:ff9b::7f00:1]/hook", "https://[::127.0.0.1]/hook",
          "https://[2002:7f00:1::1]/hook"}) {
      SCOPED_TRACE(url);
      v1::ConfigureWebhookRequest request;
      request.set_webhook_url(url);
      request.add_events("inbound_message");
      request.set_verify_token("verify");
      request.mutable_retry_config()->set_max_retries(3);
      request.mutable_retry_config()->set_retry_delay(200);
      v1::ConfigureWebhookResponse response;
      Outcome o = surface->Call({"/hotel.whatsapp.v1.WebhooksService/ConfigureWebhook", "POST",
                                 "/api/v1/whatsapp/webhooks/configure", true},
                                admin, request, &response);
      EXPECT_FALSE(o.ok);
      EXPECT_EQ(o.grpc_code, static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
      const auto& fields = o.error.details().fields();
      EXPECT_TRUE(fields.count("field") && fields.at("field").string_value() == "webhook_url")
          << o.error.DebugString();
    }
  }
}

// The data directory is the server's user's only, and so is the database.
TEST(HostileDefaults, TheDataDirectoryAndDatabaseAreOwnerOnly) {
  char pattern[] = "/tmp/wa-modes-XXXXXX";
  const std::filesystem::path root = mkdtemp(pattern);
  const std::filesystem::path dir = root / "fresh";
  {
    ServerProcess server({"--data_dir=" + dir.string()});
    server.Start();
    server.Stop();
    struct stat st {};
    ASSERT_EQ(stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_EQ(stat((dir / "media").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0077, 0u);
    for (const char* file : {"wa.db", "wa.db-wal", "wa.db-shm"}) {
      if (stat((dir / file).c_str(), &st) != 0) continue;  // PostgreSQL, or no WAL left
      EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
    }
  }
  std::filesystem::remove_all(root);
}

// /readyz needs no token: it says ready or not, nothing of why.
TEST(HostileDefaults, ReadinessSaysReadyAndNothingElse) {
  ServerProcess server;
  server.Start();
  Answer a = Send(server.http_port(), {Head("GET", "/readyz", 0)});
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, Json::parse(R"({"ready": true, "status": "ready"})"));
}

// conversation_metadata on a template send meets the rules every metadata
// change meets, on both surfaces; a send that breaks them queues nothing.
TEST(HostileMetadata, TemplateSendMetadataIsChecked) {
  ServerProcess server;
  server.Start();
  const std::string staff = server.CreateToken("staff");
  std::map<std::string, std::string> too_many;
  for (int i = 0; i <= 50; ++i) too_many[absl::StrCat("k", i)] = "v";
  const std::vector<std::map<std::string, std::string>> bad = {{{"bad key!", "x"}},
                                                               {{std::string(65, 'k'), "x"}},
                                                               {{"note", std::string(513, 'x')}},
                                                               too_many};
  std::vector<std::unique_ptr<Surface>> surfaces;
  surfaces.push_back(MakeRestSurface(server.http_port()));
  surfaces.push_back(MakeGrpcSurface(server.grpc_address()));
  for (const auto& surface : surfaces) {
    SCOPED_TRACE(surface->Name());
    for (const auto& metadata : bad) {
      v1::SendTemplateMessageRequest request;
      request.set_guest_phone("+15550300010");
      request.set_template_name("general_inquiry");
      request.set_language("en");
      (*request.mutable_parameters())["guest_name"] = "Ann";
      (*request.mutable_parameters())["hotel_name"] = "Grand Plaza";
      request.mutable_conversation_metadata()->insert(metadata.begin(), metadata.end());
      v1::SendMessageResponse response;
      Outcome o = surface->Call({"/hotel.whatsapp.v1.TemplatesService/SendTemplateMessage", "POST",
                                 "/api/v1/whatsapp/templates/send", true},
                                staff, request, &response);
      EXPECT_FALSE(o.ok);
      EXPECT_EQ(o.error.code(), "INVALID_ARGUMENT") << o.error.DebugString() << o.raw_body;
      EXPECT_TRUE(absl::StrContains(o.error.message(), "conversation_metadata") ||
                  absl::StrContains(o.error.message(), "metadata keys"))
          << o.error.message();
    }
  }
  Answer list =
      Send(server.http_port(), {Head("GET", "/api/v1/whatsapp/conversations", 0, Bearer(staff))});
  EXPECT_EQ(list.body["conversations"].size(), 0u) << list.body.dump();
}

// ---------------------------------------------------------------------------
// Consent through Meta's callbacks: a STOP followed by an older "resume"
// stays stopped, and a re-delivered callback is one event.
TEST(HostileConsent, AnOlderResumeNeverUndoesAStop) {
  CloudPair pair;
  ASSERT_TRUE(pair.Start());
  const std::string admin = pair.server->CreateToken("admin");
  auto preference = [&](const std::string& value, int64_t timestamp) {
    return absl::StrCat(
        R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321098","changes":[)",
        R"({"field":"user_preferences","value":{"messaging_product":"whatsapp",)",
        R"("metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},)",
        R"("contacts":[{"profile":{"name":"Ann"},"wa_id":"15550300009"}],)",
        R"("user_preferences":[{"wa_id":"15550300009","detail":"d","category":"marketing_messages",)",
        R"("value":")", value, R"(","timestamp":)", timestamp, "}]}}]}]}");
  };
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  ASSERT_EQ(pair.fake->PostNotification(preference("stop", now)), 200);
  ASSERT_EQ(pair.fake->PostNotification(preference("resume", now - 3600)), 200);
  ASSERT_EQ(pair.fake->PostNotification(preference("stop", now)), 200);  // re-delivered
  Json consent;
  auto read = [&] {
    Answer a =
        Send(pair.server->http_port(),
             {Head("GET", "/api/v1/whatsapp/guests/%2B15550300009/consent", 0, Bearer(admin))});
    consent = a.body;
    return a.status == 200 && consent.contains("history") && consent["history"].size() == 2;
  };
  ASSERT_TRUE(WaitUntil(read)) << consent.dump();
  absl::SleepFor(absl::Milliseconds(500));  // anything more would be applied meanwhile
  ASSERT_TRUE(read()) << consent.dump();
  EXPECT_EQ(consent["marketing_opted_out"], true) << consent.dump();
}

}  // namespace
}  // namespace wa::testing
