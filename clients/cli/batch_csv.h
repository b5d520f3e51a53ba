#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "hotel/whatsapp/v1/messages.pb.h"

namespace wa::cli {

// Reads a batch from CSV: one message per row, `phone,content` (a header
// row naming those columns is skipped; fields may be "quoted", with ""
// for a quote inside).
absl::StatusOr<hotel::whatsapp::v1::BatchSendMessagesRequest> ReadBatchCsv(const std::string& path);

}  // namespace wa::cli
