// The contract's services and messages, for the fuzz targets that need
// descriptors. Referencing one message of every .proto file makes the
// linker keep its generated code, so the generated pool knows it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace wa::fuzz {

// Fully-qualified names of every service of the contract.
const std::vector<std::string>& ContractServices();

// Every message type of the contract's own .proto files, in a fixed order
// (so that a fuzz input's selector byte means the same type every run).
const std::vector<const google::protobuf::Descriptor*>& ContractMessages();

// A new, empty message of `type` from the generated factory.
std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor* type);

}  // namespace wa::fuzz
