// The fake Graph API's side of media a guest sends: the notification that
// names it, GET /{version}/{media-id} answering a short-lived URL, and the
// URL itself, both needing the access token as Meta's do.
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "tests/fakes/fake_graph_api.h"
#include "tests/fakes/fake_meta_shapes.h"

namespace wa::fakes {
namespace {

using Json = nlohmann::json;

}  // namespace

void FakeGraphApi::AddGuestMedia(const std::string& media_id, std::string bytes,
                                 std::string mime_type) {
  std::lock_guard lock(mu_);
  guest_media_[media_id] = {std::move(bytes), std::move(mime_type)};
}

int FakeGraphApi::GuestMediaDownloads() const {
  std::lock_guard lock(mu_);
  return guest_media_downloads_;
}

std::string FakeGraphApi::InboundMediaNotification(absl::string_view from_wa_id,
                                                   absl::string_view kind,
                                                   absl::string_view media_id,
                                                   absl::string_view caption,
                                                   absl::string_view filename) const {
  BusinessNumber number{options_.waba_id, options_.phone_number_id, options_.display_phone_number};
  std::string mime;
  {
    std::lock_guard lock(mu_);
    auto it = guest_media_.find(std::string(media_id));
    if (it != guest_media_.end()) mime = it->second.mime_type;
  }
  Json media = {{"id", media_id}, {"mime_type", mime}, {"sha256", "c29tZS1oYXNo"}};
  if (!caption.empty()) media["caption"] = caption;
  if (!filename.empty()) media["filename"] = filename;
  Json message = {{"from", from_wa_id},
                  {"id", absl::StrCat("wamid.FAKEMEDIA", media_id)},
                  {"timestamp", absl::StrCat(absl::ToUnixSeconds(absl::Now()))},
                  {"type", kind},
                  {std::string(kind), media}};
  Json contact = {{"profile", {{"name", "Guest"}}}, {"wa_id", from_wa_id}};
  return MetaDump(
      Notification(number, "messages",
                   {{"contacts", Json::array({contact})}, {"messages", Json::array({message})}}));
}

void FakeGraphApi::HandleMediaLookup(const httplib::Request& req, httplib::Response& res) {
  std::string media_id = req.matches[2];
  if (!KnownToken(req)) {
    res.status = 401;
    res.set_content(ErrorEnvelope(190, "").dump(), "application/json");
    return;
  }
  std::lock_guard lock(mu_);
  auto it = guest_media_.find(media_id);
  if (it == guest_media_.end()) {
    res.status = 400;
    res.set_content(ErrorEnvelope(100, "Unsupported get request. Object with ID '" + media_id +
                                           "' does not exist")
                        .dump(),
                    "application/json");
    return;
  }
  Json answer = {
      {"messaging_product", "whatsapp"},
      {"url", absl::StrCat(base_url(), "/", req.matches[1].str(), "/guest-media/", media_id)},
      {"mime_type", it->second.mime_type},
      {"sha256", "c29tZS1oYXNo"},
      {"file_size", absl::StrCat(it->second.bytes.size())},
      {"id", media_id}};
  res.set_content(answer.dump(), "application/json");
}

void FakeGraphApi::HandleMediaFile(const httplib::Request& req, httplib::Response& res) {
  // Meta's media URLs refuse a bare GET: the token must come along.
  if (!KnownToken(req)) {
    res.status = 401;
    return;
  }
  std::lock_guard lock(mu_);
  auto it = guest_media_.find(req.matches[2].str());
  if (it == guest_media_.end()) {
    res.status = 404;
    return;
  }
  ++guest_media_downloads_;
  res.set_content(it->second.bytes, it->second.mime_type);
}

}  // namespace wa::fakes
