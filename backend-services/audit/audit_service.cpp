#include "audit/audit_service.h"

#include "audit/audit_consumer.h"
#include "audit/audit_schema.h"
#include "audit/audit_store.h"
#include "host/incident.h"
#include "protocol/catalog.h"
#include "protocol/endpoints.h"
#include "protocol/errors.h"

#include <QJsonDocument>

namespace openopd::audit {

namespace errors = protocol::errors;

namespace {

// Replies stay below the 1 MiB NATS payload: stop adding records well before.
constexpr qsizetype kReplyBudgetBytes = 900 * 1024;
// Records read per statement while verifying (bounded memory for any log size).
constexpr int kVerifyPage = 500;

} // namespace

void AuditService::addMigrations(host::Migrations& migrations)
{
    audit::addMigrations(migrations);
}

bool AuditService::start()
{
    auto& micro = m_host.micro();
    const bool ok = micro.addEndpoint(protocol::serviceEndpointName(protocol::kAuditQuery.subject),
                                      protocol::kAuditQuery,
                                      [this](const protocol::AuditQueryRequest& request,
                                             bus::Replier<protocol::AuditQueryReply> replier) {
                                          query(request, std::move(replier));
                                      }) &&
                    micro.addEndpoint(protocol::serviceEndpointName(protocol::kAuditVerify.subject),
                                      protocol::kAuditVerify,
                                      [this](const protocol::AuditVerifyRequest& request,
                                             bus::Replier<protocol::AuditVerifyReply> replier) {
                                          verify(request, std::move(replier));
                                      });
    if (!ok)
        return false;
    host::EventConsumerOptions options;
    options.durable = QByteArray(kLogConsumer);
    options.filterSubject = QByteArray(kLogFilter);
    // Nobody waits on the log at the event's pace: commit a window's events at once.
    options.batchWindow = std::chrono::milliseconds(10);
    m_host.addConsumer(options, &appendEvent);
    return true;
}

void AuditService::query(const protocol::AuditQueryRequest& request,
                         bus::Replier<protocol::AuditQueryReply> replier)
{
    QList<StoredRecord> rows;
    protocol::AuditQueryReply reply;
    QString error;
    if (!store::query(m_host.database(), request, &rows, &reply.hasMore, &error))
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    qsizetype bytes = 0;
    for (const StoredRecord& row : std::as_const(rows)) {
        protocol::AuditRecord record = toAuditRecordLenient(row);
        bytes += QJsonDocument(record.toJson()).toJson(QJsonDocument::Compact).size() + 1;
        if (bytes > kReplyBudgetBytes) {
            reply.hasMore = true;
            break;
        }
        reply.records.append(std::move(record));
    }
    replier.reply(reply);
}

void AuditService::verify(const protocol::AuditVerifyRequest& request,
                          bus::Replier<protocol::AuditVerifyReply> replier)
{
    host::Database& db = m_host.database();
    protocol::AuditVerifyReply reply;
    QString error;
    if (!store::head(db, &reply.headSeq, &reply.headHash, &error))
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    const qint64 fromSeq = request.fromSeq.value_or(1);
    const qint64 toSeq = qMin(request.toSeq.value_or(reply.headSeq), reply.headSeq);

    QString previousHash = protocol::auditGenesisHash();
    if (fromSeq > 1 && fromSeq <= toSeq) {
        bool found = false;
        if (!store::hashOf(db, fromSeq - 1, &previousHash, &found, &error))
            return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
        if (!found) {
            reply.intact = false;
            reply.firstBrokenSeq = fromSeq - 1;
            reply.reason = tr("gap: record %1, which record %2 links to, is missing")
                               .arg(fromSeq - 1)
                               .arg(fromSeq);
        }
    }
    ChainVerifier verifier(fromSeq, previousHash);
    for (qint64 next = fromSeq; reply.intact && next <= toSeq;) {
        QList<StoredRecord> page;
        if (!store::loadRange(db, next, toSeq, kVerifyPage, &page, &error))
            return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
        if (page.isEmpty()) // records up to toSeq are missing; toSeq <= head, so a gap
            page.append(StoredRecord{toSeq + 1, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}});
        for (const StoredRecord& record : std::as_const(page)) {
            if (const auto broken = verifier.check(record)) {
                reply.intact = false;
                reply.firstBrokenSeq = broken->seq;
                reply.reason = broken->reason.left(1000);
                break;
            }
        }
        next = page.constLast().seq + 1;
    }
    reply.checked = verifier.checked();
    reply.verifiedAt = protocol::nowUtc();
    if (!reply.intact)
        qWarning().noquote() << "audit: the log is broken at record" << *reply.firstBrokenSeq << ":"
                             << reply.reason;
    replier.reply(reply);
}

} // namespace openopd::audit
