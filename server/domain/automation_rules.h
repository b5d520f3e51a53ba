#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/automation.pb.h"
#include "re2/re2.h"

namespace wa::domain {

// A rule's match.hours.
enum class HoursMatch { kAlways, kWithinHours, kOutsideHours };

// The default time between two replies of one rule in one conversation.
inline constexpr absl::Duration kDefaultCooldown = absl::Hours(1);
// Bounds on a rule, so that matching stays cheap at any number of rules.
inline constexpr size_t kMaxPatternLength = 1000;
inline constexpr int kMaxKeywords = 100;
inline constexpr int kMaxActions = 10;

// A rule ready to match: keywords folded and the pattern compiled once.
struct CompiledRule {
  hotel::whatsapp::v1::AutomationRule rule;
  std::vector<std::vector<std::string>> keywords;  // each as FoldedWords
  std::shared_ptr<const re2::RE2> pattern;         // null: no pattern
  std::set<int> message_types;                     // empty: any
  HoursMatch hours = HoursMatch::kAlways;
  // The department whose hours match.hours reads: the first one the rule
  // assigns to ("" then: the conversation's).
  std::string department;
  absl::Duration cooldown = kDefaultCooldown;
};

// What matching reads of one inbound message; the language is detected
// only if a rule asks for it, once.
class MessageFacts {
 public:
  // `metadata_language`: the conversation's metadata `language`, if set.
  MessageFacts(std::string text, hotel::whatsapp::v1::MessageType type, std::string reply_id,
               std::string metadata_language);

  const std::string& text() const { return text_; }
  const std::vector<std::string>& words() const { return words_; }
  hotel::whatsapp::v1::MessageType type() const { return type_; }
  const std::string& reply_id() const { return reply_id_; }
  const std::string& language();
  // The language CLD2 found in the text ("" if unsure or never asked).
  const std::string& detected_language() const { return detected_; }

 private:
  std::string text_;
  std::vector<std::string> words_;
  hotel::whatsapp::v1::MessageType type_;
  std::string reply_id_;
  std::optional<std::string> language_;
  std::string detected_;
};

// Checks a rule's form and compiles it (INVALID_ARGUMENT naming the field:
// an empty name, no action or an action that is not exactly one thing, a
// bad pattern, an unknown hours value, ...). Departments are checked by
// the caller, which knows them.
absl::StatusOr<CompiledRule> CompileRule(const hotel::whatsapp::v1::AutomationRule& rule);

// Whether every match field of `rule` holds for the message; `open(d)`
// tells whether department `d` is open at the message's time.
bool RuleMatches(const CompiledRule& rule, MessageFacts& facts,
                 const std::function<bool(const std::string& department)>& open);

}  // namespace wa::domain
