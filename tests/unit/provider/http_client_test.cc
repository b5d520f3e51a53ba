#include "server/provider/http_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "tests/unit/provider/fake_http_server.h"

namespace wa::provider {
namespace {

using testing::FakeHttpServer;

HttpClient::Options FastOptions() {
  HttpClient::Options options;
  options.connect_timeout = absl::Milliseconds(500);
  options.request_timeout = absl::Milliseconds(400);
  return options;
}

TEST(HttpClientTest, GetReturnsStatusBodyAndHeaders) {
  FakeHttpServer fake;
  fake.server().Get("/hello", [](const httplib::Request& request, httplib::Response& response) {
    response.status = 202;
    response.set_header("X-Business-Use-Case-Usage", "{}");
    response.set_content("hi " + request.get_header_value("X-Test"), "text/plain");
  });
  fake.Start();
  HttpClient client(FastOptions());
  absl::StatusOr<HttpResponse> response = client.Get(fake.base_url() + "/hello", {"X-Test: 7"});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 202);
  EXPECT_EQ(response->body, "hi 7");
  EXPECT_EQ(response->Header("x-business-use-case-usage"), "{}");
  EXPECT_EQ(response->Header("Content-Type"), "text/plain");
  EXPECT_EQ(response->Header("absent"), "");
}

// A proxy in the environment would see (and resolve) every host itself:
// the client goes direct unless given one. Here the environment's proxies
// are a port nobody listens on, so using them would fail the request.
TEST(HttpClientTest, IgnoresProxiesInTheEnvironment) {
  FakeHttpServer fake;
  fake.server().Get("/direct", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("direct", "text/plain");
  });
  fake.Start();
  for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"}) {
    setenv(name, "http://127.0.0.1:1", 1);
  }
  HttpClient client(FastOptions());
  absl::StatusOr<HttpResponse> response = client.Get(fake.base_url() + "/direct", {});
  for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"}) {
    unsetenv(name);
  }
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "direct");
}

TEST(HttpClientTest, KeepsOnlyTheStartOfALargeBodyWhenAskedTo) {
  FakeHttpServer fake;
  fake.server().Get("/big", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(1 << 20, 'x'), "text/plain");
  });
  fake.Start();
  HttpClient::Options options = FastOptions();
  options.max_response_bytes = 1000;
  HttpClient client(options);
  absl::StatusOr<HttpResponse> response = client.Get(fake.base_url() + "/big", {});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, std::string(1000, 'x'));
  // The connection was read to the end, so it is reused.
  ASSERT_TRUE(client.Get(fake.base_url() + "/big", {}).ok());
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(HttpClientTest, PostJsonSendsBodyAndContentType) {
  FakeHttpServer fake;
  std::string body, content_type, expect;
  fake.server().Post("/echo", [&](const httplib::Request& request, httplib::Response& response) {
    body = request.body;
    content_type = request.get_header_value("Content-Type");
    expect = request.get_header_value("Expect");
    response.status = 404;  // a status is an answer, not a transport error
    response.set_content("{}", "application/json");
  });
  fake.Start();
  HttpClient client(FastOptions());
  std::string large(5000, 'a');  // big enough that curl would otherwise send Expect
  absl::StatusOr<HttpResponse> response =
      client.PostJson(fake.base_url() + "/echo", {}, "{\"a\":\"" + large + "\"}");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(body, "{\"a\":\"" + large + "\"}");
  EXPECT_EQ(content_type, "application/json");
  EXPECT_EQ(expect, "");
}

TEST(HttpClientTest, TimeoutIsDeadlineExceeded) {
  FakeHttpServer fake;
  fake.server().Get("/slow", [](const httplib::Request&, httplib::Response& response) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    response.set_content("late", "text/plain");
  });
  fake.Start();
  HttpClient client(FastOptions());
  EXPECT_EQ(client.Get(fake.base_url() + "/slow", {}).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  // A per-request timeout overrides the default.
  HttpRequest request;
  request.url = fake.base_url() + "/slow";
  request.timeout = absl::Seconds(3);
  absl::StatusOr<HttpResponse> response = client.Perform(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "late");
}

TEST(HttpClientTest, RefusedAndDroppedConnectionsAreUnavailable) {
  HttpClient client(FastOptions());
  EXPECT_EQ(
      client.Get("http://127.0.0.1:" + std::to_string(testing::UnusedPort()), {}).status().code(),
      absl::StatusCode::kUnavailable);
  testing::DroppingServer dropping;
  EXPECT_EQ(client.PostJson(dropping.base_url() + "/x", {}, "{}").status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(HttpClientTest, BadUrlIsInvalidArgument) {
  HttpClient client(FastOptions());
  EXPECT_EQ(client.Get("ftp://127.0.0.1/x", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(HttpClientTest, UnreadableUploadFileIsFailedPrecondition) {
  HttpClient client(FastOptions());
  EXPECT_EQ(client
                .PostMultipart("http://127.0.0.1:1/x", {},
                               {MultipartField::File("file", "/nonexistent/x", "image/png")})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(HttpClientTest, KeepsConnectionsAliveAcrossRequests) {
  FakeHttpServer fake;
  fake.server().Get("/ping", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("pong", "text/plain");
  });
  fake.Start();
  HttpClient client(FastOptions());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(client.Get(fake.base_url() + "/ping", {}).ok());
  }
  EXPECT_EQ(client.connections_opened(), 1);
  EXPECT_EQ(fake.connections(), 1u);
}

TEST(HttpClientTest, ExtraHandlesBeyondThePoolAreClosed) {
  FakeHttpServer fake;
  fake.server().Get("/wait", [](const httplib::Request&, httplib::Response& response) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    response.set_content("ok", "text/plain");
  });
  fake.Start();
  HttpClient::Options options = FastOptions();
  options.max_idle_handles = 1;
  HttpClient client(options);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      if (client.Get(fake.base_url() + "/wait", {}).ok()) ++ok;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 3);
  // Only one handle stayed: the next request reuses its connection.
  int64_t before = client.connections_opened();
  ASSERT_TRUE(client.Get(fake.base_url() + "/wait", {}).ok());
  EXPECT_EQ(client.connections_opened(), before);
}

}  // namespace
}  // namespace wa::provider
