#pragma once

#include <string>

#include "gateway/http_gateway.h"

namespace wa::gateway {

// GET `path` answers `body` as `content_type`, without a token: public
// documents such as the OpenAPI description.
void AddDocumentAdapter(HttpGateway& gateway, std::string path, std::string content_type,
                        std::string body);

}  // namespace wa::gateway
