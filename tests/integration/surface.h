#pragma once

#include <memory>
#include <string>

#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "httplib.h"

namespace wa::testing {

// One operation as both surfaces address it.
struct Rpc {
  std::string grpc_method;  // "/hotel.whatsapp.v1.MessagesService/SendMessage"
  std::string http_method;  // "POST"
  std::string http_target;  // path and query, already filled in
  bool has_body = false;    // body: "*"
};

// What a call returned, in terms both surfaces share.
struct Outcome {
  bool ok = false;
  int grpc_code = 0;    // gRPC code; for REST, the one the HTTP status stands for
  int http_status = 0;  // REST only
  hotel::whatsapp::v1::ErrorDetail error;
  std::string raw_body;  // REST only: the JSON as served
};

// Calls an operation through gRPC or REST so that one test body checks
// both surfaces with the same assertions.
class Surface {
 public:
  virtual ~Surface() = default;
  virtual std::string Name() const = 0;
  virtual Outcome Call(const Rpc& rpc, const std::string& token,
                       const google::protobuf::Message& request,
                       google::protobuf::Message* response) = 0;
};

// A call's result in the shared terms: from a gRPC status (its
// ErrorDetail unpacked), or from a REST answer (the message parsed into
// `response` on 200, else the reference's error body).
Outcome OutcomeFromGrpc(const grpc::Status& status);
Outcome OutcomeFromRest(const httplib::Result& result, google::protobuf::Message* response);

std::unique_ptr<Surface> MakeGrpcSurface(const std::string& address);
std::unique_ptr<Surface> MakeRestSurface(int http_port);

}  // namespace wa::testing
