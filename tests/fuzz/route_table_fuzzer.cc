// Fuzzes the REST surface as the gateway sees a request: the contract's
// route table looks the method and path up, and the matched route's
// request message is built from the body, the query and the path bindings.
// Input: "<METHOD>\n<path>[?<query>]\n<body>".
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "gateway/json_transcoder.h"
#include "gateway/route_table.h"
#include "tests/fuzz/contract.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using wa::gateway::QueryParams;
using wa::gateway::RouteLookup;
using wa::gateway::RouteTable;

const RouteTable& Routes() {
  static const RouteTable* table = [] {
    absl::StatusOr<RouteTable> built = RouteTable::Build(wa::fuzz::ContractServices());
    WA_FUZZ_CHECK(built.ok());
    return new RouteTable(*std::move(built));
  }();
  return *table;
}

// "a=1&b=%20x" as httplib hands it over: decoded names and values.
QueryParams ParseQuery(absl::string_view query) {
  QueryParams params;
  for (absl::string_view pair : wa::fuzz::SplitInput(query, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name = wa::gateway::PercentDecode(pair.substr(0, eq));
    std::string value =
        eq == absl::string_view::npos ? "" : wa::gateway::PercentDecode(pair.substr(eq + 1));
    params.emplace(std::move(name), std::move(value));
  }
  return params;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text = wa::fuzz::AsText(data, size);
  size_t first = text.find('\n');
  if (first == absl::string_view::npos) return 0;
  const absl::string_view method = text.substr(0, first);
  text.remove_prefix(first + 1);
  size_t second = text.find('\n');
  const absl::string_view target = text.substr(0, second);
  const absl::string_view body =
      second == absl::string_view::npos ? absl::string_view() : text.substr(second + 1);
  const size_t question = target.find('?');
  const absl::string_view path = target.substr(0, question);
  const absl::string_view query =
      question == absl::string_view::npos ? absl::string_view() : target.substr(question + 1);

  RouteLookup lookup = Routes().Lookup(method, path);
  if (lookup.result == RouteLookup::Result::kMethodNotAllowed) {
    WA_FUZZ_CHECK(!lookup.allowed_methods.empty());
  }
  if (lookup.result != RouteLookup::Result::kFound) return 0;
  WA_FUZZ_CHECK(lookup.route != nullptr);
  std::unique_ptr<google::protobuf::Message> request =
      wa::fuzz::NewMessage(lookup.route->method->input_type());
  absl::Status built = wa::gateway::BuildRequestMessage(
      lookup.route->request, body, ParseQuery(query), lookup.bindings, request.get());
  if (built.ok()) (void)wa::gateway::MessageToJson(*request);
  return 0;
}
