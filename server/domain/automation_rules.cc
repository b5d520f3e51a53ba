#include "server/domain/automation_rules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/domain/conversation_metadata.h"
#include "server/domain/errors.h"
#include "server/domain/language_detection.h"
#include "server/domain/messaging_service.h"
#include "server/domain/text_folding.h"
#include "server/domain/utf8.h"
#include "server/util/status_macros.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr size_t kMaxName = 100;
constexpr size_t kMaxKeyword = 100;
constexpr size_t kMaxStaffName = 64;
// RE2's memory for one compiled pattern: a bound on what a rule may cost.
constexpr int64_t kPatternMemory = 1 << 20;
constexpr absl::Duration kMaxCooldown = absl::Hours(24 * 30);

absl::StatusOr<HoursMatch> ParseHoursMatch(const std::string& value) {
  if (value.empty() || value == "always") return HoursMatch::kAlways;
  if (value == "within_hours") return HoursMatch::kWithinHours;
  if (value == "outside_hours") return HoursMatch::kOutsideHours;
  return InvalidArgument(
      absl::StrCat("match.hours is \"always\", \"within_hours\" or \"outside_hours\", not \"",
                   value, "\""),
      "match.hours");
}

absl::Status CheckPlainName(const std::string& value, const std::string& field) {
  const bool printable =
      std::none_of(value.begin(), value.end(), [](char c) { return absl::ascii_iscntrl(c); });
  if (Utf8Length(value) > kMaxStaffName || !printable) {
    return InvalidArgument(absl::StrCat(field, " is at most 64 printable characters"), field);
  }
  return absl::OkStatus();
}

absl::Status CheckAction(const v1::RuleAction& a, const std::string& field) {
  const int kinds = a.has_assign() + a.has_set_metadata() + a.has_reply() + (a.stop() ? 1 : 0);
  if (kinds != 1) {
    return InvalidArgument(
        absl::StrCat(field, " is exactly one of assign, set_metadata, reply or stop"), field);
  }
  if (a.has_assign()) {
    if (a.assign().department().empty() && a.assign().staff_member().empty()) {
      return InvalidArgument(absl::StrCat(field, ".assign needs a department or a staff_member"),
                             absl::StrCat(field, ".assign"));
    }
    RETURN_IF_ERROR(CheckPlainName(a.assign().staff_member(), field + ".assign.staff_member"));
  }
  if (a.has_set_metadata()) {
    std::map<std::string, std::string> set(a.set_metadata().metadata().begin(),
                                           a.set_metadata().metadata().end());
    if (set.empty()) {
      return InvalidArgument(absl::StrCat(field, ".set_metadata needs metadata"),
                             field + ".set_metadata");
    }
    RETURN_IF_ERROR(CheckMetadataEntries(set, field + ".set_metadata.metadata"));
  }
  if (a.has_reply()) {
    const v1::ReplyAction& r = a.reply();
    if (r.text().empty() == r.template_().empty()) {
      return InvalidArgument(absl::StrCat(field, ".reply is a text or a template, one of them"),
                             field + ".reply");
    }
    if (Utf8Length(r.text()) > kMaxTextLength) {
      return InvalidArgument(absl::StrCat(field, ".reply.text is at most 4096 characters"),
                             field + ".reply.text");
    }
  }
  return absl::OkStatus();
}

absl::Status CompileMatch(const v1::RuleMatch& m, CompiledRule& out) {
  if (m.keywords_size() > kMaxKeywords) {
    return InvalidArgument("match.keywords holds at most 100 words", "match.keywords");
  }
  for (const std::string& k : m.keywords()) {
    std::vector<std::string> words = FoldedWords(k);
    if (words.empty() || Utf8Length(k) > kMaxKeyword) {
      return InvalidArgument("each of match.keywords is a word or phrase of 1-100 characters",
                             "match.keywords");
    }
    out.keywords.push_back(std::move(words));
  }
  if (!m.pattern().empty()) {
    if (m.pattern().size() > kMaxPatternLength) {
      return InvalidArgument("match.pattern is at most 1000 characters", "match.pattern");
    }
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(kPatternMemory);
    auto re = std::make_shared<re2::RE2>(m.pattern(), options);
    if (!re->ok()) {
      return InvalidArgument(
          absl::StrCat("match.pattern is not a valid RE2 expression: ", re->error()),
          "match.pattern");
    }
    out.pattern = std::move(re);
  }
  if (!m.language().empty()) {
    const std::string& l = m.language();
    const bool letters = std::all_of(l.begin(), l.end(), absl::ascii_islower);
    if (l.size() < 2 || l.size() > 3 || !letters) {
      return InvalidArgument("match.language is an ISO 639-1 code such as \"es\"",
                             "match.language");
    }
  }
  for (int t : m.message_types()) out.message_types.insert(t);
  ASSIGN_OR_RETURN(out.hours, ParseHoursMatch(m.hours()));
  return absl::OkStatus();
}

}  // namespace

MessageFacts::MessageFacts(std::string text, v1::MessageType type, std::string reply_id,
                           std::string metadata_language)
    : text_(std::move(text)),
      words_(FoldedWords(text_)),
      type_(type),
      reply_id_(std::move(reply_id)) {
  if (!metadata_language.empty()) language_ = absl::AsciiStrToLower(metadata_language);
}

const std::string& MessageFacts::language() {
  if (!language_) {
    detected_ = DetectLanguage(text_);
    language_ = detected_;
  }
  return *language_;
}

absl::StatusOr<CompiledRule> CompileRule(const v1::AutomationRule& rule) {
  CompiledRule out;
  out.rule = rule;
  if (rule.name().empty() || Utf8Length(rule.name()) > kMaxName) {
    return InvalidArgument("name is 1-100 characters", "name");
  }
  if (rule.actions().empty() || rule.actions_size() > kMaxActions) {
    return InvalidArgument("actions holds 1 to 10 actions", "actions");
  }
  for (int i = 0; i < rule.actions_size(); ++i) {
    RETURN_IF_ERROR(CheckAction(rule.actions(i), absl::StrCat("actions[", i, "]")));
    if (out.department.empty() && rule.actions(i).has_assign()) {
      out.department = rule.actions(i).assign().department();
    }
  }
  RETURN_IF_ERROR(CompileMatch(rule.match(), out));
  if (rule.has_cooldown()) {
    out.cooldown = absl::Seconds(rule.cooldown().seconds());
    if (out.cooldown < absl::ZeroDuration() || out.cooldown > kMaxCooldown) {
      return InvalidArgument("cooldown is 0s to 2592000s (30 days)", "cooldown");
    }
  }
  return out;
}

bool RuleMatches(const CompiledRule& rule, MessageFacts& facts,
                 const std::function<bool(const std::string& department)>& open) {
  const v1::RuleMatch& m = rule.rule.match();
  if (!rule.message_types.empty() && !rule.message_types.contains(facts.type())) return false;
  if (!m.reply_id().empty() && m.reply_id() != facts.reply_id()) return false;
  if (!rule.keywords.empty() &&
      std::none_of(rule.keywords.begin(), rule.keywords.end(),
                   [&](const auto& phrase) { return ContainsPhrase(facts.words(), phrase); })) {
    return false;
  }
  if (rule.pattern && !re2::RE2::PartialMatch(facts.text(), *rule.pattern)) return false;
  if (!m.language().empty() && m.language() != facts.language()) return false;
  if (rule.hours != HoursMatch::kAlways) {
    const bool is_open = open(rule.department);
    if (is_open != (rule.hours == HoursMatch::kWithinHours)) return false;
  }
  return true;
}

}  // namespace wa::domain
