#pragma once

#include "hotel/whatsapp/v1/events.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/event_hub.h"

namespace wa::api {

// The property's events, streamed live or read in pages; staff and admin.
class EventsApi : public hotel::whatsapp::v1::EventsService::CallbackService {
 public:
  EventsApi(const CallRunner& calls, domain::EventHub& hub) : calls_(calls), hub_(hub) {}

  grpc::ServerWriteReactor<hotel::whatsapp::v1::Event>* StreamEvents(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::StreamEventsRequest* request) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* context,
                                       const hotel::whatsapp::v1::ListEventsRequest* request,
                                       hotel::whatsapp::v1::ListEventsResponse* response) override;

 private:
  const CallRunner& calls_;
  domain::EventHub& hub_;
};

}  // namespace wa::api
