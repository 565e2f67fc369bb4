#pragma once

#include "protocol/staff.h"

namespace openopd::protocol {

// The hash that stands before the first audit record: 64 zeros.
QString auditGenesisHash();

// One entry of the append-only, hash-chained audit log (one per event).
//   seq           1, 2, 3, … without gaps
//   event_id      the event's id (UUID)          subject  the event's subject, up to 200
//   actor         StaffRef of the event          at       the event's occurred_at
//   patient_id    optional UUID of the event's patient
//   payload_hash  SHA-256 (hex) of the event message body exactly as received
//   prev_hash     the previous record's hash (auditGenesisHash() for seq 1)
//   hash          SHA-256 (hex) over the fields above, see computeHash()
struct AuditRecord
{
    qint64 seq = 1;
    QString eventId;
    QString subject;
    StaffRef actor;
    QDateTime at;
    QString patientId;
    QString payloadHash;
    QString prevHash;
    QString hash;

    bool operator==(const AuditRecord&) const = default;

    // Lower-case hex SHA-256 of the record's canonical bytes: for each field in the order
    // seq (decimal), event_id, subject, actor.id, actor.name, actor.role, at (as written on
    // the wire, UTC with milliseconds), patient_id ("" when absent), payload_hash, prev_hash,
    // the UTF-8 bytes are written as "<byte length>:<bytes>\n".
    QString computeHash() const;
    // hash == computeHash() and prev_hash == previousHash.
    bool linksTo(const QString& previousHash) const;

    QJsonObject toJson() const;
    static AuditRecord read(json::Reader& reader);
    static bus::Result<AuditRecord> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<AuditRecord>(object);
    }
};

// Lower-case hex SHA-256 of bytes (payload_hash of an event body).
QString sha256Hex(QByteArrayView bytes);

} // namespace openopd::protocol
