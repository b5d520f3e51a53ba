#include "server/properties_command.h"

#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/domain/property_service.h"
#include "server/domain/rfc3339.h"
#include "server/storage/data_dir.h"

namespace wa {
namespace {

constexpr char kUsage[] =
    "usage: properties set PROPERTY [--display_name=NAME] [--time_zone=Area/City] | "
    "properties add-number PROPERTY --phone_number_id=ID --waba_id=ID "
    "[--display_phone_number=+E164] [--access_token_env=VAR | --access_token_file=PATH] "
    "[--default] | properties remove-number PROPERTY --phone_number_id=ID | "
    "properties list | properties unrouted";

int Fail(const std::string& reason) {
  std::fprintf(stderr, "wa-server properties: %s\n", reason.c_str());
  return 2;
}

int Fail(const absl::Status& status) { return Fail(std::string(status.message())); }

// Where a number's token comes from, never the token.
std::string TokenSource(const storage::PhoneNumberRecord& n) {
  if (!n.access_token_file.empty()) return "file:" + n.access_token_file;
  if (!n.access_token_env.empty()) return "env:" + n.access_token_env;
  return "-";
}

std::string OrDash(const std::string& value) { return value.empty() ? "-" : value; }

int Set(domain::PropertyService& service, const std::string& property, const PropertiesOptions& o) {
  absl::StatusOr<storage::PropertyRecord> set =
      service.SetProperty(property, o.display_name, o.time_zone);
  if (!set.ok()) return Fail(set.status());
  std::printf("property %s: time zone %s, display name \"%s\"\n", set->property_id.c_str(),
              set->time_zone.c_str(), set->display_name.c_str());
  return 0;
}

int AddNumber(domain::PropertyService& service, const std::string& property,
              const PropertiesOptions& o) {
  if (o.number.phone_number_id.empty()) return Fail("add-number needs --phone_number_id");
  if (o.number.waba_id.empty()) return Fail("add-number needs --waba_id");
  domain::NumberRequest request = o.number;
  request.property_id = property;
  absl::StatusOr<storage::PhoneNumberRecord> added = service.AddNumber(request);
  if (!added.ok()) return Fail(added.status());
  std::printf("phone number %s (WABA %s) belongs to property %s%s\n",
              added->phone_number_id.c_str(), added->waba_id.c_str(), added->property_id.c_str(),
              added->is_default ? ", its default" : "");
  if (added->access_token_env.empty() && added->access_token_file.empty()) {
    // Fine for the sandbox; under --provider=cloud the number cannot send.
    std::printf(
        "note: no access token source (--access_token_env or --access_token_file); "
        "--provider=cloud cannot send from this number\n");
  }
  return 0;
}

int RemoveNumber(domain::PropertyService& service, const std::string& property,
                 const PropertiesOptions& o) {
  const std::string& id = o.number.phone_number_id;
  if (id.empty()) return Fail("remove-number needs --phone_number_id");
  if (absl::Status s = service.RemoveNumber(property, id); !s.ok()) return Fail(s);
  std::printf("phone number %s removed from property %s\n", id.c_str(), property.c_str());
  return 0;
}

// One line per number, and one for each property without a number.
int List(domain::PropertyService& service) {
  absl::StatusOr<std::vector<domain::PropertyView>> all = service.ListProperties();
  if (!all.ok()) return Fail(all.status());
  constexpr char kLine[] = "%-16s %-20s %-18s %-18s %-16s %-7s %-28s %s\n";
  std::printf(kLine, "PROPERTY", "TIME_ZONE", "PHONE_NUMBER_ID", "WABA_ID", "DISPLAY_NUMBER",
              "DEFAULT", "TOKEN_SOURCE", "DISPLAY_NAME");
  for (const domain::PropertyView& view : *all) {
    const storage::PropertyRecord& p = view.property;
    if (view.numbers.empty()) {
      std::printf(kLine, p.property_id.c_str(), p.time_zone.c_str(), "-", "-", "-", "-", "-",
                  p.display_name.c_str());
    }
    for (const storage::PhoneNumberRecord& n : view.numbers) {
      std::printf(kLine, p.property_id.c_str(), p.time_zone.c_str(), n.phone_number_id.c_str(),
                  n.waba_id.c_str(), OrDash(n.display_phone_number).c_str(),
                  n.is_default ? "yes" : "no", TokenSource(n).c_str(), p.display_name.c_str());
    }
  }
  return 0;
}

// Meta's callbacks for numbers and business accounts nobody owns, kept
// until `add-number` gives them an owner.
int Unrouted(domain::PropertyService& service) {
  absl::StatusOr<std::vector<storage::ParkedCount>> parked = service.Unrouted();
  if (!parked.ok()) return Fail(parked.status());
  constexpr char kLine[] = "%-16s %-20s %-10s %-28s %s\n";
  std::printf(kLine, "KIND", "ID", "CALLBACKS", "FIRST_RECEIVED", "LAST_RECEIVED");
  const std::string account_prefix = domain::AccountRouteKey("");
  for (const storage::ParkedCount& p : *parked) {
    bool account = absl::StartsWith(p.route_key, account_prefix);
    std::string id = account ? p.route_key.substr(account_prefix.size()) : p.route_key;
    std::printf(kLine, account ? "waba_id" : "phone_number_id", id.c_str(),
                absl::StrCat(p.count).c_str(), domain::Rfc3339(p.first_received_at).c_str(),
                domain::Rfc3339(p.last_received_at).c_str());
  }
  return 0;
}

}  // namespace

int RunPropertiesCommand(const std::vector<std::string>& args, const PropertiesOptions& options) {
  if (args.empty()) return Fail(kUsage);
  const std::string& verb = args[0];
  bool on_property = verb == "set" || verb == "add-number" || verb == "remove-number";
  bool on_all = verb == "list" || verb == "unrouted";
  if (!on_property && !on_all) return Fail(absl::StrCat("unknown verb '", verb, "'; ", kUsage));
  if (on_property && args.size() != 2) return Fail(absl::StrCat(verb, " needs PROPERTY; ", kUsage));
  if (on_all && args.size() != 1) return Fail(absl::StrCat(verb, " takes no argument; ", kUsage));
  // Open only once the command is known good: opening creates and
  // migrates the database.
  absl::StatusOr<std::unique_ptr<storage::Database>> db =
      storage::OpenDataDir(options.data_dir, options.database_url);
  if (!db.ok()) return Fail(db.status());
  domain::PropertyService service(**db);
  if (verb == "set") return Set(service, args[1], options);
  if (verb == "add-number") return AddNumber(service, args[1], options);
  if (verb == "remove-number") return RemoveNumber(service, args[1], options);
  if (verb == "list") return List(service);
  return Unrouted(service);
}

}  // namespace wa
