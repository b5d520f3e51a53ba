#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "hotel/whatsapp/v1/messages.pb.h"

namespace wa::cli {

// Reads a batch from CSV: one message per row, `phone,content` (a header
// row naming those columns is skipped; fields may be "quoted", with ""
// for a quote inside).
absl::StatusOr<hotel::whatsapp::v1::BatchSendMessagesRequest> ReadBatchCsv(const std::string& path);

// Polls the batch until it is no longer in progress, drawing a progress
// bar on stderr; returns the final state.
grpc::Status FollowBatch(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                         const std::string& batch_id, hotel::whatsapp::v1::Batch* batch);

}  // namespace wa::cli
