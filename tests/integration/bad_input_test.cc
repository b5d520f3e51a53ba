// The bad-input catalogue (README, "Limits and bad input"): one table of
// malformed, mistyped, out-of-range, non-UTF-8, unknown, over-long and
// oversized requests over both surfaces, each raw on the wire (bytes for
// REST, protobuf wire bytes for gRPC) so that nothing a client library
// would refuse to send is left out. Each must get the contract's error
// with its code and status, and change nothing: afterwards the guest's
// conversation and the fake Graph API hold only what the rows that are
// meant to succeed put there (over gRPC, unknown fields are ignored as
// protobuf does; REST refuses them, helpful_errors_test.cc). Slow-drip
// requests, oversized headers and the connection limit have tests of
// their own below.
#include <poll.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "nlohmann/json.hpp"
#include "tests/integration/cloud_pair.h"
#include "tests/integration/raw_socket.h"
#include "tests/integration/surface.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using Json = nlohmann::json;

constexpr char kGuest[] = "+15550800001";
constexpr char kSend[] = "/hotel.whatsapp.v1.MessagesService/SendMessage";
constexpr char kList[] = "/hotel.whatsapp.v1.ConversationsService/ListConversations";
constexpr int kGrpcMaxMessage = 64 * 1024;
constexpr int kRequestTimeoutSeconds = 3;

// ---------------------------------------------------------------------------
// Raw HTTP/1.1 over a socket.

struct HttpAnswer {
  int status = 0;
  std::string head;
  Json body;  // discarded when not JSON
};

HttpAnswer ParseAnswer(const std::string& raw) {
  HttpAnswer a;
  size_t end = raw.find("\r\n\r\n");
  a.head = raw.substr(0, end);
  if (raw.size() > 12) absl::SimpleAtoi(raw.substr(9, 3), &a.status);
  a.body = Json::parse(end == std::string::npos ? "" : raw.substr(end + 4), nullptr, false);
  return a;
}

// One request on a fresh connection the server closes after answering.
HttpAnswer Exchange(int port, const std::string& request) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return {};
  SendAll(fd, request);
  std::string raw = ReadUntilClosed(fd, absl::Seconds(10));
  close(fd);
  return ParseAnswer(raw);
}

std::string Request(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& body = "", const std::string& extra_headers = "") {
  std::string head = absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                                  "Connection: close\r\n", extra_headers);
  if (!token.empty()) absl::StrAppend(&head, "Authorization: Bearer ", token, "\r\n");
  if (method != "GET") {
    if (!absl::StrContains(extra_headers, "Content-Type:")) {
      absl::StrAppend(&head, "Content-Type: application/json\r\n");
    }
    absl::StrAppend(&head, "Content-Length: ", body.size(), "\r\n");
  }
  return absl::StrCat(head, "\r\n", body);
}

// The reference's error body, exactly.
void ExpectErrorBody(const HttpAnswer& a, const std::string& code, const std::string& row) {
  ASSERT_TRUE(a.body.is_object()) << row << ": " << a.head;
  ASSERT_TRUE(a.body.contains("error")) << row << ": " << a.body.dump();
  const Json& e = a.body["error"];
  EXPECT_EQ(a.body.size(), 1u) << row;
  EXPECT_EQ(e.value("code", ""), code) << row << ": " << a.body.dump();
  EXPECT_TRUE(e["message"].is_string() && !e["message"].get<std::string>().empty()) << row;
  EXPECT_TRUE(e["details"].is_object()) << row;
  EXPECT_TRUE(e["recovery_options"].is_array()) << row;
}

// ---------------------------------------------------------------------------
// Protobuf wire bytes, written by hand so that any of them can be wrong.

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string VarintField(int field, uint64_t v) { return Varint(field << 3) + Varint(v); }
std::string BytesField(int field, const std::string& bytes) {
  return Varint((field << 3) | 2) + Varint(bytes.size()) + bytes;
}
// SendMessageRequest: guest_phone = 1, message_type = 2, content = 3 {text = 1},
// staff_member_id = 5.
std::string SendBytes(const std::string& phone, uint64_t type, const std::string& text,
                      const std::string& staff = "") {
  std::string out =
      BytesField(1, phone) + VarintField(2, type) + BytesField(3, BytesField(1, text));
  if (!staff.empty()) out += BytesField(5, staff);
  return out;
}

struct GrpcAnswer {
  grpc::Status status;
  Outcome outcome;
};

GrpcAnswer CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                   const std::string& token, const std::string& bytes) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, method, request, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  GrpcAnswer answer;
  call->Finish(&response, &answer.status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  answer.outcome = OutcomeFromGrpc(answer.status);
  return answer;
}

// ---------------------------------------------------------------------------

class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pair_ = new CloudPair();
    ASSERT_TRUE(pair_->Start(
        {"--api_requests_per_second=0", absl::StrCat("--grpc_max_message_bytes=", kGrpcMaxMessage),
         "--http_max_header_bytes=16384",
         absl::StrCat("--http_request_timeout=", kRequestTimeoutSeconds, "s")}));
    staff_ = new std::string(pair_->server->CreateToken("staff"));
    ASSERT_EQ(pair_->fake->PostNotification(
                  pair_->fake->InboundTextNotification(std::string(kGuest).substr(1), "Ann", "Hi")),
              200);
  }
  static void TearDownTestSuite() {
    delete pair_;
    delete staff_;
  }

  int http_port() const { return pair_->server->http_port(); }
  std::shared_ptr<grpc::Channel> Channel() const {
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(-1);  // let oversized requests reach the server
    return grpc::CreateCustomChannel(pair_->server->grpc_address(),
                                     grpc::InsecureChannelCredentials(), args);
  }

  // Messages of the guest's conversation, as the API reports them.
  int MessageCount() {
    int fd = ConnectLoopback(http_port());
    SendAll(fd,
            Request("GET", "/api/v1/whatsapp/conversations?guest_phone=%2B15550800001", *staff_));
    HttpAnswer list = ParseAnswer(ReadUntilClosed(fd, absl::Seconds(10)));
    close(fd);
    if (list.status != 200 || list.body["conversations"].size() != 1) return -1;
    std::string id = list.body["conversations"][0]["conversation_id"];
    HttpAnswer conv =
        Exchange(http_port(), Request("GET", "/api/v1/whatsapp/conversations/" + id, *staff_));
    return conv.body.value("message_count", -1);
  }
  int ConversationCount() {
    HttpAnswer list = Exchange(
        http_port(), Request("GET", "/api/v1/whatsapp/conversations?page_size=100", *staff_));
    return list.status == 200 ? static_cast<int>(list.body["conversations"].size()) : -1;
  }

  static inline CloudPair* pair_ = nullptr;
  static inline std::string* staff_ = nullptr;
};

struct RestRow {
  std::string name;
  std::string method;
  std::string target;
  std::string body;
  int status;        // expected HTTP status
  std::string code;  // expected error.code; "" for success
  std::string extra_headers = "";
};

std::string ValidSend(const std::string& extra = "") {
  return absl::StrCat(R"({"guest_phone": "+15550800001", "message_type": "text", )",
                      R"("content": {"text": "catalogue"})", extra, "}");
}

std::vector<RestRow> RestRows() {
  const std::string send = "/api/v1/whatsapp/messages/send";
  const std::string convs = "/api/v1/whatsapp/conversations";
  const std::string long_text = std::string(4097, 'a');
  return {
      {"malformed JSON", "POST", send, R"({"guest_phone": "+15550800001", )", 400,
       "INVALID_ARGUMENT"},
      {"JSON that is not an object", "POST", send, R"(["+15550800001"])", 400, "INVALID_ARGUMENT"},
      {"empty body", "POST", send, "", 400, "INVALID_ARGUMENT"},
      {"wrong type: object field as string", "POST", send,
       R"({"guest_phone": "+15550800001", "message_type": "text", "content": "hi"})", 400,
       "INVALID_ARGUMENT"},
      {"wrong type: string field as number", "POST", send,
       R"({"guest_phone": 15550800001, "message_type": "text", "content": {"text": "x"}})", 400,
       "INVALID_ARGUMENT"},
      {"wrong type: integer field as fraction", "GET", convs + "?page_size=1.5", "", 400,
       "INVALID_ARGUMENT"},
      {"number out of range (int32 query)", "GET", convs + "?page_size=99999999999", "", 400,
       "INVALID_ARGUMENT"},
      {"number out of range (JSON beyond a double)", "POST", "/api/v1/whatsapp/messages/batch-send",
       R"({"messages": [{"phone": "+15550800001", "content": "x"}], "rate_limit": {"messages_per_second": 1E400}})",
       400, "INVALID_ARGUMENT"},
      {"negative page size", "GET", convs + "?page_size=-1", "", 400, "INVALID_ARGUMENT"},
      {"invalid UTF-8 in a JSON string", "POST", send,
       ValidSend().replace(ValidSend().find("catalogue"), 9, "bad \xC3\x28 byte"), 400,
       "INVALID_ARGUMENT"},
      {"invalid UTF-8 in a query parameter", "GET", convs + "?guest_phone=%FF%FE", "", 400,
       "INVALID_ARGUMENT"},
      {"invalid UTF-8 in a path variable", "GET", "/api/v1/whatsapp/messages/msg_%C3%28/status", "",
       400, "INVALID_ARGUMENT"},
      {"unknown field (refused, with the nearest known name)", "POST", send,
       ValidSend(R"(, "colour": "blue", "priority": {"level": 9})"), 400, "INVALID_ARGUMENT"},
      {"unknown query parameter", "GET", convs + "?colour=blue", "", 400, "INVALID_ARGUMENT"},
      {"form-encoded body", "POST", send, "guest_phone=%2B15550800001", 415,
       "UNSUPPORTED_MEDIA_TYPE", "Content-Type: application/x-www-form-urlencoded\r\n"},
      {"unknown enum value", "POST", send,
       R"({"guest_phone": "+15550800001", "message_type": "carrier_pigeon", "content": {"text": "x"}})",
       400, "INVALID_ARGUMENT"},
      {"over-long text (4097 characters)", "POST", send,
       absl::StrCat(R"({"guest_phone": "+15550800001", "content": {"text": ")", long_text, "\"}}"),
       400, "INVALID_ARGUMENT"},
      {"over-long staff_member_id", "POST", send,
       ValidSend(absl::StrCat(R"(, "staff_member_id": ")", std::string(1000, 's'), "\"")), 400,
       "INVALID_ARGUMENT"},
      {"body over the limit (1 MiB + 1)", "POST", send,
       ValidSend(absl::StrCat(R"(, "pad": ")", std::string(1 << 20, 'p'), "\"")), 413,
       "PAYLOAD_TOO_LARGE"},
      {"invalid page token", "GET", convs + "?page_token=not-a-token", "", 400, "INVALID_ARGUMENT"},
      {"Meta callback with a bad signature", "POST", "/api/v1/whatsapp/provider/webhook",
       R"({"object": "whatsapp_business_account", "entry": []})", 401, "UNAUTHENTICATED",
       "X-Hub-Signature-256: sha256=" + std::string(64, '0') + "\r\n"},
      {"Meta callback without a signature", "POST", "/api/v1/whatsapp/provider/webhook",
       R"({"object": "whatsapp_business_account", "entry": []})", 401, "UNAUTHENTICATED"},
  };
}

struct GrpcRow {
  std::string name;
  std::string method;
  std::string bytes;
  grpc::StatusCode code;
  std::string contract_code;  // "" for success or when gRPC itself answers
};

std::vector<GrpcRow> GrpcRows() {
  const std::string guest = kGuest;
  return {
      {"invalid UTF-8 in a string field", kSend, SendBytes("+1555\xFF\xFE", 1, "hi"),
       grpc::INVALID_ARGUMENT, "INVALID_ARGUMENT"},
      {"invalid UTF-8 in a nested string field", kSend, SendBytes(guest, 1, "bad \xC3\x28 byte"),
       grpc::INVALID_ARGUMENT, "INVALID_ARGUMENT"},
      {"truncated message", kSend, SendBytes(guest, 1, "hi").substr(0, 8), grpc::INVALID_ARGUMENT,
       "INVALID_ARGUMENT"},
      {"not protobuf at all", kSend, "\xFF\xFF\xFF\xFF\xFF", grpc::INVALID_ARGUMENT,
       "INVALID_ARGUMENT"},
      {"wrong type: a string field sent as a number", kSend,
       VarintField(1, 15550800001ULL) + VarintField(2, 1) + BytesField(3, BytesField(1, "x")),
       grpc::INVALID_ARGUMENT, "INVALID_ARGUMENT"},  // guest_phone is missing: named
      {"unknown field (ignored)", kSend, SendBytes(guest, 1, "catalogue") + VarintField(99, 7),
       grpc::OK, ""},
      {"unknown enum value", kSend, SendBytes(guest, 99, "x"), grpc::INVALID_ARGUMENT,
       "INVALID_ARGUMENT"},
      {"over-long text (4097 characters)", kSend, SendBytes(guest, 1, std::string(4097, 'a')),
       grpc::INVALID_ARGUMENT, "INVALID_ARGUMENT"},
      {"over-long staff_member_id", kSend, SendBytes(guest, 1, "x", std::string(1000, 's')),
       grpc::INVALID_ARGUMENT, "INVALID_ARGUMENT"},
      {"message over the limit", kSend, SendBytes(guest, 1, std::string(kGrpcMaxMessage + 1, 'a')),
       grpc::RESOURCE_EXHAUSTED, ""},
      // ListConversationsRequest: page_size = 3, page_token = 4.
      {"invalid page token", kList, BytesField(4, "not-a-token"), grpc::INVALID_ARGUMENT,
       "INVALID_ARGUMENT"},
      {"negative page size", kList, VarintField(3, static_cast<uint64_t>(-1)),
       grpc::INVALID_ARGUMENT, "INVALID_ARGUMENT"},
  };
}

TEST_F(BadInputTest, EveryRowGetsTheContractsErrorAndChangesNothing) {
  ASSERT_TRUE(WaitUntil([&] { return MessageCount() == 1; }));  // the guest's hello
  const int conversations = ConversationCount();
  int successes = 0;

  for (const RestRow& row : RestRows()) {
    SCOPED_TRACE("REST: " + row.name);
    HttpAnswer a = Exchange(http_port(),
                            Request(row.method, row.target, *staff_, row.body, row.extra_headers));
    EXPECT_EQ(a.status, row.status) << a.head << "\n" << a.body.dump();
    if (row.code.empty()) {
      EXPECT_TRUE(a.body.contains("message_id")) << a.body.dump();
      ++successes;
    } else {
      ExpectErrorBody(a, row.code, row.name);
    }
  }
  auto channel = Channel();
  for (const GrpcRow& row : GrpcRows()) {
    SCOPED_TRACE("gRPC: " + row.name);
    GrpcAnswer a = CallRaw(channel, row.method, *staff_, row.bytes);
    EXPECT_EQ(a.status.error_code(), row.code) << a.status.error_message();
    if (!row.contract_code.empty()) {
      EXPECT_EQ(a.outcome.error.code(), row.contract_code) << a.status.error_message();
      EXPECT_FALSE(a.outcome.error.message().empty());
    }
    if (row.code == grpc::OK) ++successes;
  }

  // Nothing but the rows meant to succeed was stored or sent.
  EXPECT_TRUE(pair_->fake->WaitForRequests(successes, absl::Seconds(10)));
  absl::SleepFor(absl::Milliseconds(500));  // anything more would arrive meanwhile
  EXPECT_EQ(pair_->fake->Requests().size(), static_cast<size_t>(successes));
  EXPECT_EQ(MessageCount(), 1 + successes);
  EXPECT_EQ(ConversationCount(), conversations);
  // And the server still serves.
  HttpAnswer health = Exchange(http_port(), Request("GET", "/healthz", ""));
  EXPECT_EQ(health.status, 200);
}

// A client sending a byte a second is cut off by the request timeout with
// 408, whether it drips the headers or the body; its thread is freed.
TEST_F(BadInputTest, SlowDripRequestsAreCutOffWith408) {
  const std::string body = ValidSend();
  for (bool drip_body : {false, true}) {
    SCOPED_TRACE(drip_body ? "dripping the body" : "dripping the headers");
    std::string request = Request("POST", "/api/v1/whatsapp/messages/send", *staff_, body);
    size_t split = drip_body ? request.find("\r\n\r\n") + 4 : 10;
    int fd = ConnectLoopback(http_port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, request.substr(0, split)));
    absl::Time start = absl::Now();
    std::string raw;
    for (size_t i = split; i < request.size(); ++i) {
      if (!SendAll(fd, request.substr(i, 1))) break;
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 1000) > 0) break;  // the server answered (or closed)
    }
    raw = ReadUntilClosed(fd, absl::Seconds(5));
    absl::Duration took = absl::Now() - start;
    close(fd);
    HttpAnswer a = ParseAnswer(raw);
    EXPECT_EQ(a.status, 408) << raw;
    ExpectErrorBody(a, "DEADLINE_EXCEEDED", "slow drip");
    EXPECT_GE(took, absl::Seconds(kRequestTimeoutSeconds - 1));
    EXPECT_LT(took, absl::Seconds(kRequestTimeoutSeconds + 3));
  }
}

TEST_F(BadInputTest, HeadersOverTheLimitAre431) {
  HttpAnswer a =
      Exchange(http_port(), Request("GET", "/api/v1/whatsapp/conversations", *staff_, "",
                                    absl::StrCat("X-Padding: ", std::string(8000, 'p'), "\r\n",
                                                 "X-More-Padding: ", std::string(8000, 'p'), "\r\n",
                                                 "X-Even-More: ", std::string(8000, 'p'), "\r\n")));
  EXPECT_EQ(a.status, 431) << a.head;
  ExpectErrorBody(a, "INVALID_ARGUMENT", "headers");
  // Under the limit the same request is served.
  a = Exchange(http_port(), Request("GET", "/api/v1/whatsapp/conversations", *staff_, "",
                                    absl::StrCat("X-Padding: ", std::string(4000, 'p'), "\r\n")));
  EXPECT_EQ(a.status, 200) << a.head;
}

// Connections beyond --http_max_connections are answered 503 at once,
// without waiting for a thread; closing one makes room again.
TEST(ConnectionLimitTest, ConnectionsBeyondTheLimitGet503) {
  ServerProcess server({"--http_max_connections=3", "--http_threads=2"});
  server.Start();
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) {
    int fd = ConnectLoopback(server.http_port());
    ASSERT_GE(fd, 0);
    held.push_back(fd);
  }
  absl::SleepFor(absl::Milliseconds(200));  // accepted and counted
  HttpAnswer refused = Exchange(server.http_port(), Request("GET", "/healthz", ""));
  EXPECT_EQ(refused.status, 503) << refused.head;
  ExpectErrorBody(refused, "UNAVAILABLE", "connection limit");
  EXPECT_TRUE(absl::StrContains(refused.head, "Retry-After: 1")) << refused.head;
  for (int fd : held) close(fd);
  EXPECT_TRUE(WaitUntil(
      [&] { return Exchange(server.http_port(), Request("GET", "/healthz", "")).status == 200; }));
}

}  // namespace
}  // namespace wa::testing
