#include "gateway/grpc_invoker.h"

#include <utility>

#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"

namespace wa::gateway {
namespace {

// Each HTTP worker thread keeps one completion queue for its whole life:
// calls on a thread are sequential, and creating a queue per call would cost
// more than the in-process call itself.
class ThreadCompletionQueue {
 public:
  ~ThreadCompletionQueue() {
    cq_.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (cq_.Next(&tag, &ok)) {
    }
  }
  grpc::CompletionQueue* get() { return &cq_; }

 private:
  grpc::CompletionQueue cq_;
};

grpc::CompletionQueue* CurrentThreadQueue() {
  thread_local ThreadCompletionQueue queue;
  return queue.get();
}

}  // namespace

GrpcInvoker::GrpcInvoker(std::shared_ptr<grpc::Channel> channel)
    : GrpcInvoker(std::move(channel), Options()) {}

GrpcInvoker::GrpcInvoker(std::shared_ptr<grpc::Channel> channel, Options options)
    : channel_(std::move(channel)), options_(options), stub_(channel_) {}

grpc::Status GrpcInvoker::Call(const std::string& method_path,
                               const google::protobuf::Message& request,
                               google::protobuf::Message* response,
                               const CallMetadata& metadata) const {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  for (const auto& [key, value] : metadata) context.AddMetadata(key, value);

  grpc::CompletionQueue* cq = CurrentThreadQueue();
  auto reader = stub_.PrepareUnaryCall(&context, method_path, request, cq);
  reader->StartCall();
  grpc::Status status;
  int done_tag = 0;
  reader->Finish(response, &status, &done_tag);
  void* tag = nullptr;
  bool ok = false;
  // Only this call is pending on this thread's queue, so the next event is ours.
  while (cq->Next(&tag, &ok)) {
    if (tag == &done_tag) break;
  }
  return status;
}

google::protobuf::Message* GrpcInvoker::NewMessage(const google::protobuf::Descriptor* type,
                                                   google::protobuf::Arena* arena) const {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  if (prototype == nullptr) prototype = dynamic_factory_.GetPrototype(type);
  return prototype->New(arena);
}

}  // namespace wa::gateway
