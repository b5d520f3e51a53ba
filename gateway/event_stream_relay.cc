#include "gateway/event_stream_relay.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/error_renderer.h"
#include "gateway/http_response.h"
#include "gateway/json_transcoder.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "hotel/whatsapp/v1/sse.pb.h"

namespace wa::gateway {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const FieldDescriptor* MarkedField(const google::protobuf::Descriptor* type, bool sse_id,
                                   bool sse_event, bool last_event_id) {
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const google::protobuf::FieldOptions& options = field->options();
    if ((sse_id && options.GetExtension(v1::sse_id)) ||
        (sse_event && options.GetExtension(v1::sse_event)) ||
        (last_event_id && options.GetExtension(v1::sse_last_event_id))) {
      return field;
    }
  }
  return nullptr;
}

// A scalar field's value as text (the SSE id and event name).
std::string FieldText(const Message& message, const FieldDescriptor* field) {
  if (field == nullptr) return "";
  const google::protobuf::Reflection* r = message.GetReflection();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return r->GetString(message, field);
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(r->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(r->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(r->GetInt32(message, field));
    default:
      return "";
  }
}

// One server-streaming call over the invoker's channel, read a message at
// a time on a completion queue of its own. Lives as long as httplib keeps
// the content provider.
class StreamCall {
 public:
  StreamCall(const GrpcInvoker& invoker, const Route& route, const httplib::Request& req,
             const httplib::Response& res)
      : stub_(invoker.channel()),
        id_field_(MarkedField(route.method->output_type(), true, false, false)),
        event_field_(MarkedField(route.method->output_type(), false, true, false)),
        message_(invoker.NewMessage(route.method->output_type(), nullptr)) {
    AddForwardedMetadata(req, res, &context_);
    call_ = stub_.PrepareCall(&context_, route.grpc_path, &cq_);
  }
  ~StreamCall() {
    if (!finished_) {
      context_.TryCancel();  // the client went away: the server's stream ends
      Finish();
    }
    cq_.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (cq_.Next(&tag, &ok)) {
    }
  }

  // Sends the request and waits for the first message, so that a refused
  // call is answered as a whole JSON error. The call's status otherwise.
  grpc::Status Start(const Message& request) {
    bool ok = Await([&](void* tag) { call_->StartCall(tag); }) &&
              Await([&](void* tag) { call_->Write(request, tag); }) &&
              Await([&](void* tag) { call_->WritesDone(tag); });
    if (ok && Await([&](void* tag) { call_->Read(message_.get(), tag); })) {
      return grpc::Status::OK;
    }
    grpc::Status status = Finish();
    return status.ok() ? grpc::Status(grpc::StatusCode::INTERNAL, "the stream ended at once")
                       : status;
  }

  // Writes the message read last, then reads the next; false when the
  // stream is over or the client gone.
  bool Next(httplib::DataSink& sink) {
    std::string frame = Frame(*message_);
    if (!sink.write(frame.data(), frame.size())) return false;
    if (Await([&](void* tag) { call_->Read(message_.get(), tag); })) return true;
    grpc::Status status = Finish();
    if (!status.ok()) {
      RenderedError error = RenderRpcError(status);
      std::string last = absl::StrCat("event: error\ndata: ", error.body, "\n\n");
      sink.write(last.data(), last.size());
    }
    sink.done();
    return true;
  }

 private:
  template <typename Op>
  bool Await(Op op) {
    int mine = 0;
    op(&mine);
    void* tag = nullptr;
    bool ok = false;
    while (cq_.Next(&tag, &ok)) {
      if (tag == &mine) return ok;
    }
    return false;
  }

  grpc::Status Finish() {
    grpc::Status status;
    finished_ = true;
    Await([&](void* tag) { call_->Finish(&status, tag); });
    return status;
  }

  std::string Frame(const Message& message) const {
    const std::string event = FieldText(message, event_field_);
    const std::string id = FieldText(message, id_field_);
    if (event.empty()) return absl::StrCat(": keep-alive\nid: ", id, "\n\n");
    std::string frame = absl::StrCat("id: ", id, "\nevent: ", event, "\ndata: ");
    AppendMessageJson(message, &frame);  // one line: JSON strings escape newlines
    frame.append("\n\n");
    return frame;
  }

  grpc::TemplatedGenericStub<Message, Message> stub_;
  const FieldDescriptor* id_field_;
  const FieldDescriptor* event_field_;
  grpc::ClientContext context_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<Message, Message>> call_;
  std::unique_ptr<Message> message_;
  bool finished_ = false;
};

}  // namespace

void ServeEventStream(const GrpcInvoker& invoker, const Route& route, const PathBindings& bindings,
                      const httplib::Request& req, httplib::Response& res) {
  std::unique_ptr<Message> request(invoker.NewMessage(route.method->input_type(), nullptr));
  if (absl::Status s =
          BuildRequestMessage(route.request, req.body, req.params, bindings, request.get());
      !s.ok()) {
    WriteError(res, RenderStatusError(s));
    return;
  }
  // EventSource sends the last id it saw when it reconnects; the URL keeps
  // the first connection's parameters, so the header wins.
  const FieldDescriptor* resume = MarkedField(route.method->input_type(), false, false, true);
  if (std::string last = req.get_header_value("Last-Event-ID");
      resume != nullptr && !last.empty()) {
    request->GetReflection()->ClearField(request.get(), resume);
    if (absl::Status s = SetFieldFromText(resume->name(), last, request.get()); !s.ok()) {
      WriteError(res, RenderStatusError(absl::InvalidArgumentError(
                          absl::StrCat("Last-Event-ID: ", s.message()))));
      return;
    }
  }
  auto call = std::make_shared<StreamCall>(invoker, route, req, res);
  if (grpc::Status status = call->Start(*request); !status.ok()) {
    WriteRpcError(res, status);
    return;
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");  // proxies that buffer by default
  res.set_chunked_content_provider(
      "text/event-stream", [call](size_t, httplib::DataSink& sink) { return call->Next(sink); });
}

}  // namespace wa::gateway
