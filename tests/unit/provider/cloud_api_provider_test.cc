#include "server/provider/cloud_api_provider.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "server/domain/errors.h"
#include "tests/unit/provider/fake_http_server.h"

namespace wa::provider {
namespace {

using nlohmann::json;
using testing::FakeHttpServer;

constexpr char kPhoneNumberId[] = "109876543210987";
constexpr char kToken[] = "EAAG-secret-token";
constexpr char kMessagesPath[] = "/v23.0/109876543210987/messages";
constexpr char kMediaPath[] = "/v23.0/109876543210987/media";

std::string Success(const std::string& wamid) {
  return json{{"messaging_product", "whatsapp"},
              {"contacts", {{{"input", "447700900123"}, {"wa_id", "447700900123"}}}},
              {"messages", {{{"id", wamid}}}}}
      .dump();
}

std::string ErrorEnvelope(int code, const std::string& message, const std::string& details) {
  return json{{"error",
               {{"message", message},
                {"type", "OAuthException"},
                {"code", code},
                {"error_data", {{"messaging_product", "whatsapp"}, {"details", details}}},
                {"fbtrace_id", "Az1"}}}}
      .dump();
}

SenderAccount Account() {
  SenderAccount account;
  account.phone_number_id = kPhoneNumberId;
  account.access_token = kToken;
  return account;
}

OutboundMessage TextMessage(const std::string& text = "Your room is ready.") {
  OutboundMessage message;
  message.from = Account();
  message.message_id = "msg_1";
  message.guest_phone = "+447700900123";
  message.content.mutable_text()->set_text(text);
  return message;
}

CloudApiProvider::Options OptionsFor(const std::string& base_url) {
  CloudApiProvider::Options options;
  options.base_url = base_url;
  options.connect_timeout = absl::Milliseconds(500);
  options.request_timeout = absl::Milliseconds(400);
  return options;
}

class CloudApiProviderTest : public ::testing::Test {
 protected:
  // Answers every send with `status` and `body`; records what arrived.
  void AnswerSends(int status, std::string body) {
    fake_.server().Post(kMessagesPath, [this, status, body](const httplib::Request& request,
                                                            httplib::Response& response) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        last_auth_ = request.get_header_value("Authorization");
        last_content_type_ = request.get_header_value("Content-Type");
        last_body_ = request.body;
      }
      response.status = status;
      response.set_content(body, "application/json");
    });
  }

  void StartProvider() {
    fake_.Start();
    provider_ = std::make_unique<CloudApiProvider>(OptionsFor(fake_.base_url()));
  }

  FakeHttpServer fake_;
  std::unique_ptr<CloudApiProvider> provider_;
  std::mutex mu_;
  std::string last_auth_, last_content_type_, last_body_;
};

TEST_F(CloudApiProviderTest, AcceptedSendReturnsWamidAndSendsMetaRequest) {
  AnswerSends(200, Success("wamid.HBgMNDQ3"));
  StartProvider();
  OutboundMessage message = TextMessage();
  message.reply_to_message_id = "wamid.IN";
  SendResult result = provider_->Send(message);
  EXPECT_EQ(result.outcome, SendOutcome::kAccepted) << result.error;
  EXPECT_EQ(result.whatsapp_message_id, "wamid.HBgMNDQ3");
  EXPECT_TRUE(result.follow_ups.empty());
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(last_auth_, std::string("Bearer ") + kToken);
  EXPECT_EQ(last_content_type_, "application/json");
  EXPECT_EQ(json::parse(last_body_), json::parse(R"({
      "messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123",
      "type":"text","text":{"body":"Your room is ready.","preview_url":false},
      "biz_opaque_callback_data":"msg_1","context":{"message_id":"wamid.IN"}})"));
  EXPECT_EQ(provider_->Name(), "cloud");
  EXPECT_FALSE(provider_->SimulatesInbound());
}

// A chain: each property's number has its own path and token.
TEST_F(CloudApiProviderTest, EachSendGoesToItsNumbersPathWithItsToken) {
  AnswerSends(200, Success("wamid.A"));
  std::string other_auth;
  fake_.server().Post("/v23.0/300000000000001/messages",
                      [&](const httplib::Request& request, httplib::Response& response) {
                        other_auth = request.get_header_value("Authorization");
                        response.set_content(Success("wamid.B"), "application/json");
                      });
  StartProvider();
  OutboundMessage paris = TextMessage();
  paris.from.phone_number_id = "300000000000001";
  paris.from.access_token = "paris-token";
  SendResult result = provider_->Send(paris);
  EXPECT_EQ(result.whatsapp_message_id, "wamid.B") << result.error;
  EXPECT_EQ(other_auth, "Bearer paris-token");
  EXPECT_EQ(provider_->Send(TextMessage()).whatsapp_message_id, "wamid.A");
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(last_auth_, std::string("Bearer ") + kToken);
}

// A number whose token cannot be read (or no number at all) keeps the
// message queued, without a request to Meta.
TEST_F(CloudApiProviderTest, NoNumberOrNoTokenKeepsTheMessageQueued) {
  AnswerSends(200, Success("wamid.X"));
  StartProvider();
  OutboundMessage no_token = TextMessage();
  no_token.from.access_token.clear();
  no_token.from.token_problem = "environment variable PARIS_TOKEN is not set";
  SendResult result = provider_->Send(no_token);
  EXPECT_EQ(result.outcome, SendOutcome::kCredentialsRejected);
  EXPECT_NE(result.error.find("PARIS_TOKEN"), std::string::npos) << result.error;
  OutboundMessage no_number = TextMessage();
  no_number.from = SenderAccount{};
  EXPECT_EQ(provider_->Send(no_number).outcome, SendOutcome::kCredentialsRejected);
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_TRUE(last_body_.empty());
}

// Graph is reached through the proxy the options name (a locked-down
// network), and only through it.
TEST_F(CloudApiProviderTest, SendsGoThroughTheConfiguredProxy) {
  std::string target, host;
  fake_.server().Post(".*", [&](const httplib::Request& request, httplib::Response& response) {
    target = request.target;
    host = request.get_header_value("Host");
    response.set_content(Success("wamid.P"), "application/json");
  });
  fake_.Start();
  CloudApiProvider::Options options = OptionsFor("http://graph.invalid");
  options.proxy = fake_.base_url();
  CloudApiProvider provider(options);
  SendResult result = provider.Send(TextMessage());
  EXPECT_EQ(result.outcome, SendOutcome::kAccepted) << result.error;
  EXPECT_EQ(target, std::string("http://graph.invalid") + kMessagesPath);
  EXPECT_EQ(host, "graph.invalid");
}

TEST_F(CloudApiProviderTest, BaseUrlWithTrailingSlash) {
  AnswerSends(200, Success("wamid.S"));
  fake_.Start();
  CloudApiProvider provider(OptionsFor(fake_.base_url() + "/"));
  EXPECT_EQ(provider.Send(TextMessage()).outcome, SendOutcome::kAccepted);
}

TEST_F(CloudApiProviderTest, WindowExpiredFailsWithContractCode) {
  AnswerSends(400, ErrorEnvelope(131047, "(#131047) Re-engagement message",
                                 "Message failed to send because more than 24 hours have passed "
                                 "since the customer last replied to this number."));
  StartProvider();
  SendResult result = provider_->Send(TextMessage());
  EXPECT_EQ(result.outcome, SendOutcome::kFailed);
  EXPECT_EQ(result.error_code, 131047);
  EXPECT_EQ(result.contract_code, "MESSAGE_WINDOW_EXPIRED");
  EXPECT_EQ(result.error,
            "(#131047) Re-engagement message: Message failed to send because more than 24 hours "
            "have passed since the customer last replied to this number.");
}

TEST_F(CloudApiProviderTest, ThroughputLimitRetriesAndHonoursRetryAfter) {
  fake_.server().Post(kMessagesPath, [](const httplib::Request&, httplib::Response& response) {
    response.status = 429;
    response.set_header("Retry-After", "30");
    response.set_content(ErrorEnvelope(130429, "(#130429) Rate limit hit", ""), "application/json");
  });
  StartProvider();
  SendResult result = provider_->Send(TextMessage());
  EXPECT_EQ(result.outcome, SendOutcome::kRetry);
  EXPECT_EQ(result.contract_code, "RATE_LIMIT_EXCEEDED");
  EXPECT_EQ(result.error_code, 130429);
  EXPECT_EQ(result.retry_after, absl::Seconds(30));
}

TEST_F(CloudApiProviderTest, CredentialsRejectedUntilNextAcceptedSend) {
  std::atomic<bool> token_ok{false};
  fake_.server().Post(kMessagesPath, [&](const httplib::Request&, httplib::Response& response) {
    if (token_ok) {
      response.set_content(Success("wamid.OK"), "application/json");
      return;
    }
    response.status = 401;
    response.set_content(
        R"({"error":{"message":"Error validating access token: Session has expired.",
            "type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"x"}})",
        "application/json");
  });
  StartProvider();
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 3; ++i) {
    SendResult result = provider_->Send(TextMessage());
    EXPECT_EQ(result.outcome, SendOutcome::kCredentialsRejected);
    EXPECT_EQ(result.error_code, 190);
    EXPECT_TRUE(provider_->credentials_rejected());
  }
  token_ok = true;
  EXPECT_EQ(provider_->Send(TextMessage()).outcome, SendOutcome::kAccepted);
  EXPECT_FALSE(provider_->credentials_rejected());
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(log.find(kToken), std::string::npos) << log;
  size_t first = log.find("credentials rejected");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("credentials rejected", first + 1), std::string::npos) << "logged twice";
}

TEST_F(CloudApiProviderTest, ServerErrorWithoutEnvelopeRetries) {
  AnswerSends(502, "<html>Bad Gateway</html>");
  StartProvider();
  SendResult result = provider_->Send(TextMessage());
  EXPECT_EQ(result.outcome, SendOutcome::kRetry);
  EXPECT_GT(result.retry_after, absl::ZeroDuration());
  EXPECT_EQ(result.error_code, 0);
}

TEST_F(CloudApiProviderTest, TransientMetaCodeRetries) {
  AnswerSends(500, ErrorEnvelope(131000, "(#131000) Something went wrong", ""));
  StartProvider();
  SendResult result = provider_->Send(TextMessage());
  EXPECT_EQ(result.outcome, SendOutcome::kRetry);
  EXPECT_EQ(result.error_code, 131000);
}

TEST_F(CloudApiProviderTest, OkWithoutMessageIdIsTransient) {
  AnswerSends(200, R"({"messaging_product":"whatsapp","messages":[]})");
  StartProvider();
  SendResult result = provider_->Send(TextMessage());
  EXPECT_EQ(result.outcome, SendOutcome::kRetry);
  EXPECT_TRUE(result.whatsapp_message_id.empty());
}

TEST_F(CloudApiProviderTest, SlowAnswerTimesOutAsRetry) {
  fake_.server().Post(kMessagesPath, [](const httplib::Request&, httplib::Response& response) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    response.set_content(Success("wamid.LATE"), "application/json");
  });
  StartProvider();
  absl::Time start = absl::Now();
  SendResult result = provider_->Send(TextMessage());
  absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(result.outcome, SendOutcome::kRetry);
  EXPECT_NE(result.error.find("imeout"), std::string::npos) << result.error;
  EXPECT_LT(elapsed, absl::Milliseconds(1000));
}

TEST_F(CloudApiProviderTest, DroppedConnectionRetries) {
  testing::DroppingServer dropping;
  CloudApiProvider provider(OptionsFor(dropping.base_url()));
  SendResult result = provider.Send(TextMessage());
  EXPECT_EQ(result.outcome, SendOutcome::kRetry);
  EXPECT_GE(dropping.accepted(), 1);
}

TEST_F(CloudApiProviderTest, RefusedConnectionRetries) {
  CloudApiProvider provider(
      OptionsFor("http://127.0.0.1:" + std::to_string(testing::UnusedPort())));
  SendResult result = provider.Send(TextMessage());
  EXPECT_EQ(result.outcome, SendOutcome::kRetry);
  EXPECT_FALSE(result.error.empty());
}

TEST_F(CloudApiProviderTest, InvalidContentFailsWithoutARequest) {
  AnswerSends(200, Success("wamid.X"));
  StartProvider();
  OutboundMessage message = TextMessage();
  message.content.Clear();
  SendResult result = provider_->Send(message);
  EXPECT_EQ(result.outcome, SendOutcome::kFailed);
  EXPECT_EQ(fake_.requests(), 0);
}

TEST_F(CloudApiProviderTest, SequentialSendsReuseOneConnection) {
  AnswerSends(200, Success("wamid.SEQ"));
  StartProvider();
  absl::Time start = absl::Now();
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(provider_->Send(TextMessage()).outcome, SendOutcome::kAccepted) << i;
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  // The fake counts a request after its answer has gone out.
  for (int i = 0; i < 100 && fake_.requests() < 20; ++i) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(fake_.requests(), 20);
  EXPECT_EQ(fake_.connections(), 1u);
  EXPECT_EQ(provider_->connections_opened(), 1);
}

TEST_F(CloudApiProviderTest, ConcurrentWorkersShareThePool) {
  AnswerSends(200, Success("wamid.PAR"));
  StartProvider();
  constexpr int kWorkers = 4;
  constexpr int kEach = 10;
  std::atomic<int> accepted{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        if (provider_->Send(TextMessage()).outcome == SendOutcome::kAccepted) ++accepted;
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(accepted.load(), kWorkers * kEach);
  EXPECT_LE(fake_.connections(), static_cast<size_t>(kWorkers));
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/wa_upload_XXXXXX";
    int fd = mkstemp(name);
    close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST_F(CloudApiProviderTest, UploadMediaSendsMultipartAndReturnsId) {
  std::string content(200000, '\x7f');
  content[0] = '\xff';
  content[1] = '\xd8';
  TempFile file(content);
  std::map<std::string, httplib::MultipartFormData> seen;
  std::string auth;
  fake_.server().Post(kMediaPath,
                      [&](const httplib::Request& request, httplib::Response& response) {
                        auth = request.get_header_value("Authorization");
                        for (const auto& [name, part] : request.files) seen[name] = part;
                        response.set_content(R"({"id":"1357924680135792"})", "application/json");
                      });
  StartProvider();
  absl::StatusOr<std::string> id = provider_->UploadMedia(Account(), file.path(), "image/jpeg");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "1357924680135792");
  EXPECT_EQ(auth, std::string("Bearer ") + kToken);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen["messaging_product"].content, "whatsapp");
  EXPECT_EQ(seen["type"].content, "image/jpeg");
  EXPECT_EQ(seen["file"].content_type, "image/jpeg");
  EXPECT_EQ(seen["file"].filename, file.path().substr(file.path().rfind('/') + 1));
  EXPECT_TRUE(seen["file"].content == content) << "file bytes differ";
}

TEST_F(CloudApiProviderTest, UploadMediaErrorCarriesMetaMessage) {
  TempFile file("not really a jpeg");
  fake_.server().Post(kMediaPath, [](const httplib::Request&, httplib::Response& response) {
    response.status = 400;
    response.set_content(ErrorEnvelope(131053, "(#131053) Media upload error",
                                       "Unsupported Image mime type image/gif"),
                         "application/json");
  });
  StartProvider();
  absl::StatusOr<std::string> id = provider_->UploadMedia(Account(), file.path(), "image/gif");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(id.status().message(),
            "(#131053) Media upload error: Unsupported Image mime type image/gif");
  EXPECT_EQ(domain::DetailOf(id.status()).code(), "MEDIA_UPLOAD_FAILED");
}

TEST_F(CloudApiProviderTest, UploadMediaOfMissingFileMakesNoRequest) {
  StartProvider();
  absl::StatusOr<std::string> id =
      provider_->UploadMedia(Account(), "/nonexistent/a.jpg", "image/jpeg");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(fake_.requests(), 0);
}

TEST_F(CloudApiProviderTest, UploadMediaWithRejectedTokenFlagsCredentials) {
  TempFile file("x");
  fake_.server().Post(kMediaPath, [](const httplib::Request&, httplib::Response& response) {
    response.status = 401;
    response.set_content(ErrorEnvelope(0, "(#0) AuthException", ""), "application/json");
  });
  StartProvider();
  ::testing::internal::CaptureStderr();
  absl::StatusOr<std::string> id = provider_->UploadMedia(Account(), file.path(), "image/jpeg");
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(id.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(provider_->credentials_rejected());
}

}  // namespace
}  // namespace wa::provider
