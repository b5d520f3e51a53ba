#include "clients/cli/watch.h"

#include <iostream>
#include <thread>

#include "gateway/json_transcoder.h"
#include "grpcpp/client_context.h"
#include "hotel/whatsapp/v1/events.grpc.pb.h"

namespace wa::cli {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

void PrintEvent(const v1::Event& event, bool json) {
  if (json) {
    std::cout << gateway::MessageToJson(event) << std::endl;
    return;
  }
  std::cout << "#" << event.cursor() << " " << event.event();
  if (!event.conversation_id().empty()) std::cout << " " << event.conversation_id();
  std::cout << " " << gateway::MessageToJson(event.data()) << std::endl;
}

bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::RESOURCE_EXHAUSTED || code == grpc::StatusCode::UNAVAILABLE;
}

}  // namespace

grpc::Status Watch(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                   v1::StreamEventsRequest request, bool json) {
  auto stub = v1::EventsService::NewStub(channel);
  while (true) {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    auto reader = stub->StreamEvents(&context, request);
    v1::Event event;
    while (reader->Read(&event)) {
      // Keep-alives carry the position: resuming from it misses nothing.
      request.set_after_cursor(event.cursor());
      if (!event.event().empty()) PrintEvent(event, json);
    }
    grpc::Status status = reader->Finish();
    if (!Retryable(status.error_code()) || !request.has_after_cursor()) return status;
    std::cerr << "stream ended (" << status.error_message() << "); resuming after cursor "
              << request.after_cursor() << "\n";
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace wa::cli
