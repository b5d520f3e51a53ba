#include "server/provider/cloud_api_provider.h"

#include <algorithm>
#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
#include "server/domain/errors.h"
#include "server/provider/meta_errors.h"
#include "server/provider/meta_payloads.h"
#include "server/provider/meta_templates.h"
#include "server/util/log.h"

namespace wa::provider {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

// Transport trouble (timeouts, resets, Graph hiccups without an envelope) is
// usually over within seconds.
constexpr absl::Duration kTransientRetry = absl::Seconds(2);
// A Retry-After beyond this is not trusted: the queue should try again and
// learn the current state rather than park a message for hours.
constexpr absl::Duration kMaxRetryAfter = absl::Minutes(5);

// Error bodies are quoted into messages; a proxy's HTML page should not be.
std::string Snippet(const std::string& body) {
  constexpr size_t kMax = 200;
  return body.size() <= kMax ? body : absl::StrCat(body.substr(0, kMax), "...");
}

SendResult Retry(std::string error, absl::Duration after = kTransientRetry) {
  SendResult result;
  result.outcome = SendOutcome::kRetry;
  result.error = std::move(error);
  result.retry_after = after;
  return result;
}

// Honours a Retry-After in seconds when it asks for more patience than the
// classification did.
void ApplyRetryAfterHeader(const HttpResponse& response, SendResult& result) {
  if (result.outcome != SendOutcome::kRetry) return;
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(response.Header("retry-after"), &seconds) || seconds <= 0) return;
  result.retry_after =
      std::max(result.retry_after, std::min(absl::Seconds(seconds), kMaxRetryAfter));
}

// The status an upload failure becomes, chosen by what the caller should do:
// retry later, fix the server's credentials, or fix the media.
absl::StatusCode UploadStatusCode(SendOutcome outcome) {
  switch (outcome) {
    case SendOutcome::kRetry:
      return absl::StatusCode::kUnavailable;
    case SendOutcome::kCredentialsRejected:
      return absl::StatusCode::kFailedPrecondition;
    default:
      return absl::StatusCode::kInvalidArgument;
  }
}

// Why a call cannot speak for `account`, if it cannot.
std::optional<std::string> MissingAccount(const SenderAccount& account) {
  if (account.phone_number_id.empty()) {
    return "no WhatsApp number to speak for: the property has none (wa-server properties "
           "add-number)";
  }
  if (account.access_token.empty()) {
    return absl::StrCat("no access token for phone number ", account.phone_number_id, ": ",
                        account.token_problem);
  }
  return std::nullopt;
}

absl::Status UploadError(absl::StatusCode code, const std::string& message, int meta_code) {
  domain::Error error(code, "MEDIA_UPLOAD_FAILED", message);
  if (meta_code != 0) error.Detail("provider_error_code", static_cast<double>(meta_code));
  return error.Build();
}

}  // namespace

CloudApiProvider::CloudApiProvider(Options options)
    : options_(std::move(options)),
      http_(HttpClient::Options{.connect_timeout = options_.connect_timeout,
                                .request_timeout = options_.request_timeout,
                                .proxy = options_.proxy}) {}

std::string CloudApiProvider::Url(const std::string& id, const std::string& edge) const {
  absl::string_view base = options_.base_url;
  absl::ConsumeSuffix(&base, "/");
  return absl::StrCat(base, "/", options_.api_version, "/", id, edge.empty() ? "" : "/", edge);
}

std::vector<std::string> CloudApiProvider::AuthHeaders(const SenderAccount& account) {
  return {absl::StrCat("Authorization: Bearer ", account.access_token)};
}

void CloudApiProvider::NoteCredentials(bool rejected, const std::string& error) {
  bool was = credentials_rejected_.exchange(rejected);
  if (rejected && !was) {
    // Meta's message names the problem ("Error validating access token:
    // Session has expired ..."); it never echoes the token itself.
    util::LogError("cloud_api credentials rejected by Meta: ", error,
                   " (further rejections are not logged until a send succeeds)");
  } else if (!rejected && was) {
    util::LogInfo("cloud_api credentials accepted again");
  }
}

SendResult CloudApiProvider::Send(const OutboundMessage& message) {
  if (std::optional<std::string> missing = MissingAccount(message.from)) {
    // Kept queued: adding the number or its token lets it go.
    SendResult result;
    result.outcome = SendOutcome::kCredentialsRejected;
    result.error = *missing;
    return result;
  }
  absl::StatusOr<nlohmann::json> payload = BuildMessagePayload(message);
  if (!payload.ok()) {
    SendResult result;
    result.outcome = SendOutcome::kFailed;
    result.contract_code = "INVALID_ARGUMENT";
    result.error = std::string(payload.status().message());
    return result;
  }

  absl::StatusOr<HttpResponse> response = http_.PostJson(
      Url(message.from.phone_number_id, "messages"), AuthHeaders(message.from), payload->dump());
  if (!response.ok()) return Retry(std::string(response.status().message()));

  if (std::optional<MetaError> error = ParseMetaError(response->body)) {
    SendResult result = SendResultFromMetaError(*error, response->status);
    ApplyRetryAfterHeader(*response, result);
    if (result.outcome == SendOutcome::kCredentialsRejected) NoteCredentials(true, result.error);
    return result;
  }

  if (response->status < 200 || response->status >= 300) {
    SendResult result;
    // No envelope means something between us and Graph answered (a proxy,
    // a load balancer): only the HTTP status is left to go by.
    if (response->status >= 500 || response->status == 429 || response->status == 408) {
      result = Retry(
          absl::StrCat("HTTP ", response->status, " from Graph API: ", Snippet(response->body)));
      ApplyRetryAfterHeader(*response, result);
    } else {
      result.outcome = SendOutcome::kFailed;
      result.error =
          absl::StrCat("HTTP ", response->status,
                       " from Graph API without an error envelope: ", Snippet(response->body));
    }
    return result;
  }

  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  const nlohmann::json* id = nullptr;
  if (body.is_object() && body.contains("messages") && body["messages"].is_array() &&
      !body["messages"].empty() && body["messages"][0].is_object()) {
    auto it = body["messages"][0].find("id");
    if (it != body["messages"][0].end() && it->is_string()) id = &*it;
  }
  if (id == nullptr || id->get<std::string>().empty()) {
    // Meta took the request but gave no wamid to track it by; treat it as a
    // hiccup rather than guess.
    return Retry(absl::StrCat("HTTP ", response->status,
                              " without messages[0].id: ", Snippet(response->body)));
  }
  NoteCredentials(false, "");
  SendResult result;
  result.outcome = SendOutcome::kAccepted;
  result.whatsapp_message_id = id->get<std::string>();
  return result;
}

absl::StatusOr<std::string> CloudApiProvider::UploadMedia(const SenderAccount& from,
                                                          const std::string& path,
                                                          const std::string& mime_type) {
  if (std::optional<std::string> missing = MissingAccount(from)) {
    return UploadError(absl::StatusCode::kFailedPrecondition, *missing, 0);
  }
  std::vector<MultipartField> fields = {
      MultipartField::Value("messaging_product", "whatsapp"),
      MultipartField::Value("type", mime_type),
      MultipartField::File("file", path, mime_type),
  };
  absl::StatusOr<HttpResponse> response =
      http_.PostMultipart(Url(from.phone_number_id, "media"), AuthHeaders(from), std::move(fields),
                          options_.upload_timeout);
  if (!response.ok()) {
    // An unreadable local file is our own problem, not Meta's or the media's.
    if (response.status().code() == absl::StatusCode::kFailedPrecondition) {
      return UploadError(absl::StatusCode::kInternal, std::string(response.status().message()), 0);
    }
    return UploadError(
        absl::StatusCode::kUnavailable,
        absl::StrCat("media upload to Graph API failed: ", response.status().message()), 0);
  }

  if (std::optional<MetaError> error = ParseMetaError(response->body)) {
    ErrorClass error_class =
        ClassifyMetaError(error->has_code ? error->code : kNoMetaCode, response->status);
    std::string description = error->Describe();
    if (error_class.outcome == SendOutcome::kCredentialsRejected) {
      NoteCredentials(true, description);
    }
    return UploadError(UploadStatusCode(error_class.outcome), description,
                       error->has_code ? error->code : 0);
  }

  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status >= 200 && response->status < 300 && body.is_object() &&
      body.contains("id") && body["id"].is_string() && !body["id"].get<std::string>().empty()) {
    NoteCredentials(false, "");
    return body["id"].get<std::string>();
  }
  absl::StatusCode code = response->status >= 500 || response->status < 300
                              ? absl::StatusCode::kUnavailable
                              : absl::StatusCode::kInvalidArgument;
  return UploadError(code,
                     absl::StrCat("unexpected media upload answer: HTTP ", response->status, ": ",
                                  Snippet(response->body)),
                     0);
}

absl::Status CloudApiProvider::MarkRead(const SenderAccount& number, const std::string& wamid,
                                        bool typing) {
  auto refused = [](absl::StatusCode code, const std::string& message, int meta_code) {
    domain::Error error(
        code, code == absl::StatusCode::kUnavailable ? "UNAVAILABLE" : "FAILED_PRECONDITION",
        absl::StrCat("marking the message read on WhatsApp failed: ", message));
    if (meta_code != 0) error.Detail("provider_error_code", static_cast<double>(meta_code));
    return error.Build();
  };
  if (std::optional<std::string> missing = MissingAccount(number)) {
    return refused(absl::StatusCode::kFailedPrecondition, *missing, 0);
  }
  absl::StatusOr<HttpResponse> response =
      http_.PostJson(Url(number.phone_number_id, "messages"), AuthHeaders(number),
                     BuildReadPayload(wamid, typing).dump());
  if (!response.ok()) {
    return refused(absl::StatusCode::kUnavailable, std::string(response.status().message()), 0);
  }
  if (std::optional<MetaError> error = ParseMetaError(response->body)) {
    ErrorClass error_class =
        ClassifyMetaError(error->has_code ? error->code : kNoMetaCode, response->status);
    if (error_class.outcome == SendOutcome::kCredentialsRejected) {
      NoteCredentials(true, error->Describe());
    }
    return refused(error_class.outcome == SendOutcome::kRetry
                       ? absl::StatusCode::kUnavailable
                       : absl::StatusCode::kFailedPrecondition,
                   error->Describe(), error->has_code ? error->code : 0);
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status >= 200 && response->status < 300 && body.is_object() &&
      body.value("success", false)) {
    NoteCredentials(false, "");
    return absl::OkStatus();
  }
  return refused(
      absl::StatusCode::kUnavailable,
      absl::StrCat("unexpected answer: HTTP ", response->status, ": ", Snippet(response->body)), 0);
}

absl::StatusOr<std::string> CloudApiProvider::TemplatesUrl(const SenderAccount& account) const {
  // Meant for the caller (an operator can fix either), so built as the
  // contract's error rather than hidden as internal text.
  if (account.waba_id.empty()) {
    return domain::Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
                         "templates with --provider=cloud need the property's WhatsApp Business "
                         "Account: add a number with `wa-server properties add-number ... "
                         "--waba_id=ID`")
        .Detail("missing", "waba_id");
  }
  if (account.access_token.empty()) {
    return domain::Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
                         absl::StrCat("no access token for WhatsApp Business Account ",
                                      account.waba_id, " (see the server's log)"))
        .Detail("missing", "access_token");
  }
  return Url(account.waba_id, "message_templates");
}

absl::StatusOr<TemplateSubmission> CloudApiProvider::SubmitTemplate(
    const SenderAccount& account, const v1::Template& definition) {
  absl::StatusOr<std::string> url = TemplatesUrl(account);
  if (!url.ok()) return url.status();
  absl::StatusOr<HttpResponse> response =
      http_.PostJson(*url, AuthHeaders(account), TemplateCreationPayload(definition).dump());
  if (!response.ok()) {
    return absl::UnavailableError(
        absl::StrCat("template submission to Graph API failed: ", response.status().message()));
  }
  if (std::optional<MetaError> error = ParseMetaError(response->body)) {
    // Meta's own review of the form: the caller sees Meta's words.
    return domain::Error(response->status >= 500 ? absl::StatusCode::kUnavailable
                                                 : absl::StatusCode::kInvalidArgument,
                         "INVALID_ARGUMENT",
                         absl::StrCat("Meta refused the template: ", error->Describe()))
        .Detail("provider_error_code", static_cast<double>(error->has_code ? error->code : 0));
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status < 200 || response->status >= 300 || !body.is_object() ||
      !body.contains("id")) {
    return absl::UnavailableError(absl::StrCat("unexpected template answer: HTTP ",
                                               response->status, ": ", Snippet(response->body)));
  }
  TemplateSubmission submission;
  submission.provider_template_id =
      body["id"].is_string() ? body["id"].get<std::string>() : body["id"].dump();
  v1::TemplateStatus status = TemplateStatusFromMeta(body.value("status", "PENDING"));
  if (status != v1::TEMPLATE_STATUS_UNSPECIFIED) submission.status = status;
  return submission;
}

absl::StatusOr<std::vector<v1::Template>> CloudApiProvider::FetchTemplates(
    const SenderAccount& account) {
  absl::StatusOr<std::string> url = TemplatesUrl(account);
  if (!url.ok()) return url.status();
  std::string next = absl::StrCat(
      *url, "?fields=id,name,language,status,category,components,rejected_reason&limit=100");
  std::vector<v1::Template> all;
  // Meta pages with absolute `next` links; a bound keeps a looping fake or
  // proxy from spinning forever (6,000 templates at 100 a page is 60).
  for (int page = 0; page < 100 && !next.empty(); ++page) {
    absl::StatusOr<HttpResponse> response = http_.Get(next, AuthHeaders(account));
    if (!response.ok()) {
      return absl::UnavailableError(
          absl::StrCat("template list from Graph API failed: ", response.status().message()));
    }
    if (std::optional<MetaError> error = ParseMetaError(response->body)) {
      return absl::UnavailableError(
          absl::StrCat("Graph API refused the template list: ", error->Describe()));
    }
    absl::StatusOr<TemplatePage> parsed = ParseTemplatePage(response->body);
    if (!parsed.ok()) return parsed.status();
    for (v1::Template& t : parsed->templates) all.push_back(std::move(t));
    next = parsed->next_url;
  }
  return all;
}

absl::StatusOr<FetchedMedia> CloudApiProvider::DownloadMedia(const SenderAccount& to,
                                                             const std::string& provider_media_id,
                                                             const MediaSink& sink) {
  if (std::optional<std::string> missing = MissingAccount(to)) {
    return absl::UnavailableError(*missing);  // may be fixed; the fetch waits
  }
  absl::StatusOr<HttpResponse> info = http_.Get(Url(provider_media_id), AuthHeaders(to));
  if (!info.ok()) {
    return absl::UnavailableError(absl::StrCat("media lookup failed: ", info.status().message()));
  }
  nlohmann::json body = nlohmann::json::parse(info->body, nullptr, false);
  if (info->status < 200 || info->status >= 300 || !body.is_object() || !body.contains("url") ||
      !body["url"].is_string()) {
    std::optional<MetaError> error = ParseMetaError(info->body);
    std::string why = error ? error->Describe() : Snippet(info->body);
    // Meta's 4xx (an unknown or expired id) will not change on a retry.
    return info->status >= 500 ? absl::UnavailableError(why) : absl::NotFoundError(why);
  }
  FetchedMedia media{body.value("mime_type", ""), body.value("sha256", "")};
  absl::StatusOr<HttpResponse> file = http_.Download(
      body["url"].get<std::string>(), AuthHeaders(to), sink, options_.upload_timeout);
  if (!file.ok()) {
    return absl::UnavailableError(absl::StrCat("media download failed: ", file.status().message()));
  }
  if (file->status < 200 || file->status >= 300) {
    return file->status >= 500 || file->status == 404  // 404: the URL expired; ask again
               ? absl::UnavailableError(absl::StrCat("media download: HTTP ", file->status))
               : absl::NotFoundError(absl::StrCat("media download: HTTP ", file->status));
  }
  return media;
}

}  // namespace wa::provider
