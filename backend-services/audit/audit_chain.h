#pragma once

// The hash chain of the audit log: building the next record, and checking stored records
// one after the other (pure logic; the store reads the rows).

#include "protocol/audit.h"
#include "protocol/event_envelope.h"

#include <optional>

namespace openopd::audit {

// One audit_log row exactly as stored (texts not yet interpreted), so that a row edited
// behind the service's back can still be checked and reported.
struct StoredRecord
{
    qint64 seq = 0;
    QString eventId;
    QString subject;
    QString actorId;
    QString actorName;
    QString actorRole;
    QString at;
    QString patientId; // "" when NULL
    QString payloadHash;
    QString prevHash;
    QString hash;
    QByteArray body;
};

// The record as the protocol type, or nullopt with *why when a field is not in its canonical
// form (an unknown role, a time not written as UTC with milliseconds).
std::optional<protocol::AuditRecord> toAuditRecord(const StoredRecord& stored, QString* why);
// For replies: the best reading of a row (an unknown role reads as "system").
protocol::AuditRecord toAuditRecordLenient(const StoredRecord& stored);

// The record that follows (headSeq, headHash) for an event received on subject with body.
protocol::AuditRecord nextRecord(qint64 headSeq, const QString& headHash, const QString& subject,
                                 const protocol::AnyEvent& event, const QByteArray& body);

// Walks records in seq order from a starting point; reports the first broken link.
class ChainVerifier
{
public:
    struct Break
    {
        qint64 seq = 0;
        QString reason; // starts with "gap", "hash mismatch", "previous-hash mismatch",
                        // "payload-hash mismatch" or "malformed"
    };

    // firstSeq: the first record expected; previousHash: the hash of record firstSeq - 1
    // (the genesis hash when firstSeq is 1).
    ChainVerifier(qint64 firstSeq, QString previousHash);

    // Checks the next stored record; the first break is kept and returned again afterwards.
    std::optional<Break> check(const StoredRecord& record);
    qint64 checked() const { return m_checked; }
    qint64 expectedSeq() const { return m_expectedSeq; }

private:
    qint64 m_expectedSeq;
    QString m_previousHash;
    qint64 m_checked = 0;
    std::optional<Break> m_break;
};

} // namespace openopd::audit
