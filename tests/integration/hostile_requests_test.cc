// The hostile part of the bad-input catalogue (README, "Limits and bad
// input"; issue 20): request bodies are bounded before they are read,
// whatever the route, the token or the framing; defaults are safe; answers
// carry the contract's message and never the server's own text; consent
// follows the events' time; a media file that is gone gets a whole error.
// Each case checks the answer, and the floods check the server's memory:
// its peak RSS (VmHWM in /proc/<pid>/status) during them.
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
#include "tests/integration/media_transfer.h"
#include "tests/integration/raw_socket.h"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"
#include "tests/integration/wait.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using Json = nlohmann::json;

constexpr char kUnknownPath[] = "/api/v1/whatsapp/no/such/route";
constexpr char kSend[] = "/api/v1/whatsapp/messages/send";
constexpr char kInbound[] = "/api/v1/whatsapp/sandbox/inbound";
constexpr char kMetaWebhook[] = "/api/v1/whatsapp/provider/webhook";
constexpr size_t kMiB = 1 << 20;
// The bound the floods must stay within (issue 20's "done means").
constexpr int64_t kMemoryBoundKb = 64 * 1024;

// ---------------------------------------------------------------------------
// The server's memory.

int64_t StatusKb(pid_t pid, const std::string& field) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (!absl::StartsWith(line, field + ":")) continue;
    int64_t kb = 0;
    std::string digits;
    for (char c : line) {
      if (c >= '0' && c <= '9') digits.push_back(c);
    }
    return absl::SimpleAtoi(digits, &kb) ? kb : -1;
  }
  return -1;
}

// ---------------------------------------------------------------------------
// A gzip stream of `inflated` zero bytes, deflated as it is made (about a
// thousandth of its inflated size).
std::string GzipOfZeros(size_t inflated) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string zeros(kMiB, '\0');
  std::string out;
  char buffer[64 * 1024];
  for (size_t fed = 0; fed < inflated;) {
    size_t n = std::min(zeros.size(), inflated - fed);
    fed += n;
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = static_cast<uInt>(n);
    int flush = fed == inflated ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof(buffer);
      deflate(&z, flush);
      out.append(buffer, sizeof(buffer) - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

// ---------------------------------------------------------------------------
// Raw HTTP/1.1, sending as a hostile client does: the body keeps coming
// until the server answers (or the connection dies).

struct Answer {
  int status = 0;
  std::string head;
  Json body;         // discarded when not JSON
  std::string text;  // the body as sent
  absl::Duration took;
  size_t body_sent = 0;  // body bytes the server took before answering
};

std::string Header(const Answer& a, const std::string& name) {
  std::string needle = absl::StrCat("\r\n", name, ": ");
  size_t at = a.head.find(needle);
  if (at == std::string::npos) return "";
  size_t from = at + needle.size();
  return a.head.substr(from, a.head.find("\r\n", from) - from);
}

// Whether `raw` holds a whole answer (its head and Content-Length bytes).
bool Complete(const std::string& raw) {
  size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::string head = raw.substr(0, end);
  size_t at = head.find("Content-Length: ");
  if (at == std::string::npos) return true;
  size_t length = 0;
  absl::SimpleAtoi(head.substr(at + 16, head.find("\r\n", at) - at - 16), &length);
  return raw.size() >= end + 4 + length;
}

Answer Parse(const std::string& raw) {
  Answer a;
  size_t end = raw.find("\r\n\r\n");
  a.head = raw.substr(0, end);
  if (raw.size() > 12) absl::SimpleAtoi(raw.substr(9, 3), &a.status);
  a.text = end == std::string::npos ? "" : raw.substr(end + 4);
  a.body = Json::parse(a.text, nullptr, false);
  return a;
}

struct Hostile {
  std::string head;      // request line and headers, without the blank line
  std::string body;      // sent as is, or:
  size_t zeros = 0;      // this many zero bytes after `body`
  bool chunked = false;  // framed as chunks of 64 KiB
  absl::Duration timeout = absl::Seconds(30);
};

// The next piece of the body on the wire (framed when chunked); "" at the end.
std::string NextPiece(const Hostile& h, size_t& offset, bool& ended) {
  const size_t total = h.body.size() + h.zeros;
  if (offset >= total) {
    if (ended || !h.chunked) return "";
    ended = true;
    return "0\r\n\r\n";
  }
  size_t n = std::min<size_t>(64 * 1024, total - offset);
  std::string piece;
  if (offset < h.body.size()) {
    n = std::min(n, h.body.size() - offset);
    piece = h.body.substr(offset, n);
  } else {
    piece.assign(n, '\0');
  }
  offset += n;
  if (!h.chunked) return piece;
  char size[32];
  std::snprintf(size, sizeof(size), "%zx\r\n", n);
  return absl::StrCat(size, piece, "\r\n");
}

// Sends the request, its body only while the server has not answered, and
// returns the answer with how long it took.
Answer Send(int port, const Hostile& h) {
  const absl::Time start = absl::Now();
  int fd = ConnectLoopback(port);
  if (fd < 0) return {};
  std::string raw;
  std::string pending =
      absl::StrCat(h.head, h.chunked ? "Transfer-Encoding: chunked\r\n" : "", "\r\n");
  size_t offset = 0;
  size_t sent_body = 0;
  bool ended = false;
  bool can_send = true;
  char buffer[16 * 1024];
  while (!Complete(raw) && absl::Now() - start < h.timeout) {
    if (can_send && pending.empty()) pending = NextPiece(h, offset, ended);
    pollfd p{fd, static_cast<short>(POLLIN | (can_send && !pending.empty() ? POLLOUT : 0)), 0};
    if (poll(&p, 1, 100) <= 0) continue;
    if (p.revents & POLLIN) {
      ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      raw.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (p.revents & POLLOUT) {
      ssize_t n = send(fd, pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        can_send = false;  // reset: read what was answered
        continue;
      }
      sent_body += static_cast<size_t>(n);
      pending.erase(0, static_cast<size_t>(n));
    } else if (p.revents & (POLLERR | POLLHUP)) {
      can_send = false;
    }
  }
  close(fd);
  Answer a = Parse(raw);
  a.took = absl::Now() - start;
  a.body_sent = sent_body;
  return a;
}

std::string Head(const std::string& method, const std::string& target, size_t length,
                 const std::string& extra = "") {
  std::string head = absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                                  "Connection: close\r\nContent-Type: application/json\r\n", extra);
  if (length > 0) absl::StrAppend(&head, "Content-Length: ", length, "\r\n");
  return head;
}

std::string Bearer(const std::string& token) {
  return absl::StrCat("Authorization: Bearer ", token, "\r\n");
}

void ExpectError(const Answer& a, int status, const std::string& code) {
  EXPECT_EQ(a.status, status) << a.head;
  ASSERT_TRUE(a.body.is_object()) << a.head;
  EXPECT_EQ(a.body["error"].value("code", ""), code) << a.body.dump();
  EXPECT_FALSE(a.body["error"].value("message", "").empty());
  EXPECT_FALSE(Header(a, "X-Request-Id").empty()) << a.head;
}

// Runs every request at once, each on its own thread.
std::vector<Answer> AllAtOnce(int port, const std::vector<Hostile>& requests) {
  std::vector<Answer> answers(requests.size());
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < static_cast<int>(requests.size())) std::this_thread::yield();
      answers[i] = Send(port, requests[i]);
    });
  }
  for (std::thread& t : threads) t.join();
  return answers;
}

// ---------------------------------------------------------------------------
// Memory under floods (issue 20, "done means"): twelve gzip bodies that
// inflate to 200 MB each and twenty 50 MB plain bodies to an unknown path,
// unauthenticated and all at once, plus ten chunked 50 MB bodies: each gets
// its error at once, and the server's peak RSS stays within 64 MB of where
// it started. (Before the bounds: 38 MB to 2.76 GB on this machine, with
// answers after up to 11 s.)
TEST(HostileRequests, FloodsOfBodiesLeaveMemoryBounded) {
  ServerProcess server;
  server.Start();
  const int port = server.http_port();
  // Warm: the first requests grow pools and arenas that any server has.
  for (int i = 0; i < 20; ++i) {
    Send(port, {Head("POST", kUnknownPath, 2), "{}"});
    Send(port, {Head("GET", "/healthz", 0)});
  }
  const int64_t start_kb = StatusKb(server.pid(), "VmHWM");
  ASSERT_GT(start_kb, 0);

  const std::string bomb = GzipOfZeros(200 * 1000 * 1000);
  ASSERT_LT(bomb.size(), 400u * 1024);  // 194 KB for zlib 1.2.13
  std::vector<Hostile> flood;
  for (int i = 0; i < 12; ++i) {
    flood.push_back({Head("POST", kUnknownPath, bomb.size(), "Content-Encoding: gzip\r\n"), bomb});
  }
  for (int i = 0; i < 20; ++i) {
    flood.push_back({Head("POST", kUnknownPath, 50 * kMiB), "", 50 * kMiB});
  }
  for (int i = 0; i < 10; ++i) {
    flood.push_back({Head("POST", kUnknownPath, 0), "", 50 * kMiB, /*chunked=*/true});
  }
  std::vector<Answer> answers = AllAtOnce(port, flood);
  const int64_t end_kb = StatusKb(server.pid(), "VmHWM");

  for (size_t i = 0; i < answers.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("request ", i));
    const Answer& a = answers[i];
    if (i < 12) {
      ExpectError(a, 415, "UNSUPPORTED_MEDIA_TYPE");
    } else {
      ExpectError(a, 413, "PAYLOAD_TOO_LARGE");
    }
    // At once: not after the body (a chunked one is cut off at its cap).
    EXPECT_LT(a.took, absl::Seconds(10));
    if (i >= 12) EXPECT_LT(a.body_sent, 10 * kMiB);
  }
  std::printf("peak RSS: %lld kB before the floods, %lld kB after (+%lld kB; bound +%lld kB)\n",
              static_cast<long long>(start_kb), static_cast<long long>(end_kb),
              static_cast<long long>(end_kb - start_kb), static_cast<long long>(kMemoryBoundKb));
  ::testing::Test::RecordProperty("peak_rss_start_kb", std::to_string(start_kb));
  ::testing::Test::RecordProperty("peak_rss_end_kb", std::to_string(end_kb));
  EXPECT_LE(end_kb - start_kb, kMemoryBoundKb);
  // And it still serves.
  EXPECT_EQ(Send(port, {Head("GET", "/healthz", 0)}).status, 200);
}

// Each route has its own cap, checked before the body is read, whatever
// the token: JSON routes 1 MiB, Meta's callbacks 3 MiB (Meta's largest),
// the media upload its own streaming cap; chunked bodies stop at theirs.
TEST(HostileRequests, EachRouteHasItsCapBeforeTheBodyIsRead) {
  ServerProcess server({}, {{"WA_META_APP_SECRET", "app-secret"}});
  server.Start();
  const int port = server.http_port();
  const std::string admin = server.CreateToken("admin");

  // Declared too large: answered with nothing of the body read.
  Answer a = Send(port, {Head("POST", kUnknownPath, 2 * kMiB), "", 2 * kMiB});
  ExpectError(a, 413, "PAYLOAD_TOO_LARGE");
  a = Send(port, {Head("POST", kSend, 2 * kMiB, Bearer("wat_wrong")), "", 2 * kMiB});
  ExpectError(a, 413, "PAYLOAD_TOO_LARGE");
  a = Send(port, {Head("POST", kMetaWebhook, 4 * kMiB), "", 4 * kMiB});
  ExpectError(a, 413, "PAYLOAD_TOO_LARGE");
  a = Send(port, {Head("POST", "/api/v1/whatsapp/media/upload", 200 * kMiB), "", 200 * kMiB});
  ExpectError(a, 413, "PAYLOAD_TOO_LARGE");
  EXPECT_LT(a.body_sent, 50 * kMiB);

  // Within Meta's cap a callback is read, and judged by its signature.
  a = Send(port, {Head("POST", kMetaWebhook, 2 * kMiB, "X-Hub-Signature-256: sha256=00\r\n"), "",
                  2 * kMiB});
  ExpectError(a, 401, "UNAUTHENTICATED");

  // Chunked: cut off at the cap, with the contract's answer.
  a = Send(port, {Head("POST", kInbound, 0, Bearer(admin)), "", 3 * kMiB, /*chunked=*/true});
  ExpectError(a, 413, "PAYLOAD_TOO_LARGE");
  // Chunked within the cap is served.
  a = Send(port, {Head("POST", kInbound, 0, Bearer(admin)),
                  R"({"guest_phone": "+15550300001", "text": "chunked hello"})", 0,
                  /*chunked=*/true});
  EXPECT_EQ(a.status, 200) << a.head << a.body.dump();

  // A length that is not a number.
  a = Send(port,
           {absl::StrCat("POST ", kSend, " HTTP/1.1\r\nHost: x\r\nContent-Length: 12ab\r\n")});
  ExpectError(a, 400, "INVALID_ARGUMENT");
}

// Compressed bodies are refused (415), never inflated; nothing changes.
TEST(HostileRequests, CompressedBodiesAreRefusedAndChangeNothing) {
  ServerProcess server;
  server.Start();
  const int port = server.http_port();
  const std::string admin = server.CreateToken("admin");
  const std::string body = R"({"guest_phone": "+15550300002", "text": "zipped"})";
  for (const char* encoding : {"gzip", "deflate", "br", "x-custom"}) {
    SCOPED_TRACE(encoding);
    Answer a =
        Send(port, {Head("POST", kInbound, body.size(),
                         absl::StrCat(Bearer(admin), "Content-Encoding: ", encoding, "\r\n")),
                    body});
    ExpectError(a, 415, "UNSUPPORTED_MEDIA_TYPE");
  }
  Answer list = Send(port, {Head("GET", "/api/v1/whatsapp/conversations", 0, Bearer(admin))});
  ASSERT_EQ(list.status, 200) << list.head;
  EXPECT_EQ(list.body["conversations"].size(), 0u) << list.body.dump();
  // "identity" is no encoding at all.
  Answer plain = Send(port, {Head("POST", kInbound, body.size(),
                                  absl::StrCat(Bearer(admin), "Content-Encoding: identity\r\n")),
                             body});
  EXPECT_EQ(plain.status, 200) << plain.head << plain.body.dump();
}

// Past --http_max_body_memory bytes of bodies held at once, a request with
// a body is answered 503 with Retry-After at once; requests without one
// still pass. The budget is in bytes: many small bodies fit where two large
// ones do not.
TEST(HostileRequests, BodiesBeyondTheMemoryBudgetGet503) {
  ServerProcess server(
      {absl::StrCat("--http_max_body_memory=", 2 * kMiB), "--http_request_timeout=20s"});
  server.Start();
  const int port = server.http_port();
  const std::string admin = server.CreateToken("admin");
  const std::string body = R"({"guest_phone": "+15550300003", "text": "hi"})";
  // Bodies that never finish arriving, `length` bytes declared each.
  auto hold = [&](size_t length, int n) {
    std::vector<int> held;
    for (int i = 0; i < n; ++i) {
      int fd = ConnectLoopback(port);
      EXPECT_GE(fd, 0);
      EXPECT_TRUE(
          SendAll(fd, absl::StrCat(Head("POST", kInbound, length, Bearer(admin)), "\r\n{")));
      held.push_back(fd);
    }
    absl::SleepFor(absl::Milliseconds(300));
    return held;
  };
  auto send = [&] {
    return Send(port, {Head("POST", kInbound, body.size(), Bearer(admin)), body});
  };

  std::vector<int> small = hold(1000, 100);  // 100 kB in all
  EXPECT_EQ(send().status, 200);
  for (int fd : small) close(fd);
  absl::SleepFor(absl::Milliseconds(500));  // their requests end, their bytes are freed

  std::vector<int> large = hold(kMiB, 2);  // the whole budget
  Answer refused = send();
  ExpectError(refused, 503, "UNAVAILABLE");
  EXPECT_EQ(Header(refused, "Retry-After"), "1") << refused.head;
  EXPECT_LT(refused.took, absl::Seconds(5));
  EXPECT_EQ(Send(port, {Head("GET", "/healthz", 0)}).status, 200);
  for (int fd : large) close(fd);
  EXPECT_TRUE(WaitUntil([&] { return send().status == 200; }));
}

// ---------------------------------------------------------------------------
// Media downloads.

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
