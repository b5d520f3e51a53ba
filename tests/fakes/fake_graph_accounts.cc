// The business numbers the fake serves (a chain: one or more per
// property), each with its own WhatsApp Business Account and token.
#include <optional>
#include <string>
#include <vector>

#include "httplib.h"
#include "tests/fakes/fake_graph_api.h"

namespace wa::fakes {

std::vector<FakeNumber> FakeGraphApi::Numbers() const {
  std::vector<FakeNumber> all = {{options_.phone_number_id, options_.display_phone_number,
                                  options_.waba_id, options_.access_token}};
  all.insert(all.end(), options_.more_numbers.begin(), options_.more_numbers.end());
  return all;
}

std::optional<FakeNumber> FakeGraphApi::FindNumber(const std::string& id, bool account) const {
  std::vector<FakeNumber> all = Numbers();
  if (id.empty()) return all.front();
  for (const FakeNumber& n : all) {
    if ((account ? n.waba_id : n.phone_number_id) == id) return n;
  }
  return std::nullopt;
}

bool FakeGraphApi::KnownToken(const httplib::Request& req) const {
  for (const FakeNumber& n : Numbers()) {
    if (req.get_header_value("Authorization") == "Bearer " + n.access_token) return true;
  }
  return false;
}

}  // namespace wa::fakes
