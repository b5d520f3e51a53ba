#pragma once

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"
#include "hotel/whatsapp/v1/events.pb.h"

namespace wa::cli {

// wa-cli watch: follows the property's events (EventsService.StreamEvents)
// and prints each as it comes: one readable line, or with `json` one JSON
// object per line. When the server ends the stream for a reason worth
// retrying (too slow a reader, a restart), it reconnects after the last
// cursor seen, so nothing is missed or printed twice. Returns the status
// that ended it for good.
grpc::Status Watch(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                   hotel::whatsapp::v1::StreamEventsRequest request, bool json);

}  // namespace wa::cli
