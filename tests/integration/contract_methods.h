#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace wa::testing {

// Operations that need an admin token (full names). The auth coverage test
// fails for an RPC missing here that refuses staff, or listed here and
// serving staff; the audit test expects each of them in the audit log.
const std::set<std::string>& AdminOnly();

// Every RPC of the contract's services, read from the descriptor set the
// build makes of every .proto it compiles (so a new RPC cannot be
// forgotten), except Meta's callbacks, which Meta signs instead of our tokens.
std::vector<const google::protobuf::MethodDescriptor*> AllMethods();

// Calls `method` with one empty request message, whatever its streaming.
grpc::Status CallWithEmptyRequest(const std::shared_ptr<grpc::Channel>& channel,
                                  const google::protobuf::MethodDescriptor* method,
                                  const std::string& authorization);

}  // namespace wa::testing
