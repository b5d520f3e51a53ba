#include "tests/fakes/fake_graph_api.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <regex>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/fakes/connection_dropper.h"
#include "tests/fakes/fake_graph_control.h"
#include "tests/fakes/fake_meta_shapes.h"
#include "tests/fakes/graph_message_validator.h"

namespace wa::fakes {
namespace {

using Json = nlohmann::json;

std::string Digits(absl::string_view to) {
  return std::string(absl::StartsWith(to, "+") ? to.substr(1) : to);
}

// A business-scoped user id ("US.1349...") rather than a phone.
bool IsBsuidLike(absl::string_view to) { return absl::StrContains(to, '.'); }

void Answer(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(MetaDump(body), "application/json");
}

}  // namespace

Behavior Behavior::Error(int code, int http_status, std::string details) {
  Behavior b;
  b.kind = Kind::kError;
  b.error_code = code;
  b.http_status = http_status;
  b.details = std::move(details);
  return b;
}

Behavior Behavior::Drop() {
  Behavior b;
  b.kind = Kind::kDrop;
  return b;
}

Behavior Behavior::AcceptThenFail(int code, std::string details) {
  Behavior b;
  b.kind = Kind::kAcceptThenFail;
  b.error_code = code;
  b.details = std::move(details);
  return b;
}

Behavior Behavior::After(absl::Duration d) const {
  Behavior b = *this;
  b.delay = d;
  return b;
}

FakeGraphApi::FakeGraphApi(FakeGraphApiOptions options) : options_(std::move(options)) {
  std::random_device rd;
  uint32_t nonce = rd();
  nonce_ = absl::StrCat(absl::Hex(nonce, absl::kZeroPad8));
  nonce_digits_ = absl::StrCat(absl::Dec(nonce % 1000000, absl::kZeroPad6));
}

FakeGraphApi::~FakeGraphApi() { Stop(); }

std::string FakeGraphApi::base_url() const {
  return absl::StrCat("http://", options_.host, ":", port_);
}

bool FakeGraphApi::Start() {
  server_ = std::make_unique<httplib::Server>();
  int threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(100000);
  server_->Post(
      R"(/([^/]+)/([^/]+)/messages)",
      [this](const httplib::Request& req, httplib::Response& res) { HandleMessages(req, res); });
  server_->Post(
      R"(/([^/]+)/([^/]+)/media)",
      [this](const httplib::Request& req, httplib::Response& res) { HandleMedia(req, res); });
  server_->Post(R"(/([^/]+)/([^/]+)/message_templates)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  HandleCreateTemplate(req, res);
                });
  server_->Get(R"(/([^/]+)/([^/]+)/message_templates)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 HandleListTemplates(req, res);
               });
  server_->Get(
      R"(/([^/]+)/guest-media/([^/]+))",
      [this](const httplib::Request& req, httplib::Response& res) { HandleMediaFile(req, res); });
  // Last: /{version}/{media-id} would match the other GET routes' shapes.
  server_->Get(
      R"(/(v[0-9]+\.[0-9]+)/([0-9]+))",
      [this](const httplib::Request& req, httplib::Response& res) { HandleMediaLookup(req, res); });
  RegisterControlRoutes(*server_, *this);
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
  } else {
    port_ = server_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    server_.reset();
    return false;
  }
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  webhook_.Start({options_.webhook_url, options_.app_secret, options_.webhook_attempts,
                  options_.webhook_retry_delay});
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs; wait so Stop() always works.
  while (!server_->is_running()) absl::SleepFor(absl::Milliseconds(1));
  return true;
}

void FakeGraphApi::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;  // wakes handlers sleeping on a scripted delay
  }
  changed_.notify_all();
  webhook_.Stop();
  if (!server_) return;
  server_->stop();
  // Idle keep-alive connections would otherwise hold the pool for seconds.
  ShutdownConnections(port_, -1);
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

void FakeGraphApi::SetDefaultBehavior(Behavior b) {
  std::lock_guard lock(mu_);
  default_ = std::move(b);
}

void FakeGraphApi::SetRecipientBehavior(absl::string_view to, Behavior b) {
  std::lock_guard lock(mu_);
  standing_[Digits(to)] = std::move(b);
}

void FakeGraphApi::EnqueueFor(absl::string_view to, std::vector<Behavior> script) {
  std::lock_guard lock(mu_);
  auto& queue = per_recipient_[Digits(to)];
  for (Behavior& b : script) queue.push_back(std::move(b));
}

void FakeGraphApi::Enqueue(std::vector<Behavior> script) {
  std::lock_guard lock(mu_);
  for (Behavior& b : script) shared_.push_back(std::move(b));
}

void FakeGraphApi::FailThenSucceed(absl::string_view to, int n, Behavior failure) {
  EnqueueFor(to, std::vector<Behavior>(n, failure));
}

void FakeGraphApi::EnqueueUploads(std::vector<Behavior> script) {
  std::lock_guard lock(mu_);
  for (Behavior& b : script) uploads_script_.push_back(std::move(b));
}

void FakeGraphApi::Reset() {
  {
    std::lock_guard lock(mu_);
    default_ = Behavior::Accept();
    standing_.clear();
    per_recipient_.clear();
    shared_.clear();
    uploads_script_.clear();
    requests_.clear();
    templates_.clear();
    guest_media_.clear();
    guest_media_downloads_ = 0;
    uploads_.clear();
    reads_.clear();
  }
  webhook_.ClearDeliveries();
}

Behavior FakeGraphApi::NextBehavior(const std::string& to_digits) {
  std::lock_guard lock(mu_);
  if (auto it = per_recipient_.find(to_digits); it != per_recipient_.end() && !it->second.empty()) {
    Behavior b = std::move(it->second.front());
    it->second.pop_front();
    return b;
  }
  if (!shared_.empty()) {
    Behavior b = std::move(shared_.front());
    shared_.pop_front();
    return b;
  }
  if (auto it = standing_.find(to_digits); it != standing_.end()) return it->second;
  return default_;
}

void FakeGraphApi::InterruptibleSleep(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return;
  std::unique_lock lock(mu_);
  // Capped so that an infinite delay cannot overflow the chrono arithmetic.
  changed_.wait_for(lock, absl::ToChronoMilliseconds(std::min(d, absl::Hours(24))),
                    [this] { return stopping_; });
}

std::string FakeGraphApi::NewId(absl::string_view prefix, absl::string_view salt) {
  int64_t n;
  {
    std::lock_guard lock(mu_);
    n = ++counter_;
  }
  if (prefix == "wamid.") {
    // Base64 like Meta's wamids, so '+', '/' and '=' reach the code under test.
    return absl::StrCat(prefix,
                        absl::Base64Escape(absl::StrCat("FAKE", nonce_, ":", salt, ":", n)));
  }
  // Media ids are 16-digit decimal numbers, unique per fake instance.
  return absl::StrCat("1", nonce_digits_, absl::Dec(n, absl::kZeroPad9));
}

int FakeGraphApi::CheckAccess(const httplib::Request& req, httplib::Response& res, bool account) {
  static const std::regex kVersion(R"(v[0-9]+\.[0-9]+)");
  std::string version = req.matches[1], object_id = req.matches[2];
  if (!KnownToken(req)) {
    Answer(res, 401, ErrorEnvelope(190, ""));
    return 190;
  }
  if (!std::regex_match(version, kVersion)) {
    Answer(res, 400, ErrorEnvelope(100, "Unknown path components: /" + version));
    return 100;
  }
  std::optional<FakeNumber> number = FindNumber(object_id, account);
  if (!number) {
    Answer(res, 400,
           ErrorEnvelope(100, absl::StrCat("Unsupported post request. Object with ID '", object_id,
                                           "' does not exist")));
    return 100;
  }
  // Another business's token: Meta refuses it for this object.
  if (req.get_header_value("Authorization") != "Bearer " + number->access_token) {
    Answer(res, 403, ErrorEnvelope(200, "Permissions error"));
    return 200;
  }
  return 0;
}

void FakeGraphApi::HandleMessages(const httplib::Request& req, httplib::Response& res) {
  RecordedMessage rec;
  rec.received_at = absl::Now();
  rec.path = req.path;
  rec.body = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (rec.body.is_discarded()) rec.body = nullptr;
  if (rec.body.is_object() && rec.body.contains("to") && rec.body["to"].is_string()) {
    rec.to = rec.body["to"].get<std::string>();
  }
  if (rec.body.is_object() && rec.body.contains("recipient") && rec.body["recipient"].is_string()) {
    rec.to = rec.body["recipient"].get<std::string>();
  }
  auto finish = [&](int status, int code) {
    rec.http_status = status;
    rec.error_code = code;
    Record(std::move(rec));
  };
  if (rec.body.is_object() && rec.body.contains("status")) {
    return HandleMarkRead(req, res, std::move(rec));
  }
  if (int code = CheckAccess(req, res); code != 0) return finish(res.status, code);
  std::string problem;
  if (!absl::StartsWith(req.get_header_value("Content-Type"), "application/json")) {
    problem = "Content-Type must be application/json";
  } else if (rec.body.is_null()) {
    problem = "The request body is not valid JSON";
  } else {
    problem = ValidateSendRequest(rec.body);
  }
  if (!problem.empty()) {
    Answer(res, 400, ErrorEnvelope(100, problem));
    return finish(400, 100);
  }
  // A BSUID (a send by `recipient`) stays as it is: its digits are no wa_id.
  std::string to_digits = IsBsuidLike(rec.to) ? rec.to : Digits(rec.to);
  Behavior b = NextBehavior(to_digits);
  InterruptibleSleep(b.delay);
  switch (b.kind) {
    case Behavior::Kind::kDrop:
      // Recorded first: the client sees the drop at once, and a test that
      // then reads the records must find this attempt.
      finish(0, 0);
      return ShutdownConnections(req.local_port, req.remote_port);
    case Behavior::Kind::kError:
      Answer(res, b.http_status, ErrorEnvelope(b.error_code, b.details));
      return finish(b.http_status, b.error_code);
    case Behavior::Kind::kAccept:
    case Behavior::Kind::kAcceptThenFail:
      break;
  }
  rec.wamid = NewId("wamid.", to_digits);
  Json answer = SendResponse(rec.to, to_digits, rec.wamid);
  if (IsBsuidLike(rec.to)) answer["contacts"][0] = {{"input", rec.to}, {"user_id", rec.to}};
  Answer(res, 200, answer);
  std::string biz_opaque = rec.body.value("biz_opaque_callback_data", "");
  std::string wamid = rec.wamid;
  finish(200, 0);
  FollowUp(b, wamid, to_digits, biz_opaque, req.matches[2]);
}

void FakeGraphApi::HandleMarkRead(const httplib::Request& req, httplib::Response& res,
                                  RecordedMessage rec) {
  int code = CheckAccess(req, res);
  if (code == 0) {
    if (std::string problem = ValidateReadRequest(rec.body); !problem.empty()) {
      code = 100;
      Answer(res, 400, ErrorEnvelope(code, problem));
    } else {
      Answer(res, 200, {{"success", true}});
    }
  }
  rec.http_status = res.status;
  rec.error_code = code;
  std::lock_guard lock(mu_);
  reads_.push_back(std::move(rec));
}

void FakeGraphApi::FollowUp(const Behavior& b, const std::string& wamid,
                            const std::string& to_digits, const std::string& biz_opaque,
                            const std::string& phone_number_id) {
  if (!webhook_.enabled()) return;
  if (b.kind == Behavior::Kind::kAcceptThenFail) {
    ScheduleStatus(wamid, to_digits, "failed", options_.sent_after, biz_opaque, b.error_code,
                   b.details, phone_number_id);
    return;
  }
  const std::pair<const char*, absl::Duration> steps[] = {{"sent", options_.sent_after},
                                                          {"delivered", options_.delivered_after},
                                                          {"read", options_.read_after}};
  for (const auto& [status, after] : steps) {
    if (after == absl::InfiniteDuration()) continue;
    ScheduleStatus(wamid, to_digits, status, after, biz_opaque, 0, "", phone_number_id);
  }
}

void FakeGraphApi::ScheduleStatus(const std::string& wamid, const std::string& recipient,
                                  const std::string& status, absl::Duration after,
                                  const std::string& biz_opaque, int error_code,
                                  const std::string& error_details,
                                  const std::string& phone_number_id) {
  StatusFields fields;
  fields.wamid = wamid;
  // A send by BSUID comes back with recipient_user_id and no recipient_id.
  if (IsBsuidLike(recipient)) {
    fields.recipient_user_id = recipient;
  } else {
    fields.recipient_id = Digits(recipient);
  }
  fields.status = status;
  fields.at = absl::Now() + after;
  fields.biz_opaque_callback_data = biz_opaque;
  fields.error_code = error_code;
  fields.error_details = error_details;
  FakeNumber n = FindNumber(phone_number_id).value_or(Numbers().front());
  BusinessNumber number{n.waba_id, n.phone_number_id, n.display_phone_number};
  webhook_.Schedule(MetaDump(StatusNotification(number, fields)), after);
}

void FakeGraphApi::HandleMedia(const httplib::Request& req, httplib::Response& res) {
  if (CheckAccess(req, res) != 0) return;
  std::string problem;
  if (!req.is_multipart_form_data()) {
    problem = "The request must be multipart/form-data";
  } else if (!req.has_file("messaging_product") ||
             req.get_file_value("messaging_product").content != "whatsapp") {
    problem = "Param messaging_product must be whatsapp";
  } else if (!req.has_file("file") || req.get_file_value("file").content.empty()) {
    problem = "Param file is required";
  } else if (!req.has_file("type") || !IsSupportedUploadType(req.get_file_value("type").content)) {
    problem = "Param type must be a supported media type";
  }
  if (!problem.empty()) {
    Answer(res, 400, ErrorEnvelope(100, problem));
    return;
  }
  Behavior b;
  {
    std::lock_guard lock(mu_);
    if (!uploads_script_.empty()) {
      b = std::move(uploads_script_.front());
      uploads_script_.pop_front();
    }
  }
  InterruptibleSleep(b.delay);
  if (b.kind == Behavior::Kind::kDrop) return ShutdownConnections(req.local_port, req.remote_port);
  if (b.kind == Behavior::Kind::kError) {
    Answer(res, b.http_status, ErrorEnvelope(b.error_code, b.details));
    return;
  }
  httplib::MultipartFormData file = req.get_file_value("file");
  RecordedUpload upload{absl::Now(),
                        NewId("", ""),
                        file.filename,
                        file.content_type,
                        req.get_file_value("type").content,
                        file.content.size(),
                        req.matches[2]};
  Answer(res, 200, {{"id", upload.media_id}});
  std::lock_guard lock(mu_);
  uploads_.push_back(std::move(upload));
}

void FakeGraphApi::Record(RecordedMessage m) {
  {
    std::lock_guard lock(mu_);
    requests_.push_back(std::move(m));
  }
  changed_.notify_all();
}

std::vector<RecordedMessage> FakeGraphApi::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<RecordedMessage> FakeGraphApi::AcceptedRequests() const {
  std::lock_guard lock(mu_);
  std::vector<RecordedMessage> accepted;
  for (const RecordedMessage& m : requests_) {
    if (!m.wamid.empty()) accepted.push_back(m);
  }
  return accepted;
}

int FakeGraphApi::CountFor(absl::string_view to) const {
  std::string digits = Digits(to);
  std::lock_guard lock(mu_);
  int n = 0;
  for (const RecordedMessage& m : requests_) n += Digits(m.to) == digits;
  return n;
}

bool FakeGraphApi::WaitForRequests(size_t n, absl::Duration timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, absl::ToChronoMilliseconds(std::min(timeout, absl::Hours(24))),
                           [&] { return requests_.size() >= n; });
}

std::vector<RecordedMessage> FakeGraphApi::ReadReceipts() const {
  std::lock_guard lock(mu_);
  return reads_;
}

std::vector<RecordedUpload> FakeGraphApi::Uploads() const {
  std::lock_guard lock(mu_);
  return uploads_;
}

}  // namespace wa::fakes
