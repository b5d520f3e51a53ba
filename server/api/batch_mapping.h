#pragma once

#include "hotel/whatsapp/v1/messages.pb.h"
#include "server/domain/batch_service.h"

// Batches to the contract's messages.
namespace wa::api {

domain::BatchRequest FromBatchRequest(const hotel::whatsapp::v1::BatchSendMessagesRequest& in);
void ToBatchResponse(const domain::BatchAccepted& in,
                     hotel::whatsapp::v1::BatchSendMessagesResponse* out);
void ToBatch(const domain::BatchView& in, hotel::whatsapp::v1::Batch* out);

}  // namespace wa::api
