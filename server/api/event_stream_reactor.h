#pragma once

#include <memory>
#include <string>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "hotel/whatsapp/v1/events.pb.h"
#include "server/api/auth.h"
#include "server/domain/event_hub.h"

namespace wa::api {

class StreamPump;

// One StreamEvents call: authorizes like every RPC, subscribes to the hub,
// then writes whatever the subscription has ready, one message at a time.
// It holds no thread: writes start when the hub has something or when the
// previous write completed (README, "Live events").
class EventStreamReactor : public grpc::ServerWriteReactor<hotel::whatsapp::v1::Event> {
 public:
  EventStreamReactor(grpc::CallbackServerContext* context, const Authenticator& auth,
                     domain::EventHub& hub,
                     const hotel::whatsapp::v1::StreamEventsRequest& request);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  std::shared_ptr<StreamPump> pump_;
};

// The events a request names, each entry split at commas; INVALID_ARGUMENT
// for a kind that is not an event.
absl::StatusOr<domain::EventFilter> ParseEventFilter(
    const google::protobuf::RepeatedPtrField<std::string>& events,
    const std::string& conversation_id);
void ToEvent(const storage::StreamEventRecord& in, hotel::whatsapp::v1::Event* out);
// The serialized Event, made once per event for all its subscribers.
std::string EncodeEvent(const storage::StreamEventRecord& in);

}  // namespace wa::api
