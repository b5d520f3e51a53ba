// Fuzzes the JSON transcoder: any JSON text merged into any message of the
// contract, and, when accepted, printed and parsed back, which must give
// the same message (the REST surface's answers are valid requests).
// Input: one selector byte (which message type), then the JSON text.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "gateway/json_transcoder.h"
#include "tests/fuzz/contract.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& types = wa::fuzz::ContractMessages();
  const google::protobuf::Descriptor* type = types[data[0] % types.size()];
  std::unique_ptr<google::protobuf::Message> message = wa::fuzz::NewMessage(type);
  if (!wa::gateway::MergeJsonText(wa::fuzz::AsText(data + 1, size - 1), message.get()).ok()) {
    return 0;
  }
  const std::string printed = wa::gateway::MessageToJson(*message);
  std::unique_ptr<google::protobuf::Message> again = wa::fuzz::NewMessage(type);
  absl::Status reparsed = wa::gateway::MergeJsonText(printed, again.get());
  if (!reparsed.ok()) {
    std::fprintf(stderr, "%s: %s\nprinted: %s\n", type->full_name().c_str(),
                 std::string(reparsed.message()).c_str(), printed.c_str());
  }
  WA_FUZZ_CHECK(reparsed.ok());
  const std::string reprinted = wa::gateway::MessageToJson(*again);
  if (reprinted != printed) {
    std::fprintf(stderr, "%s\nprinted:   %s\nreprinted: %s\n", type->full_name().c_str(),
                 printed.c_str(), reprinted.c_str());
  }
  WA_FUZZ_CHECK(reprinted == printed);
  return 0;
}
