#include "audit/audit_chain.h"

#include "protocol/validation.h"

#include <QCoreApplication>

namespace openopd::audit {
namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(openopd::audit::ChainVerifier)
};

} // namespace

std::optional<protocol::AuditRecord> toAuditRecord(const StoredRecord& stored, QString* why)
{
    protocol::AuditRecord record = toAuditRecordLenient(stored);
    if (!protocol::enumFromWire<protocol::StaffRole>(stored.actorRole)) {
        *why = Text::tr("actor_role \"%1\" is not a staff role").arg(stored.actorRole);
        return std::nullopt;
    }
    if (!record.at.isValid() || protocol::formatTimestamp(record.at) != stored.at) {
        *why = Text::tr("at \"%1\" is not a UTC timestamp with milliseconds").arg(stored.at);
        return std::nullopt;
    }
    return record;
}

protocol::AuditRecord toAuditRecordLenient(const StoredRecord& stored)
{
    protocol::AuditRecord record;
    record.seq = stored.seq;
    record.eventId = stored.eventId;
    record.subject = stored.subject;
    record.actor.id = stored.actorId;
    record.actor.name = stored.actorName;
    record.actor.role = protocol::enumFromWire<protocol::StaffRole>(stored.actorRole)
                            .value_or(protocol::StaffRole::System);
    record.at = protocol::parseTimestamp(stored.at);
    record.patientId = stored.patientId;
    record.payloadHash = stored.payloadHash;
    record.prevHash = stored.prevHash;
    record.hash = stored.hash;
    return record;
}

protocol::AuditRecord nextRecord(qint64 headSeq, const QString& headHash, const QString& subject,
                                 const protocol::AnyEvent& event, const QByteArray& body)
{
    protocol::AuditRecord record;
    record.seq = headSeq + 1;
    record.eventId = event.id;
    record.subject = subject;
    record.actor = event.actor;
    record.at = event.occurredAt;
    record.patientId = event.patientId;
    record.payloadHash = protocol::sha256Hex(body);
    record.prevHash = headHash;
    record.hash = record.computeHash();
    return record;
}

ChainVerifier::ChainVerifier(qint64 firstSeq, QString previousHash)
    : m_expectedSeq(firstSeq), m_previousHash(std::move(previousHash))
{}

std::optional<ChainVerifier::Break> ChainVerifier::check(const StoredRecord& stored)
{
    if (m_break)
        return m_break;
    ++m_checked;
    const qint64 seq = m_expectedSeq;
    auto broken = [&](qint64 at, QString reason) {
        m_break = Break{at, std::move(reason)};
        return m_break;
    };
    if (stored.seq != seq)
        return broken(seq, Text::tr("gap: record %1 is missing (the log goes from %2 to %3)")
                               .arg(seq)
                               .arg(seq - 1)
                               .arg(stored.seq));
    QString why;
    const auto record = toAuditRecord(stored, &why);
    if (!record)
        return broken(seq, Text::tr("malformed: record %1: %2").arg(seq).arg(why));
    const QString computed = record->computeHash();
    if (computed != stored.hash)
        return broken(seq, Text::tr("hash mismatch: record %1 was changed after it was written "
                                    "(stored hash %2, its contents hash to %3)")
                               .arg(seq)
                               .arg(stored.hash, computed));
    if (stored.prevHash != m_previousHash)
        return broken(seq, Text::tr("previous-hash mismatch: record %1 links to %2 but record "
                                    "%3 has hash %4")
                               .arg(seq)
                               .arg(stored.prevHash)
                               .arg(seq - 1)
                               .arg(m_previousHash));
    if (protocol::sha256Hex(stored.body) != stored.payloadHash)
        return broken(seq, Text::tr("payload-hash mismatch: the stored event of record %1 "
                                    "does not hash to its payload_hash")
                               .arg(seq));
    m_previousHash = stored.hash;
    ++m_expectedSeq;
    return std::nullopt;
}

} // namespace openopd::audit
