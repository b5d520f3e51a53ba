#include "gateway/enum_spelling.h"

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "hotel/whatsapp/v1/common.pb.h"

namespace wa::gateway {

using google::protobuf::EnumDescriptor;

std::string UpperSnakeCase(absl::string_view camel) {
  std::string out;
  out.reserve(camel.size() + 4);
  for (size_t i = 0; i < camel.size(); ++i) {
    const char c = camel[i];
    if (i > 0 && absl::ascii_isupper(c)) {
      const char prev = camel[i - 1];
      const bool next_lower = i + 1 < camel.size() && absl::ascii_islower(camel[i + 1]);
      if (absl::ascii_islower(prev) || absl::ascii_isdigit(prev) ||
          (absl::ascii_isupper(prev) && next_lower)) {
        out.push_back('_');
      }
    }
    out.push_back(absl::ascii_toupper(c));
  }
  return out;
}

EnumSpelling::EnumSpelling(const EnumDescriptor* type) : type_(type) {
  const bool upper = type->options().GetExtension(hotel::whatsapp::v1::json_upper_case);
  const std::string prefix = absl::StrCat(UpperSnakeCase(type->name()), "_");
  for (int i = 0; i < type->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = type->value(i);
    std::string rest = absl::StartsWith(value->name(), prefix) ? value->name().substr(prefix.size())
                                                               : value->name();
    // With allow_alias several names share a number; the first one declared prints.
    if (value->number() == 0) {
      names_.try_emplace(0, "");
    } else {
      names_.try_emplace(value->number(), upper ? rest : absl::AsciiStrToLower(rest));
      absl::StrAppend(&accepted_, accepted_.empty() ? "" : ", ",
                      upper ? rest : absl::AsciiStrToLower(rest));
    }
    inputs_.try_emplace(absl::AsciiStrToUpper(rest), value->number());
    inputs_.try_emplace(absl::AsciiStrToUpper(value->name()), value->number());
  }
  // The zero value prints as "", so "" must read back as it.
  if (type->FindValueByNumber(0) != nullptr) inputs_.try_emplace("", 0);
}

const std::string* EnumSpelling::Name(int number) const {
  auto it = names_.find(number);
  return it == names_.end() ? nullptr : &it->second;
}

std::optional<int> EnumSpelling::Parse(absl::string_view text) const {
  auto it = inputs_.find(absl::AsciiStrToUpper(text));
  if (it != inputs_.end()) return it->second;
  int number = 0;
  if (absl::SimpleAtoi(text, &number) && type_->FindValueByNumber(number) != nullptr) {
    return number;
  }
  return std::nullopt;
}

const EnumSpelling& EnumSpelling::For(const EnumDescriptor* type) {
  // Every printed enum comes here, so each thread keeps its own lock-free
  // view in front of the shared, locked map.
  thread_local absl::flat_hash_map<const EnumDescriptor*, const EnumSpelling*> local;
  if (auto it = local.find(type); it != local.end()) return *it->second;
  const EnumSpelling& spelling = ForShared(type);
  local.emplace(type, &spelling);
  return spelling;
}

const EnumSpelling& EnumSpelling::ForShared(const EnumDescriptor* type) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* cache ABSL_GUARDED_BY(mu) =
      new absl::flat_hash_map<const EnumDescriptor*, std::unique_ptr<EnumSpelling>>();
  {
    absl::ReaderMutexLock lock(&mu);
    auto it = cache->find(type);
    if (it != cache->end()) return *it->second;
  }
  auto spelling = std::make_unique<EnumSpelling>(type);
  absl::MutexLock lock(&mu);
  auto [it, inserted] = cache->try_emplace(type, std::move(spelling));
  return *it->second;
}

}  // namespace wa::gateway
