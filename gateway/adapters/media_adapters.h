#pragma once

#include "gateway/http_router.h"

namespace wa::gateway {

// POST /api/v1/whatsapp/media/upload: the reference's multipart form (a
// `media` file and a `media_type` field, in either order) relayed part by
// part into the UploadMedia client-streaming RPC, so a file of up to
// 100 MB is never held in memory. Answers the Media JSON or the RPC's error.
void AddMediaUploadAdapter(HttpRouter& router);

// GET /api/v1/whatsapp/media/{media_id}/content (a Media's media_url): the
// file's bytes with its content type, streamed from the DownloadMedia RPC
// after GetMedia has authorized the caller and given the length.
void AddMediaDownloadAdapter(HttpRouter& router);

}  // namespace wa::gateway
