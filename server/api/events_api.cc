#include "server/api/events_api.h"

#include "server/api/event_stream_reactor.h"
#include "server/domain/errors.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

}  // namespace

grpc::ServerWriteReactor<v1::Event>* EventsApi::StreamEvents(
    grpc::CallbackServerContext* context, const v1::StreamEventsRequest* request) {
  return new EventStreamReactor(context, calls_.auth(), hub_, *request);
}

grpc::ServerUnaryReactor* EventsApi::ListEvents(grpc::CallbackServerContext* context,
                                                const v1::ListEventsRequest* request,
                                                v1::ListEventsResponse* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
      return domain::InvalidArgument("page_size must be between 1 and 1000", "page_size");
    }
    if (request->after_cursor() < 0) {
      return domain::InvalidArgument("after_cursor must not be negative", "after_cursor");
    }
    absl::StatusOr<domain::EventFilter> filter =
        ParseEventFilter(request->events(), request->conversation_id());
    if (!filter.ok()) return filter.status();
    const int page_size = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
    absl::StatusOr<domain::EventPage> page =
        hub_.List(caller.property_id, *filter, request->after_cursor(), page_size);
    if (!page.ok()) return page.status();
    for (const storage::StreamEventRecord& event : page->events) {
      ToEvent(event, response->add_events());
    }
    response->set_next_cursor(page->next_cursor);
    response->set_latest_cursor(page->bounds.latest);
    response->set_oldest_cursor(page->bounds.oldest);
    return absl::OkStatus();
  });
}

}  // namespace wa::api
