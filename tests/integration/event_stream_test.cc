// Live events (issue 21): EventsService.StreamEvents and ListEvents against
// a real server. Subscribers that come and go at random while 10,000 events
// commit each get every event exactly once and in order; streams are
// tenant-scoped; a cursor past the retention fails with OUT_OF_RANGE; a
// subscriber that stops reading ends with SUBSCRIBER_TOO_SLOW and the
// server's memory stays flat; on PostgreSQL, an event committed by one
// instance reaches a stream on another within a second.
#include <atomic>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/events.grpc.pb.h"
#include "hotel/whatsapp/v1/sandbox.grpc.pb.h"
#include "httplib.h"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"
#include "tests/integration/wait.h"

namespace wa::testing {
namespace {

// scripts/sanitize's build: unoptimized, and ASan's quarantine holds freed
// memory, so the server's RSS says nothing about what it keeps.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

namespace v1 = ::hotel::whatsapp::v1;

struct Received {
  int64_t cursor;
  std::string event_id;
};

class EventStreamTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> flags = {}) {
    flags.push_back("--api_requests_per_second=0");
    flags.push_back("--log_requests=false");
    server_ = std::make_unique<ServerProcess>(flags);
    server_->Start();
    admin_ = server_->CreateToken("admin");
    channel_ = grpc::CreateChannel(server_->grpc_address(), grpc::InsecureChannelCredentials());
  }

  static void Authorize(grpc::ClientContext* context, const std::string& token) {
    context->AddMetadata("authorization", "Bearer " + token);
  }

  // `count` guest messages through the sandbox, each one inbound_message
  // event, from `threads` callers at once.
  static void Produce(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                      int count, int threads = 8, const std::string& text = "hello") {
    auto stub = v1::SandboxService::NewStub(channel);
    std::atomic<int> next{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (int i = next++; i < count; i = next++) {
          grpc::ClientContext context;
          Authorize(&context, token);
          v1::SimulateInboundRequest request;
          request.set_guest_phone(absl::StrCat("+1555000", 1000 + (i + t) % 50));
          request.set_text(text);
          v1::SimulateInboundResponse response;
          grpc::Status status = stub->SimulateInbound(&context, request, &response);
          ASSERT_TRUE(status.ok()) << status.error_message();
        }
      });
    }
    for (std::thread& w : workers) w.join();
  }

  grpc::Status List(const std::string& token, int64_t after, int page_size,
                    v1::ListEventsResponse* response) {
    auto stub = v1::EventsService::NewStub(channel_);
    grpc::ClientContext context;
    Authorize(&context, token);
    v1::ListEventsRequest request;
    request.set_after_cursor(after);
    request.set_page_size(page_size);
    return stub->ListEvents(&context, request, response);
  }

  // Every event of the token's property after `after`, by ListEvents.
  std::vector<Received> ListAll(const std::string& token, int64_t after) {
    std::vector<Received> all;
    while (true) {
      v1::ListEventsResponse page;
      grpc::Status status = List(token, after, 1000, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok() || page.events_size() == 0) return all;
      for (const v1::Event& e : page.events()) all.push_back({e.cursor(), e.event_id()});
      after = page.next_cursor();
    }
  }

  static v1::ErrorDetail DetailOf(const grpc::Status& status) {
    v1::ErrorDetail detail;
    google::rpc::Status rich;
    if (rich.ParseFromString(status.error_details()) && rich.details_size() > 0) {
      rich.details(0).UnpackTo(&detail);
    }
    return detail;
  }

  static int64_t RssKb(pid_t pid) {
    std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
    }
    return -1;
  }

  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
  std::shared_ptr<grpc::Channel> channel_;
};

// 50 subscribers each read a random number of events, drop the
// connection and resume after the last cursor they saw (an event's or a
// keep-alive's), while 10,000 events commit: each sees every event once,
// in cursor order, identical to the stored list.
TEST_F(EventStreamTest, ChurningSubscribersGetEveryEventOnceInOrder) {
  StartServer({"--event_keep_alive=1s"});
  // On PostgreSQL one property's event-emitting transactions commit one at
  // a time (README, "Live events"): a fifth of the events keeps the run short.
  // Fewer where commits are slow: PostgreSQL serializes one property's
  // event commits, and the sanitized build runs unoptimized.
  const int kEvents = TestsRunOnPostgres() || kSanitized ? 2000 : 10000;
  constexpr int kSubscribers = 50;
  std::atomic<int64_t> final_cursor{-1};
  std::vector<std::vector<Received>> seen(kSubscribers);
  std::atomic<int> reconnects{0};
  std::vector<std::thread> subscribers;
  for (int s = 0; s < kSubscribers; ++s) {
    subscribers.emplace_back([&, s] {
      std::mt19937 rng(s);
      auto stub = v1::EventsService::NewStub(channel_);
      int64_t last = 0;
      const absl::Time give_up = absl::Now() + absl::Seconds(90);
      while (absl::Now() < give_up) {
        int64_t end = final_cursor.load();
        if (end >= 0 && last >= end) return;
        grpc::ClientContext context;
        Authorize(&context, admin_);
        v1::StreamEventsRequest request;
        request.set_after_cursor(last);
        auto reader = stub->StreamEvents(&context, request);
        int budget = std::uniform_int_distribution<int>(1, 600)(rng);
        v1::Event event;
        while (budget > 0 && reader->Read(&event)) {
          if (!event.event().empty()) {
            seen[s].push_back({event.cursor(), event.event_id()});
            --budget;
          }
          last = event.cursor();
          int64_t done_at = final_cursor.load();
          if (done_at >= 0 && last >= done_at) break;
        }
        context.TryCancel();
        reader->Finish().IgnoreError();
        ++reconnects;
      }
    });
  }
  absl::Time start = absl::Now();
  Produce(channel_, admin_, kEvents, 32);  // many at once: they share commits
  v1::ListEventsResponse tail;
  ASSERT_TRUE(List(admin_, 0, 1, &tail).ok());
  final_cursor = tail.latest_cursor();
  std::cerr << "produced in " << absl::FormatDuration(absl::Now() - start) << "\n";
  for (std::thread& t : subscribers) t.join();
  std::vector<Received> stored = ListAll(admin_, 0);
  ASSERT_EQ(stored.size(), static_cast<size_t>(kEvents));
  for (int s = 0; s < kSubscribers; ++s) {
    ASSERT_EQ(seen[s].size(), stored.size()) << "subscriber " << s;
    for (size_t i = 0; i < stored.size(); ++i) {
      ASSERT_EQ(seen[s][i].cursor, stored[i].cursor) << "subscriber " << s << " at " << i;
      ASSERT_EQ(seen[s][i].event_id, stored[i].event_id) << "subscriber " << s << " at " << i;
    }
  }
  EXPECT_GT(reconnects.load(), kSubscribers * 5);
  std::cerr << "10000 events, 50 churning subscribers, " << reconnects.load()
            << " reconnects: " << absl::FormatDuration(absl::Now() - start) << "\n";
}

TEST_F(EventStreamTest, StreamsSeeOnlyTheirOwnProperty) {
  StartServer();
  std::string paris_admin = server_->CreateToken("admin", "paris");
  std::string paris_staff = server_->CreateToken("staff", "paris");
  std::string default_staff = server_->CreateToken("staff");
  auto follow = [&](const std::string& token, std::vector<v1::Event>* out, int want) {
    auto stub = v1::EventsService::NewStub(channel_);
    grpc::ClientContext context;
    Authorize(&context, token);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    v1::StreamEventsRequest request;
    request.set_after_cursor(0);
    auto reader = stub->StreamEvents(&context, request);
    v1::Event event;
    while (static_cast<int>(out->size()) < want && reader->Read(&event)) {
      if (!event.event().empty()) out->push_back(event);
    }
    context.TryCancel();
    reader->Finish().IgnoreError();
  };
  std::vector<v1::Event> paris_seen, default_seen;
  std::thread paris([&] { follow(paris_staff, &paris_seen, 3); });
  std::thread home([&] { follow(default_staff, &default_seen, 5); });
  Produce(channel_, admin_, 5, 1, "default's guest");
  Produce(channel_, paris_admin, 3, 1, "paris's guest");
  paris.join();
  home.join();
  ASSERT_EQ(paris_seen.size(), 3u);
  ASSERT_EQ(default_seen.size(), 5u);
  for (const v1::Event& e : paris_seen) {
    EXPECT_EQ(e.data().fields().at("message_content").string_value(), "paris's guest");
  }
  for (const v1::Event& e : default_seen) {
    EXPECT_EQ(e.data().fields().at("message_content").string_value(), "default's guest");
  }
  // Each property numbers its own events.
  EXPECT_EQ(paris_seen.front().cursor(), 1);
  v1::ListEventsResponse page;
  ASSERT_TRUE(List(paris_staff, 0, 100, &page).ok());
  EXPECT_EQ(page.events_size(), 3);
  EXPECT_EQ(page.latest_cursor(), 3);
}

// Events are kept for the property's event_days (PATCH /property/retention),
// removed by the retention worker from the start of the stream; another
// property keeps its own for its own days. A retention "day" is a second here.
TEST_F(EventStreamTest, CursorOlderThanRetentionIsOutOfRange) {
  StartServer({"--retention_day=1s", "--retention_interval=200ms"});
  const std::string paris_admin = server_->CreateToken("admin", "paris");
  auto event_days = [&](const std::string& token, int days) {
    httplib::Client http("127.0.0.1", server_->http_port());
    httplib::Result r =
        http.Patch("/api/v1/whatsapp/property/retention", {{"Authorization", "Bearer " + token}},
                   absl::StrCat(R"({"event_days": )", days, "}"), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  };
  event_days(admin_, 1);
  event_days(paris_admin, 3650);
  Produce(channel_, admin_, 3, 1);
  Produce(channel_, paris_admin, 2, 1);
  v1::ListEventsResponse page;
  // All three pruned within a few seconds (retention 1 s, a pass every
  // 200 ms; a pass may take the first ones alone): a cursor before the
  // last is then out of range.
  ASSERT_TRUE(WaitUntil(
      [&] { return List(admin_, 2, 10, &page).error_code() == grpc::StatusCode::OUT_OF_RANGE; }));
  // Paris keeps its events: its retention is its own.
  ASSERT_TRUE(List(paris_admin, 0, 10, &page).ok());
  EXPECT_EQ(page.events_size(), 2);
  auto stub = v1::EventsService::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  Authorize(&context, admin_);
  v1::StreamEventsRequest request;
  request.set_after_cursor(1);
  auto reader = stub->StreamEvents(&context, request);
  v1::Event event;
  EXPECT_FALSE(reader->Read(&event));
  grpc::Status status = reader->Finish();
  ASSERT_EQ(status.error_code(), grpc::StatusCode::OUT_OF_RANGE) << status.error_message();
  v1::ErrorDetail detail = DetailOf(status);
  EXPECT_EQ(detail.code(), "OUT_OF_RANGE");
  EXPECT_EQ(detail.details().fields().at("resume_after_cursor").number_value(), 3);
  // From there nothing is missing, so the cursor is good again.
  ASSERT_TRUE(List(admin_, 3, 10, &page).ok());
  EXPECT_EQ(page.events_size(), 0);
  EXPECT_EQ(page.latest_cursor(), 3);

  // Bad input gets INVALID_ARGUMENT on both surfaces and changes nothing.
  EXPECT_EQ(List(admin_, 99, 10, &page).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  httplib::Client http("127.0.0.1", server_->http_port());
  httplib::Headers auth = {{"Authorization", "Bearer " + admin_}};
  httplib::Result bad = http.Get("/api/v1/whatsapp/events/stream?events=no_such_event", auth);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("no_such_event"), std::string::npos) << bad->body;
  httplib::Result old = http.Get("/api/v1/whatsapp/events/stream?after_cursor=0", auth);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->status, 400) << old->body;
  EXPECT_NE(old->body.find("\"OUT_OF_RANGE\""), std::string::npos) << old->body;
  httplib::Result big = http.Get("/api/v1/whatsapp/events?page_size=5000", auth);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 400) << big->body;
}

// Five subscribers open streams and never read while big events pile up:
// each stream's buffer is bounded, so the server's memory stays flat, and
// each stream ends (SUBSCRIBER_TOO_SLOW, or cancelled when its client
// cannot even take the status).
TEST_F(EventStreamTest, SubscribersThatStopReadingCannotGrowTheServer) {
  if (kSanitized) GTEST_SKIP() << "ASan's quarantine keeps freed memory in the RSS";
  StartServer({"--event_stream_buffer=50"});
  const std::string big(4000, 'x');
  Produce(channel_, admin_, 200, 8, big);  // warm up: caches, pools, arenas
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::Event>>> readers;
  // A client that takes little off the wire before its application reads.
  grpc::ChannelArguments small_window;
  small_window.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  small_window.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 16 * 1024);
  auto stub = v1::EventsService::NewStub(grpc::CreateCustomChannel(
      server_->grpc_address(), grpc::InsecureChannelCredentials(), small_window));
  for (int i = 0; i < 5; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    Authorize(contexts.back().get(), admin_);
    v1::StreamEventsRequest request;
    readers.push_back(stub->StreamEvents(contexts.back().get(), request));
    v1::Event first;
    ASSERT_TRUE(readers.back()->Read(&first));  // the opening keep-alive
  }
  const int64_t before = RssKb(server_->pid());
  Produce(channel_, admin_, 2000, 16, big);  // 8 MB of events per subscriber
  const int64_t after = RssKb(server_->pid());
  std::cerr << "server RSS " << before << " kB -> " << after << " kB\n";
  // Unbounded buffers would hold 5 x 8 MB.
  EXPECT_LT(after - before, 25 * 1024);
  httplib::Client http("127.0.0.1", server_->http_port());
  ASSERT_TRUE(WaitUntil([&] {
    httplib::Result metrics = http.Get("/metrics");
    return metrics && metrics->body.find("wa_event_streams_too_slow_total 5") != std::string::npos;
  }));
  for (size_t i = 0; i < readers.size(); ++i) {
    v1::Event event;
    int read = 0;
    while (readers[i]->Read(&event)) ++read;
    grpc::Status status = readers[i]->Finish();
    EXPECT_LT(read, 2000);
    EXPECT_TRUE(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
                status.error_code() == grpc::StatusCode::CANCELLED)
        << status.error_code() << " " << status.error_message();
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      EXPECT_EQ(DetailOf(status).code(), "SUBSCRIBER_TOO_SLOW");
    }
  }
}

// Two instances on one PostgreSQL database: an event committed through A
// reaches a live stream on B within a second (LISTEN/NOTIFY), with the
// cursor A's commit gave it.
TEST_F(EventStreamTest, EventCommittedOnOneInstanceReachesAStreamOnAnother) {
  if (!TestsRunOnPostgres()) GTEST_SKIP() << "several instances share a PostgreSQL database only";
  StartServer();
  ServerProcess b({"--api_requests_per_second=0"});
  b.ShareDatabaseOf(*server_);
  b.Start();
  auto b_channel = grpc::CreateChannel(b.grpc_address(), grpc::InsecureChannelCredentials());
  auto stub = v1::EventsService::NewStub(b_channel);
  for (int round = 0; round < 3; ++round) {
    grpc::ClientContext context;
    Authorize(&context, admin_);
    v1::StreamEventsRequest request;  // the live end
    auto reader = stub->StreamEvents(&context, request);
    v1::Event event;
    ASSERT_TRUE(reader->Read(&event));  // the opening keep-alive: subscribed
    const absl::Time committed = absl::Now();
    Produce(channel_, admin_, 1, 1);  // through A
    ASSERT_TRUE(reader->Read(&event));
    const absl::Duration took = absl::Now() - committed;
    EXPECT_EQ(event.event(), "inbound_message");
    EXPECT_EQ(event.cursor(), round + 1);
    EXPECT_LT(took, absl::Seconds(1)) << "round " << round;
    context.TryCancel();
    reader->Finish().IgnoreError();
  }
}

}  // namespace
}  // namespace wa::testing
