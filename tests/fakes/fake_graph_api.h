#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tests/fakes/fake_meta_shapes.h"
#include "tests/fakes/fake_webhook_sender.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace wa::fakes {

// What the fake does with one send request.
struct Behavior {
  enum class Kind {
    kAccept,          // 200 with a wamid; status callbacks follow
    kError,           // Meta's error envelope with `error_code` and `http_status`
    kDrop,            // close the connection without answering
    kAcceptThenFail,  // 200 with a wamid, then a `failed` callback with `error_code`
  };
  Kind kind = Kind::kAccept;
  int error_code = 0;
  int http_status = 200;
  std::string details;                          // error_data.details; a per-code default when empty
  absl::Duration delay = absl::ZeroDuration();  // before answering (or dropping)

  static Behavior Accept() { return {}; }
  static Behavior Error(int code, int http_status, std::string details = "");
  static Behavior Drop();
  static Behavior AcceptThenFail(int code, std::string details = "");
  // A copy that waits `d` before answering: a slow Graph API.
  Behavior After(absl::Duration d) const;
};

// A further business number the fake serves, with its own account and
// token (a chain: one per property).
struct FakeNumber {
  std::string phone_number_id;
  std::string display_phone_number;
  std::string waba_id;
  std::string access_token;
};

struct FakeGraphApiOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  std::string phone_number_id = "109876543210987";
  std::string display_phone_number = "15550100200";
  std::string waba_id = "210987654321098";
  std::string access_token = "fake-graph-access-token";
  // Numbers besides the one above; each answers only to its own token.
  std::vector<FakeNumber> more_numbers;
  // Where Meta-shaped callbacks go; empty: none are posted.
  std::string webhook_url;
  std::string app_secret;
  // When each status callback follows an accepted send;
  // absl::InfiniteDuration() leaves that status out.
  absl::Duration sent_after = absl::Milliseconds(50);
  absl::Duration delivered_after = absl::Milliseconds(100);
  absl::Duration read_after = absl::Milliseconds(150);
  // Meta redelivers callbacks that are not answered 200; tests of the
  // server's idempotency raise this.
  int webhook_attempts = 1;
  absl::Duration webhook_retry_delay = absl::Milliseconds(500);
  // Slow and dropped answers hold a pool thread each.
  int threads = 32;
};

// One request to /{version}/{phone_number_id}/messages, whatever the answer.
struct RecordedMessage {
  absl::Time received_at;
  std::string path;
  std::string to;       // as sent (empty if absent)
  nlohmann::json body;  // null when the body was not JSON
  int http_status = 0;  // what the fake answered; 0 when it dropped the connection
  int error_code = 0;   // Meta's code when it answered an error
  std::string wamid;    // when accepted
};

// A template as the fake's WhatsApp Business Account holds it.
struct FakeTemplate {
  std::string id;             // Meta's numeric template id, as text
  std::string waba_id;        // the account holding it; empty: the first number's
  nlohmann::json definition;  // name, language, category, parameter_format, components
  std::string status = "PENDING";
  std::string rejected_reason = "NONE";
};

struct RecordedUpload {
  absl::Time received_at;
  std::string media_id;
  std::string filename;
  std::string content_type;  // of the `file` part
  std::string type_field;    // the `type` form field
  size_t size = 0;
  std::string phone_number_id;  // the number it was uploaded under
};

// A loopback stand-in for Meta's Graph API (messages and media upload),
// strict about the request shapes Meta documents, scriptable per recipient,
// and able to post signed status and inbound callbacks like Meta does.
// Thread-safe; serves from its own threads between Start() and Stop().
class FakeGraphApi {
 public:
  explicit FakeGraphApi(FakeGraphApiOptions options = {});
  ~FakeGraphApi();
  FakeGraphApi(const FakeGraphApi&) = delete;
  FakeGraphApi& operator=(const FakeGraphApi&) = delete;

  // Binds and starts serving; false when the port cannot be bound.
  bool Start();
  void Stop();
  int port() const { return port_; }  // valid after Start()
  std::string base_url() const;       // "http://127.0.0.1:<port>"
  const FakeGraphApiOptions& options() const { return options_; }

  // Scripting, most specific first: a recipient's queue, the shared queue,
  // the recipient's standing behaviour, the default. `to` may carry a '+'.
  void SetDefaultBehavior(Behavior b);
  void SetRecipientBehavior(absl::string_view to, Behavior b);
  void EnqueueFor(absl::string_view to, std::vector<Behavior> script);
  void Enqueue(std::vector<Behavior> script);
  // `n` answers of `failure` for `to`, then whatever follows (by default success).
  void FailThenSucceed(absl::string_view to, int n, Behavior failure);
  // Answers for the next media uploads (kError, kDrop, delays); then success.
  void EnqueueUploads(std::vector<Behavior> script);
  // Drops scripts, standing behaviours and records.
  void Reset();

  // Posts raw notification JSON to the webhook, signed, now; returns the
  // HTTP status (0 when the webhook could not be reached).
  int PostNotification(const std::string& raw_json);
  // Schedules one status callback for `wamid` (what follows a send).
  // `phone_number_id` is the sender's (empty: the first number).
  void ScheduleStatus(const std::string& wamid, const std::string& recipient,
                      const std::string& status, absl::Duration after,
                      const std::string& biz_opaque = "", int error_code = 0,
                      const std::string& error_details = "",
                      const std::string& phone_number_id = "");
  // A Meta-shaped inbound text notification for one of this fake's numbers
  // (empty: the first).
  std::string InboundTextNotification(absl::string_view from_wa_id, absl::string_view profile_name,
                                      absl::string_view text, absl::string_view wamid = "",
                                      const std::string& phone_number_id = "") const;
  // The 2026 shapes (usernames): an inbound text from a guest named by any
  // of phone, BSUID, parent BSUID and username; a user_id_update. For the
  // first number.
  std::string InboundGuestNotification(const InboundGuest& guest, absl::string_view text,
                                       absl::string_view wamid) const;
  std::string UserIdUpdate(absl::string_view wa_id, absl::string_view previous,
                           absl::string_view current) const;
  // Every number served: the first, then more_numbers.
  std::vector<FakeNumber> Numbers() const;

  // Templates (fake_graph_templates.cc). Submissions are kept PENDING
  // until ReviewTemplate, which also posts Meta's signed
  // message_template_status_update callback; returns its HTTP status.
  std::vector<FakeTemplate> Templates() const;
  int ReviewTemplate(const std::string& name, const std::string& language, const std::string& event,
                     const std::string& reason = "NONE");
  // A template made elsewhere (WhatsApp Manager): only a sync learns of it.
  void AddTemplate(FakeTemplate t);

  // Guests' media (fake_graph_guest_media.cc): a file a guest sent, kept
  // under `media_id` for GET /{media-id} and the download URL it answers,
  // and the signed notification of the guest's message carrying it.
  void AddGuestMedia(const std::string& media_id, std::string bytes, std::string mime_type);
  std::string InboundMediaNotification(absl::string_view from_wa_id, absl::string_view kind,
                                       absl::string_view media_id, absl::string_view caption,
                                       absl::string_view filename = "") const;
  // How many times a guest's file was downloaded.
  int GuestMediaDownloads() const;

  std::vector<RecordedMessage> Requests() const;
  std::vector<RecordedMessage> AcceptedRequests() const;
  int CountFor(absl::string_view to) const;  // every attempt, whatever the answer
  // Until `n` message requests arrived, whatever the answer.
  bool WaitForRequests(size_t n, absl::Duration timeout) const;
  std::vector<RecordedUpload> Uploads() const;
  // Every mark-read request (POST /{phone_number_id}/messages with
  // "status":"read"), whatever the answer; not among Requests().
  std::vector<RecordedMessage> ReadReceipts() const;
  std::vector<WebhookDelivery> WebhookDeliveries() const { return webhook_.Deliveries(); }
  // Until the webhook answered `n` callbacks with a 2xx status.
  bool WaitForWebhookDeliveries(size_t n, absl::Duration timeout) const {
    return webhook_.WaitForDeliveries(n, timeout);
  }

 private:
  void HandleMessages(const httplib::Request& req, httplib::Response& res);
  // A messages request with "status" (mark read, typing indicator).
  void HandleMarkRead(const httplib::Request& req, httplib::Response& res, RecordedMessage rec);
  void HandleMedia(const httplib::Request& req, httplib::Response& res);
  void HandleCreateTemplate(const httplib::Request& req, httplib::Response& res);
  void HandleListTemplates(const httplib::Request& req, httplib::Response& res);
  void HandleMediaLookup(const httplib::Request& req, httplib::Response& res);
  void HandleMediaFile(const httplib::Request& req, httplib::Response& res);
  // Checks version, the path's object id (the phone number id, or the WABA
  // id for templates) and token; writes the error when not. Returns Meta's
  // error code it answered with, or 0 when the caller may go on.
  int CheckAccess(const httplib::Request& req, httplib::Response& res, bool account = false);
  // The number with this phone_number_id (or, with `account`, the first
  // number of this WABA); the first number when `id` is empty.
  std::optional<FakeNumber> FindNumber(const std::string& id, bool account = false) const;
  bool KnownToken(const httplib::Request& req) const;
  std::string WabaOf(const FakeTemplate& t) const;
  Behavior NextBehavior(const std::string& to_digits);
  void FollowUp(const Behavior& b, const std::string& wamid, const std::string& to_digits,
                const std::string& biz_opaque, const std::string& phone_number_id);
  // Sleeps up to `d`, cut short by Stop().
  void InterruptibleSleep(absl::Duration d);
  void Record(RecordedMessage m);
  std::string NewId(absl::string_view prefix, absl::string_view salt);

  FakeGraphApiOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  // Keep wamids and media ids unique across restarts of the fake.
  std::string nonce_;
  std::string nonce_digits_;
  WebhookSender webhook_;

  // std::mutex rather than absl::Mutex: Debian's abseil is built without
  // ThreadSanitizer hooks, so TSan would report races behind absl::Mutex.
  // Everything below is guarded by mu_.
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // stopping_ or requests_ changed
  bool stopping_ = false;
  int64_t counter_ = 0;
  Behavior default_;
  absl::flat_hash_map<std::string, Behavior> standing_;
  absl::flat_hash_map<std::string, std::deque<Behavior>> per_recipient_;
  std::deque<Behavior> shared_;
  std::deque<Behavior> uploads_script_;
  std::vector<RecordedMessage> requests_;
  std::vector<RecordedUpload> uploads_;
  std::vector<RecordedMessage> reads_;
  std::vector<FakeTemplate> templates_;
  struct GuestMedia {
    std::string bytes;
    std::string mime_type;
  };
  absl::flat_hash_map<std::string, GuestMedia> guest_media_;
  int guest_media_downloads_ = 0;
};

}  // namespace wa::fakes
