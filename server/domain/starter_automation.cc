#include "server/domain/starter_automation.h"

#include <string>

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

v1::Department Daily(const std::string& name, const std::string& open, const std::string& close) {
  v1::Department d;
  d.set_department(name);
  for (const char* day :
       {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}) {
    v1::DayHours* h = d.add_hours();
    h->set_day(day);
    h->set_open(open);
    h->set_close(close);
  }
  return d;
}

v1::AutomationRule Rule(const std::string& name, std::initializer_list<const char*> keywords) {
  v1::AutomationRule r;
  r.set_name(name);
  r.set_enabled(false);
  for (const char* k : keywords) r.mutable_match()->add_keywords(k);
  r.mutable_match()->set_hours("always");
  r.mutable_cooldown()->set_seconds(3600);
  return r;
}

}  // namespace

std::vector<v1::Department> StarterDepartments() {
  return {Daily("housekeeping", "08:00", "20:00"), Daily("front_desk", "07:00", "23:00"),
          Daily("restaurant", "07:00", "22:00")};
}

std::vector<v1::AutomationRule> StarterRules() {
  v1::AutomationRule towels =
      Rule("Towels to housekeeping", {"towel", "towels", "toalla", "toallas", "serviette",
                                      "serviettes", "Handtuch", "Handtücher", "housekeeping"});
  towels.add_actions()->mutable_assign()->set_department("housekeeping");
  towels.add_actions()->mutable_reply()->set_text(
      "Of course! Housekeeping will bring them shortly.");

  v1::AutomationRule breakfast = Rule("Breakfast hours", {"breakfast", "desayuno", "petit-déjeuner",
                                                          "petit déjeuner", "Frühstück"});
  breakfast.add_actions()->mutable_reply()->set_text(
      "Breakfast is served from 7:00 to 10:30 in the restaurant.");
  breakfast.add_actions()->set_stop(true);

  v1::AutomationRule after_hours = Rule("Front desk after hours", {});
  after_hours.mutable_match()->set_hours("outside_hours");
  after_hours.add_actions()->mutable_assign()->set_department("front_desk");
  after_hours.add_actions()->mutable_reply()->set_text(
      "Our front desk team is back at 7:00. For an emergency, please call the hotel.");
  after_hours.mutable_cooldown()->set_seconds(12 * 3600);
  return {towels, breakfast, after_hours};
}

}  // namespace wa::domain
