#include "server/domain/property_service.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"
#include "server/domain/phone.h"
#include "server/domain/quiet_hours.h"

namespace wa::domain {
namespace {

// Meta's ids are digits; ours for properties follow the tokens' rule.
bool ValidMetaId(const std::string& id) {
  return !id.empty() && id.size() <= 32 &&
         std::all_of(id.begin(), id.end(), [](char c) { return absl::ascii_isdigit(c); });
}

bool ValidPropertyId(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '_' || c == '-';
  });
}

// `owner` empty: a property that took the number while we looked.
absl::Status NumberTaken(const std::string& phone_number_id, const std::string& owner) {
  return Error(absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS",
               absl::StrCat("phone number ", phone_number_id, " already belongs to ",
                            owner.empty() ? "another property" : "property " + owner,
                            "; remove it there first"))
      .Detail("phone_number_id", phone_number_id);
}

// A property nobody has set up yet: its id, in UTC.
storage::PropertyRecord NewProperty(const std::string& id) {
  storage::PropertyRecord p;
  p.property_id = id;
  return p;
}

// An IANA time zone name. absl::LoadTimeZone also takes "localtime" (this
// machine's zone), "Fixed/UTC+hh:mm:ss" and file paths; none of them names
// the same zone on every machine that reads the database.
bool IanaZoneName(const std::string& name) {
  if (name.empty() || !absl::ascii_isalpha(name[0]) || name == "localtime" ||
      absl::StartsWith(name, "Fixed/") || absl::StrContains(name, "..") ||
      absl::StrContains(name, "//")) {
    return false;
  }
  if (!std::all_of(name.begin(), name.end(), [](char c) {
        return absl::ascii_isalnum(c) || c == '/' || c == '_' || c == '-' || c == '+';
      })) {
    return false;
  }
  absl::TimeZone zone;
  return absl::LoadTimeZone(name, &zone);
}

absl::Status CheckPropertyId(const std::string& id) {
  if (ValidPropertyId(id)) return absl::OkStatus();
  return InvalidArgument("property id must be 1-64 letters, digits, '_' or '-'", "property_id");
}

// The token a number's record points at, or why there is none.
std::pair<std::string, std::string> ReadAccessToken(const storage::PhoneNumberRecord& n) {
  if (!n.access_token_file.empty()) {
    // Only a regular file: reading a directory throws from libstdc++'s
    // filebuf, and a FIFO would block the snapshot's refresh.
    std::error_code error;
    if (!std::filesystem::is_regular_file(n.access_token_file, error)) {
      return {"", absl::StrCat("cannot read token file ", n.access_token_file,
                               " (not a regular file)")};
    }
    std::ifstream in(n.access_token_file);
    std::stringstream contents;
    contents << in.rdbuf();
    std::string token(absl::StripAsciiWhitespace(contents.str()));
    if (token.empty()) return {"", absl::StrCat("cannot read token file ", n.access_token_file)};
    return {token, ""};
  }
  if (!n.access_token_env.empty()) {
    const char* value = std::getenv(n.access_token_env.c_str());
    if (value == nullptr || *value == '\0') {
      return {"", absl::StrCat("environment variable ", n.access_token_env, " is not set")};
    }
    return {std::string(absl::StripAsciiWhitespace(value)), ""};
  }
  return {"", "no access token source (--access_token_env or --access_token_file)"};
}

SenderNumber ToSender(const storage::PhoneNumberRecord& n) {
  SenderNumber s;
  s.phone_number_id = n.phone_number_id;
  s.property_id = n.property_id;
  s.waba_id = n.waba_id;
  s.display_phone_number = n.display_phone_number;
  s.is_default = n.is_default;
  std::tie(s.access_token, s.token_problem) = ReadAccessToken(n);
  return s;
}

// The name of an environment variable as a shell can set it.
bool ValidEnvName(const std::string& name) {
  return !name.empty() && !absl::ascii_isdigit(name[0]) &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

absl::Status CheckNumberRequest(const NumberRequest& r) {
  if (absl::Status s = CheckPropertyId(r.property_id); !s.ok()) return s;
  if (!ValidMetaId(r.phone_number_id)) {
    return InvalidArgument("phone_number_id must be Meta's numeric id", "phone_number_id");
  }
  // Empty only for the number of the legacy flags without --waba_id (no
  // templates then); `properties add-number` asks for it.
  if (!r.waba_id.empty() && !ValidMetaId(r.waba_id)) {
    return InvalidArgument("waba_id must be Meta's numeric WhatsApp Business Account id",
                           "waba_id");
  }
  if (!r.access_token_env.empty() && !r.access_token_file.empty()) {
    return InvalidArgument("give --access_token_env or --access_token_file, not both",
                           "access_token");
  }
  if (!r.access_token_env.empty() && !ValidEnvName(r.access_token_env)) {
    return InvalidArgument(absl::StrCat("access_token_env must name an environment variable "
                                        "(letters, digits, '_'), not \"",
                                        r.access_token_env, "\""),
                           "access_token_env");
  }
  if (!r.access_token_file.empty()) {
    storage::PhoneNumberRecord probe;
    probe.access_token_file = r.access_token_file;
    if (auto [token, problem] = ReadAccessToken(probe); token.empty()) {
      return InvalidArgument(problem, "access_token_file");
    }
  }
  return absl::OkStatus();
}

// The request checked, its display number in E.164 (Meta matches its
// quality reports by the number's digits).
absl::StatusOr<NumberRequest> Normalized(NumberRequest r) {
  if (absl::Status s = CheckNumberRequest(r); !s.ok()) return s;
  if (r.display_phone_number.empty()) return r;
  absl::StatusOr<std::string> e164 = NormalizePhone(r.display_phone_number);
  if (!e164.ok()) {
    return InvalidArgument(absl::StrCat("display_phone_number \"", r.display_phone_number,
                                        "\" is not an E.164 number such as +33142000000"),
                           "display_phone_number");
  }
  r.display_phone_number = *e164;
  return r;
}

}  // namespace

PropertyService::PropertyService(storage::Database& db, absl::Duration refresh)
    : db_(db),
      properties_(db),
      notifications_(db),
      refresh_(refresh),
      snapshot_(std::make_shared<Snapshot>()) {}

absl::StatusOr<storage::PropertyRecord> PropertyService::SetProperty(
    const std::string& property_id, std::optional<std::string> display_name,
    std::optional<std::string> time_zone) {
  if (absl::Status s = CheckPropertyId(property_id); !s.ok()) return s;
  if (time_zone) {
    if (!IanaZoneName(*time_zone)) {
      return InvalidArgument(absl::StrCat("unknown time zone \"", *time_zone,
                                          "\": use an IANA name such as Europe/Paris"),
                             "time_zone");
    }
  }
  if (display_name && display_name->size() > 200) {
    return InvalidArgument("display_name is at most 200 bytes", "display_name");
  }
  return storage::TransactValue(db_, [&]() -> absl::StatusOr<storage::PropertyRecord> {
    absl::StatusOr<std::optional<storage::PropertyRecord>> found = properties_.Get(property_id);
    if (!found.ok()) return found.status();
    storage::PropertyRecord p = found->value_or(NewProperty(property_id));
    if (display_name) p.display_name = *display_name;
    if (time_zone) p.time_zone = *time_zone;
    p.updated_at = absl::Now();
    if (absl::Status s = properties_.Upsert(p); !s.ok()) return s;
    return p;
  });
}

absl::StatusOr<storage::PropertyRecord> PropertyService::SetQuietHours(
    const std::string& property_id, const std::string& start, const std::string& end) {
  if (absl::Status s = ParseQuietHours(start, end).status(); !s.ok()) return s;
  return storage::TransactValue(db_, [&]() -> absl::StatusOr<storage::PropertyRecord> {
    absl::StatusOr<std::optional<storage::PropertyRecord>> found = properties_.Get(property_id);
    if (!found.ok()) return found.status();
    storage::PropertyRecord p = found->value_or(NewProperty(property_id));
    p.quiet_hours_start = start;
    p.quiet_hours_end = end;
    p.updated_at = absl::Now();
    if (absl::Status s = properties_.Upsert(p); !s.ok()) return s;
    return p;
  });
}

absl::StatusOr<storage::PhoneNumberRecord> PropertyService::AddNumber(
    const NumberRequest& request) {
  absl::StatusOr<NumberRequest> normalized = Normalized(request);
  if (!normalized.ok()) return normalized.status();
  const NumberRequest& r = *normalized;
  absl::StatusOr<storage::PhoneNumberRecord> added =
      storage::TransactValue(db_, [&]() -> absl::StatusOr<storage::PhoneNumberRecord> {
        absl::StatusOr<std::optional<storage::PhoneNumberRecord>> existing =
            properties_.GetNumber(r.phone_number_id);
        if (!existing.ok()) return existing.status();
        if (*existing && (*existing)->property_id != r.property_id) {
          return NumberTaken(r.phone_number_id, (*existing)->property_id);
        }
        absl::StatusOr<std::optional<storage::PropertyRecord>> property =
            properties_.Get(r.property_id);
        if (!property.ok()) return property.status();
        if (!*property) {
          if (auto s = properties_.Upsert({r.property_id, "", "UTC", absl::Now()}); !s.ok()) {
            return s;
          }
        }
        absl::StatusOr<std::vector<storage::PhoneNumberRecord>> all = properties_.ListNumbers();
        if (!all.ok()) return all.status();
        bool has_default = std::any_of(all->begin(), all->end(), [&](const auto& n) {
          return n.property_id == r.property_id && n.is_default &&
                 n.phone_number_id != r.phone_number_id;
        });
        storage::PhoneNumberRecord n;
        n.phone_number_id = r.phone_number_id;
        n.property_id = r.property_id;
        n.waba_id = r.waba_id;
        n.display_phone_number = r.display_phone_number;
        n.access_token_env = r.access_token_env;
        n.access_token_file = r.access_token_file;
        n.is_default = r.make_default || !has_default || (*existing && (*existing)->is_default);
        n.created_at = *existing ? (*existing)->created_at : absl::Now();
        absl::StatusOr<bool> written = properties_.UpsertNumber(n);
        if (!written.ok()) return written.status();
        if (!*written) return NumberTaken(r.phone_number_id, "");
        if (n.is_default) {
          if (auto s = properties_.SetDefaultNumber(r.property_id, n.phone_number_id); !s.ok()) {
            return s;
          }
        }
        // What Meta sent for this number before it was ours is applied now.
        if (auto s = notifications_.Unpark(n.phone_number_id); !s.ok()) return s;
        if (auto s = notifications_.Unpark(AccountRouteKey(n.waba_id)); !s.ok()) return s;
        return n;
      });
  if (added.ok()) Refresh().IgnoreError();
  return added;
}

absl::Status PropertyService::RemoveNumber(const std::string& property_id,
                                           const std::string& phone_number_id) {
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    absl::StatusOr<std::optional<storage::PhoneNumberRecord>> existing =
        properties_.GetNumber(phone_number_id);
    if (!existing.ok()) return existing.status();
    absl::StatusOr<bool> deleted = properties_.DeleteNumber(property_id, phone_number_id);
    if (!deleted.ok()) return deleted.status();
    if (!*deleted) {
      return NotFound(absl::StrCat("phone number of property ", property_id), phone_number_id);
    }
    if (!(*existing)->is_default) return absl::OkStatus();
    // The property keeps a default while it has a number.
    absl::StatusOr<std::vector<storage::PhoneNumberRecord>> all = properties_.ListNumbers();
    if (!all.ok()) return all.status();
    for (const storage::PhoneNumberRecord& n : *all) {
      if (n.property_id == property_id)
        return properties_.SetDefaultNumber(property_id, n.phone_number_id);
    }
    return absl::OkStatus();
  });
  if (status.ok()) Refresh().IgnoreError();
  return status;
}

absl::StatusOr<std::vector<storage::PhoneNumberRecord>> PropertyService::ListNumbers() {
  return storage::ReadValue(db_, [&] { return properties_.ListNumbers(); });
}

absl::StatusOr<std::vector<PropertyView>> PropertyService::ListProperties() {
  return storage::ReadValue(db_, [&]() -> absl::StatusOr<std::vector<PropertyView>> {
    absl::StatusOr<std::vector<storage::PropertyRecord>> properties = properties_.List();
    if (!properties.ok()) return properties.status();
    absl::StatusOr<std::vector<storage::PhoneNumberRecord>> numbers = properties_.ListNumbers();
    if (!numbers.ok()) return numbers.status();
    std::map<std::string, PropertyView> by_id;
    for (storage::PropertyRecord& p : *properties) by_id[p.property_id].property = std::move(p);
    for (storage::PhoneNumberRecord& n : *numbers) {
      PropertyView& view = by_id[n.property_id];
      // AddNumber writes the property's row too; a number is listed even without it.
      view.property.property_id = n.property_id;
      view.numbers.push_back(std::move(n));
    }
    std::vector<PropertyView> all;
    for (auto& [id, view] : by_id) all.push_back(std::move(view));
    return all;
  });
}

absl::StatusOr<std::vector<storage::ParkedCount>> PropertyService::Unrouted() {
  return storage::ReadValue(db_, [&] { return notifications_.CountParked(); });
}

absl::Status PropertyService::EnsureConfiguredNumber(const NumberRequest& request) {
  absl::StatusOr<std::optional<storage::PhoneNumberRecord>> existing =
      storage::ReadValue(db_, [&] { return properties_.GetNumber(request.phone_number_id); });
  if (!existing.ok()) return existing.status();
  if (*existing && (*existing)->property_id != request.property_id) {
    return absl::FailedPreconditionError(
        absl::StrCat("--phone_number_id ", request.phone_number_id, " belongs to property ",
                     (*existing)->property_id, ", not ", request.property_id));
  }
  if (*existing && (*existing)->waba_id == request.waba_id &&
      (*existing)->access_token_env == request.access_token_env &&
      (*existing)->access_token_file == request.access_token_file) {
    return Refresh();  // as configured already (every start after the first)
  }
  absl::StatusOr<storage::PhoneNumberRecord> added = AddNumber(request);
  return added.status();
}

absl::Status PropertyService::NoteQualityInTransaction(const std::string& display_digits,
                                                       const std::string& quality_event,
                                                       const std::string& limit) {
  return properties_.NoteQuality(display_digits, quality_event, limit);
}

absl::StatusOr<PropertyView> PropertyService::View(const std::string& property_id) {
  return storage::ReadValue(db_, [&]() -> absl::StatusOr<PropertyView> {
    PropertyView view;
    absl::StatusOr<std::optional<storage::PropertyRecord>> property = properties_.Get(property_id);
    if (!property.ok()) return property.status();
    view.property = property->value_or(NewProperty(property_id));
    absl::StatusOr<std::vector<storage::PhoneNumberRecord>> all = properties_.ListNumbers();
    if (!all.ok()) return all.status();
    for (storage::PhoneNumberRecord& n : *all) {
      if (n.property_id == property_id) view.numbers.push_back(std::move(n));
    }
    return view;
  });
}

absl::Status PropertyService::Refresh() {
  absl::MutexLock one_reader(&refresh_mu_);
  return ReloadLocked();
}

absl::Status PropertyService::ReloadLocked() {
  absl::StatusOr<std::vector<storage::PhoneNumberRecord>> all = ListNumbers();
  if (!all.ok()) return all.status();
  auto next = std::make_shared<Snapshot>();
  for (const storage::PhoneNumberRecord& n : *all) {
    next->numbers[n.phone_number_id] = ToSender(n);
    if (n.is_default) next->defaults[n.property_id] = n.phone_number_id;
  }
  next->read_at = absl::Now();
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(next);
  return absl::OkStatus();
}

std::shared_ptr<const PropertyService::Snapshot> PropertyService::Current(absl::Duration max_age) {
  auto loaded = [this] {
    absl::MutexLock lock(&mu_);
    return snapshot_;
  };
  std::shared_ptr<const Snapshot> current = loaded();
  if (absl::Now() - current->read_at < max_age) return current;
  // Too old: one caller reads the database; the others go on with what is
  // loaded rather than queue behind it.
  if (!refresh_mu_.TryLock()) return current;
  absl::Status reloaded = ReloadLocked();
  refresh_mu_.Unlock();
  return reloaded.ok() ? loaded() : current;
}

template <typename Find>
auto PropertyService::Lookup(Find find) -> decltype(find(std::declval<const Snapshot&>())) {
  auto found = find(*Current(refresh_));
  // A miss may be a number added a moment ago (by `wa-server properties`):
  // look again in a fresher snapshot, at most a few reads a second.
  if (!found) found = find(*Current(kMissRefresh));
  return found;
}

std::optional<SenderNumber> PropertyService::FindNumber(const std::string& phone_number_id) {
  return Lookup([&](const Snapshot& s) -> std::optional<SenderNumber> {
    auto it = s.numbers.find(phone_number_id);
    if (it == s.numbers.end()) return std::nullopt;
    return it->second;
  });
}

std::optional<SenderNumber> PropertyService::DefaultNumber(const std::string& property_id) {
  return Lookup([&](const Snapshot& s) -> std::optional<SenderNumber> {
    auto it = s.defaults.find(property_id);
    if (it == s.defaults.end()) return std::nullopt;
    return s.numbers.at(it->second);
  });
}

std::vector<std::string> PropertyService::PropertiesOfAccount(const std::string& waba_id) {
  auto owners = Lookup([&](const Snapshot& s) -> std::optional<std::vector<std::string>> {
    std::vector<std::string> found;
    for (const auto& [id, n] : s.numbers) {
      if (n.waba_id == waba_id &&
          std::find(found.begin(), found.end(), n.property_id) == found.end()) {
        found.push_back(n.property_id);
      }
    }
    if (found.empty()) return std::nullopt;
    return found;
  });
  return owners.value_or(std::vector<std::string>{});
}

absl::StatusOr<std::optional<SenderNumber>> PropertyService::ChooseSender(
    const std::string& property_id, const std::string& requested, const std::string& preferred) {
  if (!requested.empty()) {
    std::optional<SenderNumber> n = FindNumber(requested);
    if (!n || n->property_id != property_id) {
      return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                   absl::StrCat("from_phone_number_id ", requested,
                                " is not one of this property's WhatsApp numbers"))
          .Detail("field", "from_phone_number_id");
    }
    return n;
  }
  if (!preferred.empty()) {
    std::optional<SenderNumber> n = FindNumber(preferred);
    if (n && n->property_id == property_id) return n;
  }
  return DefaultNumber(property_id);
}

}  // namespace wa::domain
