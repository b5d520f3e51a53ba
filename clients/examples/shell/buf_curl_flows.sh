#!/usr/bin/env bash
# The API reference's flows over gRPC with `buf curl`, which learns the
# services from the server's reflection (no .proto files needed), and jq to
# read answers. Requests are the messages' JSON (enums by name).
#
#   WA_ADDR=127.0.0.1:50051 WA_TOKEN=wat_... ./buf_curl_flows.sh
#
# WA_TOKEN must be an admin token (the sandbox's inbound message and the
# webhook configuration are admin operations; the rest works with staff).
# Optional: WA_GUEST_PHONE (default +1234567890), WA_WEBHOOK_URL, BUF (the
# buf binary; default `buf` on PATH, e.g. from npm's @bufbuild/buf).
set -euo pipefail

addr="${WA_ADDR:-127.0.0.1:50051}"
: "${WA_TOKEN:?set WA_TOKEN (an admin token: wa-server tokens create --role=admin)}"
buf="${BUF:-buf}"
guest="${WA_GUEST_PHONE:-+1234567890}"
webhook_url="${WA_WEBHOOK_URL:-https://your-hotel.com/webhooks/whatsapp}"
conv="conv_buf_$(date +%s%N)"

# rpc SERVICE/METHOD JSON: prints the answer; an RPC error (its code and the
# contract's ErrorDetail on stderr) ends the script with a non-zero status.
rpc() {
  "$buf" curl --protocol grpc --http2-prior-knowledge \
    -H "Authorization: Bearer $WA_TOKEN" -d "$2" "http://$addr/hotel.whatsapp.v1.$1"
}

# Sandbox only: the guest writes first, which opens the 24-hour window.
rpc SandboxService/SimulateInbound \
  "{\"guest_phone\": \"$guest\", \"text\": \"Hi! Is early check-in possible?\", \"conversation_id\": \"$conv\"}" |
  jq -r '"guest wrote: \(.message.messageId) in \(.conversationId)"'

# Basic Text Messaging
text_id="$(rpc MessagesService/SendMessage "{
  \"guest_phone\": \"$guest\", \"message_type\": \"MESSAGE_TYPE_TEXT\",
  \"content\": {\"text\": \"Welcome to Grand Plaza Hotel! How can we assist you today?\"},
  \"conversation_id\": \"$conv\", \"staff_member_id\": \"staff_456\"}" | jq -r .messageId)"
echo "text sent: $text_id"

# Template Messaging
rpc TemplatesService/SendTemplateMessage "{
  \"guest_phone\": \"$guest\", \"template_name\": \"welcome_checkin\", \"language\": \"en\",
  \"parameters\": {\"guest_name\": \"John Smith\", \"hotel_name\": \"Grand Plaza Hotel\",
                   \"room_number\": \"205\", \"checkin_time\": \"3:00 PM\",
                   \"checkout_date\": \"January 18, 2024\"},
  \"conversation_metadata\": {\"booking_reference\": \"RB123456\", \"guest_tier\": \"gold_member\"}}" |
  jq -r '"template sent: \(.messageId)"'

# Rich Media Messaging: UploadMedia is a client stream (the metadata, then
# the bytes as base64 chunks, one JSON message each), then a send.
jpeg="$({ printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00'
          head -c 256 /dev/zero | tr '\0' 'U'
          printf '\xff\xd9'; } | base64 -w0)"
media_id="$(rpc MediaService/UploadMedia \
  "{\"metadata\": {\"media_type\": \"MEDIA_TYPE_IMAGE\", \"filename\": \"room_key_info.jpg\"}}
   {\"chunk\": \"$jpeg\"}" | jq -r .mediaId)"
rpc MessagesService/SendMediaMessage "{
  \"guest_phone\": \"$guest\", \"media_id\": \"$media_id\", \"media_type\": \"MEDIA_TYPE_IMAGE\",
  \"caption\": \"Here is your digital room key information.\", \"conversation_id\": \"$conv\"}" |
  jq -r '"media sent: \(.messageId)"'

# Interactive Messaging: reply buttons.
rpc MessagesService/SendInteractiveMessage "{
  \"guest_phone\": \"$guest\", \"interactive_type\": \"INTERACTIVE_TYPE_BUTTONS\",
  \"content\": {\"text\": \"How would you like to extend your stay?\",
    \"buttons\": [{\"id\": \"extend_1_night\", \"title\": \"1 More Night\"},
                  {\"id\": \"extend_2_nights\", \"title\": \"2 More Nights\"},
                  {\"id\": \"call_front_desk\", \"title\": \"Call Front Desk\"}]}}" |
  jq -r '"buttons sent: \(.messageId)"'

# Message Status Tracking: poll until delivered (or read).
for _ in $(seq 100); do
  status="$(rpc MessagesService/GetMessageStatus "{\"message_id\": \"$text_id\"}" | jq -r .status)"
  [[ "$status" == MESSAGE_STATUS_FAILED ]] && { echo "message $text_id failed" >&2; exit 1; }
  [[ "$status" == MESSAGE_STATUS_DELIVERED || "$status" == MESSAGE_STATUS_READ ]] && break
  sleep 0.2
done
[[ "$status" == MESSAGE_STATUS_DELIVERED || "$status" == MESSAGE_STATUS_READ ]] ||
  { echo "not delivered in 20 s" >&2; exit 1; }
echo "status: $text_id $status"

# Conversation Management and the window check.
rpc ConversationsService/GetConversation "{\"conversation_id\": \"$conv\"}" |
  jq -r '"conversation: \(.conversationId) \(.status), \(.messages | length) messages"'
rpc ConversationsService/ListConversations \
  "{\"guest_phone\": \"$guest\", \"status\": \"CONVERSATION_STATUS_ACTIVE\"}" |
  jq -r '"active conversations: \(.conversations | length)"'
rpc ConversationsService/GetWindowStatus "{\"conversation_id\": \"$conv\"}" |
  jq -r '"window open: \(.withinWindow) (\(.hoursRemaining) h)"'
rpc ConversationsService/ResolveConversation "{\"conversation_id\": \"$conv\",
  \"resolution_notes\": \"Guest room service request completed successfully\",
  \"satisfaction_rating\": 5, \"follow_up_required\": false}" |
  jq -r '"resolved: \(.conversationId) \(.status)"'

# Webhook Configuration (admin). The signing secret is shown once: keep it.
rpc WebhooksService/ConfigureWebhook "{
  \"webhook_url\": \"$webhook_url\",
  \"events\": [\"message_delivered\", \"message_read\", \"message_failed\", \"inbound_message\", \"media_received\"],
  \"verify_token\": \"your_verification_token\",
  \"retry_config\": {\"max_retries\": 3, \"retry_delay\": 5000}}" |
  jq -r '"webhook secret received: \(.signingSecret | startswith("whsec_"))"'
rpc WebhooksService/GetWebhookConfig '{}' | jq -r '"webhook: \(.webhookUrl)"'
echo "all flows done"
