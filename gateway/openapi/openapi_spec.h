#pragma once

namespace wa::gateway {

// The gateway's OpenAPI 3 description, generated at build time from the
// contract by gateway/openapi/generate_openapi.py (also written to
// <build>/openapi.yaml).
extern const char kOpenApiYaml[];
// The same document as JSON.
extern const char kOpenApiJson[];

}  // namespace wa::gateway
