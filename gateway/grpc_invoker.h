#ifndef WA_GATEWAY_GRPC_INVOKER_H_
#define WA_GATEWAY_GRPC_INVOKER_H_

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/status.h"

namespace wa::gateway {

// Call metadata as (lower-case key, value) pairs.
using CallMetadata = std::vector<std::pair<std::string, std::string>>;

// Calls any unary method by its gRPC path over one channel (the server's
// in-process channel, or a remote one), with the request and response as
// plain protobuf messages. Thread-safe; the stub is shared by all calls.
class GrpcInvoker {
 public:
  struct Options {
    // Bounds every call so that a stuck RPC cannot hold an HTTP worker forever.
    std::chrono::milliseconds deadline = std::chrono::seconds(30);
  };

  explicit GrpcInvoker(std::shared_ptr<grpc::Channel> channel);
  GrpcInvoker(std::shared_ptr<grpc::Channel> channel, Options options);

  // Blocks until the call completes. `method_path` is "/pkg.Service/Method"
  // and must outlive the call. `response` must be of the method's output type.
  grpc::Status Call(const std::string& method_path, const google::protobuf::Message& request,
                    google::protobuf::Message* response, const CallMetadata& metadata) const;

  // A fresh message of `type` on `arena` (which may be null): generated
  // types come from their compiled prototypes, others from a dynamic factory.
  google::protobuf::Message* NewMessage(const google::protobuf::Descriptor* type,
                                        google::protobuf::Arena* arena) const;

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  Options options_;
  // Mutable: the generic stub's call methods are not const, but are thread-safe.
  mutable grpc::TemplatedGenericStub<google::protobuf::Message, google::protobuf::Message> stub_;
  mutable google::protobuf::DynamicMessageFactory dynamic_factory_;
};

}  // namespace wa::gateway

#endif  // WA_GATEWAY_GRPC_INVOKER_H_
