#ifndef WA_GATEWAY_EVENT_STREAM_RELAY_H_
#define WA_GATEWAY_EVENT_STREAM_RELAY_H_

#include "gateway/grpc_invoker.h"
#include "gateway/path_template.h"
#include "gateway/route_table.h"
#include "httplib.h"

namespace wa::gateway {

// Serves a server-streaming RPC with a GET annotation as Server-Sent Events
// (text/event-stream), generically: each streamed message is one SSE event
// whose `id:` and `event:` are the fields marked (hotel.whatsapp.v1.sse_id)
// and (sse_event), and whose `data:` is the message as JSON on one line. A
// message with an empty event name is a keep-alive: an SSE comment and its
// id. The request is built like any GET's (query parameters, path
// variables); a Last-Event-ID header sets the request field marked
// (sse_last_event_id). Until the first message arrives an error is an
// ordinary JSON error answer; after it, an `event: error` whose data is the
// error body, then the end of the stream. Nothing is buffered: each message
// is written as one chunk when it arrives, and the HTTP thread is held for
// the stream's life.
void ServeEventStream(const GrpcInvoker& invoker, const Route& route, const PathBindings& bindings,
                      const httplib::Request& req, httplib::Response& res);

}  // namespace wa::gateway

#endif  // WA_GATEWAY_EVENT_STREAM_RELAY_H_
