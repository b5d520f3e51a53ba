#pragma once

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"
#include "hotel/whatsapp/v1/messages.pb.h"

namespace wa::cli {

// Follows a batch on stderr: a progress bar, and a line for each item as
// its status changes (the first kMaxFollowedItems items). A batch is
// completed once every message has left the send queue, before the
// provider reports them sent; following goes on until no item is queued
// any more (or `settle` has passed since completion), so the funnel it
// returns in `batch` is the real one, with its items.
grpc::Status FollowBatch(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                         const std::string& batch_id, hotel::whatsapp::v1::Batch* batch);

}  // namespace wa::cli
