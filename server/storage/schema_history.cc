#include "server/storage/schema_history.h"

#include <iterator>

namespace wa::storage {
namespace {

// The schema's history, one entry per version (version = position + 1).
// Append only: a released migration never changes.
constexpr const char* kMigrations[] = {
    // 1: tokens, conversations, guests, messages, scheduled provider statuses.
    R"sql(
      CREATE TABLE tokens (
        token_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role INTEGER NOT NULL,
        property_id TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE TABLE guests (
        property_id TEXT NOT NULL,
        guest_phone TEXT NOT NULL,
        profile_name TEXT NOT NULL DEFAULT '',
        last_inbound_at INTEGER,
        PRIMARY KEY (property_id, guest_phone)
      );
      CREATE TABLE conversations (
        conversation_id TEXT PRIMARY KEY,
        property_id TEXT NOT NULL,
        guest_phone TEXT NOT NULL,
        status INTEGER NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        resolved_at INTEGER,
        resolved_by TEXT NOT NULL DEFAULT '',
        resolution_notes TEXT NOT NULL DEFAULT '',
        satisfaction_rating INTEGER NOT NULL DEFAULT 0,
        follow_up_required INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX conversations_by_guest
        ON conversations (property_id, guest_phone, status, updated_at);
      CREATE INDEX conversations_by_update ON conversations (property_id, updated_at);
      CREATE TABLE messages (
        message_id TEXT PRIMARY KEY,
        property_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL REFERENCES conversations (conversation_id),
        seq INTEGER NOT NULL,
        direction INTEGER NOT NULL,
        message_type INTEGER NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        payload TEXT NOT NULL DEFAULT '',
        guest_phone TEXT NOT NULL,
        status INTEGER NOT NULL,
        staff_member_id TEXT NOT NULL DEFAULT '',
        whatsapp_message_id TEXT,
        reply_to_message_id TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        sent_at INTEGER,
        delivered_at INTEGER,
        read_at INTEGER,
        failed_at INTEGER,
        failure_code INTEGER NOT NULL DEFAULT 0,
        failure_reason TEXT NOT NULL DEFAULT '',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER
      );
      CREATE INDEX messages_by_conversation ON messages (conversation_id, seq);
      CREATE UNIQUE INDEX messages_by_wamid ON messages (whatsapp_message_id)
        WHERE whatsapp_message_id IS NOT NULL;
      CREATE INDEX messages_to_send ON messages (next_attempt_at)
        WHERE next_attempt_at IS NOT NULL;
      CREATE TABLE scheduled_statuses (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        whatsapp_message_id TEXT NOT NULL,
        status INTEGER NOT NULL,
        failure_code INTEGER NOT NULL DEFAULT 0,
        failure_reason TEXT NOT NULL DEFAULT '',
        due_at INTEGER NOT NULL
      );
      CREATE INDEX scheduled_statuses_by_due ON scheduled_statuses (due_at);
      )sql",
    // 2: guest consent with its history; Meta's raw callbacks, stored
    // before they are processed.
    R"sql(
      CREATE TABLE guest_consent (
        property_id TEXT NOT NULL,
        guest_phone TEXT NOT NULL,
        opted_out INTEGER NOT NULL DEFAULT 0,
        marketing_opted_out INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (property_id, guest_phone)
      );
      CREATE TABLE consent_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        property_id TEXT NOT NULL,
        guest_phone TEXT NOT NULL,
        scope TEXT NOT NULL,
        opted_in INTEGER NOT NULL,
        source TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        at INTEGER NOT NULL
      );
      CREATE INDEX consent_events_by_guest ON consent_events (property_id, guest_phone, id);
      CREATE TABLE provider_notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        body TEXT NOT NULL,
        processed_at INTEGER,
        error TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX provider_notifications_pending ON provider_notifications (id)
        WHERE processed_at IS NULL;
      )sql",
    // 3: uploaded media (the bytes live in <data_dir>/media by SHA-256),
    // with the provider's copy of each (Meta keeps uploads 30 days).
    R"sql(
      CREATE TABLE media (
        media_id TEXT PRIMARY KEY,
        property_id TEXT NOT NULL,
        media_type INTEGER NOT NULL,
        mime_type TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        filename TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        provider TEXT NOT NULL DEFAULT '',
        provider_media_id TEXT NOT NULL DEFAULT '',
        provider_uploaded_at INTEGER
      );
      CREATE UNIQUE INDEX media_by_content ON media (property_id, sha256, media_type);
      )sql",
    // 4: a guest's conversations newest first straight from an index (the
    // list call's filter and order), not by sorting the property's.
    R"sql(
      CREATE INDEX conversations_by_guest_update
        ON conversations (property_id, guest_phone, updated_at, conversation_id);
      )sql",
    // 5: message templates per property, keyed by name + language. The
    // definition is the Template message; the columns beside it are what
    // lists filter on. A sandbox review due later is kept with it.
    R"sql(
      CREATE TABLE templates (
        property_id TEXT NOT NULL,
        name TEXT NOT NULL,
        language TEXT NOT NULL,
        category INTEGER NOT NULL,
        status INTEGER NOT NULL,
        labels TEXT NOT NULL DEFAULT '[]',
        provider_template_id TEXT NOT NULL DEFAULT '',
        definition BLOB NOT NULL,
        review_due_at INTEGER,
        review_status INTEGER NOT NULL DEFAULT 0,
        review_reason TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (property_id, name, language)
      );
      CREATE INDEX templates_under_review ON templates (review_due_at)
        WHERE review_due_at IS NOT NULL;
      CREATE INDEX templates_by_provider_id ON templates (provider_template_id)
        WHERE provider_template_id != '';
      CREATE TABLE template_catalogs (
        property_id TEXT PRIMARY KEY,
        seeded_at INTEGER NOT NULL
      );
      )sql",
    // 6: conversations assigned to staff and departments; a property's
    // messages and resolutions by time, for analytics over a range.
    R"sql(
      ALTER TABLE conversations ADD COLUMN assigned_to TEXT NOT NULL DEFAULT '';
      ALTER TABLE conversations ADD COLUMN department TEXT NOT NULL DEFAULT '';
      CREATE INDEX messages_by_property_time ON messages (property_id, created_at);
      CREATE INDEX conversations_by_resolution ON conversations (property_id, resolved_at)
        WHERE resolved_at IS NOT NULL;
      )sql",
    // 7: the hotel's webhook: its configuration (one per property, with
    // the endpoint's outage state), the event outbox (written in the
    // transaction of the change it reports) and every delivery attempt.
    R"sql(
      CREATE TABLE webhook_configs (
        property_id TEXT PRIMARY KEY,
        webhook_url TEXT NOT NULL,
        events TEXT NOT NULL,
        verify_token TEXT NOT NULL DEFAULT '',
        max_retries INTEGER NOT NULL,
        retry_delay_ms INTEGER NOT NULL,
        secret TEXT NOT NULL,
        previous_secret TEXT NOT NULL DEFAULT '',
        previous_secret_expires_at INTEGER,
        verified INTEGER NOT NULL DEFAULT 0,
        verification_error TEXT NOT NULL DEFAULT '',
        updated_at INTEGER NOT NULL,
        down_since INTEGER,
        paused_until INTEGER,
        probe_failures INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE webhook_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        property_id TEXT NOT NULL,
        event TEXT NOT NULL,
        ordering_key TEXT NOT NULL DEFAULT '',
        payload TEXT NOT NULL,
        occurred_at INTEGER NOT NULL,
        status INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        last_http_status INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        delivered_at INTEGER,
        failed_at INTEGER
      );
      CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at, seq)
        WHERE status = 1;
      CREATE INDEX webhook_events_pending_by_key
        ON webhook_events (property_id, ordering_key, seq) WHERE status = 1;
      CREATE INDEX webhook_events_by_property ON webhook_events (property_id, seq);
      CREATE INDEX webhook_events_failed ON webhook_events (property_id, failed_at)
        WHERE status = 3;
      CREATE TABLE webhook_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        at INTEGER NOT NULL,
        http_status INTEGER NOT NULL,
        latency_ms INTEGER NOT NULL,
        error TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX webhook_attempts_by_event ON webhook_attempts (event_id, id);
      )sql",
    // 8: batch sends (a batch and its items, released at the batch's rate
    // by a worker, so a batch survives a restart); idempotency keys, each
    // written in the same transaction as the send it remembers; the
    // send queue's backlog per property, counted from an index.
    R"sql(
      CREATE TABLE batches (
        batch_id TEXT PRIMARY KEY,
        property_id TEXT NOT NULL,
        staff_member_id TEXT NOT NULL DEFAULT '',
        messages_per_second REAL NOT NULL,
        batch_size INTEGER NOT NULL,
        retry_failed INTEGER NOT NULL DEFAULT 0,
        track_delivery INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL,
        status INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        next_release_at INTEGER,
        completed_at INTEGER,
        cancelled_at INTEGER
      );
      CREATE INDEX batches_to_release ON batches (next_release_at)
        WHERE next_release_at IS NOT NULL;
      CREATE INDEX batches_in_progress ON batches (status) WHERE status = 1;
      CREATE TABLE batch_items (
        batch_id TEXT NOT NULL REFERENCES batches (batch_id),
        item_index INTEGER NOT NULL,
        phone TEXT NOT NULL,
        content TEXT NOT NULL DEFAULT '',
        template_name TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT '',
        parameters TEXT NOT NULL DEFAULT '{}',
        state INTEGER NOT NULL,
        message_id TEXT,
        error_code TEXT NOT NULL DEFAULT '',
        error_message TEXT NOT NULL DEFAULT '',
        released_at INTEGER,
        PRIMARY KEY (batch_id, item_index)
      );
      CREATE INDEX batch_items_pending ON batch_items (batch_id, item_index) WHERE state = 1;
      CREATE TABLE idempotency_keys (
        property_id TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        method TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        response BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (property_id, idempotency_key)
      );
      CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
      CREATE INDEX messages_backlog ON messages (property_id, next_attempt_at)
        WHERE next_attempt_at IS NOT NULL;
      )sql",
    // 9: the audit log (admin actions and sends: who, what, when, outcome).
    R"sql(
      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        property_id TEXT NOT NULL,
        occurred_at INTEGER NOT NULL,
        token_id TEXT NOT NULL,
        role INTEGER NOT NULL,
        method TEXT NOT NULL,
        resources TEXT NOT NULL DEFAULT '{}',
        grpc_code INTEGER NOT NULL,
        code TEXT NOT NULL,
        error_message TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX audit_events_by_property ON audit_events (property_id, seq);
      )sql",
    // 10: rate limits shared by the instances on one database: a key's
    // theoretical arrival time, microseconds (rate_limit_repository.h).
    R"sql(
      CREATE TABLE rate_limits (
        limit_key TEXT PRIMARY KEY,
        tat INTEGER NOT NULL
      );
      CREATE INDEX rate_limits_by_tat ON rate_limits (tat);
      )sql",
    // 11: several writers (PostgreSQL, several instances): a message's number
    // comes from a counter on its conversation, bumped under the row's
    // lock, instead of MAX(seq) + 1; the index, now unique, turns a
    // number given twice into an error rather than two equal numbers.
    R"sql(
      ALTER TABLE conversations ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
      UPDATE conversations SET last_seq = (SELECT COALESCE(MAX(m.seq), 0) FROM messages m
        WHERE m.conversation_id = conversations.conversation_id);
      DROP INDEX messages_by_conversation;
      CREATE UNIQUE INDEX messages_by_conversation ON messages (conversation_id, seq);
      )sql",
    // 12: a chain's properties (time zone, display name) and the WhatsApp
    // numbers each owns, with where a number's access token comes from
    // (never the token itself); the number a conversation was opened on,
    // the one each message went out from and the one a batch's items go
    // from; Meta's callbacks for a number or
    // business account nobody owns, parked under it until it is added.
    R"sql(
      CREATE TABLE properties (
        property_id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL DEFAULT '',
        time_zone TEXT NOT NULL DEFAULT 'UTC',
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE phone_numbers (
        phone_number_id TEXT PRIMARY KEY,
        property_id TEXT NOT NULL,
        waba_id TEXT NOT NULL,
        display_phone_number TEXT NOT NULL DEFAULT '',
        access_token_env TEXT NOT NULL DEFAULT '',
        access_token_file TEXT NOT NULL DEFAULT '',
        is_default INTEGER NOT NULL DEFAULT 0,
        quality_rating TEXT NOT NULL DEFAULT '',
        messaging_limit_tier TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL
      );
      CREATE INDEX phone_numbers_by_property ON phone_numbers (property_id);
      CREATE INDEX phone_numbers_by_account ON phone_numbers (waba_id);
      ALTER TABLE conversations ADD COLUMN phone_number_id TEXT NOT NULL DEFAULT '';
      ALTER TABLE messages ADD COLUMN phone_number_id TEXT NOT NULL DEFAULT '';
      ALTER TABLE batches ADD COLUMN phone_number_id TEXT NOT NULL DEFAULT '';
      ALTER TABLE provider_notifications ADD COLUMN parked_on TEXT NOT NULL DEFAULT '';
      DROP INDEX provider_notifications_pending;
      CREATE INDEX provider_notifications_pending ON provider_notifications (id)
        WHERE processed_at IS NULL AND parked_on = '';
      CREATE INDEX provider_notifications_parked ON provider_notifications (parked_on, id)
        WHERE processed_at IS NULL AND parked_on != '';
      )sql",
    // 13: guests known by WhatsApp ids rather than a phone (usernames,
    // 2026). The guest_phone columns stay the guest's key: "+E164", or
    // "bsuid:<BSUID>" while no phone is known; this table maps Meta's
    // business-scoped user ids (and shows the username) to that key.
    R"sql(
      CREATE TABLE guest_identities (
        property_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        guest_key TEXT NOT NULL,
        phone TEXT NOT NULL DEFAULT '',
        parent_user_id TEXT NOT NULL DEFAULT '',
        username TEXT NOT NULL DEFAULT '',
        profile_name TEXT NOT NULL DEFAULT '',
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (property_id, user_id)
      );
      CREATE INDEX guest_identities_by_key ON guest_identities (property_id, guest_key, updated_at);
      )sql",
    // 14: every event, for the live streams (EventsService): numbered per
    // property by a counter row that each emitting transaction updates, so
    // that cursors grow in commit order across instances (README, "Live
    // events"). The counter is never pruned; the events are.
    R"sql(
      CREATE TABLE event_cursors (
        property_id TEXT PRIMARY KEY,
        last_cursor INTEGER NOT NULL
      );
      CREATE TABLE stream_events (
        property_id TEXT NOT NULL,
        event_cursor INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        event TEXT NOT NULL,
        conversation_id TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (property_id, event_cursor)
      );
      CREATE INDEX stream_events_by_age ON stream_events (created_at);
      )sql",
    // 15: messages at the right time (scheduled sends, quiet hours,
    // expiry). A scheduled message waits with status scheduled (7) and no
    // next_attempt_at; `claimed` marks a queued message in a call to the
    // provider (it can no longer be cancelled); relative_to/relative_offset
    // follow a conversation metadata time. Quiet hours are "HH:MM" local
    // times of the property, '' when off.
    R"sql(
      ALTER TABLE messages ADD COLUMN scheduled_for INTEGER;
      ALTER TABLE messages ADD COLUMN valid_until INTEGER;
      ALTER TABLE messages ADD COLUMN quiet_hours INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN marketing INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN relative_to TEXT NOT NULL DEFAULT '';
      ALTER TABLE messages ADD COLUMN relative_offset INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN claimed INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX messages_scheduled ON messages (scheduled_for) WHERE status = 7;
      CREATE INDEX messages_by_property ON messages (property_id, created_at);
      ALTER TABLE properties ADD COLUMN quiet_hours_start TEXT NOT NULL DEFAULT '21:00';
      ALTER TABLE properties ADD COLUMN quiet_hours_end TEXT NOT NULL DEFAULT '08:00';
      ALTER TABLE batches ADD COLUMN scheduled_for INTEGER;
      ALTER TABLE batches ADD COLUMN valid_until INTEGER;
      ALTER TABLE batches ADD COLUMN quiet_hours INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE batch_items ADD COLUMN send_at INTEGER;
      ALTER TABLE batch_items ADD COLUMN valid_until INTEGER;
      ALTER TABLE batch_items ADD COLUMN quiet_hours INTEGER NOT NULL DEFAULT 0;
      )sql",
    // 16: guest data over its life (README, "Guest data"): how long each
    // property keeps each kind of data; which messages still hold their
    // content (the pruning worker walks this index, oldest first); the
    // guests erased on request, by keyed hash; the times other tables
    // are pruned by.
    R"sql(
      CREATE TABLE retention_policies (
        property_id TEXT PRIMARY KEY,
        message_content_days INTEGER NOT NULL,
        media_days INTEGER NOT NULL,
        event_days INTEGER NOT NULL,
        raw_callback_days INTEGER NOT NULL,
        audit_days INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      ALTER TABLE messages ADD COLUMN content_removed_at INTEGER;
      CREATE INDEX messages_with_content ON messages (property_id, created_at)
        WHERE content_removed_at IS NULL;
      CREATE TABLE guest_erasures (
        property_id TEXT NOT NULL,
        guest_hash TEXT NOT NULL,
        erased_at INTEGER NOT NULL,
        opted_out INTEGER NOT NULL DEFAULT 0,
        marketing_opted_out INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (property_id, guest_hash)
      );
      CREATE INDEX media_by_age ON media (property_id, created_at);
      CREATE INDEX webhook_events_by_age ON webhook_events (property_id, occurred_at);
      CREATE INDEX audit_events_by_age ON audit_events (property_id, occurred_at);
      CREATE INDEX provider_notifications_by_age ON provider_notifications (received_at);
      )sql",
    // 17: the fingerprint of each property's erasure key, so that an
    // instance whose key differs from the one erasures were made with
    // (instances on one PostgreSQL database must share --erasure_key_dir)
    // finds out instead of hashing guests its own way.
    R"sql(
      CREATE TABLE erasure_key_fingerprints (
        property_id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL
      );
      )sql",
    // 18: which conversations still hold metadata or notes: the retention
    // worker clears them past message_content_days in each of its
    // transactions, and without this index each one scanned every old
    // conversation (20,000 in the 1M-message benchmark) while holding the
    // writer, which is what raised the sends' p99 under pruning
    // (BENCHMARKS.md, "Guest data"). The query's condition is written
    // exactly as this one, so that both engines use the index.
    R"sql(
      CREATE INDEX conversations_with_content ON conversations (property_id, updated_at)
        WHERE metadata != '{}' OR resolution_notes != '';
      )sql",
    // 19: routing and automatic replies (README, "Automation"): each
    // property's rules in order (definition is the AutomationRule message)
    // and departments (the Department message: hours, exceptions, after-hours
    // reply); when each rule last replied in each conversation (its
    // cooldown) and which closed period of a department each conversation
    // had its after-hours reply in; the inbound messages still to be
    // evaluated, written in the inbound's own transaction so that a crash
    // before the evaluation leaves the work behind, not lost.
    R"sql(
      CREATE TABLE automation_rules (
        rule_id TEXT PRIMARY KEY,
        property_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        definition BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX automation_rules_in_order ON automation_rules (property_id, position);
      CREATE TABLE automation_seeded (
        property_id TEXT PRIMARY KEY,
        seeded_at INTEGER NOT NULL
      );
      CREATE TABLE departments (
        property_id TEXT NOT NULL,
        department TEXT NOT NULL,
        definition BLOB NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (property_id, department)
      );
      CREATE TABLE automation_cooldowns (
        rule_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        fired_at INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        PRIMARY KEY (rule_id, conversation_id)
      );
      CREATE TABLE after_hours_replies (
        property_id TEXT NOT NULL,
        department TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        closed_since INTEGER NOT NULL,
        PRIMARY KEY (property_id, department, conversation_id)
      );
      CREATE TABLE automation_queue (
        message_id TEXT PRIMARY KEY,
        property_id TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX automation_queue_due ON automation_queue (due_at);
      )sql",
    // 20: on PostgreSQL a message's number comes from one sequence shared by
    // every conversation (MessageRepository::Insert): the counter
    // of 11, bumped under the conversation row's lock, held the lock through
    // the commit's WAL flush, so the sends of one conversation committed one
    // at a time. It starts past every number already given, so numbers stay
    // unique and increasing in each conversation. SQLite (one writer) keeps
    // the counter; on PostgreSQL last_seq stays as it was.
    R"sql(
      -- postgresql: CREATE SEQUENCE message_seq;
      -- postgresql: SELECT setval('message_seq', (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages), false);
      )sql",
    // 21: fewer index entries per send. The index on rate_limits.tat made
    // every take of a shared limit (two a send) a new index entry, and on
    // PostgreSQL a non-HOT update: the hot keys' dead versions piled up
    // between vacuums and each lookup walked them. Pruning now reads the
    // table whole (a key per sender and guest pair, kept an interval).
    // Half-empty pages leave PostgreSQL room for HOT updates in place.
    // messages_by_property (15) repeated messages_by_property_time (6).
    R"sql(
      DROP INDEX rate_limits_by_tat;
      DROP INDEX messages_by_property;
      -- postgresql: ALTER TABLE rate_limits SET (fillfactor = 50);
      )sql",
    // 22: on PostgreSQL no foreign key from a message to its conversation.
    // Its check took a KEY SHARE lock on the conversation's row for every
    // message, shared by the sends in flight (a MultiXact) beside the send
    // that moves the row's update time: the insert cost three times what it
    // does without. Conversations are never deleted (erasure and retention
    // empty them), and a message is inserted from its conversation's row
    // (MessageRepository::Insert), so none can point at nothing.
    R"sql(
      -- postgresql: ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_conversation_id_fkey;
      )sql",
};

}  // namespace

const std::vector<const char*>& Migrations() {
  static const auto* migrations =
      new std::vector<const char*>(std::begin(kMigrations), std::end(kMigrations));
  return *migrations;
}

}  // namespace wa::storage
