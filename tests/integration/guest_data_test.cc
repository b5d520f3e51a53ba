// A guest's data over its life (README, "Guest data"): erasure on request,
// export, retention and the operator's backup, restore and check, against
// a real wa-server (sandbox provider) on both stores where they apply.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/guest_data.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/common/media_samples.h"
#include "tests/integration/media_transfer.h"
#include "tests/integration/server_process.h"
#include "tests/integration/wait.h"
#include "tests/integration/webhook_receiver.h"

namespace wa::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using ::hotel::whatsapp::v1::Media;

constexpr char kApi[] = "/api/v1/whatsapp";
constexpr char kGuest[] = "+14155550123";
constexpr char kGuestDigits[] = "14155550123";
constexpr char kOther[] = "+14155550999";
constexpr char kSecretText[] = "my room safe code is 4711-zebra";
constexpr char kInboundText[] = "please bring towels, Quixotic Hippogriff";
constexpr char kCaption[] = "Caption of a moonlit platypus";

struct Answer {
  int status = 0;
  Json body;
  std::string raw;
};

class GuestDataTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> flags = {}) {
    // Many messages to one guest at once: no pacing (Meta's pair rate).
    flags.push_back("--pair_burst=1000");
    flags.push_back("--pair_interval=1ms");
    server_ = std::make_unique<ServerProcess>(std::move(flags));
    server_->Start();
    admin_ = server_->CreateToken("admin");
    staff_ = server_->CreateToken("staff");
  }

  Answer Call(const std::string& method, const std::string& path, const std::string& token,
              const Json& body = nullptr) {
    return CallOn(*server_, method, path, token, body);
  }

  Answer CallOn(const ServerProcess& server, const std::string& method, const std::string& path,
                const std::string& token, const Json& body = nullptr) {
    httplib::Client client("127.0.0.1", server.http_port());
    client.set_read_timeout(60, 0);
    httplib::Headers headers = {{"Authorization", "Bearer " + token}};
    std::string target = absl::StrCat(kApi, path);
    httplib::Result r = method == "GET" ? client.Get(target.c_str(), headers)
                        : method == "PATCH"
                            ? client.Patch(target.c_str(), headers, body.dump(), "application/json")
                            : client.Post(target.c_str(), headers,
                                          body.is_null() ? "{}" : body.dump(), "application/json");
    Answer a;
    if (!r) return a;
    a.status = r->status;
    a.raw = r->body;
    a.body = Json::parse(r->body, nullptr, false);
    return a;
  }

  std::string Send(const std::string& phone, const std::string& text) {
    Answer a =
        Call("POST", "/messages/send", staff_,
             {{"guest_phone", phone}, {"message_type", "text"}, {"content", {{"text", text}}}});
    EXPECT_EQ(a.status, 200) << a.raw;
    return a.body.value("message_id", "");
  }

  void Inbound(const std::string& phone, const std::string& text,
               const std::string& media_id = "") {
    const char* name = phone == kGuest ? "Ada Quixote" : "Other Person";
    Json body = {{"guest_phone", phone}, {"text", text}, {"profile_name", name}};
    if (!media_id.empty()) {
      body["media_type"] = "image";
      body["media_id"] = media_id;
    }
    Answer a = Call("POST", "/sandbox/inbound", admin_, body);
    ASSERT_EQ(a.status, 200) << a.raw;
  }

  // Every kind of history: texts both ways, a template, a media message
  // (an upload that also comes back from the guest), buttons, a batch item,
  // consent, and webhook events about all of it.
  std::string GiveTheGuestAHistory() {
    WebhookReceiver receiver;
    receiver.Start();
    Answer hook = Call("POST", "/webhooks/configure", admin_,
                       {{"webhook_url", receiver.url()},
                        {"events", {"inbound_message", "message_sent", "message_delivered"}},
                        {"verify_token", "t"}});
    EXPECT_EQ(hook.status, 200) << hook.raw;
    Inbound(kGuest, kInboundText);
    Inbound(kOther, "hi");
    Send(kGuest, kSecretText);
    Send(kOther, "another guest's text stays");
    Media upload;
    EXPECT_TRUE(UploadViaRest(server_->http_port(), staff_,
                              {PngBytes(3, 3, 77), "image", "guest-photo.png"}, &upload)
                    .ok);
    Answer media = Call("POST", "/messages/send-media", staff_,
                        {{"guest_phone", kGuest},
                         {"media_id", upload.media_id()},
                         {"media_type", "image"},
                         {"caption", kCaption}});
    EXPECT_EQ(media.status, 200) << media.raw;
    Inbound(kGuest, "", upload.media_id());
    Answer buttons = Call("POST", "/messages/send-interactive", staff_,
                          Json::parse(R"({"guest_phone": "+14155550123",
                            "interactive_type": "buttons", "content": {"text": "Quixotic choice?",
                            "buttons": [{"id": "yes_zebra", "title": "Yes zebra"}]}})"));
    EXPECT_EQ(buttons.status, 200) << buttons.raw;
    Answer tmpl = Call("POST", "/templates/send", staff_,
                       Json::parse(R"({"guest_phone":"+14155550123","template_name":
                         "welcome_checkin","language":"en","parameters":{"guest_name":
                         "Ada Quixote","hotel_name":"Grand","room_number":"4711",
                         "checkin_time":"3 PM","checkout_date":"May 1"}})"));
    EXPECT_EQ(tmpl.status, 200) << tmpl.raw;
    Answer batch = Call("POST", "/messages/batch-send", staff_,
                        {{"messages", {{{"phone", kGuest}, {"content", "batch hello zebra"}}}},
                         {"rate_limit", {{"messages_per_second", 10}, {"batch_size", 10}}}});
    EXPECT_EQ(batch.status, 200) << batch.raw;
    // Everything sent, delivered and read (the sandbox's statuses), and
    // the webhook told of it.
    EXPECT_TRUE(WaitUntil(
        [&] {
          const Json rates = Call("GET", "/analytics", admin_).body["overall"]["delivery_rates"];
          return rates.value("total", 0) >= 6 && rates.value("read", 0) == rates.value("total", 0);
        },
        absl::Seconds(20)))
        << Call("GET", "/analytics", admin_).raw;
    WaitUntil([&] { return receiver.Received().size() >= 8; }, absl::Seconds(10));
    receiver.Stop();
    return upload.sha256();
  }

  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
  std::string staff_;
};

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every file under `dir` holding one of `needles`, byte for byte (and every
// file named by one).
std::vector<std::string> FilesHolding(const fs::path& dir,
                                      const std::vector<std::string>& needles) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = ReadAll(entry.path());
    for (const std::string& n : needles) {
      if (absl::StrContains(bytes, n) || absl::StrContains(entry.path().string(), n)) {
        found.push_back(absl::StrCat(entry.path().string(), " holds ", n));
      }
    }
  }
  return found;
}

TEST_F(GuestDataTest, ErasureLeavesNoTraceKeepsCountsAndTheOptOut) {
  StartServer({"--sandbox_status_delay=50ms"});
  const std::string sha256 = GiveTheGuestAHistory();
  ASSERT_FALSE(::testing::Test::HasFailure());
  // The guest opts out; erasure must keep honouring it.
  Answer out = Call("POST", absl::StrCat("/guests/", kGuest, "/consent"), admin_,
                    {{"scope", "all"}, {"opted_in", false}, {"reason", "asked at the desk"}});
  ASSERT_EQ(out.status, 200) << out.raw;
  const Json before = Call("GET", "/analytics", admin_).body;

  // A bad request changes nothing.
  EXPECT_EQ(
      Call("POST", absl::StrCat("/guests/", kGuest, "/erase"), admin_, {{"reason", ""}}).status,
      400);
  EXPECT_EQ(Call("POST", "/guests/not-a-phone/erase", admin_, {{"reason", "x"}}).status, 400);
  EXPECT_EQ(
      Call("POST", absl::StrCat("/guests/", kGuest, "/erase"), staff_, {{"reason", "x"}}).status,
      403);

  Answer erased = Call("POST", absl::StrCat("/guests/", kGuest, "/erase"), admin_,
                       {{"reason", "GDPR art. 17 request 1234"}});
  ASSERT_EQ(erased.status, 200) << erased.raw;
  const std::string hash = erased.body["guest_hash"];
  EXPECT_TRUE(absl::StartsWith(hash, "erased:")) << hash;
  // The answer is the contract's GuestErasure.
  hotel::whatsapp::v1::GuestErasure as_proto;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(erased.raw, &as_proto).ok());
  EXPECT_EQ(as_proto.guest_hash(), hash);
  // As JSON, an int64 is a string.
  EXPECT_GE(std::stoll(erased.body.value("messages", "0")), 6) << erased.raw;
  EXPECT_EQ(erased.body.value("media_files", "0"), "1") << erased.raw;
  EXPECT_FALSE(erased.body.value("already_erased", false));

  // Counts, statuses and times stay.
  const Json after = Call("GET", "/analytics", admin_).body;
  EXPECT_EQ(after["overall"]["delivery_rates"], before["overall"]["delivery_rates"]);
  EXPECT_EQ(after["by_template"], before["by_template"]);
  // Still opted out, though the guest is now a hash.
  Answer refused = Call(
      "POST", "/messages/send", staff_,
      {{"guest_phone", kGuest}, {"message_type", "text"}, {"content", {{"text", "hello again"}}}});
  EXPECT_EQ(refused.status, 403) << refused.raw;
  EXPECT_TRUE(absl::StrContains(refused.raw, "GUEST_OPTED_OUT")) << refused.raw;
  // Again: nothing left to do, and it says so.
  Answer again = Call("POST", absl::StrCat("/guests/", kGuest, "/erase"), admin_,
                      {{"reason", "GDPR art. 17 request 1234"}});
  ASSERT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.body["guest_hash"], hash);
  EXPECT_TRUE(again.body.value("already_erased", false)) << again.raw;
  // The audit log has the erasure, naming the hash only.
  Answer audit = Call("GET", "/admin/audit?method=EraseGuest", admin_);
  EXPECT_TRUE(absl::StrContains(audit.raw, hash)) << audit.raw;
  EXPECT_FALSE(absl::StrContains(audit.raw, kGuestDigits)) << audit.raw;

  // The export of the erased guest holds nothing of theirs.
  Answer exported = Call("GET", absl::StrCat("/guests/", kGuest, "/export"), admin_);
  ASSERT_EQ(exported.status, 200) << exported.raw;
  EXPECT_EQ(exported.body["conversations"], Json::array()) << exported.raw;

  if (TestsRunOnPostgres()) return;  // the files below are SQLite's
  ASSERT_EQ(server_->Stop(), 0);     // the last connection's close checkpoints the WAL
  std::vector<std::string> needles = {kGuest,      kGuestDigits, kSecretText,  kInboundText,
                                      kCaption,    "Quixote",    "4711-zebra", "batch hello zebra",
                                      "yes_zebra", sha256};
  EXPECT_EQ(FilesHolding(server_->data_dir(), needles), std::vector<std::string>());
  // The other guest's data is still there.
  EXPECT_FALSE(FilesHolding(server_->data_dir(), {"another guest's text stays"}).empty());
}

// Instances on one PostgreSQL database honour each other's erasures: one
// that shares the erasure keys finds the erased guest's opt-out; one whose
// key differs refuses to guess, sends nothing and says what to fix.
TEST_F(GuestDataTest, ErasureHoldsOnEveryInstanceOfTheDatabase) {
  if (!TestsRunOnPostgres()) GTEST_SKIP() << "several instances share a PostgreSQL database only";
  StartServer();
  Inbound(kGuest, kInboundText);
  ASSERT_EQ(Call("POST", absl::StrCat("/guests/", kGuest, "/consent"), admin_,
                 {{"scope", "all"}, {"opted_in", false}, {"reason", "asked at the desk"}})
                .status,
            200);
  ASSERT_EQ(Call("POST", absl::StrCat("/guests/", kGuest, "/erase"), admin_,
                 {{"reason", "GDPR art. 17 request 77"}})
                .status,
            200);
  const Json text = {
      {"guest_phone", kGuest}, {"message_type", "text"}, {"content", {{"text", "hello again"}}}};

  ServerProcess sharing({"--api_requests_per_second=0"});
  sharing.ShareDatabaseOf(*server_);
  sharing.Start();
  Answer refused = CallOn(sharing, "POST", "/messages/send", staff_, text);
  EXPECT_EQ(refused.status, 403) << refused.raw;
  EXPECT_TRUE(absl::StrContains(refused.raw, "GUEST_OPTED_OUT")) << refused.raw;

  const fs::path own_keys = server_->data_dir() / "someone-elses-keys";
  ServerProcess apart({"--erasure_key_dir=" + own_keys.string()});
  apart.ShareDatabaseOf(*server_);
  apart.Start();
  Answer mismatch = CallOn(apart, "POST", "/messages/send", staff_, text);
  EXPECT_NE(mismatch.status, 200) << mismatch.raw;
  EXPECT_EQ(mismatch.body["error"]["code"], "ERASURE_KEY_MISMATCH") << mismatch.raw;
  EXPECT_TRUE(absl::StrContains(mismatch.raw, "--erasure_key_dir")) << mismatch.raw;
  // Nothing went out from either.
  Answer analytics = Call("GET", "/analytics", admin_);
  ASSERT_EQ(analytics.status, 200) << analytics.raw;
  const Json& rates = analytics.body["overall"]["delivery_rates"];
  EXPECT_EQ(rates.is_object() ? rates.value("total", 0) : 0, 0) << analytics.raw;
}

// The export holds every message in order, each with its statuses, the
// media as links, the consent with its history; it is streamed (chunked).
TEST_F(GuestDataTest, ExportHoldsTheGuestsWholeHistory) {
  StartServer({"--sandbox_status_delay=20ms"});
  Inbound(kGuest, kInboundText);
  std::vector<std::string> sent;
  for (int i = 0; i < 30; ++i) sent.push_back(Send(kGuest, absl::StrCat("note ", i)));
  Media upload;
  ASSERT_TRUE(
      UploadViaRest(server_->http_port(), staff_, {PngBytes(2, 2, 9), "image", "p.png"}, &upload)
          .ok);
  Answer media = Call("POST", "/messages/send-media", staff_,
                      {{"guest_phone", kGuest},
                       {"media_id", upload.media_id()},
                       {"media_type", "image"},
                       {"caption", kCaption}});
  ASSERT_EQ(media.status, 200) << media.raw;
  Inbound(kOther, "hi");
  Send(kOther, "not in the export");
  ASSERT_EQ(Call("POST", absl::StrCat("/guests/", kGuest, "/consent"), admin_,
                 {{"scope", "marketing"}, {"opted_in", false}, {"reason", "no offers"}})
                .status,
            200);
  ASSERT_TRUE(WaitUntil([&] {
    Answer a = Call("GET", absl::StrCat("/messages/", sent.back(), "/status"), staff_);
    return a.body.value("status", "") == "read";
  }));

  httplib::Client client("127.0.0.1", server_->http_port());
  httplib::Result r = client.Get(absl::StrCat(kApi, "/guests/%2B", kGuestDigits, "/export").c_str(),
                                 {{"Authorization", "Bearer " + admin_}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(r->get_header_value("Transfer-Encoding"), "chunked");
  Json doc = Json::parse(r->body);
  EXPECT_EQ(doc["guest"]["guest_phone"], kGuest);
  EXPECT_TRUE(doc["consent"]["marketing_opted_out"]);
  ASSERT_EQ(doc["consent"]["history"].size(), 1u);
  EXPECT_EQ(doc["consent"]["history"][0]["reason"], "no offers");
  ASSERT_EQ(doc["conversations"].size(), 1u);
  const Json& messages = doc["conversations"][0]["messages"];
  ASSERT_EQ(messages.size(), 32u);  // the inbound text, 30 notes, the image
  EXPECT_EQ(messages[0]["direction"], "inbound");
  EXPECT_EQ(messages[0]["text"], kInboundText);
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(messages[i + 1]["message_id"], sent[i]);
    EXPECT_EQ(messages[i + 1]["text"], absl::StrCat("note ", i));
  }
  EXPECT_EQ(messages[30]["status"], "read");
  EXPECT_FALSE(messages[30]["read_at"].is_null());
  EXPECT_EQ(messages[31]["text"], kCaption);
  EXPECT_EQ(messages[31]["media"]["url"],
            absl::StrCat(kApi, "/media/", upload.media_id(), "/content"));
  EXPECT_FALSE(absl::StrContains(r->body, "not in the export"));

  // Refusals are whole error answers, in the contract's format.
  Answer bad = Call("GET", "/guests/12/export", admin_);
  EXPECT_EQ(bad.status, 400) << bad.raw;
  EXPECT_EQ(bad.body["error"]["code"], "INVALID_PHONE_NUMBER") << bad.raw;
  EXPECT_EQ(Call("GET", absl::StrCat("/guests/", kGuest, "/export"), staff_).status, 403);
  // A guest the property never knew: an empty export, not an error.
  Answer unknown = Call("GET", "/guests/+14155550000/export", admin_);
  ASSERT_EQ(unknown.status, 200) << unknown.raw;
  EXPECT_EQ(unknown.body["conversations"], Json::array());
}

// GET property shows the retention; the admin RPC sets it, refuses what
// makes no sense (changing nothing), and staff may not.
TEST_F(GuestDataTest, RetentionIsSetByAdminsAndShownInTheProperty) {
  StartServer();
  Answer property = Call("GET", "/property", staff_);
  ASSERT_EQ(property.status, 200) << property.raw;
  EXPECT_EQ(property.body["retention"], Json({{"message_content_days", 365},
                                              {"media_days", 90},
                                              {"event_days", 7},
                                              {"raw_callback_days", 7},
                                              {"audit_days", 400}}));
  Answer set = Call("PATCH", "/property/retention", admin_, {{"media_days", 30}});
  ASSERT_EQ(set.status, 200) << set.raw;
  EXPECT_EQ(set.body["media_days"], 30);
  EXPECT_EQ(set.body["message_content_days"], 365);
  Answer bad =
      Call("PATCH", "/property/retention", admin_, {{"media_days", 5000}, {"audit_days", 9}});
  EXPECT_EQ(bad.status, 400) << bad.raw;
  EXPECT_EQ(bad.body["error"]["details"]["field"], "media_days") << bad.raw;
  EXPECT_EQ(Call("PATCH", "/property/retention", staff_, {{"media_days", 10}}).status, 403);
  EXPECT_EQ(Call("GET", "/property", staff_).body["retention"]["audit_days"], 400);
  EXPECT_EQ(Call("GET", "/property", staff_).body["retention"]["media_days"], 30);
}

// Past its retention, a message's content goes (its counts stay), and so
// do webhook events; /metrics says how many. A retention "day" is a
// second here.
TEST_F(GuestDataTest, PruningRemovesWhatIsPastItsRetention) {
  StartServer({"--sandbox_status_delay=20ms", "--retention_day=1s", "--retention_interval=200ms"});
  WebhookReceiver receiver;
  receiver.Start();
  ASSERT_EQ(
      Call("POST", "/webhooks/configure", admin_,
           {{"webhook_url", receiver.url()}, {"events", {"message_sent"}}, {"verify_token", "t"}})
          .status,
      200);
  // Long retention first: nothing goes.
  ASSERT_EQ(Call("PATCH", "/property/retention", admin_,
                 {{"message_content_days", 3650}, {"event_days", 3650}, {"audit_days", 3650}})
                .status,
            200);
  Inbound(kGuest, kInboundText);
  std::string last;
  for (int i = 0; i < 5; ++i) last = Send(kGuest, kSecretText);
  ASSERT_TRUE(WaitUntil([&] {
    return Call("GET", absl::StrCat("/messages/", last, "/status"), staff_)
               .body.value("status", "") == "read";
  }));
  ASSERT_TRUE(WaitUntil([&] { return receiver.Received().size() >= 5; }));
  const Json before = Call("GET", "/analytics", admin_).body["overall"];
  auto export_text = [&] {
    return Call("GET", absl::StrCat("/guests/", kGuest, "/export"), admin_).raw;
  };
  EXPECT_TRUE(absl::StrContains(export_text(), kSecretText));

  ASSERT_EQ(
      Call("PATCH", "/property/retention", admin_, {{"message_content_days", 1}, {"event_days", 1}})
          .status,
      200);
  EXPECT_TRUE(
      WaitUntil([&] { return !absl::StrContains(export_text(), kSecretText); }, absl::Seconds(10)));
  EXPECT_FALSE(absl::StrContains(export_text(), kInboundText));
  EXPECT_EQ(Call("GET", "/analytics", admin_).body["overall"]["delivery_rates"],
            before["delivery_rates"]);
  // The webhook's delivery log empties as the events pass their day.
  EXPECT_TRUE(WaitUntil([&] {
    return !absl::StrContains(Call("GET", "/webhooks/deliveries", admin_).raw, "message_sent");
  }));
  httplib::Client client("127.0.0.1", server_->http_port());
  httplib::Result m = client.Get("/metrics");
  std::string metrics = m ? m->body : "";
  EXPECT_TRUE(absl::StrContains(metrics, "wa_retention_removed_total{what=\"webhook_events\"}"))
      << metrics;
  EXPECT_TRUE(absl::StrContains(metrics, "wa_retention_removed_total{what=\"message_contents\"} 6"))
      << metrics;
  // The webhook's delivery log no longer has them.
  Answer deliveries = Call("GET", "/webhooks/deliveries", admin_);
  EXPECT_EQ(deliveries.status, 200);
  EXPECT_FALSE(absl::StrContains(deliveries.raw, "message_sent")) << deliveries.raw;
}

// A backup taken while sends go on restores to a server that has every
// message acknowledged before the backup began; `check` finds it sound and
// finds a missing media file. SQLite only: PostgreSQL is pg_dump's.
TEST_F(GuestDataTest, BackupUnderLoadRestoresEveryAcknowledgedMessage) {
  if (TestsRunOnPostgres()) GTEST_SKIP() << "PostgreSQL is backed up with pg_dump (README)";
  StartServer({"--sandbox_status_delay=20ms"});
  Media upload;
  ASSERT_TRUE(
      UploadViaRest(server_->http_port(), staff_, {PngBytes(4, 4, 5), "image", "b.png"}, &upload)
          .ok);
  Inbound(kGuest, "hello");
  Inbound(kOther, "hello");
  std::vector<std::string> acknowledged;
  for (int i = 0; i < 40; ++i) acknowledged.push_back(Send(kGuest, absl::StrCat("before ", i)));
  std::atomic<bool> stop{false};
  std::thread load([&] {
    for (int i = 0; !stop; ++i) Send(kOther, absl::StrCat("during ", i));
  });
  const fs::path archive = server_->data_dir().parent_path() /
                           absl::StrCat(server_->data_dir().filename().string(), "-backup.tar");
  std::string said = server_->Operator("backup --to=" + archive.string());
  stop = true;
  load.join();
  EXPECT_TRUE(absl::StrContains(said, "1 media files")) << said;

  // Restored into the fresh data directory of a server not yet started.
  ServerProcess second;
  std::string restore_said = second.Operator("restore --from=" + archive.string());
  EXPECT_TRUE(absl::StrContains(restore_said, "integrity ok")) << restore_said;
  // Never over existing data.
  EXPECT_ANY_THROW(second.Operator("restore --from=" + archive.string()));
  second.Start();
  std::string token = second.CreateToken("staff");
  httplib::Client client("127.0.0.1", second.http_port());
  for (const std::string& id : acknowledged) {
    httplib::Result r = client.Get(absl::StrCat(kApi, "/messages/", id, "/status").c_str(),
                                   {{"Authorization", "Bearer " + token}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << id << " " << r->body;
  }
  Downloaded file;
  EXPECT_TRUE(DownloadViaRest(second.http_port(), token, upload.media_url(), &file).ok);
  EXPECT_EQ(file.bytes, PngBytes(4, 4, 5));
  second.Stop();
  EXPECT_TRUE(absl::StrContains(second.Operator("check"), "integrity: ok"));
  fs::remove(second.data_dir() / "media" / upload.sha256().substr(0, 2) / upload.sha256());
  EXPECT_ANY_THROW(second.Operator("check"));  // exit status 1: a file is missing
  fs::remove(archive);
}

}  // namespace
}  // namespace wa::testing
