// Fuzzes the interactive message limits: a send request as the REST
// surface would take it (JSON into SendInteractiveMessageRequest), then
// ValidateInteractive, which accepts it or names the offending field.
#include <cstddef>
#include <cstdint>

#include "gateway/json_transcoder.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "server/domain/interactive_validation.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hotel::whatsapp::v1::SendInteractiveMessageRequest request;
  if (!wa::gateway::MergeJsonText(wa::fuzz::AsText(data, size), &request).ok()) return 0;
  absl::Status s = wa::domain::ValidateInteractive(request.interactive_type(), request.content());
  WA_FUZZ_CHECK(s.ok() || s.code() == absl::StatusCode::kInvalidArgument);
  return 0;
}
