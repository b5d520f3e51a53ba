#!/usr/bin/env bash
# The API reference's flows over REST with curl (and jq to read answers): a
# guest writes (sandbox), staff answer with text, templates, media and
# interactive messages, follow the statuses, read and resolve the
# conversation, and configure the hotel's webhook.
#
#   WA_REST_URL=http://127.0.0.1:8080 WA_TOKEN=wat_... ./curl_flows.sh
#
# WA_TOKEN must be an admin token (the sandbox's inbound message and the
# webhook configuration are admin operations; the rest works with staff).
# Optional: WA_GUEST_PHONE (default +1234567890), WA_WEBHOOK_URL.
set -euo pipefail

base="${WA_REST_URL:-http://127.0.0.1:8080}"
: "${WA_TOKEN:?set WA_TOKEN (an admin token: wa-server tokens create --role=admin)}"
guest="${WA_GUEST_PHONE:-+1234567890}"
webhook_url="${WA_WEBHOOK_URL:-https://your-hotel.com/webhooks/whatsapp}"
# A fresh conversation per run, so the example can be run again.
conv="conv_curl_$(date +%s%N)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# api METHOD PATH [JSON]: prints the answer; an error answer (its body names
# the contract's code) ends the script with a non-zero status.
api() {
  local -a args=(-sS --fail-with-body -X "$1" -H "Authorization: Bearer $WA_TOKEN")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  local answer
  if ! answer="$(curl "${args[@]}" "$base$2")"; then
    echo "$1 $2 failed: $answer" >&2
    return 1
  fi
  printf '%s\n' "$answer"
}

# Sandbox only: the guest writes first, which opens the 24-hour window.
api POST /api/v1/whatsapp/sandbox/inbound \
  "{\"guest_phone\": \"$guest\", \"text\": \"Hi! Is early check-in possible?\", \"conversation_id\": \"$conv\"}" |
  jq -r '"guest wrote: \(.message.message_id) in \(.conversation_id)"'

# Basic Text Messaging
text_id="$(api POST /api/v1/whatsapp/messages/send "{
  \"guest_phone\": \"$guest\", \"message_type\": \"text\",
  \"content\": {\"text\": \"Welcome to Grand Plaza Hotel! How can we assist you today?\"},
  \"conversation_id\": \"$conv\", \"staff_member_id\": \"staff_456\"}" | jq -r .message_id)"
echo "text sent: $text_id"

# Template Messaging
api POST /api/v1/whatsapp/templates/send "{
  \"guest_phone\": \"$guest\", \"template_name\": \"welcome_checkin\", \"language\": \"en\",
  \"parameters\": {\"guest_name\": \"John Smith\", \"hotel_name\": \"Grand Plaza Hotel\",
                   \"room_number\": \"205\", \"checkin_time\": \"3:00 PM\",
                   \"checkout_date\": \"January 18, 2024\"},
  \"conversation_metadata\": {\"booking_reference\": \"RB123456\", \"guest_tier\": \"gold_member\"}}" |
  jq -r '"template sent: \(.message_id)"'
api POST /api/v1/whatsapp/templates/send "{
  \"guest_phone\": \"$guest\", \"template_name\": \"service_confirmation\", \"language\": \"en\",
  \"parameters\": {\"service_type\": \"Spa Massage\", \"appointment_time\": \"Tomorrow at 2:00 PM\",
                   \"location\": \"Wellness Center - Room 3\", \"estimated_duration\": \"90 minutes\"}}" |
  jq -r '"template sent: \(.message_id)"'

# Rich Media Messaging: upload (multipart form), then send by media_id. A
# tiny JPEG stands in for the room key picture.
{ printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00'
  head -c 256 /dev/zero | tr '\0' 'U'
  printf '\xff\xd9'; } >"$work/room_key_info.jpg"
upload="$(curl -sS --fail-with-body -X POST -H "Authorization: Bearer $WA_TOKEN" \
  -F "media=@$work/room_key_info.jpg" -F media_type=image "$base/api/v1/whatsapp/media/upload")" ||
  { echo "upload failed: $upload" >&2; exit 1; }
media_id="$(jq -r .media_id <<<"$upload")"
api POST /api/v1/whatsapp/messages/send-media "{
  \"guest_phone\": \"$guest\", \"media_id\": \"$media_id\", \"media_type\": \"image\",
  \"caption\": \"Here is your digital room key information. Tap your phone on the door reader to access your room.\",
  \"conversation_id\": \"$conv\"}" | jq -r '"media sent: \(.message_id)"'

# Interactive Messaging: reply buttons, then a list.
api POST /api/v1/whatsapp/messages/send-interactive "{
  \"guest_phone\": \"$guest\", \"interactive_type\": \"buttons\",
  \"content\": {\"text\": \"How would you like to extend your stay?\",
    \"buttons\": [{\"id\": \"extend_1_night\", \"title\": \"1 More Night\"},
                  {\"id\": \"extend_2_nights\", \"title\": \"2 More Nights\"},
                  {\"id\": \"call_front_desk\", \"title\": \"Call Front Desk\"}]}}" |
  jq -r '"buttons sent: \(.message_id)"'
api POST /api/v1/whatsapp/messages/send-interactive "{
  \"guest_phone\": \"$guest\", \"interactive_type\": \"list\",
  \"content\": {\"text\": \"What service would you like to request?\", \"button_text\": \"View Services\",
    \"sections\": [
      {\"title\": \"Room Services\", \"rows\": [
        {\"id\": \"housekeeping\", \"title\": \"Housekeeping\", \"description\": \"Extra towels, cleaning\"},
        {\"id\": \"room_service\", \"title\": \"Room Service\", \"description\": \"Food and beverage delivery\"}]},
      {\"title\": \"Guest Services\", \"rows\": [
        {\"id\": \"concierge\", \"title\": \"Concierge\", \"description\": \"Local recommendations, bookings\"}]}]}}" |
  jq -r '"list sent: \(.message_id)"'

# Message Status Tracking: poll until delivered (or read).
for _ in $(seq 100); do
  status="$(api GET "/api/v1/whatsapp/messages/$text_id/status" | jq -r .status)"
  [[ "$status" == failed ]] && { echo "message $text_id failed" >&2; exit 1; }
  [[ "$status" == delivered || "$status" == read ]] && break
  sleep 0.2
done
[[ "$status" == delivered || "$status" == read ]] || { echo "not delivered in 20 s" >&2; exit 1; }
echo "status: $text_id $status"

# Conversation Management and the window check.
api GET "/api/v1/whatsapp/conversations/$conv" |
  jq -r '"conversation: \(.conversation_id) \(.status), \(.messages | length) messages"'
api GET "/api/v1/whatsapp/conversations?guest_phone=${guest/+/%2B}&status=active" |
  jq -r '"active conversations: \(.conversations | length)"'
api GET "/api/v1/whatsapp/conversations/$conv/window-status" |
  jq -r '"window open: \(.within_window) (\(.hours_remaining) h)"'
api GET "/api/v1/whatsapp/conversations/$conv/analytics" |
  jq -r '"delivery rate: \(.delivery_rates.delivery_rate)"'
api POST "/api/v1/whatsapp/conversations/$conv/resolve" \
  '{"resolution_notes": "Guest room service request completed successfully", "satisfaction_rating": 5, "follow_up_required": false}' |
  jq -r '"resolved: \(.conversation_id) \(.status)"'

# Webhook Configuration (admin). The signing secret is shown once: keep it.
api POST /api/v1/whatsapp/webhooks/configure "{
  \"webhook_url\": \"$webhook_url\",
  \"events\": [\"message_delivered\", \"message_read\", \"message_failed\", \"inbound_message\", \"media_received\"],
  \"verify_token\": \"your_verification_token\",
  \"retry_config\": {\"max_retries\": 3, \"retry_delay\": 5000}}" |
  jq -r '"webhook verified: \(.verified), secret received: \(.signing_secret | startswith("whsec_"))"'
api GET /api/v1/whatsapp/webhooks/config | jq -r '"webhook: \(.webhook_url)"'
echo "all flows done"
