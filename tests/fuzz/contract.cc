#include "tests/fuzz/contract.h"

#include <algorithm>

#include "hotel/whatsapp/v1/admin.pb.h"
#include "hotel/whatsapp/v1/consent.pb.h"
#include "hotel/whatsapp/v1/content.pb.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/media.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/provider_callbacks.pb.h"
#include "hotel/whatsapp/v1/sandbox.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"

namespace wa::fuzz {
namespace v1 = ::hotel::whatsapp::v1;
using google::protobuf::Descriptor;
using google::protobuf::FileDescriptor;

namespace {

// One descriptor per contract file.
std::vector<const FileDescriptor*> ContractFiles() {
  return {v1::TokenInfo::descriptor()->file(),
          v1::GuestConsent::descriptor()->file(),
          v1::OutboundContent::descriptor()->file(),
          v1::Conversation::descriptor()->file(),
          v1::Media::descriptor()->file(),
          v1::SendMessageRequest::descriptor()->file(),
          v1::VerifySubscriptionRequest::descriptor()->file(),
          v1::SimulateInboundRequest::descriptor()->file(),
          v1::Template::descriptor()->file(),
          v1::ConfigureWebhookRequest::descriptor()->file(),
          v1::ErrorDetail::descriptor()->file()};
}

void AddWithNested(const Descriptor* type, std::vector<const Descriptor*>* out) {
  if (type->options().map_entry()) return;  // map entries are not messages a client sends
  out->push_back(type);
  for (int i = 0; i < type->nested_type_count(); ++i) AddWithNested(type->nested_type(i), out);
}

}  // namespace

const std::vector<std::string>& ContractServices() {
  static const auto* services = [] {
    auto* names = new std::vector<std::string>;
    for (const FileDescriptor* file : ContractFiles()) {
      for (int i = 0; i < file->service_count(); ++i)
        names->push_back(file->service(i)->full_name());
    }
    return names;
  }();
  return *services;
}

const std::vector<const Descriptor*>& ContractMessages() {
  static const auto* messages = [] {
    auto* types = new std::vector<const Descriptor*>;
    for (const FileDescriptor* file : ContractFiles()) {
      for (int i = 0; i < file->message_type_count(); ++i)
        AddWithNested(file->message_type(i), types);
    }
    std::sort(types->begin(), types->end(), [](const Descriptor* a, const Descriptor* b) {
      return a->full_name() < b->full_name();
    });
    return types;
  }();
  return *messages;
}

std::unique_ptr<google::protobuf::Message> NewMessage(const Descriptor* type) {
  return std::unique_ptr<google::protobuf::Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

}  // namespace wa::fuzz
