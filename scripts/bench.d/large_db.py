#!/usr/bin/python3
"""Fills a freshly migrated wa.db with a large, realistic history for the
benchmark's large-database run, in one transaction.

The schema is wa-server's own (server/storage/migrations.cc): the caller
creates the database with the server's binary first (`wa-server tokens
create` migrates it), and this script only inserts rows, naming every column
it writes, so a schema change that it does not match fails loudly here.

Shape: GUESTS guests, each with CONVERSATIONS/GUESTS conversations (the older
ones resolved, the newest active), each conversation MESSAGES/CONVERSATIONS
messages alternating inbound (received) and outbound (sent, delivered, read,
a few failed), one minute apart, over the past year. Ids have the server's
formats: "msg_"/"conv_" + 24 hex digits, Meta's "wamid." prefix; times are
unix microseconds; enums are the proto numbers. Deterministic (seeded).

Writes sample ids to --samples (JSON) for the read load.
"""

import argparse
import json
import random
import sqlite3
import sys
import time

# Proto enum numbers (proto/hotel/whatsapp/v1/common.proto).
INBOUND, OUTBOUND = 1, 2
TEXT = 1
SENT, DELIVERED, READ, FAILED, RECEIVED = 2, 3, 4, 5, 6
ACTIVE, RESOLVED = 1, 2

GUEST_TEXTS = [
    "Hi, what time is breakfast served?",
    "Could I get a late checkout tomorrow?",
    "The air conditioning in my room is not working.",
    "Is there parking available at the hotel?",
    "Thanks, that's perfect!",
    "Can you book a table for two at 8pm?",
]
STAFF_TEXTS = [
    "Good morning! Breakfast is served from 6:30 to 10:30 in the Garden Restaurant.",
    "Of course, we have extended your checkout to 1pm.",
    "We're sorry about that, a technician is on the way to your room.",
    "Yes, valet parking is available for $25 per night.",
    "You're welcome! Let us know if there's anything else.",
    "Your table for two is booked for 8pm at the rooftop bar.",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--guests", type=int, default=10_000)
    parser.add_argument("--samples", required=True, help="JSON file of ids to read")
    parser.add_argument("--sample-count", type=int, default=2000)
    args = parser.parse_args()
    if args.conversations % args.guests or args.messages % args.conversations:
        sys.exit("large_db: conversations must divide by guests, messages by conversations")
    per_guest = args.conversations // args.guests
    per_conversation = args.messages // args.conversations

    rng = random.Random(20240115)
    hex24 = lambda: "%024x" % rng.getrandbits(96)  # noqa: E731
    now_us = int(time.time() * 1e6)
    year_us = 365 * 24 * 3600 * 10**6
    minute_us = 60 * 10**6

    started = time.monotonic()
    db = sqlite3.connect(args.db, isolation_level=None)
    user_version = db.execute("PRAGMA user_version").fetchone()[0]
    if user_version < 2:
        sys.exit("large_db: %s is not migrated (user_version %d)" % (args.db, user_version))
    # A bulk load into a database nobody else has open: no journal, no sync.
    # The server turns WAL back on when it opens the file.
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    db.execute("BEGIN")

    samples = {"conversation_ids": [], "message_ids": [], "guest_phones": []}
    sample_every = max(1, args.conversations // args.sample_count)
    conversation_rows, message_rows, guest_rows = [], [], []
    conversation_index = 0
    for g in range(args.guests):
        phone = "+447700%06d" % g
        # The guest's conversations follow each other within the year.
        start = now_us - year_us + rng.randrange(year_us // 2)
        last_inbound = None
        for c in range(per_guest):
            conversation_id = "conv_" + hex24()
            active = c == per_guest - 1
            t = start + c * (year_us // (2 * per_guest))
            created = t
            staff = "staff_%d" % rng.randrange(1, 21)
            sampled = conversation_index % sample_every == 0
            pick = rng.randrange(per_conversation)
            for k in range(per_conversation):
                t += minute_us + rng.randrange(minute_us)
                message_id = "msg_" + hex24()
                if k % 2 == 0:
                    text = GUEST_TEXTS[rng.randrange(len(GUEST_TEXTS))]
                    message_rows.append((
                        message_id, "default", conversation_id, k + 1, INBOUND, TEXT, text, "",
                        phone, RECEIVED, "", "wamid.HBgL" + hex24(), "", t, None, None, None,
                        None, 0, "", 0))
                    last_inbound = t
                else:
                    text = STAFF_TEXTS[rng.randrange(len(STAFF_TEXTS))]
                    payload = json.dumps({"text": {"text": text}}, separators=(",", ":"))
                    roll = rng.random()
                    if roll < 0.02:
                        message_rows.append((
                            message_id, "default", conversation_id, k + 1, OUTBOUND, TEXT, text,
                            payload, phone, FAILED, staff, "wamid.SANDBOX" + hex24(), "", t,
                            t + 10**6, None, None, t + 2 * 10**6, 131026,
                            "Message undeliverable", 1))
                    else:
                        status = READ if roll < 0.8 else DELIVERED
                        read_at = t + 30 * 10**6 if status == READ else None
                        message_rows.append((
                            message_id, "default", conversation_id, k + 1, OUTBOUND, TEXT, text,
                            payload, phone, status, staff, "wamid.SANDBOX" + hex24(), "", t,
                            t + 10**6, t + 2 * 10**6, read_at, None, 0, "", 1))
                if sampled and k == pick:
                    samples["message_ids"].append(message_id)
            resolved_at = None if active else t + 3600 * 10**6
            conversation_rows.append((
                conversation_id, "default", phone, ACTIVE if active else RESOLVED, "{}", created,
                t if active else resolved_at, resolved_at, "" if active else staff,
                "" if active else "Guest checked out", 0 if active else rng.randrange(3, 6)))
            if sampled:
                samples["conversation_ids"].append(conversation_id)
                samples["guest_phones"].append(phone)
            conversation_index += 1
        guest_rows.append(("default", phone, "Guest %d" % g, last_inbound))
        if len(message_rows) >= 100_000:
            flush(db, conversation_rows, message_rows, guest_rows)
    flush(db, conversation_rows, message_rows, guest_rows)
    # Each conversation's counter of message numbers (the next send's seq).
    db.execute(
        "UPDATE conversations SET last_seq = (SELECT COALESCE(MAX(m.seq), 0) FROM messages m "
        "WHERE m.conversation_id = conversations.conversation_id)")
    db.execute("COMMIT")
    db.execute("PRAGMA journal_mode=WAL")
    db.close()
    for key in samples:
        rng.shuffle(samples[key])
    with open(args.samples, "w") as f:
        json.dump(samples, f)
    print("%.1f" % (time.monotonic() - started))


def flush(db, conversation_rows, message_rows, guest_rows):
    # Conversations first: messages reference them.
    db.executemany(
        "INSERT INTO conversations (conversation_id, property_id, guest_phone, status, metadata, "
        "created_at, updated_at, resolved_at, resolved_by, resolution_notes, satisfaction_rating) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)", conversation_rows)
    db.executemany(
        "INSERT INTO messages (message_id, property_id, conversation_id, seq, direction, "
        "message_type, body, payload, guest_phone, status, staff_member_id, whatsapp_message_id, "
        "reply_to_message_id, created_at, sent_at, delivered_at, read_at, failed_at, "
        "failure_code, failure_reason, attempts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        message_rows)
    db.executemany(
        "INSERT INTO guests (property_id, guest_phone, profile_name, last_inbound_at) "
        "VALUES (?,?,?,?)", guest_rows)
    conversation_rows.clear()
    message_rows.clear()
    guest_rows.clear()


if __name__ == "__main__":
    main()
