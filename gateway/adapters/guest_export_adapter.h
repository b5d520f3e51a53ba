#pragma once

#include "gateway/http_router.h"

namespace wa::gateway {

// GET /api/v1/whatsapp/guests/{guest_phone}/export[?guest_user_id=]: the
// ExportGuest RPC's document streamed as application/json (chunked), its
// pieces relayed as they come; a refusal before the first piece is the
// contract's error answer.
void AddGuestExportAdapter(HttpRouter& router);

}  // namespace wa::gateway
