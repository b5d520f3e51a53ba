#pragma once

#include "gateway/http_router.h"

namespace wa::gateway {

// Meta's callbacks at GET|POST /api/v1/whatsapp/provider/webhook, in Meta's
// own format: the GET handshake answers hub.challenge as plain text; a POST
// hands the raw body and its X-Hub-Signature-256 to the server, which
// checks the signature over exactly these bytes. Both call the
// ProviderCallbacksService RPCs.
void AddMetaWebhookAdapter(HttpRouter& router);

}  // namespace wa::gateway
