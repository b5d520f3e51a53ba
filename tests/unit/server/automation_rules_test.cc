// Rule matching and business hours (README, "Automation"): a table of
// guest messages in English, Spanish, German and French against a rule set;
// patterns, languages, interactive answers, types; hours across a
// daylight-saving change; bad rules refused. The timed loop at the end
// prints the cost of one evaluation at 100 rules (not asserted).
#include "server/domain/automation_rules.h"

#include <chrono>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/domain/automation_engine.h"
#include "server/domain/automation_service.h"
#include "server/domain/business_hours.h"
#include "server/domain/language_detection.h"
#include "server/domain/text_folding.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

absl::Time At(const char* rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) << error;
  return t;
}

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name << ": is tzdata installed?";
  return zone;
}

v1::AutomationRule Rule(const std::string& id, std::vector<std::string> keywords,
                        const std::string& action) {
  v1::AutomationRule r;
  r.set_rule_id(id);
  r.set_name(id);
  r.set_enabled(true);
  for (const std::string& k : keywords) r.mutable_match()->add_keywords(k);
  v1::RuleAction* a = r.add_actions();
  if (action == "stop") {
    a->set_stop(true);
  } else if (action.rfind("assign:", 0) == 0) {
    a->mutable_assign()->set_department(action.substr(7));
  } else {
    a->mutable_reply()->set_text(action);
  }
  return r;
}

CompiledRule Compiled(const v1::AutomationRule& rule) {
  absl::StatusOr<CompiledRule> compiled = CompileRule(rule);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return *compiled;
}

v1::Department Department(const std::string& name, const std::string& open,
                          const std::string& close) {
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

// The hotel's rule set: towels to housekeeping, the breakfast FAQ (stops),
// a late checkout pattern, anything in Spanish tagged for the Spanish desk.
PropertyAutomation Hotel() {
  PropertyAutomation a;
  a.zone = Zone("Europe/Paris");
  a.rules.push_back(Compiled(Rule(
      "towels",
      {"towel", "towels", "toalla", "toallas", "serviette", "serviettes", "Handtuch", "Handtücher"},
      "assign:housekeeping")));
  a.rules.push_back(Compiled(
      Rule("breakfast", {"breakfast", "desayuno", "petit-déjeuner", "Frühstück"}, "stop")));
  v1::AutomationRule late = Rule("late_checkout", {}, "assign:front_desk");
  late.mutable_match()->set_pattern(R"((?i)late\s+check-?out|salida\s+tard)");
  a.rules.push_back(Compiled(late));
  v1::AutomationRule spanish = Rule("spanish", {}, "assign:spanish_desk");
  spanish.mutable_match()->set_language("es");
  a.rules.push_back(Compiled(spanish));
  return a;
}

std::vector<std::string> Matches(const PropertyAutomation& a, const std::string& text,
                                 const std::string& metadata_language = "") {
  MessageFacts facts(text, v1::MESSAGE_TYPE_TEXT, "", metadata_language);
  RulePlan plan = PlanRules(a, facts, At("2026-12-07T12:00:00Z"), "");
  std::vector<std::string> ids;
  for (const CompiledRule* r : plan.matches) ids.push_back(r->rule.rule_id());
  return ids;
}

using Ids = std::vector<std::string>;

TEST(AutomationRules, MessagesInFourLanguagesMatchTheRightRules) {
  PropertyAutomation hotel = Hotel();
  struct Case {
    const char* text;
    Ids want;
  } cases[] = {
      {"Can I get two more towels?", {"towels"}},
      {"TOWEL please", {"towels"}},
      {"Necesito más toallas en la habitación, por favor", {"towels", "spanish"}},
      {"Könnten Sie mir bitte zwei Handtücher bringen?", {"towels"}},
      {"Pourriez-vous m'apporter des serviettes propres ?", {"towels"}},
      // Accents and case do not matter; whole words do.
      {"HANDTUCHER bitte", {"towels"}},
      {"towelling robe", {}},
      // The breakfast FAQ stops: no later rule runs, in any language.
      {"What time is breakfast? And a late checkout?", {"breakfast"}},
      {"¿A qué hora es el desayuno mañana por la mañana?", {"breakfast"}},
      {"Wann gibt es Frühstück?", {"breakfast"}},
      {"À quelle heure est le petit-déjeuner ?", {"breakfast"}},
      {"A quelle heure est le petit dejeuner ?", {"breakfast"}},
      // The pattern, case-insensitive by its own (?i).
      {"Is a LATE CHECKOUT possible tomorrow?", {"late_checkout"}},
      {"Quisiera una salida tardía mañana si es posible, gracias", {"late_checkout", "spanish"}},
      {"Hello, what is the wifi password?", {}},
  };
  for (const Case& c : cases) EXPECT_EQ(Matches(hotel, c.text), c.want) << c.text;
  // The hotel's language in the conversation's metadata wins over detection.
  EXPECT_EQ(Matches(hotel, "ok", "es"), Ids{"spanish"});
  EXPECT_EQ(Matches(hotel, "Necesito ayuda con la reserva de mi habitación", "en"), Ids{});
}

TEST(AutomationRules, LanguageDetectionNamesCommonLanguages) {
  EXPECT_EQ(DetectLanguage("Necesito más toallas en la habitación, por favor"), "es");
  EXPECT_EQ(DetectLanguage("Könnten Sie mir bitte zwei Handtücher bringen? Vielen Dank"), "de");
  EXPECT_EQ(DetectLanguage("Pourriez-vous m'apporter des serviettes propres, s'il vous plaît ?"),
            "fr");
  EXPECT_EQ(DetectLanguage("Could you please bring two more towels to our room?"), "en");
  EXPECT_EQ(DetectLanguage(""), "");
}

TEST(AutomationRules, FoldingKeepsWholeWordsInAnyScript) {
  EXPECT_EQ(FoldedWords("Café, CRÈME brûlée!"),
            (std::vector<std::string>{"cafe", "creme", "brulee"}));
  EXPECT_EQ(FoldedWords("Полотенце"), std::vector<std::string>{"полотенце"});
  EXPECT_TRUE(ContainsPhrase(FoldedWords("Un petit-déjeuner ?"), FoldedWords("petit dejeuner")));
  EXPECT_FALSE(ContainsPhrase(FoldedWords("petit chien, déjeuner"), FoldedWords("petit déjeuner")));
}

TEST(AutomationRules, ReplyIdTypesAndHoursAllMustHold) {
  v1::AutomationRule r = Rule("spa", {}, "assign:spa");
  r.mutable_match()->set_reply_id("book_spa");
  r.mutable_match()->add_message_types(v1::MESSAGE_TYPE_INTERACTIVE);
  r.mutable_match()->set_hours("within_hours");
  CompiledRule rule = Compiled(r);
  bool open = true;
  auto is_open = [&](const std::string& department) {
    EXPECT_EQ(department, "spa");
    return open;
  };
  MessageFacts chosen("Book the spa", v1::MESSAGE_TYPE_INTERACTIVE, "book_spa", "");
  EXPECT_TRUE(RuleMatches(rule, chosen, is_open));
  MessageFacts other("Book the spa", v1::MESSAGE_TYPE_INTERACTIVE, "book_dinner", "");
  EXPECT_FALSE(RuleMatches(rule, other, is_open));
  MessageFacts typed("book_spa", v1::MESSAGE_TYPE_TEXT, "book_spa", "");
  EXPECT_FALSE(RuleMatches(rule, typed, is_open));
  open = false;
  EXPECT_FALSE(RuleMatches(rule, chosen, is_open));
}

TEST(AutomationRules, BadRulesAreRefusedNamingTheField) {
  struct Case {
    std::function<void(v1::AutomationRule&)> spoil;
    std::string field;
  } cases[] = {
      {[](v1::AutomationRule& r) { r.mutable_match()->set_pattern("(unclosed"); }, "match.pattern"},
      {[](v1::AutomationRule& r) { r.mutable_match()->set_pattern(std::string(1001, 'a')); },
       "match.pattern"},
      // A pattern whose program exceeds the memory bound.
      {[](v1::AutomationRule& r) { r.mutable_match()->set_pattern("((a{1,100}){1,100}){1,100}"); },
       "match.pattern"},
      {[](v1::AutomationRule& r) { r.mutable_match()->set_hours("at_night"); }, "match.hours"},
      {[](v1::AutomationRule& r) { r.mutable_match()->set_language("Spanish"); }, "match.language"},
      {[](v1::AutomationRule& r) { r.mutable_match()->add_keywords("!!!"); }, "match.keywords"},
      {[](v1::AutomationRule& r) { r.clear_actions(); }, "actions"},
      {[](v1::AutomationRule& r) { r.set_name(""); }, "name"},
      {[](v1::AutomationRule& r) { r.add_actions(); }, "actions[1]"},
      {[](v1::AutomationRule& r) { r.mutable_actions(0)->mutable_reply()->set_text("x"); },
       "actions[0]"},
      {[](v1::AutomationRule& r) { r.mutable_cooldown()->set_seconds(-1); }, "cooldown"},
  };
  for (const Case& c : cases) {
    v1::AutomationRule rule = Rule("r", {"towel"}, "assign:housekeeping");
    c.spoil(rule);
    absl::StatusOr<CompiledRule> compiled = CompileRule(rule);
    ASSERT_FALSE(compiled.ok()) << c.field;
    EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_NE(compiled.status().message().find(c.field), std::string::npos)
        << c.field << ": " << compiled.status();
  }
}

TEST(BusinessHours, OpenAndClosedInTheLocalZone) {
  absl::StatusOr<BusinessHours> hours =
      ParseBusinessHours(Department("front_desk", "07:00", "23:00"));
  ASSERT_TRUE(hours.ok()) << hours.status();
  absl::TimeZone paris = Zone("Europe/Paris");
  // 23:10 UTC is 00:10 in Paris in winter: closed since 23:00 Paris.
  EXPECT_FALSE(IsOpen(*hours, At("2026-12-07T23:10:00Z"), paris));
  EXPECT_EQ(ClosedSince(*hours, At("2026-12-07T23:10:00Z"), paris), At("2026-12-07T22:00:00Z"));
  EXPECT_TRUE(IsOpen(*hours, At("2026-12-07T21:59:00Z"), paris));
  EXPECT_FALSE(IsOpen(*hours, At("2026-12-07T22:00:00Z"), paris));
  EXPECT_TRUE(IsOpen(*hours, At("2026-12-08T06:00:00Z"), paris));
  // The same closed period before and after midnight; a new one the next night.
  EXPECT_EQ(ClosedSince(*hours, At("2026-12-08T05:59:00Z"), paris), At("2026-12-07T22:00:00Z"));
  EXPECT_EQ(ClosedSince(*hours, At("2026-12-08T22:30:00Z"), paris), At("2026-12-08T22:00:00Z"));
}

TEST(BusinessHours, AcrossADaylightSavingChange) {
  absl::StatusOr<BusinessHours> hours =
      ParseBusinessHours(Department("front_desk", "07:00", "23:00"));
  ASSERT_TRUE(hours.ok());
  absl::TimeZone paris = Zone("Europe/Paris");
  // Paris moves to summer time on 2027-03-28 at 02:00 (UTC+1 -> UTC+2):
  // 07:00 local is 06:00 UTC the day before, 05:00 UTC that day.
  EXPECT_FALSE(IsOpen(*hours, At("2027-03-27T05:59:00Z"), paris));
  EXPECT_TRUE(IsOpen(*hours, At("2027-03-27T06:00:00Z"), paris));
  EXPECT_FALSE(IsOpen(*hours, At("2027-03-28T04:59:00Z"), paris));
  EXPECT_TRUE(IsOpen(*hours, At("2027-03-28T05:00:00Z"), paris));
  // It closed at 23:00 local on the 27th (22:00 UTC), across the change.
  EXPECT_EQ(ClosedSince(*hours, At("2027-03-28T04:00:00Z"), paris), At("2027-03-27T22:00:00Z"));
  // And back in autumn (2027-10-31, UTC+2 -> UTC+1): 23:00 local is 22:00 UTC.
  EXPECT_TRUE(IsOpen(*hours, At("2027-10-31T21:59:00Z"), paris));
  EXPECT_FALSE(IsOpen(*hours, At("2027-10-31T22:00:00Z"), paris));
}

TEST(BusinessHours, DateExceptionsAndBadInput) {
  v1::Department d = Department("restaurant", "07:00", "22:00");
  v1::HoursException* christmas = d.add_exceptions();
  christmas->set_date("2026-12-25");
  christmas->set_closed(true);
  v1::HoursException* eve = d.add_exceptions();
  eve->set_date("2026-12-24");
  eve->set_open("18:00");
  eve->set_close("24:00");
  absl::StatusOr<BusinessHours> hours = ParseBusinessHours(d);
  ASSERT_TRUE(hours.ok()) << hours.status();
  absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_FALSE(IsOpen(*hours, At("2026-12-25T12:00:00Z"), utc));
  EXPECT_FALSE(IsOpen(*hours, At("2026-12-24T12:00:00Z"), utc));
  EXPECT_TRUE(IsOpen(*hours, At("2026-12-24T23:30:00Z"), utc));
  // Closed on the 25th since midnight, when the 24th's hours ended.
  EXPECT_EQ(ClosedSince(*hours, At("2026-12-25T12:00:00Z"), utc), At("2026-12-25T00:00:00Z"));
  // No weekly hours: always open (but for its exceptions).
  v1::Department always;
  *always.add_exceptions() = *christmas;
  absl::StatusOr<BusinessHours> open = ParseBusinessHours(always);
  ASSERT_TRUE(open.ok());
  EXPECT_TRUE(IsOpen(*open, At("2026-12-24T03:00:00Z"), utc));
  EXPECT_FALSE(IsOpen(*open, At("2026-12-25T03:00:00Z"), utc));

  for (auto spoil : std::vector<std::function<void(v1::Department&)>>{
           [](v1::Department& x) { x.mutable_hours(0)->set_day("MONDAYS"); },
           [](v1::Department& x) { x.mutable_hours(0)->set_open("7am"); },
           [](v1::Department& x) { x.mutable_hours(0)->set_close("06:00"); },
           [](v1::Department& x) { x.mutable_exceptions(0)->set_date("25/12/2026"); },
       }) {
    v1::Department bad = d;
    spoil(bad);
    EXPECT_EQ(ParseBusinessHours(bad).status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(AutomationRules, PlaceholdersAreFilled) {
  EXPECT_EQ(FillPlaceholders("Hello {{guest_name}}, room {{metadata.room}}{{metadata.none}}!",
                             "Ana", {{"room", "204"}}),
            "Hello Ana, room 204!");
  EXPECT_EQ(FillPlaceholders("{{unclosed", "Ana", {}), "{{unclosed");
}

// The cost of one inbound message against 100 enabled rules (keywords,
// a pattern on every tenth, the language on every twentieth): printed for
// the README, not asserted.
TEST(AutomationRules, CostAtOneHundredRules) {
  PropertyAutomation a;
  a.zone = absl::UTCTimeZone();
  for (int i = 0; i < 100; ++i) {
    v1::AutomationRule r =
        Rule(absl::StrCat("r", i), {absl::StrCat("word", i), absl::StrCat("other", i), "zzz"},
             "assign:housekeeping");
    if (i % 10 == 0) r.mutable_match()->set_pattern(absl::StrCat("(?i)room\\s+", i, "\\b"));
    if (i % 20 == 0) {
      r.mutable_match()->clear_keywords();
      r.mutable_match()->set_language("de");
    }
    a.rules.push_back(Compiled(r));
  }
  const std::string text =
      "Hello, could you please bring two more towels and a bottle of water to room 512? Thanks!";
  constexpr int kRuns = 2000;
  size_t matched = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) {
    MessageFacts facts(text, v1::MESSAGE_TYPE_TEXT, "", "");
    matched += PlanRules(a, facts, absl::UnixEpoch(), "").matches.size();
  }
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  std::cout << "rule evaluation at 100 rules: " << static_cast<double>(micros) / kRuns
            << " us per inbound message (" << matched / kRuns << " matches)\n";
}

}  // namespace
}  // namespace wa::domain
