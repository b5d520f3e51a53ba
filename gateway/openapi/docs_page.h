#pragma once

namespace wa::gateway {

// GET /docs: Redoc rendering /api/v1/whatsapp/openapi.yaml, with Redoc's
// script served by this server (/docs/redoc.standalone.js), not a CDN.
inline constexpr char kDocsPage[] = R"html(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Hotel WhatsApp service API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
  <redoc spec-url="/api/v1/whatsapp/openapi.yaml"></redoc>
  <script src="/docs/redoc.standalone.js"></script>
</body>
</html>
)html";

// GET /docs when Redoc's script is not installed next to the server.
inline constexpr char kDocsMissingPage[] = R"html(<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Hotel WhatsApp service API</title></head>
<body>
  <p>The documentation renderer is not installed (run scripts/setup, then build).
  The description itself is at <a href="/api/v1/whatsapp/openapi.yaml">openapi.yaml</a>.</p>
</body>
</html>
)html";

}  // namespace wa::gateway
